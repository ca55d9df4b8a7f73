"""The design search end to end: the smallest shell found meets the requirement with the full engine, and
the next smaller candidates do not."""

from __future__ import annotations

import json

import satsov
from satsov.orbits.fleet import Fleet
from satsov.synthesis import Requirement, SearchSpace, design
from satsov.testing import run_cli

T0 = "2026-05-07T00:00:00Z"
SPACE = SearchSpace(altitudes_km=(1200.0,), inclinations_deg=(87.9,), planes=tuple(range(2, 9)),
                    sats_per_plane=tuple(range(2, 21)))
REQ = Requirement("IS", 1, 25.0, 0.95, "area", 100.0)


def test_the_smallest_design_meets_the_requirement_and_smaller_ones_do_not():
    r = design(REQ, SPACE, duration_s=6 * 3600)
    assert r.best is not None and r.best.verified >= 0.95
    g = satsov.grid("IS", 100)
    smaller = [c for c in SPACE.candidates() if c.size < r.best.shell.size][-4:]
    for shell in smaller:  # the engine agrees that the last few smaller candidates fall short
        res = satsov.coverage({"c": Fleet.from_shells([shell], T0)}, g, satsov.time_grid(T0, "6h", "60s"),
                              min_elevation_deg=25.0)
        assert res.figures("c").time_coverage_area < 0.95, shell
    assert r.false_negatives == 0


def test_design_command_json_contract(capsys):
    code, out, err = run_cli(["design", "--region", "IS", "--fold", "1", "--min-elevation-deg", "25",
                              "--altitude-km", "1200", "--inclination-deg", "87.9", "--availability", "0.95",
                              "--weight", "area", "--spacing-km", "100", "--max-satellites", "200", "--json"], capsys)
    assert code == 0, err
    best = json.loads(out)["best"]
    assert {"satellites", "planes", "phasing", "inclination_deg", "altitude_km", "verified_availability"} <= set(best)
    assert best["verified_availability"] >= 0.95
    code, _, err = run_cli(["design", "--region", "IS"], capsys)
    assert code == 2 and "--altitude-km" in err
