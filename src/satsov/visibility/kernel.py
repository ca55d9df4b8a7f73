"""The visibility kernel: satellites above a minimum elevation at each cell and step, by operator.

For each step and satellite, only cells inside a bounding cap around the sub-satellite direction are
visited: cells are binned by latitude and sorted by longitude within a bin, and the cap's longitude span over
each bin's latitudes maps to an index range (a table read and a short scan, :func:`lon_index`). Each
candidate then gets the exact elevation test on the WGS-84 normal: ``(s - p)·up ≥ sin(ε) |s - p|``. The cap
is a strict superset of the visible cells (its radius bounds the geocentric angle to any visible cell: it uses the
polar radius and a mask lowered by 0.25° for the normal's tilt, below the horizon if need be, plus 0.01° for
rounding; the bins it spans are widened by 0.2° for geodetic against geocentric latitude), so the counts are
exactly those of the brute-force test.

Inside that cap, an inner cap holds only cells that see the satellite for sure (its radius uses the equatorial
radius and a mask raised by 0.25°, more than the 0.19° the normal can tilt, less 0.05°): within each bin the
cells it covers at every latitude of the bin are counted with two entries of a difference array, summed once
per step, and only the cells between the two caps get the exact test. Both caps are bounds of what the exact
test would find, so the counts stay exactly those of the brute-force test.

Before any of that, a satellite far from every cell is dropped at the cost of one table read: the sky is cut
into 1° tiles of geocentric latitude and longitude, and each tile holds a lower bound of the angle between any
direction in it and the nearest cell (:func:`tile_gaps`). A satellite whose cap radius is below its tile's
bound can see no cell; for a global grid every bound is zero.

Bins are about nine rows of cells high (0.5° to 3°, :func:`bin_height_deg`): each bin visited costs a few
transcendental functions and look-ups, each cell tested a few multiplications, and on the Canada + EU27
benchmark at 25 km 2° bins were 1.5x faster than 0.5° ones (docs/benchmarks.md). The GPU kernel keeps 0.5°.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from satsov.constants import WGS84_A_KM, WGS84_B_KM

BIN_DEG = 0.5  # the default (and the GPU kernel's) bin height
N_BINS = int(180 / BIN_DEG)
R_POLAR_KM = WGS84_B_KM
R_EQUATOR_KM = WGS84_A_KM
TILE_DEG = 1.0
N_TILE_LAT = int(180 / TILE_DEG)
N_TILE_LON = int(360 / TILE_DEG)
FAR_TILE_DEG = 60.0  # tile gaps are searched out to this angle; farther tiles get it as their bound
CUBE_N = 64  # cells per side of each face of the cube map of gaps (a cell spans 0.7-1.4°; its 196 KB stay in L2)
GEOCENTRIC_SLACK_DEG = 0.2  # a cell's geocentric latitude is within 0.193° of its geodetic one


class CellIndex(NamedTuple):
    """How :func:`count_visible` finds cells: ``bin_start`` (n_bins + 1) the first cell of each latitude bin;
    ``bin_bounds`` (4, n_bins) the sine and cosine of each bin's lower and upper geocentric latitude (widened
    by 0.2°); ``lon_table`` (:func:`lon_index`); ``tile_gap`` (:func:`tile_gaps`); ``cube_cos_gap``
    (:func:`cube_gaps`). All refer to the cells in binned order."""

    bin_start: np.ndarray
    bin_bounds: np.ndarray
    lon_table: np.ndarray
    tile_gap: np.ndarray
    cube_cos_gap: np.ndarray


def bin_height_deg(spacing_km: float | None) -> float:
    """About nine rows of cells per bin, 0.5° to 3°, a divisor of 180° (0.5° when the spacing is unknown)."""
    if not spacing_km or not np.isfinite(spacing_km):
        return BIN_DEG
    want = min(3.0, max(0.5, 9.0 * spacing_km / 111.2))
    return 180.0 / round(180.0 / want)


def bin_cells(lat_deg: np.ndarray, lon_deg: np.ndarray, bin_deg: float = BIN_DEG):
    """Order cells by latitude bin then longitude; return (order, bin_start)."""
    n_bins = int(round(180.0 / bin_deg))
    bins = np.clip(((np.asarray(lat_deg) + 90.0) / (180.0 / n_bins)).astype(np.int64), 0, n_bins - 1)
    order = np.lexsort((lon_deg, bins))
    bin_start = np.searchsorted(bins[order], np.arange(n_bins + 1)).astype(np.int64)
    return order, bin_start


def bin_bounds(n_bins: int) -> np.ndarray:
    """``(4, n_bins)``: sin and cos of each bin's lower, then upper latitude, widened by
    :data:`GEOCENTRIC_SLACK_DEG` (the cap's longitude half-width is taken over that range)."""
    edges = -90.0 + (180.0 / n_bins) * np.arange(n_bins + 1)
    lo = np.radians(np.clip(edges[:-1] - GEOCENTRIC_SLACK_DEG, -90.0, 90.0))
    hi = np.radians(np.clip(edges[1:] + GEOCENTRIC_SLACK_DEG, -90.0, 90.0))
    return np.ascontiguousarray(np.stack([np.sin(lo), np.cos(lo), np.sin(hi), np.cos(hi)]))


def lon_index(lon_deg: np.ndarray, bin_start: np.ndarray) -> np.ndarray:
    """``(n_bins, K + 1)`` int64: in each bin, the first cell (index into the binned order) at or east of
    -180° + k·360°/K, so that finding a longitude in a bin is a table read and a short scan instead of a binary
    search. K (a multiple of 360, at most 2,880) gives about two cells per slot in the fullest bin."""
    lon = np.asarray(lon_deg, float)
    n_bins = len(bin_start) - 1
    most = int(np.diff(bin_start).max()) if len(lon) else 0
    k = int(min(2880, max(360, 360 * math.ceil(most / 2 / 360))))
    edges = -180.0 + np.arange(k + 1) * (360.0 / k)
    out = np.empty((n_bins, k + 1), np.int64)
    for b in range(n_bins):
        s, e = bin_start[b], bin_start[b + 1]
        out[b] = s + np.searchsorted(lon[s:e], edges, side="left")
    return out


def index_cells(lat_deg, lon_deg, ecef_km, spacing_km: float | None = None, bin_deg: float | None = None):
    """``(order, CellIndex)``: the permutation that puts the cells in binned order, and the index of the cells
    in that order. ``bin_deg``: the bin height (default: :func:`bin_height_deg` of ``spacing_km``)."""
    bin_deg = bin_deg or bin_height_deg(spacing_km)
    order, bin_start = bin_cells(np.asarray(lat_deg), np.asarray(lon_deg), bin_deg)
    xyz = np.asarray(ecef_km)[order]
    return order, CellIndex(bin_start, bin_bounds(len(bin_start) - 1), lon_index(np.asarray(lon_deg)[order], bin_start),
                            tile_gaps(xyz), cube_gaps(xyz))


def _cube_directions(face: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unit vectors of cube-map coordinates: faces 0-5 are +x, -x, +y, -y, +z, -z, and (u, v) the other two
    components over the major one's magnitude, in axis order (as :func:`count_visible` computes them)."""
    one = np.ones_like(u)
    sign = np.where(face % 2 == 0, 1.0, -1.0)
    axis = face // 2
    x = np.where(axis == 0, sign * one, u)
    y = np.where(axis == 0, u, np.where(axis == 1, sign * one, v))
    z = np.where(axis == 2, sign * one, v)
    d = np.stack([x, y, z], axis=-1)
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def cube_gaps(cell_xyz: np.ndarray, n: int = CUBE_N) -> np.ndarray:
    """``(6, n, n)``: for each cell of a cube map of directions, the cosine of a lower bound of the angle from
    any direction in it to the nearest cell direction: the angle from its centre to the nearest cell, less the
    largest angle from its centre to its corners (its edges are great circles, so its farthest points are
    corners), less 1e-9 rad, never below 0; beyond ``FAR_TILE_DEG`` that angle less the same margins.
    :func:`count_visible` reads it with a few divisions, before any trigonometry, to drop the satellites
    whose cap reaches no cell: the same test as the tiles' (:func:`tile_gaps`), which needs the sub-satellite
    latitude and longitude."""
    from scipy.spatial import cKDTree
    xyz = np.asarray(cell_xyz, float)
    if len(xyz) == 0:
        return np.full((6, n, n), -1.0)
    face, i, j = np.meshgrid(np.arange(6), np.arange(n), np.arange(n), indexing="ij")
    step = 2.0 / n
    centre = _cube_directions(face, -1.0 + (i + 0.5) * step, -1.0 + (j + 0.5) * step)
    reach = np.zeros(face.shape)
    for di in (0, 1):
        for dj in (0, 1):
            corner = _cube_directions(face, -1.0 + (i + di) * step, -1.0 + (j + dj) * step)
            reach = np.maximum(reach, np.arccos(np.clip((corner * centre).sum(axis=-1), -1.0, 1.0)))
    unit = xyz / np.linalg.norm(xyz, axis=1)[:, None]
    far = 2.0 * math.sin(math.radians(FAR_TILE_DEG) / 2.0)
    chord, _ = cKDTree(unit).query(centre.reshape(-1, 3), distance_upper_bound=far)
    nearest = 2.0 * np.arcsin(np.clip(np.minimum(chord, far) / 2.0, 0.0, 1.0)).reshape(face.shape)
    return np.ascontiguousarray(np.cos(np.maximum(nearest - reach - 1e-9, 0.0)))


def tile_gaps(cell_xyz: np.ndarray) -> np.ndarray:
    """``(180, 360)`` radians: for each 1° tile of geocentric latitude × longitude, a lower bound of the angle
    from any direction in the tile to the nearest cell direction. Cells are put in their tiles; the bound is the
    angle between the tile's centre and the nearest centre of a tile with cells, less the largest angle from a
    tile's centre to its corners, twice (once for each tile), less 1e-9 rad; never below 0. Tiles with no cell
    within ``FAR_TILE_DEG`` get that angle less the same margins (only satellites whose cap is wider, such as GEO
    at a low mask, are then tested there). (A k-d tree over the cells themselves gives a tighter bound but takes
    seconds for the tiles far from a regional grid.)"""
    from scipy.spatial import cKDTree

    from satsov.orbits.geometry import up_vectors as vec  # the unit vector at a (here geocentric) lat/lon in degrees
    xyz = np.asarray(cell_xyz, float)
    if len(xyz) == 0:
        return np.full((N_TILE_LAT, N_TILE_LON), np.pi)
    r = np.linalg.norm(xyz, axis=1)
    lat = np.degrees(np.arcsin(np.clip(xyz[:, 2] / r, -1.0, 1.0)))
    lon = np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0]))
    ti = np.clip(((lat + 90.0) / TILE_DEG).astype(np.int64), 0, N_TILE_LAT - 1)
    tj = np.clip(((lon + 180.0) / TILE_DEG).astype(np.int64), 0, N_TILE_LON - 1)
    occupied = np.unique(ti * N_TILE_LON + tj)
    lat_c = -90.0 + TILE_DEG * (np.arange(N_TILE_LAT) + 0.5)
    lon_c = -180.0 + TILE_DEG * (np.arange(N_TILE_LON) + 0.5)
    la, lo = np.meshgrid(lat_c, lon_c, indexing="ij")
    centre = vec(la, lo)
    half = TILE_DEG / 2.0
    reach = np.zeros(la.shape)
    for dla in (-half, half):  # the farthest point of a latitude-longitude tile from its centre is a corner
        for dlo in (-half, half):
            corner = vec(la + dla, lo + dlo)
            reach = np.maximum(reach, np.arccos(np.clip((corner * centre).sum(axis=-1), -1.0, 1.0)))
    flat = centre.reshape(-1, 3)
    # searched out to FAR_TILE_DEG only: the query for tiles far from a regional grid is what costs (0.24 s for
    # Canada's 1,770 tiles, 0.03 s so), and beyond it the bound is that angle, still a lower bound
    far = 2.0 * math.sin(math.radians(FAR_TILE_DEG) / 2.0)
    chord, _ = cKDTree(flat[occupied]).query(flat, distance_upper_bound=far)
    nearest = 2.0 * np.arcsin(np.clip(np.minimum(chord, far) / 2.0, 0.0, 1.0)).reshape(la.shape)
    return np.maximum(nearest - reach - reach.max() - 1e-9, 0.0)


