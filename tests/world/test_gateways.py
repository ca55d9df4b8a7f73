"""The published gateways and points of presence (data/world/gateways.csv): every row sourced and dated, in
the country it names, of an operator satsov knows; and how the reader treats bad rows."""

import csv

import numpy as np
import pytest

from satsov.data import data_path
from satsov.errors import InputError
from satsov.world.operators import operator_registry
from satsov.world.regions import countries, country
from satsov.world.sites import load_sites, published_sites

ROWS = list(csv.DictReader(data_path("world", "gateways.csv").read_text(encoding="utf-8").splitlines()))


def test_every_row_has_a_source_a_date_and_its_evidence():
    assert len(ROWS) > 400
    for i, row in enumerate(ROWS, start=2):
        for field in ("name", "kind", "operator", "country", "status", "source", "date", "evidence"):
            assert row[field].strip(), f"gateways.csv:{i}: {field} is empty"
        assert row["kind"] in ("gateway", "pop"), i
        assert row["status"] in ("operational", "planned"), i
        assert row["evidence"].split(";")[0] in ("filing", "filing-index", "news", "two-lists", "one-list",
                                                 "operator"), i
        # a row cites its regulator as "(to check)" unless its primary source (or a report of it, or the
        # regulator's index of it) was read
        assert (row["evidence"].split(";")[0] in ("filing", "filing-index", "news", "operator")) != (
            "(to check)" in row["source"]), (i, row["source"])
        # nothing cited is empty: a PoP without a reverse DNS name cites its facility, a name has no empty "()"
        assert "()" not in row["name"] and not row["source"].startswith("Starlink reverse DNS ;"), (i, row)
        assert not row["source"].rstrip().endswith("reverse DNS"), (i, row)
    assert len({(r["operator"], r["kind"], r["name"]) for r in ROWS}) == len(ROWS), "duplicate rows"
    # place names as spelled, where the community list misspells them (builders/gateways.py, NAME_FIX)
    names = {r["name"] for r in ROWS}
    assert "Starlink GW Seattle, WA" in names and "Starlink GW Hoofddorp, NL" in names
    assert not any(bad in n for n in names for bad in ("Seatle", "Fralklin", "Hoofddorf", "Westbury NY"))


def test_a_site_whose_filing_was_read_cites_it():
    # fcc.report, SES-AMD-20210409-00640: "a new Ka-band gateway earth station located in Kalama, WA", granted
    # 2021-12-10 (read 2026-11-24)
    kalama = next(r for r in ROWS if r["name"] == "Starlink GW Kalama, WA")
    assert "SES-AMD-20210409-00640" in kalama["source"] and kalama["evidence"].startswith("filing")


def test_a_site_cited_from_the_fcc_index_names_its_station_application_and_sta():
    """List E (builders/sources/fcc_icfs_spacex_sta_2026.csv): SpaceX Services' gateway STA requests in the FCC's
    ICFS, 2026-07-30..09-05, with each station's call sign, application and Schedule B position."""
    import re
    indexed = [r for r in ROWS if r["evidence"].startswith("filing-index")]
    assert len(indexed) >= 70
    for r in indexed:
        assert r["operator"] == "starlink" and r["country"] in ("US", "GU"), r
        assert re.search(r"earth station E\d{6} of application SES-(LIC|AMD|MOD)-20\d{6}-\d{5}", r["source"]), r
        assert re.search(r"SES-STA-2026\d{4}-\d{5}", r["source"]), r
        assert r["evidence"].endswith("E") and re.fullmatch(r"2026-0[789]-\d\d", r["date"]), r
        # a renewal follows an STA granted: the station operates
        if "renewal of an STA granted" in r["source"]:
            assert r["status"] == "operational", r
    by_name = {r["name"]: r for r in ROWS}
    # ICFS SES-STA-20260813-02248: "Mt Ayr IN Gateway" at 40.92644 N, -87.29536 (Schedule B); list A had 40.0 N
    assert by_name["Starlink GW Mt. Ayr, IN"]["lat_deg"] == "40.9"
    assert "E220066" in by_name["Starlink GW Mt. Ayr, IN"]["source"]
    # list A's second row for the same station (E201606, "Litchfield CT Gate") is merged into one
    assert "Starlink GW Bridgewater, CT" not in by_name and "E201606" in by_name["Starlink GW Litchfield, CT"]["source"]
    # a station filed for the first time and not in the lists is planned (SES-STA-20260806-02184, first STA)
    assert by_name["Starlink GW American Canyon, CA"]["status"] == "planned"
    # a filing read before keeps its evidence, and gains the index's
    assert by_name["Starlink GW Hawthorne, CA"]["evidence"].startswith("filing;")
    assert "SES-LIC-20190402-00450" in by_name["Starlink GW Hawthorne, CA"]["source"]
    assert "E230070" in by_name["Starlink GW Hawthorne, CA"]["source"]


