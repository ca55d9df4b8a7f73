"""Checks on the time step: is it fine enough for the passes, and what does it hide?"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from satsov.constants import EARTH_ROTATION_REV_PER_DAY, SECONDS_PER_DAY
from satsov.orbits.fleet import Fleet
from satsov.orbits.geometry import footprint_half_angle_deg
from satsov.orbits.walker import altitude_from_mean_motion_km

__all__ = ["StepWarning", "step_check"]


class StepWarning(UserWarning):
    """The time step is coarse against the passes: gaps shorter than a step may be missed."""


def step_check(fleets: Mapping[str, Fleet], min_elevation_deg: float, step_s: float) -> list[str]:
    """Warnings for operators whose shortest full pass lasts fewer than 4 steps.

    The longest pass over a point (through the zenith) lasts about 2λ / ω, λ the footprint half-angle and
    ω the satellite's angular rate relative to the ground; a step longer than a quarter of it can hide a gap
    shorter than a step or invent one at the footprint's edge.
    """
    out = []
    for name, fleet in fleets.items():
        near = [e for e in fleet if not e.is_deep_space]
        if not near:
            continue
        # the operational shell: the median satellite (decaying or raising satellites would mislead)
        n_max = float(np.median([e.mean_motion_rev_per_day for e in near]))
        h = altitude_from_mean_motion_km(n_max)
        lam = math.radians(float(footprint_half_angle_deg(h, min_elevation_deg)))
        omega = 2 * math.pi * (n_max - EARTH_ROTATION_REV_PER_DAY) / SECONDS_PER_DAY
        pass_s = 2 * lam / omega
        if step_s > pass_s / 4:
            out.append(f"{name}: the step ({step_s:g} s) is more than a quarter of the longest pass "
                       f"({pass_s:.0f} s at {h:.0f} km, {min_elevation_deg:g}°): gaps shorter than a step can be "
                       f"missed and gap lengths are known to ± one step; use a step of {pass_s / 4:.0f} s or less "
                       f"to resolve them")
    return out
