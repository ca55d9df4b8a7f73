"""Issue 10, case 4: nothing read is silently dropped. A catalogue with a bad record, a satellite listed
twice and a satellite no operator claims: every path that reads it says so, in the CLI, the JSON and the
report."""

import json

import pytest

import satsov
from satsov.assessment.scenario import scenario_from_dict
from satsov.testing import run_cli
from satsov.data import sample_catalog_path
from satsov.orbits.catalog import read_catalog


run = run_cli


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    lines = sample_catalog_path().read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("ONEWEB"))
    oneweb = lines[start:start + 3 * 10]                       # ten OneWeb satellites
    bad = list(oneweb[3:6])
    bad[1] = bad[1][:68] + str((int(bad[1][68]) + 1) % 10)     # a checksum error
    duplicate = list(oneweb[0:3])                              # the first satellite again (same epoch)
    stranger = ["MYSAT-1"] + list(lines[1:3])                  # a Starlink record under a name no rule knows
    path = tmp_path_factory.mktemp("cat") / "messy.tle"
    path.write_text("\n".join(oneweb[:3] + oneweb[6:] + bad + duplicate + stranger) + "\n")
    return path


def test_the_catalogue_reports_its_bad_record_and_its_duplicate(messy):
    cat = read_catalog(messy)
    assert len(cat.rejected) == 1 and len(cat.duplicates) == 1
    assert len({e.norad_id for e in cat.elements}) == len(cat.elements)
    assert any("bad record" in n for n in cat.notes()) and any("newer epoch" in n for n in cat.notes())
    assert len(read_catalog(messy, keep_duplicates=True).elements) == len(cat.elements) + 1


def test_newest_epoch_wins_whatever_the_order():
    from satsov.orbits.catalog import newest_per_satellite
    fleet = satsov.load_fleet(sample_catalog_path())
    a = fleet.elements[0]
    older = type(a)(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "epoch": a.epoch - 86_400_000_000_000})
    for order in ([older, a], [a, older]):
        kept, dropped = newest_per_satellite(order)
        assert kept == [a] and len(dropped) == 1


def test_coverage_with_the_catalogue_reports_everything(messy, capsys):
    code, out, err = run(["coverage", "--region", "IS", "--catalog", str(messy), "--duration", "10m",
                          "--spacing-km", "200", "--json"], capsys)
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert any("1 bad record" in w for w in warnings)
    assert any("newer epoch" in w for w in warnings)
    assert any("match no operator" in w and "--unassigned" in w for w in warnings)
    code, out, err = run(["coverage", "--region", "IS", "--catalog", str(messy), "--duration", "10m",
                          "--spacing-km", "200"], capsys)
    assert "1 bad record" in err and "match no operator" in err and "newer epoch" in err


def test_operators_lists_the_unassigned(messy, capsys):
    code, out, err = run(["operators", "--catalog", str(messy), "--json"], capsys)
    data = json.loads(out)
    assert data["unassigned"] == 1 and data["unassigned_satellites"][0]["name"] == "MYSAT-1"
    assert any("bad record" in w for w in data["warnings"])
    code, out, err = run(["operators", "--catalog", str(messy), "--unassigned"], capsys)
    assert code == 0 and "MYSAT-1" in out and "bad record" in err


def test_a_catalogue_whose_satellites_match_no_operator_says_why(tmp_path, capsys):
    lines = sample_catalog_path().read_text().splitlines()
    path = tmp_path / "strangers.tle"
    path.write_text("\n".join(["MYSAT-1"] + lines[1:3] + ["MYSAT-2"] + lines[4:6]) + "\n")
    code, out, err = run(["coverage", "--region", "IS", "--catalog", str(path), "--duration", "10m"], capsys)
    assert code == 2 and "2 of 2 satellites" in err and "match no operator" in err


def test_a_scenario_with_the_catalogue_carries_the_notes_into_the_report(messy, tmp_path):
    sc = scenario_from_dict({"regions": [{"name": "Iceland", "query": "IS", "spacing_km": 200}],
                             "window": {"duration": "10m", "step": "60s"},
                             "fleets": {"catalog": str(messy)}, "kill_switch": "none"})
    a = satsov.assess(sc)
    assert any("bad record" in w for w in a.warnings) and any("match no operator" in w for w in a.warnings)
    paths = satsov.write_report(a, tmp_path)
    assert "match no operator" in paths["html"].read_text()
    assert any("newer epoch" in w for w in json.loads(paths["json"].read_text())["warnings"])


def test_propagate_and_convert_report_the_catalogue(messy, tmp_path, capsys):
    code, out, err = run(["propagate", str(messy), "--start", "2026-05-07T00:00:00Z", "--duration", "2m",
                          "--step", "60s", "--out", str(tmp_path / "p.csv"), "--json"], capsys)
    assert code == 0 and any("bad record" in w for w in json.loads(out)["warnings"])
    code, out, err = run(["catalog", "convert", str(messy), str(tmp_path / "c.json"), "--json"], capsys)
    data = json.loads(out)
    assert data["rejected"] == 1 and data["duplicates"] == 1