def test_operators_and_countries_are_known_and_each_site_lies_in_its_country():
    reg, known = operator_registry(), countries()
    by_code: dict[str, list] = {}
    for row in ROWS:
        assert row["operator"] in reg, row
        assert row["country"] in known, row
        by_code.setdefault(row["country"], []).append((float(row["lat_deg"]), float(row["lon_deg"])))
    far = []
    for code, pts in by_code.items():
        lat, lon = np.array(pts).T
        geom = country(code).geometry
        import shapely
        d_deg = shapely.distance(geom, shapely.points(lon, lat))
        far += [(code, p) for p, d in zip(pts, d_deg) if d > 0.5]  # 0.1° rounding and coasts at 1:50m
    assert not far


def test_the_published_sets_have_the_sizes_the_sources_give():
    starlink_gw = published_sites(["starlink"], planned=True)
    assert 250 <= len(starlink_gw) <= 400                  # "a few hundred" (307 listed in 2026)
    assert 50 <= len(published_sites(["starlink"], kind="pop")) <= 80   # about 70 PoPs
    assert len(published_sites(["oneweb"])) >= 35          # 39 SNPs mapped in 2025
    assert len(published_sites(["starlink"])) < len(starlink_gw)  # planned sites only on request
    assert all(s.operator == "telesat" and s.status == "planned" for s in published_sites(["telesat"], planned=True))
    assert not published_sites(["telesat"])                # Lightspeed's landing stations are not built yet
    filings = [s for s in starlink_gw if s.evidence.split(";")[0] == "filing"]
    assert filings and all("FCC IBFS SES-" in s.source or "Ofcom statement" in s.source for s in filings)
    # the first six Ku-band gateways, as SpaceX Services' STA request of 2019-04-10 names them (FCC IBFS
    # SES-STA-20190410-00518, read on fcc.report), with the application numbers its update letter gives
    by_name = {s.name: s for s in starlink_gw}
    for place in ("North Bend, WA", "Conrad, MT", "Merrillan, WI", "Greenville, PA", "Redmond, WA", "Hawthorne, CA"):
        assert by_name[f"Starlink GW {place}"].evidence.startswith("filing"), place
    assert "SES-LIC-20190402-00450" in by_name["Starlink GW Hawthorne, CA"].source
    assert "SES-LIC-20190402-00425" in by_name["Starlink GW Merrillan, WI"].source
    # operated under that STA by July 2019 (its extension request, SES-STA-INTR2019-02729), whatever a list says
    assert by_name["Starlink GW North Bend, WA"].status == "operational"


def test_the_sites_known_from_community_lists_only_can_be_left_out():
    from satsov.world.sites import CITED_EVIDENCE
    every, cited = published_sites(planned=True), published_sites(planned=True, cited_only=True)
    assert cited and set(cited) < set(every)
    assert all(s.cited for s in cited) and not any(s.cited for s in set(every) - set(cited))
    assert {r["name"] for r in ROWS if r["kind"] == "gateway" and r["evidence"].split(";")[0] in CITED_EVIDENCE} \
        == {s.name for s in cited}
    assert all("(to check)" in s.source for s in set(every) - set(cited))


def test_a_row_with_a_bad_status_or_no_source_is_named_by_line(tmp_path):
    p = tmp_path / "gw.csv"
    p.write_text("name,kind,operator,country,lat_deg,lon_deg,source,status\n"
                 "A,gateway,x,CA,45,-75,filing 1,operational\nB,gateway,x,CA,45,-75,filing 2,maybe\n")
    with pytest.raises(InputError, match=r"gw.csv:3: field 'status': found 'maybe'"):
        load_sites(p)
    p.write_text("name,kind,operator,country,lat_deg,lon_deg,source\nA,gateway,x,CA,45,-75,\n")
    with pytest.raises(InputError, match=r"gw.csv:2: field 'source'"):
        load_sites(p)
