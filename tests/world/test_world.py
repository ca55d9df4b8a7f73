"""The world model: regions, grids, operators, fleets, cities and sites."""

import json

import numpy as np
import pytest

import satsov
from satsov.errors import InputError, UnknownNameError
from satsov.world.constellations import as_filed, as_flying, filed_constellations
from satsov.world.grids import grid
from satsov.world.operators import operator_registry
from satsov.world.regions import group_members, region, region_from_geojson
from satsov.world.sites import city, load_sites

# Total areas (land and inland water) from the CIA World Factbook, 2024 edition.
PUBLISHED_AREA_KM2 = {"CA": 9_984_670, "RU": 17_098_242, "BR": 8_515_770, "AU": 7_741_220, "KZ": 2_724_900,
                      "AR": 2_780_400, "DE": 357_022, "MX": 1_964_375, "CD": 2_344_858}


@pytest.mark.parametrize("code", sorted(PUBLISHED_AREA_KM2))
def test_country_areas_match_published_within_one_percent(code):
    assert abs(region(code).area_km2 / PUBLISHED_AREA_KM2[code] - 1) < 0.01


def test_codes_names_and_numeric_resolve_to_the_same_country():
    assert region("CA").codes == region("CAN").codes == region("124").codes == region("canada").codes == ("CA",)


@pytest.mark.parametrize("query,spacing", [("CA", 50), ("EU27", 50), ("RU", 75), ("Fiji", 10), ("NZ", 25)])
def test_grid_cell_areas_add_up_to_the_region(query, spacing):
    g = grid(query, spacing)
    assert abs(g.area_km2.sum() / region(query).area_km2 - 1) < 0.02
    assert (g.area_km2 > 0).all() and np.std(g.area_km2) / np.mean(g.area_km2) < 0.1  # equal-area


def test_antimeridian_russia_fiji_and_alaska():
    for q in ("RU", "FJ", "US"):
        g = grid(q, 50 if q != "FJ" else 10)
        assert (g.lon_deg > 170).any() and (g.lon_deg < -170).any(), q
    assert region("RU").contains(66.0, -172.0)  # Chukotka east of 180°
    assert not region("RU").contains(66.0, 0.0)


def test_poles_antarctica_and_the_canadian_arctic():
    aq = grid("AQ", 50)
    assert aq.lat_deg.min() < -89 and abs(aq.area_km2.sum() / region("AQ").area_km2 - 1) < 0.02
    assert region("AQ").contains(-89.9, 0.0)
    ca = grid("CA", 25)
    assert ca.lat_deg.max() > 82  # Ellesmere Island


def test_group_membership_follows_treaty_dates():
    assert "SE" not in group_members("NATO", "2024-03-06") and "SE" in group_members("NATO", "2024-03-07")
    assert "FI" in group_members("NATO", "2023-04-04")
    assert "GB" in group_members("EU", "2020-01-31") and "GB" not in group_members("EU", "2020-02-01")
    assert len(group_members("EU27")) == 27 and len(group_members("NATO", "2026-01-01")) == 32
    assert set(group_members("EEA", "2026-01-01")) == set(group_members("EU27")) | {"IS", "NO", "LI"}
    assert set(group_members("FIVE_EYES")) == {"US", "GB", "CA", "AU", "NZ"}


def test_unions_and_differences():
    both = region("CA+EU27")
    assert len(both.codes) == 28
    assert abs(both.area_km2 - region("CA").area_km2 - region("EU27").area_km2) / both.area_km2 < 1e-6
    europe_nato = region("NATO-US")
    assert "US" not in europe_nato.codes


def test_unknown_region_suggests_close_matches():
    with pytest.raises(UnknownNameError, match="did you mean 'Germany'"):
        region("Germny")


def test_user_geojson_region(tmp_path):
    p = tmp_path / "donbas.geojson"
    p.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[36.5, 47.0], [40.2, 47.0], [40.2, 49.7], [36.5, 49.7], [36.5, 47.0]]]}}))
    r = region_from_geojson(p)
    assert "UA" in r.codes and 50_000 < r.area_km2 < 100_000
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "Point", "coordinates": [0, 0]}))
    with pytest.raises(InputError, match="found .Point., expected a GeoJSON Polygon"):
        region_from_geojson(bad)


def test_population_weights_follow_country_totals():
    g = grid("FR+DE", 25)
    by = {c: g.population[g.country == c].sum() for c in ("FR", "DE")}
    table = satsov.world.regions.countries()
    assert abs(by["DE"] / table["DE"].population - 1) < 0.02
    # Paris holds far more people than a rural cell
    paris = np.argmin((g.lat_deg - 48.86) ** 2 + (g.lon_deg - 2.35) ** 2)
    assert g.population[paris] > 20 * np.median(g.population)


def test_operator_assignment_on_the_real_snapshot(active_path):
    fleet = satsov.load_fleet(active_path)
    split = operator_registry().split(fleet)
    # REFERENCE.md counts for the snapshot
    assert len(split["starlink"]) == 10318 and len(split["oneweb"]) == 651 and len(split["kuiper"]) == 299
    assert len(split["guowang"]) == 173 and len(split["qianfan"]) == 126


def test_every_operator_fact_has_a_source_and_a_jurisdiction():
    for op in operator_registry():
        assert op.source and op.date and op.jurisdiction, op.key


