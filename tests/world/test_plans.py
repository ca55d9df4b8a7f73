"""Constellations as planned beside as filed and as flying: dated milestones with their sources."""

from __future__ import annotations

import pytest

import satsov
from satsov.errors import ScenarioError, UnknownNameError
from satsov.world.constellations import as_planned, plans, select_fleets


def test_every_milestone_and_shell_has_a_source():
    for key, plan in plans().items():
        assert plan.shells and all(s.source for s in plan.shells), key
        assert all(m["source"] and m["satellites"] > 0 for m in plan.milestones), key


def test_kuiper_follows_its_fcc_milestones():
    # FCC 20-102: half of 3,236 by 30 Jul 2026, all by 30 Jul 2029
    assert len(as_planned("kuiper", "2026-07-29")[0]) == 0
    half, notes = as_planned("kuiper", "2026-07-30")
    assert len(half) == 1618 and any("FCC 20-102" in n for n in notes) and any("ASSUMED" in n for n in notes)
    assert len(as_planned("kuiper", "2029-07-30")[0]) == 3236
    # a thinned shell keeps every plane
    names = {e.name.rsplit("-", 1)[0] for e in half}
    assert all("PLANNED" in n for n in names)


def test_plans_beside_filings():
    # Telesat Lightspeed: 198 as planned (156 + 42) against 1,671 as filed in 2020
    lightspeed, notes = as_planned("telesat", "2028-01-01")
    assert len(lightspeed) == 198 and any("confidence L" in n for n in notes)
    assert len(satsov.as_filed("telesat-lightspeed", "2026-05-07T00:00:00Z")) == 1671
    assert len(as_planned("iris2", "2030-06-01")[0]) == 0 and len(as_planned("iris2", "2031-01-01")[0]) == 290
    empty, notes = as_planned("qianfan", "2030-01-01")
    assert len(empty) == 0 and "no dated milestone" in notes[0]
    with pytest.raises(UnknownNameError):
        as_planned("nosuch", "2030-01-01")


def test_a_selection_and_a_scenario_can_ask_in_2030(tmp_path):
    sel = select_fleets(flying="none", planned=["kuiper", "telesat"], planned_as_of="2030-01-01",
                        epoch="2026-05-07T00:00:00Z")
    assert len(sel.fleets["kuiper (planned)"]) == 3236 and sel.owner["telesat (planned)"] == "telesat"
    assert any("FCC 20-102" in r["source"] for r in sel.sources)
    from satsov.assessment.scenario import load_scenario
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\n[window]\nstart = "2026-05-07T00:00:00Z"\nduration = "1h"\nstep = "60s"\n'
                    '[[regions]]\nname = "IS"\n[fleets]\nflying = "none"\nplanned = ["kuiper"]\n'
                    'planned_as_of = "2030-13-01"\n')
    with pytest.raises(ScenarioError, match="planned_as_of"):
        load_scenario(path)


def test_a_latency_requirement_keeps_what_answers_in_time(tmp_path):
    # best-case round trip 4 h / c: 100 ms admits apogees below 7,495 km (LEO), not O3b's MEO (~8,062 km, about
    # 108 ms) nor GEO (about 477 ms)
    from satsov.assessment.study import _fleets, latency_classes
    from satsov.assessment.scenario import load_scenario
    from satsov.world.operators import operator_registry
    text = ('name = "x"\n[window]\nstart = "2026-05-07T00:00:00Z"\nduration = "1h"\nstep = "60s"\n'
            '[[regions]]\nname = "IS"\n[fleets]\nflying = ["ses", "oneweb"]\n')
    path = tmp_path / "s.toml"
    path.write_text(text)
    every = _fleets(load_scenario(path), operator_registry())
    row = latency_classes(every.fleets)
    assert "GEO" in row["source"] and "MEO" in row["source"] and "LEO" in row["source"]
    path.write_text(text + "[requirement]\nmax_rtt_ms = 100\n")
    fast = _fleets(load_scenario(path), operator_registry())
    assert "ses" not in fast.fleets and len(fast.fleets["oneweb"]) == len(every.fleets["oneweb"])
    path.write_text(text + "[requirement]\nmax_rtt_ms = 200\n")
    meo = _fleets(load_scenario(path), operator_registry())
    assert all(e.apogee_altitude_km < 30_000 for e in meo.fleets["ses"]) and len(meo.fleets["ses"]) > 0
