"""Landing rights (data/licences.yaml): every rule sourced, dated and graded; the facts the issue names; and a
bad file is refused with the key named."""

import pytest
import yaml

from satsov.data import data_path
from satsov.errors import InputError
from satsov.world.licences import licences
from satsov.world.operators import operator_registry
from satsov.world.regions import group_members


def test_every_operator_is_known_and_every_rule_has_a_source_date_and_confidence():
    table, reg = licences(), operator_registry()
    assert set(table.operators) <= set(reg.keys())
    for op, rules in table.operators.items():
        for r in rules:
            assert r.source and r.date and r.confidence in ("H", "M", "L"), (op, r)


def test_no_chinese_operator_may_serve_the_eu_nato_or_canada_and_each_may_serve_china():
    # the brief: "none for Chinese operators in the EU, NATO and Canada"
    table = licences()
    places = set(group_members("EU27")) | set(group_members("NATO")) | {"CA"}
    for op in ("guowang", "qianfan", "chinasat"):
        assert table.unlicensed(op, places) == places
        assert table.licensed(op, "CN")
        assert table.rule(op, "DE").confidence == "M"


def test_starlink_rules_and_the_assumption_that_fills_the_rest():
    table = licences()
    assert not table.licensed("starlink", "RU") and not table.licensed("starlink", "CN")
    assert not table.licensed("starlink", "ZA")       # no ICASA licence
    assert table.licensed("starlink", "IN")           # DoT GMPCS licence, June 2025
    # FR: ARCEP decision 2022-1102 (25 May 2022), reviewed by the Conseil d'Etat (decision 466294, 17 April 2023)
    fr = table.rule("starlink", "FR")
    assert table.licensed("starlink", "FR") and not fr.assumed and fr.confidence == "H" and "2022-1102" in fr.source
    assert table.licensed("starlink", "IT") and table.rule("starlink", "IT").assumed   # not checked: assumed
    assert table.rule("nonesuch", "FR").assumed and table.licensed("nonesuch", "FR")


@pytest.mark.parametrize("entry, message", [
    ({"x": {"default": {"licensed": True, "date": "2025", "confidence": "L"}}}, r"x\.default: key 'source' is missing"),
    ({"x": {"default": {"licensed": "yes", "source": "s", "date": "2025", "confidence": "L"}}},
     r"x\.default\.licensed: found 'yes', expected true or false"),
    ({"x": {"default": {"licensed": True, "source": "s", "date": "2025", "confidence": "L"},
            "rules": [{"countries": ["XX"], "licensed": False, "source": "s", "date": "2025", "confidence": "M"}]}},
     r"x\.rules\[0\]\.countries: unknown jurisdiction 'XX'"),
    ({"x": {"rules": []}}, r"x: key 'default' is missing"),
])
def test_a_bad_licence_file_names_the_key(tmp_path, entry, message):
    p = tmp_path / "lic.yaml"
    p.write_text(yaml.safe_dump(entry))
    with pytest.raises(InputError, match=message):
        licences(p)


def test_the_shipped_file_is_the_default():
    assert licences() is licences(data_path("licences.yaml"))
