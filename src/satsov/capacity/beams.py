"""Caps that belong to the beams, not to the analysis grid (issue 31, item 4).

An operator serves a territory through beam cells of a fixed size (Starlink's: hexagons of about 379 km²), each
with a fixed capacity (channels × rate per channel: CosmoSim's 8 × 1.28 Gbps). What the operator can deliver
into an analysis cell is therefore the sum, over the beam cells in it, of min(their demand, their cap): a city
in one beam cell gets one beam's capacity, however coarse or fine the analysis grid.

satsov *pre-clips* the caps onto any grid (:func:`beam_caps`): it lays the world out in beam-sized cells
(:func:`beam_grid`, the same population model at the beam's spacing, built once and kept in the disk cache)
and lays those on the analysis grid (:func:`beam_layout`): a cell at least a beam wide holds the beam cells
nearest to it, a cell smaller than a beam takes its share of the beam cell it lies in. The demand is then the
beam cells' (Starlink's cell size for every operator, so that it does not depend on the fleets), so that a
coarse cell's demand is the sum of its beam cells' at any spacing, and each operator's cap into a cell is the sum
of min(demand, cap) over its beam cells (for an operator with larger beams, the share its own beam cells allow
of the cell's demand). Where demand is spread evenly this is the per-area cap (density × area); where it is
concentrated it is less, and neither the demand nor the caps move with the analysis grid's spacing
(``docs/design/capacity.md``).

>>> import numpy as np
>>> from satsov.capacity.demand import build_demand
>>> from satsov.world.grids import grid
>>> d = build_demand(grid("LU", 50), background=False)
>>> d2, caps = beam_caps(d, np.array([27.0]), np.array([379.0]))
>>> bool((caps <= np.floor(d2.mbps) + 1).all()), bool(abs(d2.region_gbps / d.region_gbps - 1) < 1e-6)
(True, True)
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.spatial import cKDTree

from satsov.orbits.geometry import geodetic_to_ecef

__all__ = ["DEMAND_BEAM_KM2", "beam_grid", "beam_layout", "beam_spacing_km", "beam_caps"]

DEMAND_BEAM_KM2 = 379.0   # the beam cell the demand is laid out on: a Starlink cell (Pekhterev; CosmoSim)


def beam_spacing_km(beam_km2: float) -> float:
    """The spacing of a grid of beam-sized cells (its cells' area is about the beam cell's), to 0.1 km."""
    return round(math.sqrt(float(beam_km2)), 1)


@lru_cache(maxsize=4)
def beam_grid(spacing_km: float):
    """The world's land in cells of ``spacing_km`` with their people (:func:`satsov.world.grids.grid`, kept in the
    disk cache), and a k-d tree of their centres."""
    from satsov.world.grids import grid
    g = grid("WORLD", float(spacing_km))
    xyz = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0)
    return g, xyz, cKDTree(xyz)


@lru_cache(maxsize=4)
def _by_country(spacing_km: float) -> dict:
    """The beam grid's cells grouped by country code: ``{code: indices}``."""
    g = beam_grid(spacing_km)[0]
    codes, inverse = np.unique(np.asarray(g.country, str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(codes) + 1))
    return {str(c): order[bounds[i]:bounds[i + 1]] for i, c in enumerate(codes)}


def beam_layout(grid, spacing_km: float, weight=None):
    """How the beam cells of ``spacing_km`` (:func:`beam_grid`) lie on an analysis ``grid``: a sparse matrix
    (analysis cells × beam cells) whose row for a cell at least a beam wide sums the beam cells nearest to it
    (of its own country), and whose rows for cells smaller than a beam split each beam cell between the cells
    that lie in it, in proportion to ``weight`` (per analysis cell, e.g. its own people; default its area). Every
    beam cell of a country the grid holds goes somewhere, so the country's people are conserved."""
    from scipy.sparse import csr_matrix
    g, bxyz, _tree = beam_grid(spacing_km)
    cx = geodetic_to_ecef(grid.lat_deg, grid.lon_deg, 0.0)
    area = np.asarray(grid.area_km2, float)
    weight = area if weight is None else np.asarray(weight, float)
    coarse = area >= 0.999 * spacing_km * spacing_km
    rows, cols, vals = [], [], []
    codes, inverse = np.unique(np.asarray(grid.country, str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(codes) + 1))
    by_country = _by_country(spacing_km)
    for i, code in enumerate(codes):
        cells = order[bounds[i]:bounds[i + 1]]
        beams = by_country.get(str(code), np.zeros(0, np.int64))
        if not len(beams) or not code:
            continue
        _d, owner = cKDTree(cx[cells]).query(bxyz[beams])
        owner = cells[owner]
        fine = cells[~coarse[cells]]
        split = np.zeros(len(beams), bool)
        if len(fine):   # cells smaller than a beam: each lies in its nearest beam cell, which they share
            _d, home = cKDTree(bxyz[beams]).query(cx[fine])
            w = np.where(weight[fine] > 0, weight[fine], 0.0)
            total = np.bincount(home, weights=w, minlength=len(beams))
            count = np.bincount(home, minlength=len(beams))
            share = np.where(total[home] > 0, w / np.where(total[home] > 0, total[home], 1.0), 1.0 / count[home])
            split = (count > 0) & ~coarse[owner]
            ok = split[home]
            rows.append(fine[ok]), cols.append(beams[home[ok]]), vals.append(share[ok])
        rest = ~split   # every other beam cell: all of it to its nearest cell
        rows.append(owner[rest]), cols.append(beams[rest]), vals.append(np.ones(int(rest.sum())))
    if rows:
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    else:
        r, c, v = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return csr_matrix((v, (r, c)), shape=(len(grid), len(g))), g


