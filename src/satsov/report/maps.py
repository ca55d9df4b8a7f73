"""Map framing for reports: the main territory in one frame, distant parts (overseas regions, Alaska, Hawaii,
islands across the antimeridian) in insets, borders drawn as one collection per map.

Cells are grouped into *parts*: connected sets of cells (neighbours closer than a few cell spacings, measured
in 3-D so that ±180° is no seam). Parts closer than ``join_km`` to the largest one form the main frame (Cyprus
belongs to the EU27's main frame, 550 km from Crete); the other parts are grouped the same way among
themselves into insets, the most populous first. Longitudes of a frame are unwrapped around its centre, so a
frame across the antimeridian (Fiji, Chukotka) is drawn whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from satsov.orbits.geometry import geodetic_to_ecef

__all__ = ["Frame", "map_frames"]


@dataclass(frozen=True)
class Frame:
    """Cells ``cells`` (indices into the grid) drawn within ``lon_min..lon_max`` (unwrapped: may pass 180) and
    ``lat_min..lat_max``; ``lon_shift_deg`` is added to longitudes below ``lon_min`` to unwrap them."""

    name: str
    cells: np.ndarray
    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float
    population: float

    def lon(self, lon_deg: np.ndarray) -> np.ndarray:
        """Longitudes unwrapped into this frame's range."""
        centre = 0.5 * (self.lon_min + self.lon_max)
        return (np.asarray(lon_deg) - centre + 180.0) % 360.0 - 180.0 + centre

    @property
    def aspect(self) -> float:
        return 1.0 / max(np.cos(np.radians(0.5 * (self.lat_min + self.lat_max))), 0.2)


def _components(xyz: np.ndarray, radius_km: float) -> tuple[int, np.ndarray]:
    pairs = cKDTree(xyz).query_pairs(radius_km, output_type="ndarray")
    n = len(xyz)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)) if len(pairs) else \
        coo_matrix((n, n))
    return connected_components(graph, directed=False)


def _frame(name, cells, lat, lon, pop, pad_frac=0.06) -> Frame:
    # unwrap longitudes around the circular mean of the part
    mean = np.degrees(np.arctan2(np.sin(np.radians(lon[cells])).mean(), np.cos(np.radians(lon[cells])).mean()))
    x = (lon[cells] - mean + 180.0) % 360.0 - 180.0 + mean
    y = lat[cells]
    pad_x = max(1.0, (x.max() - x.min()) * pad_frac)
    pad_y = max(1.0, (y.max() - y.min()) * pad_frac)
    return Frame(name, cells, float(x.min() - pad_x), float(x.max() + pad_x), float(max(-90.0, y.min() - pad_y)),
                 float(min(90.0, y.max() + pad_y)), float(pop[cells].sum()))


def map_frames(grid, *, join_km: float = 800.0, max_insets: int = 8) -> tuple[Frame, list[Frame]]:
    """The main frame and up to ``max_insets`` inset frames of a grid (see the module docstring)."""
    lat, lon, pop = grid.lat_deg, grid.lon_deg, grid.population
    n = len(lat)
    if n == 0:
        return Frame("main", np.arange(0), -180.0, 180.0, -90.0, 90.0, 0.0), []
    xyz = geodetic_to_ecef(lat, lon, 0.0)
    _, labels = _components(xyz, max(3.0 * grid.spacing_km, 150.0))
    parts = [np.flatnonzero(labels == k) for k in range(labels.max() + 1)]
    # join parts into regions: parts closer than join_km belong together
    tree = cKDTree(xyz)
    part_of = labels
    m = len(parts)
    rows, cols = [], []
    for a, cells in enumerate(parts):
        near = tree.query_ball_point(xyz[cells], join_km)
        others = np.unique(part_of[np.concatenate([np.asarray(v, int) for v in near])])
        rows += [a] * len(others)
        cols += list(others)
    _, group = connected_components(coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m)), directed=False)
    regions = [np.concatenate([parts[a] for a in range(m) if group[a] == g]) for g in range(group.max() + 1)]
    # the main frame: the region with the most cells (area), not the most people (a capital island would win)
    regions.sort(key=lambda cells: -len(cells))
    main = _frame("main", regions[0], lat, lon, pop)
    rest = sorted(regions[1:], key=lambda cells: -pop[cells].sum() - 1e-6 * len(cells))
    insets = [_frame(_name(grid, cells), cells, lat, lon, pop) for cells in rest[:max_insets]]
    return main, insets


def _name(grid, cells) -> str:
    """The part's main country and where it lies: ``'FR 4°N 53°W'``."""
    codes, counts = np.unique(grid.country[cells], return_counts=True)
    code = str(codes[np.argmax(counts)]) if len(codes) else ""
    lat = float(grid.lat_deg[cells].mean())
    lon = float(np.degrees(np.arctan2(np.sin(np.radians(grid.lon_deg[cells])).mean(),
                                      np.cos(np.radians(grid.lon_deg[cells])).mean())))
    return f"{code} {abs(lat):.0f}°{'N' if lat >= 0 else 'S'} {abs(lon):.0f}°{'E' if lon >= 0 else 'W'}".strip()
