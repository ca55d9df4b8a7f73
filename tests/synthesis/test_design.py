"""The design search end to end: the smallest shell found meets the requirement with the full engine, and
the next smaller candidates do not."""

from __future__ import annotations

import json

import pytest

import satsov
from satsov.orbits.fleet import Fleet
from satsov.synthesis import Requirement, SearchSpace, altitude_for_half_angle_km, design
from satsov.testing import run_cli

T0 = "2026-05-07T00:00:00Z"
SPACE = SearchSpace(altitudes_km=(1200.0,), inclinations_deg=(87.9,), planes=tuple(range(2, 9)),
                    sats_per_plane=tuple(range(2, 21)))
REQ = Requirement("IS", 1, 25.0, 0.95, "area", 100.0)


def test_the_smallest_design_meets_the_requirement_and_smaller_ones_do_not():
    r = design(REQ, SPACE, duration_s=6 * 3600)
    assert r.best is not None and r.best.verified >= 0.95
    g = satsov.grid("IS", 100)
    smaller = [c for c in SPACE.candidates() if c.satellites < r.best.design.satellites][-4:]
    for d in smaller:  # the engine agrees that the last few smaller candidates fall short
        res = satsov.coverage({"c": Fleet.from_shells(list(d.shells), T0)}, g, satsov.time_grid(T0, "6h", "60s"),
                              min_elevation_deg=25.0)
        assert res.figures("c").time_coverage_area < 0.95, d.label()
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


@pytest.mark.parametrize("t,p,f,inclination_deg,half_angle_deg", [(5, 5, 1, 43.6, 69.1), (7, 7, 5, 56.0, 60.0)])
def test_continuous_global_coverage_finds_the_classical_optimum(t, p, f, inclination_deg, half_angle_deg):
    # Walker / Lang & Adams 1998: continuous global single coverage with 5/5/1 at 43.6° needs λ = 69.1°, with
    # 7/7/5 at 56.0° λ = 60.0°. At the altitude that gives a half-angle just above (0.4°) at 0° elevation, the
    # search over every Walker pattern of up to 8 satellites finds that T as the minimum, and not fewer.
    h = altitude_for_half_angle_km(half_angle_deg + 0.4, 0.0)
    space = SearchSpace(altitudes_km=(h,), inclinations_deg=(inclination_deg,), planes=tuple(range(1, 9)),
                        sats_per_plane=tuple(range(1, 9)), phasings="all", max_satellites=8)
    r = design(Requirement("LAT:-90..90", 1, 0.0, 0.9999, "area", 800.0), space, duration_s=12 * 3600)
    assert r.best is not None and r.best.shell.size == t
    assert (r.best.shell.planes, r.best.shell.phasing) == (p, f) and r.best.verified >= 0.9999
    assert r.false_negatives == 0