def test_user_operator_file_adds_and_overrides(tmp_path, sample_fleet):
    p = tmp_path / "ops.yaml"
    p.write_text("""
starlink:
  name: Starshield (test override)
  jurisdiction: US
  patterns: ["STARLINK-3"]
  source: test
myops:
  name: My Operator
  jurisdiction: CA
  patterns: ["STARLINK"]
  source: test file
""")
    reg = operator_registry(p)
    keys = reg.assign(sample_fleet)
    assert reg["starlink"].name.startswith("Starshield")
    assert {"starlink", "myops"} <= set(keys)
    bad = tmp_path / "bad.yaml"
    bad.write_text("x:\n  name: X\n  jurisdiction: ZZ\n  source: s\n")
    with pytest.raises(UnknownNameError, match="ZZ"):
        operator_registry(bad)
    nosource = tmp_path / "nosource.yaml"
    nosource.write_text("x:\n  name: X\n  jurisdiction: FR\n")
    with pytest.raises(InputError, match="'source' is missing"):
        operator_registry(nosource)


def test_builtin_fleets_flying_and_filed():
    flying = as_flying(["starlink", "oneweb"])
    assert len(flying["starlink"]) == 10318
    with pytest.raises(UnknownNameError, match="did you mean 'oneweb'"):
        as_flying(["onweb"])
    filed = filed_constellations()
    assert filed["starlink-gen1"].size == 4408 and filed["kuiper"].size == 3236
    assert filed["telesat-lightspeed"].size == 1671 and filed["iris2"].size == 290
    assert filed["iris2"].confidence == "L"
    for c in filed.values():
        for s in c.shells:
            assert s.source, (c.key, s.name)
    fleet = as_filed("oneweb", "2026-05-07T00:00:00Z")
    assert set(operator_registry().assign(fleet)) == {"oneweb"}


def test_cities_and_sites(tmp_path):
    assert city("Paris").country == "FR" and city("Paris", "US").country == "US"
    with pytest.raises(UnknownNameError, match="did you mean 'Ottawa'"):
        city("Otawa")
    p = tmp_path / "gw.csv"
    p.write_text("name,kind,operator,country,lat_deg,lon_deg,source\n"
                 "Gw1,gateway,starlink,CA,45.0,-75.0,FCC earth station licence E190000\n"
                 "Gw2,gateway,starlink,CA,95.0,-75.0,x\n")
    with pytest.raises(InputError, match=r"gw.csv:3: field 'lat_deg': found '95.0'"):
        load_sites(p)


def test_cli_world_commands(capsys):
    from satsov.cli import main

    def run(args):
        try:
            main(args)
        except SystemExit as exc:
            assert exc.code == 0, capsys.readouterr().err
        return json.loads(capsys.readouterr().out)

    ops = run(["operators", "--json"])
    assert ops["unassigned"] == 0 and {o["key"]: o["satellites"] for o in ops["operators"]}["starlink"] == 10318
    nato = run(["regions", "NATO", "--as-of", "2024-06-01", "--json"])
    assert len(nato["codes"]) == 32
    g = run(["grid", "Luxembourg", "--spacing-km", "5", "--json"])
    assert g["cells"] > 50 and abs(g["area_km2"] / g["region_area_km2"] - 1) < 0.05 and g["population"] > 5e5


@pytest.mark.parametrize("coords,message", [
    ([[[10, 50], [11, 50], [11, 200], [10, 50]]], r"position 3: found \[11, 200\], expected \[lon, lat\]"),
    ([[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]], r"not valid \(Self-intersection\[1 1\]\)"),
    ([[[0, 0], [2, 0], [2, 2], [0, 2]]], "the ring is not closed"),
    ([[[0, 0], [1, 0], [0, 0]]], "at least 4"),
    ([[["a", 0], [1, 0], [1, 1], ["a", 0]]], r"expected \[\[lon, lat\], ...\] numbers"),
])
def test_bad_geojson_is_refused_naming_the_feature_and_the_problem(tmp_path, coords, message):
    p = tmp_path / "bad.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": coords}}]}))
    with pytest.raises(InputError, match=f"feature 2.*{message}"):
        region_from_geojson(p)


def test_a_geojson_box_across_the_antimeridian_is_the_small_box(tmp_path):
    # 170°E to 170°W, 60-70°N: 20° of longitude, about 1.05 M km² (not the 340° box the other way round)
    p = tmp_path / "bering.geojson"
    p.write_text(json.dumps({"type": "Polygon", "coordinates": [[[170, 60], [-170, 60], [-170, 70], [170, 70],
                                                                   [170, 60]]]}))
    r = region_from_geojson(p)
    g = grid(r, 100)
    assert 1.0e6 < r.area_km2 < 1.1e6
    assert abs(g.area_km2.sum() - r.area_km2) / r.area_km2 < 0.06
    assert ((g.lon_deg >= 170) | (g.lon_deg <= -170)).all()


def test_a_member_smaller_than_a_cell_keeps_one_cell_and_says_so():
    g = grid("EU27", 50)
    assert (g.country == "MT").sum() == 1 and g.population[g.country == "MT"].sum() > 300_000
    assert any("Malta (MT) has no cell centre at 50 km" in n for n in g.notes)
    alone = grid("MT", 50)
    assert len(alone) == 1 and alone.notes