@njit(cache=True)
def _lon_range(lons, index, b, s, e, lo, hi):
    """Cells of bin ``b`` (``[s, e)``) with ``lo <= lon <= hi`` (-180 <= lo, hi <= 180): a table read and a scan."""
    k_max = index.shape[1] - 1
    per_deg = k_max / 360.0
    k = min(k_max, max(0, int((lo + 180.0) * per_deg)))
    a = index[b, k]
    while a < e and lons[a] < lo:
        a += 1
    k = min(k_max, max(0, int((hi + 180.0) * per_deg)))
    c = max(a, index[b, k])
    while c < e and lons[c] <= hi:
        c += 1
    return a, c


@njit(cache=True)
def _test_range(a, b, x, y, z, cell_xyz, cell_up, sin2, out_t, op):
    for c in range(a, b):
        dx = x - cell_xyz[c, 0]
        dy = y - cell_xyz[c, 1]
        dz = z - cell_xyz[c, 2]
        dn = dx * cell_up[c, 0] + dy * cell_up[c, 1] + dz * cell_up[c, 2]
        out_t[c, op] += (dn > 0.0) & (dn * dn >= sin2 * (dx * dx + dy * dy + dz * dz))  # no branch to mispredict


@njit(parallel=True, cache=True, error_model="numpy")
def count_visible(sat_pos, sat_op, cell_xyz, cell_up, cell_lon_deg, index, min_elevation_rad, out, first_step=0):
    """``out[t, cell, op]`` += satellites of operator ``op`` at or above the elevation mask.

    Cells must be in the order of :func:`index_cells`, and ``index`` its :class:`CellIndex`. ``sat_pos``
    is ``(n_sats, n_steps, 3)`` ITRS km (NaN = none); ``out``'s step ``t`` is ``sat_pos``'s step
    ``first_step + t`` (so that a chunk of a longer window is read in place, not copied).
    """
    n_sats, n_times = sat_pos.shape[0], out.shape[0]
    n_cells, n_ops = out.shape[1], out.shape[2]
    bin_start, bounds, lon_table, tile_gap = index.bin_start, index.bin_bounds, index.lon_table, index.tile_gap
    cube = index.cube_cos_gap
    n_cube = cube.shape[1]
    half_cube = 0.5 * n_cube
    n_bins = bin_start.shape[0] - 1
    bin_deg = 180.0 / n_bins
    sin_eps = math.sin(min_elevation_rad)
    sin2 = sin_eps * sin_eps if min_elevation_rad > 0 else 0.0
    eps_cap = min_elevation_rad - math.radians(0.25)  # may be negative: the bound holds below the horizon too
    cos_cap = math.cos(eps_cap)
    eps_in = min_elevation_rad + math.radians(0.25)
    cos_in = math.cos(eps_in)
    margin = math.radians(0.01)  # rounding; the cap radius itself bounds the geocentric angle
    cos_e, sin_e = math.cos(eps_cap - margin), math.sin(eps_cap - margin)  # cos ρ = cos(acos(ratio) - (ε - m))
    margin_in = math.radians(0.05)
    deg = 180.0 / math.pi
    for t in prange(n_times):
        out_t = out[t]
        diff = np.zeros((n_cells + 1, n_ops), np.int32)  # the inner caps' runs: +1 at the start, -1 past the end
        for i in range(n_sats):
            x = sat_pos[i, first_step + t, 0]
            y = sat_pos[i, first_step + t, 1]
            z = sat_pos[i, first_step + t, 2]
            if not (x == x):
                continue
            r = math.sqrt(x * x + y * y + z * z)
            ratio = R_POLAR_KM * cos_cap / r
            if ratio >= 1.0:
                continue  # below the horizon of every cell
            # the cube map's bound, before any trigonometry: dropped where the gap exceeds the cap radius ρ
            # (cos gap < cos ρ; where ρ < 0 this drops fewer than ρ would, and the tiles below decide)
            ax, ay, az = abs(x), abs(y), abs(z)
            if ax >= ay and ax >= az:
                f, u, v = (0 if x > 0.0 else 1), y / ax, z / ax
            elif ay >= az:
                f, u, v = (2 if y > 0.0 else 3), x / ay, z / ay
            else:
                f, u, v = (4 if z > 0.0 else 5), x / az, y / az
            ci = min(n_cube - 1, int((u + 1.0) * half_cube))
            cj = min(n_cube - 1, int((v + 1.0) * half_cube))
            if cube[f, ci, cj] < ratio * cos_e + math.sqrt(1.0 - ratio * ratio) * sin_e:
                continue
            rho = math.acos(ratio) - eps_cap + margin
            lat0 = math.asin(z / r)
            lon0 = math.atan2(y, x)
            ti = min(N_TILE_LAT - 1, max(0, int((lat0 * deg + 90.0) / TILE_DEG)))
            tj = min(N_TILE_LON - 1, max(0, int((lon0 * deg + 180.0) / TILE_DEG)))
            if tile_gap[ti, tj] > rho:
                continue  # no cell within the cap
            ratio_in = R_EQUATOR_KM * cos_in / r
            rho_in = math.acos(ratio_in) - eps_in - margin_in if ratio_in < 1.0 else -1.0
            cos_rho_in = math.cos(rho_in) if rho_in > 0.0 else 2.0
            lat_lo = (lat0 - rho) * deg
            lat_hi = (lat0 + rho) * deg
            # bins hold geodetic latitudes, within GEOCENTRIC_SLACK_DEG of the geocentric ones
            b0 = max(0, int((lat_lo - GEOCENTRIC_SLACK_DEG + 90.0) / bin_deg))
            b1 = min(n_bins - 1, int((lat_hi + GEOCENTRIC_SLACK_DEG + 90.0) / bin_deg))
            all_lon = lat_hi >= 90.0 or lat_lo <= -90.0  # the cap holds a pole
            sin0, cos0, cos_rho = math.sin(lat0), math.cos(lat0), math.cos(rho)
            s_star = sin0 / cos_rho if not all_lon else 0.0  # where the cap is widest in longitude
            op = sat_op[i]
            for b in range(b0, b1 + 1):
                s = bin_start[b]
                e = bin_start[b + 1]
                if s == e:
                    continue
                if all_lon:
                    _test_range(s, e, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    continue
                # the cap's longitude half-width over this bin's latitudes: widest at s_star clamped into the bin
                sc = min(max(s_star, bounds[0, b]), bounds[2, b])
                cc = math.sqrt(max(0.0, 1.0 - sc * sc))
                if cc < 1e-9:
                    _test_range(s, e, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    continue
                cos_d = (cos_rho - sc * sin0) / (cc * cos0)
                if cos_d > 1.0:
                    continue  # the cap does not reach this bin
                if cos_d <= -1.0:
                    _test_range(s, e, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    continue
                dlon = math.acos(cos_d) * deg + 1e-9
                lo = lon0 * deg - dlon
                hi = lon0 * deg + dlon
                if lo < -180.0:
                    a, c = _lon_range(cell_lon_deg, lon_table, b, s, e, lo + 360.0, 180.0)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    a, c = _lon_range(cell_lon_deg, lon_table, b, s, e, -180.0, hi)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    continue
                if hi > 180.0:
                    a, c = _lon_range(cell_lon_deg, lon_table, b, s, e, lo, 180.0)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    a, c = _lon_range(cell_lon_deg, lon_table, b, s, e, -180.0, hi - 360.0)
                    _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                    continue
                a, c = _lon_range(cell_lon_deg, lon_table, b, s, e, lo, hi)
                # the inner cap's half-width, narrowest at one of the bin's latitude bounds
                d_in = -1.0
                if cos_rho_in <= 1.0:
                    s_lo, c_lo, s_hi, c_hi = bounds[0, b], bounds[1, b], bounds[2, b], bounds[3, b]
                    if c_lo > 1e-9 and c_hi > 1e-9:
                        k_lo = (cos_rho_in - s_lo * sin0) / (c_lo * cos0)
                        k_hi = (cos_rho_in - s_hi * sin0) / (c_hi * cos0)
                        k = max(k_lo, k_hi)
                        if k < 1.0:
                            d_in = math.acos(max(-1.0, k)) * deg - 1e-9
                if d_in > 0.0 and lon0 * deg - d_in >= -180.0 and lon0 * deg + d_in <= 180.0:
                    ia, ib = _lon_range(cell_lon_deg, lon_table, b, a, c, lon0 * deg - d_in, lon0 * deg + d_in)
                    if ia < ib:
                        _test_range(a, ia, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                        diff[ia, op] += 1
                        diff[ib, op] -= 1
                        _test_range(ib, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
                        continue
                _test_range(a, c, x, y, z, cell_xyz, cell_up, sin2, out_t, op)
        for o in range(n_ops):
            run = 0
            for c in range(n_cells):
                run += diff[c, o]
                out_t[c, o] += run


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