_LAYOUTS: dict = {}


def _layout(grid, spacing_km: float, weight):
    """:func:`beam_layout`, kept for the last few grids (an assessment's runs share one)."""
    key = (id(grid), float(spacing_km))
    hit = _LAYOUTS.get(key)
    if hit is not None and hit[0] is grid:
        return hit[1]
    if len(_LAYOUTS) >= 6:
        _LAYOUTS.pop(next(iter(_LAYOUTS)))
    out = beam_layout(grid, spacing_km, weight)
    _LAYOUTS[key] = (grid, out)
    return out


def beam_caps(demand, density_gbps_per_1000km2, beam_km2):
    """The demand laid out on beam cells, and per operator (rows) and cell the most the operator can deliver into
    the cell (whole Mbps): ``(demand, caps)``. ``density_gbps_per_1000km2`` per operator; ``beam_km2`` per
    operator, NaN where no beam layout is known (its cap is then the density times the cell's area, as before).
    The demand's people come from :data:`DEMAND_BEAM_KM2`'s beam grid (each country's total conserved), its
    user demand (points) is kept where it was; a cell's cap holds its user demand in the share its beam cells'
    people get."""
    from dataclasses import replace
    density = np.asarray(density_gbps_per_1000km2, float)   # Gbps per 1,000 km² = Mbps per km²
    beam = np.asarray(beam_km2, float)
    g = demand.grid
    area = np.asarray(g.area_km2, float)
    flat = np.floor(density[:, None] * area[None, :]).astype(np.int64)
    if not np.isfinite(beam).any() or not len(g):
        return demand, flat
    per_person = demand.model.mbps_per_person(demand.level)
    people_mbps = np.asarray(g.population, float) * per_person
    extra = np.maximum(0.0, np.asarray(demand.mbps, float) - people_mbps)   # user demand (points)
    layout, bg = _layout(g, beam_spacing_km(DEMAND_BEAM_KM2), people_mbps)
    mbps = layout @ (bg.population * per_person) + extra
    out = flat.copy()
    for b in np.unique(beam[np.isfinite(beam)]):
        layout, bg = _layout(g, beam_spacing_km(b), people_mbps)
        want = layout @ (bg.population * per_person)
        for o in np.flatnonzero(beam == b):
            served = layout @ np.minimum(bg.population * per_person, density[o] * bg.area_km2)
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.where(want > 0, served / np.where(want > 0, want, 1.0), 1.0)
            out[o] = np.floor(np.clip(rho, 0.0, 1.0) * mbps).astype(np.int64)
    return replace(demand, mbps=mbps), out


def joint_caps(demand, density_gbps_per_1000km2, beam_km2, band=None, caps=None) -> np.ndarray | None:
    """Per cell of ``demand`` (laid out by :func:`beam_caps`), the most every operator together can deliver into
    it: per beam cell of :data:`DEMAND_BEAM_KM2` min(its demand, the sum over bands of the largest cap of the
    band's operators of that beam size, and the caps of those without a band), summed over the cell's beam cells,
    plus the caps of the operators with other beam sizes. Per-operator caps alone let a cell holding several beam
    cells pool one operator's unused cap in a quiet beam with another's in a busy one; this is the joint bound
    (None where no operator has the demand's beam size: nothing to add). ``caps``: :func:`beam_caps`'s per-operator
    caps of the same ``demand`` where the caller has them already."""
    density = np.asarray(density_gbps_per_1000km2, float)
    beam = np.asarray(beam_km2, float)
    band = [None] * len(density) if band is None else list(band)
    same = np.isfinite(beam) & (np.abs(beam - DEMAND_BEAM_KM2) < 1e-6)
    if same.sum() < 2:
        return None
    g = demand.grid
    per_person = demand.model.mbps_per_person(demand.level)
    people_mbps = np.asarray(g.population, float) * per_person
    layout, bg = _layout(g, beam_spacing_km(DEMAND_BEAM_KM2), people_mbps)
    area_b = np.asarray(bg.area_km2, float)
    per_beam = np.zeros(len(bg))
    for b in {band[i] for i in np.flatnonzero(same) if band[i] is not None}:
        per_beam += max(density[i] for i in np.flatnonzero(same) if band[i] == b) * area_b
    for i in np.flatnonzero(same):
        if band[i] is None:
            per_beam += density[i] * area_b
    joint = layout @ np.minimum(bg.population * per_person, per_beam)
    if caps is None:
        caps = beam_caps(demand, density, beam)[1]
    for i in np.flatnonzero(~same):
        joint = joint + caps[i]
    extra = np.maximum(0.0, np.asarray(demand.mbps, float) - people_mbps)   # user demand: not pooled here
    return np.floor(joint + extra).astype(np.int64)
