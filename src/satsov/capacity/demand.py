"""Demand: busy-hour traffic per grid cell, with its sources and its range.

Per cell: population × take rate × plan rate ÷ overbooking (Osoro & Oughton, "A techno-economic framework for
satellite networks applied to low earth orbit constellations", IEEE Access 9:141611, 2021, and its open code
``edwardoughton/globalsat``). Profiles: ``DemandModel()`` (consumer broadband, the default), ``CRITICAL``
(no overbooking: every terminal at its plan rate, as CosmoSim's failover case), and user demand at points or
areas in Gbps (``point_demand``). Satellites over a region also serve its neighbours, so by default the rest
of the world adds background demand on a coarse grid (``background_spacing_km``); only the region's cells
count in the region's figures.

>>> m = DemandModel()
>>> round(m.mbps_per_person("base"), 4)    # 1% take rate x 100 Mbps / 20
0.05
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from satsov.capacity.supply import LEVELS, Param
from satsov.errors import InputError
from satsov.world.grids import Grid, grid as make_grid

__all__ = ["DemandModel", "CRITICAL", "Demand", "build_demand", "point_demand"]

_OSORO = "Osoro & Oughton, IEEE Access 9:141611 (2021), code edwardoughton/globalsat"


@dataclass(frozen=True)
class DemandModel:
    """Busy-hour demand per person: take rate × plan ÷ overbooking, each with its range and source."""

    take_rate: Param = Param(0.005, 0.01, 0.02, f"{_OSORO}: take rate 1% (0.5-2%)", "M")
    plan_mbps: Param = Param(50.0, 100.0, 200.0, "100 Mbps plans (Osoro & Oughton 2021; CosmoSim failover 100 Mbps); "
                             "range assumed", "M")
    overbooking: Param = Param(10.0, 20.0, 40.0, f"{_OSORO}: overbooking (contention) 20; range assumed", "M")
    name: str = "consumer broadband"

    def mbps_per_person(self, level: str = "base") -> float:
        """Demand per person; ``low`` and ``high`` bound it (low take rate and plan with high overbooking, and
        the reverse)."""
        if level not in LEVELS:
            raise InputError(f"level: found {level!r}, expected low, base or high", found=level, expected=LEVELS)
        other = {"low": "high", "base": "base", "high": "low"}[level]
        return self.take_rate.at(level) * self.plan_mbps.at(level) / self.overbooking.at(other)

    def sources(self) -> list[str]:
        return [f"{k}: {getattr(self, k).describe()}" for k in ("take_rate", "plan_mbps", "overbooking")]


#: Failover: every terminal at its plan rate, no overbooking (CosmoSim, Bhosale et al., IMC 2025).
CRITICAL = DemandModel(overbooking=Param(1.0, 1.0, 1.0, "no overbooking: failover demand (CosmoSim)", "M"),
                       name="critical / failover")


@dataclass(frozen=True, eq=False)
class Demand:
    """Cells with their demand: the region's cells first (``in_region``), then the background."""

    grid: Grid
    mbps: np.ndarray
    in_region: np.ndarray
    model: DemandModel
    level: str = "base"
    notes: tuple[str, ...] = field(default=())

    @property
    def region_gbps(self) -> float:
        return float(self.mbps[self.in_region].sum() / 1000.0)

    @property
    def background_gbps(self) -> float:
        return float(self.mbps[~self.in_region].sum() / 1000.0)

    def scaled(self, k: float) -> "Demand":
        return replace(self, mbps=self.mbps * k)


@lru_cache(maxsize=2)
def _world_grid(spacing_km: float) -> Grid:
    return make_grid("WORLD", spacing_km)


def _join(a: Grid, b: Grid) -> Grid:
    cat = np.concatenate
    return Grid(a.region_name, a.spacing_km, cat([a.lat_deg, b.lat_deg]), cat([a.lon_deg, b.lon_deg]),
                cat([a.area_km2, b.area_km2]), cat([a.country, b.country]), cat([a.population, b.population]),
                f"{a.source}; background: {b.source}", notes=a.notes)


def build_demand(region_grid: Grid, model: DemandModel = DemandModel(), *, level: str = "base",
                 background: bool = True, background_spacing_km: float = 200.0, extra=None) -> Demand:
    """Demand over ``region_grid`` (people × the model), plus the rest of the world on a coarse grid and any
    ``extra`` user demand (from :func:`point_demand`) added to the region's cells."""
    per_person = model.mbps_per_person(level)
    g = region_grid
    in_region = np.ones(len(g), bool)
    notes = [f"demand: {model.name}, {level} case: {per_person * 1000:.1f} kbps per person in the busy hour "
             f"({'; '.join(model.sources())})"]
    if background:
        from scipy.spatial import cKDTree

        from satsov.orbits.geometry import geodetic_to_ecef
        bg = _world_grid(float(background_spacing_km))
        dist, _ = cKDTree(geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0)).query(
            geodetic_to_ecef(bg.lat_deg, bg.lon_deg, 0.0))
        outside = dist > max(background_spacing_km, g.spacing_km) * 0.75
        bg = bg.subset(outside)
        notes.append(f"background: the rest of the world's demand on a {background_spacing_km:g} km grid "
                     f"({len(bg)} cells, {bg.population.sum() / 1e9:.2f} bn people) competes for the same satellites")
        g = _join(g, bg)
        in_region = np.concatenate([in_region, np.zeros(len(bg), bool)])
    mbps = g.population * per_person
    if extra is not None:
        extra_mbps, extra_notes = extra(region_grid)
        mbps[:len(region_grid)] += extra_mbps
        notes += extra_notes
    return Demand(g, mbps, in_region, model, level, tuple(notes))


def point_demand(points):
    """User demand at points: ``[(lat_deg, lon_deg, gbps, name), ...]``, each added to its nearest cell."""
    points = list(points)
    for i, p in enumerate(points):
        if len(p) < 3 or not (-90 <= float(p[0]) <= 90) or not (-180 <= float(p[1]) <= 360) or float(p[2]) < 0:
            raise InputError(f"demand point {i + 1}: found {p!r}, expected (lat_deg, lon_deg, gbps >= 0[, name])",
                             found=p, expected="(lat, lon, gbps)")

    def add(g: Grid):
        from scipy.spatial import cKDTree

        from satsov.orbits.geometry import geodetic_to_ecef
        out = np.zeros(len(g))
        tree = cKDTree(geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0))
        notes = []
        for p in points:
            d, k = tree.query(geodetic_to_ecef(float(p[0]), float(p[1]), 0.0))
            out[k] += float(p[2]) * 1000.0
            notes.append(f"user demand {p[3] if len(p) > 3 else ''} {float(p[2]):g} Gbps at ({float(p[0]):.2f}, "
                         f"{float(p[1]):.2f}), cell {d:.0f} km away".replace("  ", " "))
        return out, notes
    return add
