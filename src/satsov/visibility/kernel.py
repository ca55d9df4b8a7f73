"""The visibility kernel: satellites above a minimum elevation at each cell and step, by operator.

For each step and satellite, only cells inside a bounding cap around the sub-satellite direction are
visited (cells are binned by latitude and sorted by longitude, so the cap maps to a few index ranges found
by binary search); each candidate then gets the exact elevation test on the WGS-84 normal:
``(s - p)·up ≥ sin(ε) |s - p|``. The cap is a strict superset of the visible cells (its radius uses the
polar radius, a mask lowered by 0.25° for the normal's tilt and a 0.5° margin), so the counts are exactly
those of the brute-force test.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from satsov.constants import WGS84_B_KM

BIN_DEG = 0.5
N_BINS = int(180 / BIN_DEG)
R_POLAR_KM = WGS84_B_KM


def bin_cells(lat_deg: np.ndarray, lon_deg: np.ndarray):
    """Order cells by latitude bin then longitude; return (order, bin_start)."""
    bins = np.clip(((lat_deg + 90.0) / BIN_DEG).astype(np.int64), 0, N_BINS - 1)
    order = np.lexsort((lon_deg, bins))
    bin_start = np.searchsorted(bins[order], np.arange(N_BINS + 1)).astype(np.int64)
    return order, bin_start


@njit(cache=True, inline="always")
def _range(lons, s, e, lo, hi):
    a = s + np.searchsorted(lons[s:e], lo, side="left")
    b = s + np.searchsorted(lons[s:e], hi, side="right")
    return a, b


@njit(cache=True, inline="always")
def _test_range(a, b, x, y, z, cell_xyz, cell_up, sin2, out_t, op):
    for c in range(a, b):
        dx = x - cell_xyz[c, 0]
        dy = y - cell_xyz[c, 1]
        dz = z - cell_xyz[c, 2]
        dn = dx * cell_up[c, 0] + dy * cell_up[c, 1] + dz * cell_up[c, 2]
        if dn > 0.0 and dn * dn >= sin2 * (dx * dx + dy * dy + dz * dz):
            out_t[c, op] += 1


@njit(parallel=True, cache=True, error_model="numpy")
def count_visible(sat_pos, sat_op, cell_xyz, cell_up, cell_lon_deg, bin_start, min_elevation_rad, out):
    """``out[t, cell, op]`` += satellites of operator ``op`` at or above the elevation mask.

    Cells must be ordered by :func:`bin_cells`. ``sat_pos`` is ``(n_sats, n_times, 3)`` ITRS km (NaN = none).
    """
    n_sats, n_times = sat_pos.shape[0], sat_pos.shape[1]
    sin_eps = math.sin(min_elevation_rad)
    sin2 = sin_eps * sin_eps if min_elevation_rad > 0 else 0.0
    eps_cap = max(0.0, min_elevation_rad - math.radians(0.25))
    cos_cap = math.cos(eps_cap)
    margin = math.radians(0.5)
    deg = 180.0 / math.pi
    for t in prange(n_times):
        out_t = out[t]
        for i in range(n_sats):
            x = sat_pos[i, t, 0]
            y = sat_pos[i, t, 1]
            z = sat_pos[i, t, 2]
            if not (x == x):
                continue
            r = math.sqrt(x * x + y * y + z * z)
            ratio = R_POLAR_KM * cos_cap / r
            if ratio >= 1.0:
                continue  # below the horizon of every cell
            rho = math.acos(ratio) - eps_cap + margin
            lat0 = math.asin(z / r)
            lon0 = math.atan2(y, x)
            lat_lo = (lat0 - rho) * deg
            lat_hi = (lat0 + rho) * deg
            b0 = max(0, int((lat_lo + 90.0) / BIN_DEG))
            b1 = min(N_BINS - 1, int((lat_hi + 90.0) / BIN_DEG))
            all_lon = lat_hi >= 90.0 or lat_lo <= -90.0
            dlon = 180.0
            if not all_lon:
                sr = math.sin(rho) / math.cos(lat0)
                if sr >= 1.0:
                    all_lon = True
                else:
                    dlon = math.asin(sr) * deg
            lo = lon0 * deg - dlon
            hi = lon0 * deg + dlon
            op = sat_op[i]
            for b in range(b0, b1 + 1):
                s = bin_start[b]
                e = bin_start[b + 1]
                if s == e:
                    continue
                if all_lon:
                    _test_range(s, e, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                elif lo < -180.0:
                    a, c = _range(cell_lon_deg, s, e, lo + 360.0, 180.0)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    a, c = _range(cell_lon_deg, s, e, -180.0, hi)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                elif hi > 180.0:
                    a, c = _range(cell_lon_deg, s, e, lo, 180.0)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    a, c = _range(cell_lon_deg, s, e, -180.0, hi - 360.0)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                else:
                    a, c = _range(cell_lon_deg, s, e, lo, hi)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)


def count_visible_brute_force(sat_pos, sat_op, n_ops, cell_xyz, cell_up, min_elevation_deg):
    """The same counts by testing every satellite against every cell (numpy; the reference)."""
    n_sats, n_times = sat_pos.shape[:2]
    out = np.zeros((n_times, len(cell_xyz), n_ops), np.uint16)
    sin_eps = np.sin(np.radians(min_elevation_deg))
    for t in range(n_times):
        d = sat_pos[:, t, None, :] - cell_xyz[None, :, :]          # (sats, cells, 3)
        dn = np.einsum("scx,cx->sc", d, cell_up)
        with np.errstate(invalid="ignore"):
            visible = (dn > 0) & (dn * dn >= (sin_eps**2 if min_elevation_deg > 0 else 0) * np.einsum("scx,scx->sc", d, d))
        visible &= np.isfinite(sat_pos[:, t, 0])[:, None]
        for op in range(n_ops):
            out[t, :, op] = visible[sat_op == op].sum(axis=0)
    return out
