"""The refinement check: what a coarse time step hides, measured by recomputing part of the window finer."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

from satsov.defaults import DEFAULT_MIN_ELEVATION_DEG
from satsov.errors import InputError
from satsov.orbits.fleet import Fleet
from satsov.times import Times, time_grid
from satsov.visibility.checks import StepWarning
from satsov.visibility.engine import coverage
from satsov.world.grids import Grid, grid

__all__ = ["refine_check"]


def refine_check(fleets: Mapping[str, Fleet], where, times: Times, *, factor: int = 4, max_cells: int = 400,
                 max_steps: int = 120, min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG, n_fold: int = 1, spacing_km: float = 50.0,
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
