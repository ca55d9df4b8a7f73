"""OMM JSON/CSV/XML reading and writing."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satsov.orbits.catalog import read_catalog, write_catalog
from satsov.errors import CatalogError
from satsov.orbits.omm import omm_records, parse_omm_csv, parse_omm_json, parse_omm_xml
from satsov.orbits.propagation import propagate
from satsov.times import time_grid


def _records(sample_fleet, n=20):
    return omm_records(list(sample_fleet)[:n])


def test_json_csv_xml_agree_and_propagate_like_the_tle(sample_fleet, tmp_path):
    elements = list(sample_fleet)[:20]
    write_catalog(elements, tmp_path / "c.json")
    write_catalog(elements, tmp_path / "c.csv")
    recs = omm_records(elements)
    xml = ["<ndm><omm><body>"]
    for r in recs:
        meta = "".join(f"<{k}>{r[k]}</{k}>" for k in ("OBJECT_NAME", "OBJECT_ID"))
        mean = "".join(f"<{k}>{r[k]}</{k}>" for k in ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
                                                     "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY"))
        tle = "".join(f"<{k}>{r[k]}</{k}>" for k in ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID",
                                                    "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT",
                                                    "MEAN_MOTION_DDOT"))
        xml.append(f"<segment><metadata>{meta}</metadata><data><meanElements>{mean}</meanElements>"
                   f"<tleParameters>{tle}</tleParameters></data></segment>")
    xml.append("</body></omm></ndm>")
    (tmp_path / "c.xml").write_text("".join(xml))
    t = time_grid("2026-05-07T06:00:00Z", "2h", "10m")
    r_tle, _ = propagate(elements, t, backend="sgp4")
    for ext in ("json", "csv", "xml"):
        cat = read_catalog(tmp_path / f"c.{ext}")
        assert cat.rejected == [] and [e.norad_id for e in cat.elements] == [e.norad_id for e in elements]
        r, status = propagate(cat.elements, t, backend="sgp4")
        assert (status == 0).all()
        # OMM carries the same numbers as the TLE; the TLE's own parsing differs only by rounding
        assert np.nanmax(np.linalg.norm(r - r_tle, axis=-1)) < 1e-3


def test_missing_field_is_named_with_the_record(sample_fleet):
    recs = _records(sample_fleet, 3)
    del recs[1]["INCLINATION"]
    recs[2]["ECCENTRICITY"] = "abc"
    elements, rejected = parse_omm_json(json.dumps(recs), "gp.json")
    assert len(elements) == 1 and len(rejected) == 2
    assert "gp.json: record 2: field 'INCLINATION': found 'nothing (field missing)'" in str(rejected[0])
    assert rejected[1].field == "ECCENTRICITY" and "found 'abc'" in str(rejected[1])


def test_csv_line_numbers_and_header(sample_fleet, tmp_path):
    write_catalog(list(sample_fleet)[:3], tmp_path / "c.csv")
    lines = (tmp_path / "c.csv").read_text().splitlines()
    lines[2] = lines[2].replace(",U,", ",U,").replace(lines[2].split(",")[3], "-5", 1)  # MEAN_MOTION <= 0
    elements, rejected = parse_omm_csv("\n".join(lines), "c.csv")
    assert rejected and rejected[0].line == 3
    with pytest.raises(CatalogError, match="header lacks"):
        parse_omm_csv("A,B\n1,2\n", "x.csv")


def test_bad_json_and_xml_documents():
    with pytest.raises(CatalogError, match="not valid JSON"):
        parse_omm_json("[{", "bad.json")
    with pytest.raises(CatalogError, match="not well-formed XML"):
        parse_omm_xml("<ndm><omm>", "bad.xml")
    with pytest.raises(CatalogError, match="expected an array"):
        parse_omm_json('"text"', "bad.json")


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["NORAD_CAT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
                                        "BSTAR", "X"]),
                       st.one_of(st.text(max_size=12), st.floats(), st.integers(), st.none()), max_size=7))
def test_property_json_parser_reports_every_bad_record(record):
    elements, rejected = parse_omm_json(json.dumps([record]), "p.json")
    assert len(elements) + len(rejected) == 1
