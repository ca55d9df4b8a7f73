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


@pytest.mark.parametrize("t,p,f,inclinations_deg,half_angle_deg", [
    (5, 5, 1, (40.0, 43.6, 47.0, 53.0), 69.1),
    (6, 6, 4, (43.6, 50.0, 53.13, 56.0, 60.0), 66.3),
    (7, 7, 5, (56.0,), 60.0)])
def test_continuous_global_coverage_finds_the_classical_optimum(t, p, f, inclinations_deg, half_angle_deg):
    # Walker / Lang & Adams 1998: continuous global single coverage with 5/5/1 at 43.6° needs λ = 69.1°, 6/6/4
    # (Walker's optimum, at 53.13°) about 66.3°, 7/7/5 at 56.0° 60.0°. At the altitude that gives a half-angle
    # just above (0.4°) at 0° elevation, the search over every Walker delta pattern of up to 8 satellites, every
    # phasing and several inclinations, finds that T as the minimum (the pattern itself), and not fewer.
    # Continuous: availability 1.0 on a 150 km grid of the whole sphere (coarser grids miss the small holes of
    # patterns that nearly cover, e.g. 6/2/0 at 50°, which an 800 km grid passes).
    h = altitude_for_half_angle_km(half_angle_deg + 0.4, 0.0)
    space = SearchSpace(altitudes_km=(h,), inclinations_deg=inclinations_deg, planes=tuple(range(1, 9)),
                        sats_per_plane=tuple(range(1, 9)), phasings="all", max_satellites=8)
    r = design(Requirement("LAT:-90..90", 1, 0.0, 1.0, "area", 150.0), space, duration_s=12 * 3600)
    assert r.best is not None and r.best.design.satellites == t
    assert (r.best.shell.planes, r.best.shell.phasing) == (p, f) and r.best.verified == 1.0
    assert r.false_negatives == 0
