"""Issue 10: bad input gets one clear message, absurd data never passes as data, and jobs that cannot fit
are refused up front with the estimate and the fix. One test per case, grouped by class."""

import json
import warnings

import numpy as np
import pytest

import satsov
from satsov.testing import run_cli
from satsov.data import sample_catalog_path
from satsov.errors import InputError, JobTooLargeError
from satsov.orbits.catalog import read_catalog, write_catalog
from satsov.orbits.omm import parse_omm_json
from satsov.times import parse_date, time_grid
from satsov.world.regions import group_members


run = run_cli


# ---------------------------------------------------------------------------------------------- dates
@pytest.mark.parametrize("text", ["2024-3-1", "2024-13-01", "tomorrow", "2024-02-30", "01/03/2024", ""])
def test_dates_are_parsed_strictly_in_one_place(text):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_date(text)


def test_nato_membership_compares_dates_not_strings():
    # Sweden joined on 2024-03-07 (NATO, 'Member countries'); '2024-3-1' used to compare as a string
    assert "SE" not in group_members("NATO", "2024-03-06") and "SE" in group_members("NATO", "2024-03-07")
    assert len(group_members("NATO", "2024-03-07")) == 32


@pytest.mark.parametrize("args,message", [
    (["regions", "NATO", "--as-of", "2024-3-1"], "YYYY-MM-DD"),
    (["regions", "NATO", "--as-of", "tomorrow"], "YYYY-MM-DD"),
    (["regions", "EU27", "--as-of", "2019-06-01"], "EU27 exists from 2020-02-01"),
])
def test_bad_dates_on_the_command_line(args, message, capsys):
    code, out, err = run(args, capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_bad_date_in_a_scenario_names_the_key():
    from satsov.assessment.scenario import scenario_from_dict
    with pytest.raises(satsov.ScenarioError, match=r"regions\[0\].as_of"):
        scenario_from_dict({"regions": [{"name": "x", "query": "NATO", "as_of": "2024-3-1"}]})


# ---------------------------------------------------------------------------------------------- OMM types
def _omm(**changes):
    record = {"OBJECT_NAME": "TEST", "NORAD_CAT_ID": 25544, "EPOCH": "2026-05-07T00:00:00", "MEAN_MOTION": 15.5,
              "ECCENTRICITY": 0.0005, "INCLINATION": 51.6, "RA_OF_ASC_NODE": 10.0, "ARG_OF_PERICENTER": 20.0,
              "MEAN_ANOMALY": 30.0, "BSTAR": 1e-4, "MEAN_MOTION_DOT": 1e-5, "MEAN_MOTION_DDOT": 0.0}
    record.update(changes)
    return json.dumps([record])


@pytest.mark.parametrize("field,value", [("MEAN_MOTION", True), ("ECCENTRICITY", False), ("NORAD_CAT_ID", 25544.5),
                                         ("ELEMENT_SET_NO", 1.5)])
def test_omm_values_of_the_wrong_type_are_rejected_records(field, value):
    elements, rejected = parse_omm_json(_omm(**{field: value}), "gp.json")
    assert elements == [] and len(rejected) == 1 and rejected[0].field == field


def test_omm_catalogue_numbers_past_alpha5_propagate_and_refuse_only_tle_output(tmp_path):
    elements, rejected = parse_omm_json(_omm(NORAD_CAT_ID=1234567), "gp.json")
    assert rejected == [] and elements[0].norad_id == 1234567
    r, status = satsov.propagate(elements, time_grid("2026-05-07T00:00:00Z", "10m", "5m"))
    assert (status == 0).all() and np.isfinite(r).all()
    write_catalog(elements, tmp_path / "ok.json")
    assert read_catalog(tmp_path / "ok.json").elements[0].norad_id == 1234567
    with pytest.raises(InputError, match="Alpha-5 limit"):
        write_catalog(elements, tmp_path / "no.tle")


# ---------------------------------------------------------------------------------------------- absurd data
@pytest.mark.parametrize("backend", ["numba", "sgp4"])
def test_positions_outside_any_orbit_are_failures_never_data(backend):
    fleet = satsov.load_fleet(sample_catalog_path())
    r, status = satsov.propagate(fleet, time_grid("2056-05-07T00:00:00Z", "1h", "30m"), backend=backend)
    radius = np.linalg.norm(r, axis=-1)
    ok = status == 0
    assert (status == 7).any() and np.isnan(radius[~ok]).all()
    assert (radius[ok] >= 6000).all() and (radius[ok] <= 1e6).all()


def test_both_backends_agree_on_what_fails():
    fleet = satsov.load_fleet(sample_catalog_path())
    t = time_grid("2056-05-07T00:00:00Z", "1h", "30m")
    assert (satsov.propagate(fleet, t, backend="numba")[1] == satsov.propagate(fleet, t, backend="sgp4")[1]).all()


def test_stale_elements_are_warned_about_in_the_result():
    fleets = satsov.as_flying(["oneweb"])
    late = satsov.coverage(fleets, "IS", time_grid("2028-05-07T00:00:00Z", "10m", "60s"), spacing_km=200)
    assert any("from their element epoch" in w and "oneweb" in w for w in late.warnings)
    fresh = satsov.coverage(fleets, "IS", time_grid("2026-05-07T00:00:00Z", "10m", "60s"), spacing_km=200)
    assert not any("element epoch" in w for w in fresh.warnings)
    custom = satsov.coverage(fleets, "IS", time_grid("2026-05-20T00:00:00Z", "10m", "60s"), spacing_km=200,
                             max_epoch_age_days=30)
    assert not any("element epoch" in w for w in custom.warnings)


# ---------------------------------------------------------------------------------------------- ranges
def test_availability_threshold_must_be_a_share(capsys):
    code, out, err = run(["coverage", "--region", "IS", "--operator", "oneweb", "--duration", "10m",
                          "--availability", "2"], capsys)
    assert code == 2 and "availability_threshold: found 2.0" in err and "(0, 1]" in err


# ---------------------------------------------------------------------------------------------- job sizes
def test_a_time_grid_that_cannot_fit_is_refused_with_the_estimate():
    with pytest.raises(JobTooLargeError, match=r"3,153,600,001 steps .* GB of memory.*longer step"):
        time_grid("2026-05-07T00:00:00Z", "36500d", "1s")


def test_a_grid_too_fine_for_memory_is_refused_with_the_spacing_that_fits(capsys):
    code, out, err = run(["grid", "RU", "--spacing-km", "1"], capsys)
    assert code == 2 and "candidate cells" in err and "use spacing_km >=" in err


def test_memory_limit_comes_from_the_environment(monkeypatch):
    from satsov.budget import check_memory
    monkeypatch.setenv("SATSOV_MAX_MEMORY_GB", "0.001")
    with pytest.raises(JobTooLargeError, match="more than the 1 MB allowed"):
        check_memory("a job", 2e6, "do less")


# ---------------------------------------------------------------------------------------------- report
def test_headline_cards_say_none_when_nothing_is_at_risk(tmp_path):
    from satsov.assessment.scenario import scenario_from_dict
    sc = scenario_from_dict({"regions": [{"name": "Iceland", "query": "IS", "spacing_km": 100}],
                             "window": {"duration": "20m", "step": "60s"},
                             "fleets": {"flying": ["oneweb", "starlink"]},
                             "capacity": {"enabled": False}})   # visibility alone (with capacity it leads: issue 31)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = satsov.assess(sc)
    assert max(k.loss_pp for k in a.regions["Iceland"].kill_switch.values()) < 0.05
    text = satsov.write_report(a, tmp_path)["html"].read_text()
    assert "Worst single switch-off<b>none</b>" in text and "Most depended-on<b>none</b>" in text
    assert "0.0 pp" not in text


def test_propagate_warns_about_stale_elements_in_the_cli_and_the_json(capsys, tmp_path):
    args = ["propagate", str(sample_catalog_path()), "--start", "2026-06-30T00:00:00Z", "--duration", "2m", "--step",
            "60s", "--names", "ONEWEB*", "--out", str(tmp_path / "p.csv")]
    code, out, err = run(args + ["--json"], capsys)
    assert code == 0 and any("from their element epoch" in w for w in json.loads(out)["warnings"])
    code, out, err = run(args, capsys)
    assert "from their element epoch" in err
    code, out, err = run(args + ["--json", "--max-epoch-age-days", "90"], capsys)
    assert not any("element epoch" in w for w in json.loads(out)["warnings"])
