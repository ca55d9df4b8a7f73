"""Stage (b) of design: a fast screen of candidate constellations.

Each candidate (Walker shells) is flown as circular orbits with the J2 secular drift of the node and of the
argument of latitude (Vallado, *Fundamentals of Astrodynamics*, secular rates for e = 0:
Ω̇ = −3/2 n J2 (R/a)² cos i, u̇ = n [1 + 3/4 J2 (R/a)² (8 cos² i − 2)]), rotated into the Earth-fixed frame by
the Earth's rotation angle, and tested against a grid's cells with the spherical coverage half-angle λ at
sampled times (the coverage engine's compiled kernel on these positions). The times are dithered (one random instant in each of ``samples`` equal slices of the window),
so a seam gap that a regular step would step over is found in proportion to its length. The screen must not
reject a design that the full engine (SGP4, WGS-84) would accept: ``margin_deg`` widens λ to cover the
differences, and :func:`false_negative_rate` measures what remains against :func:`satsov.coverage`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from satsov.constants import WGS72_J2, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from satsov.times import parse_utc

__all__ = ["ScreenResult", "screen", "screen_batch", "shell_positions"]

EARTH_ROTATION_RAD_S = 7.2921150e-5  # IERS nominal rotation rate


@dataclass(frozen=True)
class ScreenResult:
    """A candidate's screened figures: the share of cell-time (weighted) with ``fold`` or more satellites above
    the mask; the longest run of sampled times a cell (with weight) went without them, from the first to the
    last sample of the run (a lower bound of the true gap, so the screen keeps rather than rejects); the worst
    weighted cell's share; and per cell the share of sampled times it had them."""

    time_coverage: float
    cell_availability: np.ndarray
    satellites: int
    samples: int
    longest_gap_s: float = 0.0
    worst_cell: float = 1.0


def _era_rad(t_utc: np.ndarray) -> np.ndarray:
    """The Earth rotation angle (IERS 2010) at UTC instants (UT1 − UTC ignored: a screen)."""
    jd = t_utc.astype("datetime64[ns]").astype(np.int64) / 86400e9 + 2440587.5
    du = jd - 2451545.0
    return 2 * math.pi * np.mod(0.7790572732640 + 1.00273781191135448 * du, 1.0)


def shell_positions(shells, epoch, offsets_s: np.ndarray) -> np.ndarray:
    """Unit vectors ``(n_times, n_sats, 3)`` in the Earth-fixed frame of every satellite of ``shells`` (Walker
    layout as :meth:`satsov.orbits.walker.Shell.elements`), at ``epoch`` + ``offsets_s``."""
    t0 = np.datetime64(parse_utc(epoch, name="epoch"), "ns")
    t = np.asarray(offsets_s, float)
    era = _era_rad(t0 + (t * 1e9).astype("timedelta64[ns]"))
    out = []
    for shell in shells:
        a = WGS72_RADIUS_KM + shell.altitude_km
        n = math.sqrt(WGS72_MU_KM3_S2 / a ** 3)
        inc = math.radians(shell.inclination_deg)
        k = WGS72_J2 * (WGS72_RADIUS_KM / a) ** 2
        raan_dot = -1.5 * n * k * math.cos(inc)
        u_dot = n * (1.0 + 0.75 * k * (8.0 * math.cos(inc) ** 2 - 2.0))
        raan0, u0 = np.radians(shell.layout_deg())
        raan = raan0[None, :] + raan_dot * t[:, None] - era[:, None]  # node in the Earth-fixed frame
        u = u0[None, :] + u_dot * t[:, None]
        cu, su, cr, sr = np.cos(u), np.sin(u), np.cos(raan), np.sin(raan)
        out.append(np.stack([cr * cu - sr * su * math.cos(inc), sr * cu + cr * su * math.cos(inc),
                             su * math.sin(inc)], axis=-1))
    return np.concatenate(out, axis=1)


@njit(parallel=True, cache=True)
def _tally(counts, fold, times_s, covered, run_start, longest):
    """Per cell and candidate: samples with ``fold`` or more satellites, and the longest run of samples without
    them (first to last sample of the run), carried across chunks in ``run_start`` (NaN: not in a run)."""
    n_t, n_c, n_k = counts.shape
    for c in prange(n_c):
        rs = run_start[c]
        lg = longest[c]
        cv = covered[c]
        for j in range(n_t):
            t = times_s[j]
            row = counts[j, c]
            for k in range(n_k):
                if row[k] >= fold:
                    cv[k] += 1.0
                    rs[k] = np.nan
                else:
                    if rs[k] != rs[k]:
                        rs[k] = t
                    if t - rs[k] > lg[k]:
                        lg[k] = t - rs[k]


