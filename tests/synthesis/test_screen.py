"""The screen against the full engine (SGP4 on WGS-84, satsov.coverage) on the same Walker shells."""

from __future__ import annotations

import numpy as np
import pytest

import satsov
from satsov.orbits.fleet import Fleet
from satsov.orbits.walker import Shell
from satsov.synthesis import screen, shell_positions

T0 = "2026-05-07T00:00:00Z"


def test_positions_follow_sgp4_for_a_few_hours():
    # circular orbits with J2 secular rates stay within a degree or so of SGP4 over 3 hours
    shell = Shell("s", 550.0, 53.0, 6, 8, 1)
    fleet = Fleet.from_shells([shell], T0)
    times = satsov.time_grid(T0, "3h", "30m")
    sgp4 = fleet.positions(times)
    ours = shell_positions([shell], T0, np.arange(len(times)) * 1800.0)
    unit = sgp4 / np.linalg.norm(sgp4, axis=2, keepdims=True)
    angle = np.degrees(np.arccos(np.clip(np.einsum("stx,tsx->st", unit, ours), -1, 1)))
    assert angle.max() < 1.5


@pytest.mark.parametrize("shell", [Shell("mid", 550.0, 53.0, 12, 10, 1), Shell("polar", 1200.0, 87.9, 6, 12, 0,
                                                                                      "star"),
                                   Shell("sparse", 700.0, 60.0, 6, 6, 1)])
def test_the_screen_agrees_with_the_engine_and_errs_on_the_side_of_keeping(shell):
    g = satsov.grid("FR", 200)
    fleet = Fleet.from_shells([shell], T0)
    res = satsov.coverage({"c": fleet}, g, satsov.time_grid(T0, "6h", "60s"), min_elevation_deg=25.0)
    engine = res.figures("c").time_coverage_area
    plain = screen([shell], g, g.area_km2, min_elevation_deg=25.0, start=T0, duration_s=6 * 3600, margin_deg=0.0)
    kept = screen([shell], g, g.area_km2, min_elevation_deg=25.0, start=T0, duration_s=6 * 3600)
    assert abs(plain.time_coverage - engine) < 0.05, (plain.time_coverage, engine)
    assert kept.time_coverage >= engine - 0.02  # the margin: the screen does not under-rate a design
