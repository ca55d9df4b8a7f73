"""People where they live: GeoNames places of 500 or more, each country's and territory's total conserved,
overseas territories counted as themselves. Expected figures and their sources are beside each check."""

from __future__ import annotations

import numpy as np
import pytest

import satsov
from satsov.world.grids import places_table, population_units
from satsov.world.regions import countries


def test_french_guiana_is_counted_as_itself_not_as_france():
    # before: France's rural remainder spread by area put 4.8 M people in French Guiana. Now its cells hold
    # French Guiana's own total, INSEE's 2021 census: 286,618 on 2021-01-01 (insee.fr/fr/statistiques/1405599,
    # published 2024-06-27; GeoNames' 195,506 is from an older census), and France keeps the rest.
    g = satsov.grid("FR", 50)
    unit = population_units(g.lat_deg, g.lon_deg, g.country)
    gf = unit == "GF"
    assert gf.sum() > 10 and (g.lon_deg[gf] < -50).all()
    assert g.population[gf].sum() == pytest.approx(286_618, rel=0.02)
    assert g.population[gf].sum() == pytest.approx(0.29e6, rel=0.2)  # the "about 0.29 M"
    assert "INSEE" in countries()["GF"].population_source
    assert countries()["DE"].population_source.startswith("GeoNames")
    assert g.population.sum() == pytest.approx(countries()["FR"].population, rel=0.005)


def test_alaska_and_hawaii_hold_their_census_figures():
    # US Census Bureau, 2020 Census (apportionment results, 2021-04-26): Alaska 733,391, Hawaii 1,455,271
    # (before: 17.3 M in Alaska with the US remainder spread by area; then 0.80 M and 2.88 M with it following
    # the places, since GeoNames lists Hawaii's places at 2.46 M). Each state's total is conserved now.
    g = satsov.grid("US", 50)
    alaska = (g.lat_deg > 51) & (g.lon_deg < -129)
    hawaii = (g.lat_deg < 23) & (g.lon_deg < -154)
    assert g.population[alaska].sum() == pytest.approx(733_391, rel=1e-6)
    assert g.population[hawaii].sum() == pytest.approx(1_455_271, rel=1e-6)
    assert g.population.sum() == pytest.approx(331_449_281, rel=1e-9)
    assert "2020 Census" in g.source and "GeoNames" in g.source


@pytest.mark.parametrize("spacing_km", [25, 50, 100])
def test_canada_north_of_60(spacing_km):
    # Statistics Canada, 2021 census: Yukon 40,232 + Northwest Territories 41,070 + Nunavut 36,858 = 118,160,
    # plus Nunavik's villages north of 60° in Quebec: the "about 0.13 M" (before: 47 k, then 0.10 M
    # when the territories' people were only GeoNames' places, trimmed with the rest of Canada's). Cells whose
    # centres lie just south of 60° hold some of the territories' people at the coarser spacings.
    g = satsov.grid("CA", spacing_km)
    north = g.population[g.lat_deg > 60].sum()
    assert north == pytest.approx(0.13e6, rel=0.2)
    assert north == pytest.approx(118_160, rel=0.1)


def test_divisions_carry_their_census_figures_and_sum_to_their_country():
    from satsov.world.grids import admin1_totals
    table, divisions = countries(), admin1_totals()
    assert set(divisions) == {"CA", "US"}
    assert sum(divisions["CA"].values()) == table["CA"].population == 36_991_981  # StatCan 2021 census total
    assert sum(divisions["US"].values()) == table["US"].population == 331_449_281  # 2020 census, 50 states + DC
    assert len(divisions["US"]) == 51 and len(divisions["CA"]) == 13
    import csv

    from satsov.data import data_path
    with open(data_path("world", "admin1.csv"), newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            assert row["source"].strip() and row["date"].strip() and row["name"].strip(), i
    places = places_table()
    ca = places[places["country"] == "CA"]
    assert set(ca["admin1"]) <= set(divisions["CA"])  # every place names a division the table lists


@pytest.mark.parametrize("name,spacing_km", [("BE", 5), ("LU", 5), ("FR", 25), ("FR", 50), ("FR", 100),
                                             ("CA", 25), ("CA", 100), ("EU27", 25), ("EU27", 50),
                                             ("EU27", 100)])
def test_totals_are_conserved_at_any_spacing(name, spacing_km):
    g = satsov.grid(name, spacing_km)
    table = countries()
    members = sorted(set(g.country))
    expected = sum(table[c].population for c in members)
    assert g.population.sum() == pytest.approx(expected, rel=0.005)
    for c in members:  # each member state too, Malta included at 50 km (one cell stands for it)
        assert g.population[g.country == c].sum() == pytest.approx(table[c].population, rel=0.005), c


def test_people_follow_settlement_not_area():
    g = satsov.grid("CA", 50)
    assert 0.6 < (g.population < 1).mean() < 0.97  # most of Canada is empty, and the grid says so
    assert g.population.max() > 2e6  # Toronto
    places = places_table()
    assert len(places) > 200_000 and (places["population"] > 0).all()


# ----------------------------------------------------------------------------------------------- bands
def test_latitude_bands_are_regions_with_their_exact_area():
    from satsov.errors import InputError
    from satsov.world.regions import band_area_km2, region
    # the WGS-84 ellipsoid's surface: 510,065,622 km² (closed form for an oblate spheroid)
    assert region("LAT:-90..90").area_km2 == pytest.approx(510_065_622, rel=1e-6)
    band = region("LAT:-65..65")
    assert band.area_km2 == pytest.approx(float(band_area_km2(-65, 65)))
    g = satsov.grid("LAT:-65..65", 300)
    assert g.area_km2.sum() == pytest.approx(band.area_km2, rel=0.01)  # land and sea
    assert (g.country == "").mean() > 0.6 and np.abs(g.lat_deg).max() <= 65  # mostly sea, none beyond 65°
    assert g.population.sum() == pytest.approx(satsov.grid("WORLD", 300).population.sum(), rel=0.01)
    north = satsov.grid("LAT:60..90", 200)
    assert 0 < north.population.sum() < 0.05e9 and "FI" in set(north.country)
    with pytest.raises(InputError, match="LAT:A..B"):
        region("LAT:north")
    with pytest.raises(InputError, match="expected -90 <= A < B <= 90"):
        region("LAT:10..5")
    assert len(satsov.grid("CA+LAT:75..90", 300)) > 0