def _satellites(design) -> list:
    return list(design.shells) if hasattr(design, "shells") else list(design)


def screen_batch(designs, grid, weights=None, *, min_elevation_deg: float, start, duration_s: float, fold: int = 1,
                 samples: int = 256, seed: int = 0, margin_deg: float = 0.5, chunk: int = 64) -> list[ScreenResult]:
    """Screen several candidates at once (each a :class:`~satsov.synthesis.space.Design` or a list of Walker
    shells) over a :class:`~satsov.world.grids.Grid`, at the same dithered sample times.

    Positions are analytic (circular, J2 secular); visibility is the coverage engine's compiled kernel (cells
    binned by latitude, only those under each footprint visited, the exact WGS-84 elevation test), one call per
    chunk of times for the whole batch (each candidate is one "operator" of the kernel), with the mask lowered
    by ``margin_deg`` so that the screen errs on the side of keeping. ``weights``: per cell (default:
    population, or area where the grid has nobody)."""
    from satsov.visibility import kernel
    shell_sets = [_satellites(d) for d in designs]
    rng = np.random.default_rng(seed)
    offsets = (np.arange(samples) + rng.random(samples)) * (duration_s / samples)
    order, index = kernel.index_cells(grid.lat_deg, grid.lon_deg, grid.ecef_km, grid.spacing_km)
    g = grid.subset(order)
    cell_xyz, cell_up = np.ascontiguousarray(g.ecef_km), np.ascontiguousarray(g.up)
    cell_lon = np.ascontiguousarray(g.lon_deg)
    all_shells = [sh for shells in shell_sets for sh in shells]
    radius = np.concatenate([np.full(sh.size, WGS72_RADIUS_KM + sh.altitude_km) for sh in all_shells])
    sat_op = np.concatenate([np.full(sum(sh.size for sh in shells), k, np.int32) for k, shells in enumerate(shell_sets)])
    k_n = len(shell_sets)
    min_el = math.radians(max(0.0, min_elevation_deg - margin_deg))
    covered = np.zeros((len(g), k_n))
    run_start = np.full((len(g), k_n), np.nan)
    longest = np.zeros((len(g), k_n))
    for a in range(0, samples, chunk):
        unit = shell_positions(all_shells, start, offsets[a:a + chunk])            # (t, sats, 3)
        pos = np.ascontiguousarray(np.transpose(unit, (1, 0, 2)) * radius[:, None, None])
        counts = np.zeros((pos.shape[1], len(g), k_n), np.uint16)
        kernel.count_visible(pos, sat_op, cell_xyz, cell_up, cell_lon, index, min_el, counts)
        _tally(counts, fold, offsets[a:a + chunk], covered, run_start, longest)
    if weights is None:
        weights = grid.population if grid.population.sum() > 0 else grid.area_km2
    w = np.asarray(weights, float)
    counted = w[order] > 0
    out = []
    for k in range(k_n):
        share = np.empty(len(g))
        share[order] = covered[:, k] / samples
        out.append(ScreenResult(
            float((share * w).sum() / max(w.sum(), 1e-300)), share, int(sum(sh.size for sh in shell_sets[k])),
            samples, float(longest[counted, k].max()) if counted.any() else 0.0,
            float(share[w > 0].min()) if (w > 0).any() else 1.0))
    return out


def screen(shells, grid, weights=None, *, min_elevation_deg: float, start, duration_s: float, fold: int = 1,
           samples: int = 256, seed: int = 0, margin_deg: float = 0.5, chunk: int = 64) -> ScreenResult:
    """Screen one candidate (a list of Walker shells, or a :class:`~satsov.synthesis.space.Design`): see
    :func:`screen_batch`."""
    return screen_batch([shells], grid, weights, min_elevation_deg=min_elevation_deg, start=start,
                        duration_s=duration_s, fold=fold, samples=samples, seed=seed, margin_deg=margin_deg,
                        chunk=chunk)[0]
