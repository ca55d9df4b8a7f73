"""Checks on the time step: is it fine enough for the passes, and what does it hide?"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import numpy as np

from satsov.constants import EARTH_ROTATION_REV_PER_DAY, SECONDS_PER_DAY
from satsov.errors import InputError
from satsov.orbits.fleet import Fleet
from satsov.orbits.geometry import footprint_half_angle_deg
from satsov.orbits.walker import altitude_from_mean_motion_km
from satsov.times import Times
from satsov.world.grids import Grid, grid

__all__ = ["StepWarning", "step_check", "refine_check"]


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


def refine_check(fleets: Mapping[str, Fleet], where, times: Times, *, factor: int = 4, max_cells: int = 400,
                 max_steps: int = 120, min_elevation_deg: float = 25.0, n_fold: int = 1, spacing_km: float = 50.0,
                 seed: int = 0) -> dict:
    """Measure what the step hides: recompute the first ``max_steps`` steps ``factor`` times finer on up to
    ``max_cells`` cells and compare gaps and availability with the coarse run (for every operator and 'all').

    Returns, per case: cells whose availability, gap count or longest gap changed, the largest availability
    difference, gaps the coarse step missed, and the largest error of the longest gap in seconds.
    """
    if factor < 2:
        raise InputError(f"factor: found {factor}, expected an integer >= 2", found=factor, expected=">= 2")
    g = where if isinstance(where, Grid) else grid(where, spacing_km)
    if len(g) > max_cells:
        pick = np.sort(np.random.default_rng(seed).choice(len(g), max_cells, replace=False))
        g = g.subset(pick)
    coarse_t = times[:max_steps]
    if len(coarse_t) < 2:
        raise InputError("times: the refinement check needs at least two steps", found=len(times), expected=">= 2")
    from satsov.times import time_grid
    from satsov.visibility.engine import coverage
    step = coarse_t.step_s
    fine_t = time_grid(coarse_t.utc[0], (len(coarse_t) - 1) * step, step / factor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        coarse = coverage(fleets, g, coarse_t, min_elevation_deg=min_elevation_deg, n_fold=n_fold)
        fine = coverage(fleets, g, fine_t, min_elevation_deg=min_elevation_deg, n_fold=n_fold)
    out = {"step_s": step, "fine_step_s": step / factor, "cells": len(g), "steps": len(coarse_t), "cases": {}}
    for case in coarse.cells:
        a, b = coarse.cells[case], fine.cells[case]
        d_avail = (a["availability"] - b["availability"]).abs()
        out["cases"][case] = {
            "cells_changed": int(((d_avail > 1e-12) | (a["n_gaps"] != b["n_gaps"])
                                  | ((a["longest_gap_s"] - b["longest_gap_s"]).abs() > step)).sum()),
            "max_availability_difference": float(d_avail.max()),
            "gaps_missed": int(np.maximum(b["n_gaps"] - a["n_gaps"], 0).sum()),
            "max_longest_gap_error_s": float((a["longest_gap_s"] - b["longest_gap_s"]).abs().max()),
        }
    return out
