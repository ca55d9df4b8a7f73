"""What a coverage pass computed: per-cell maps, time series, dependency counts, and figures of merit
as a typed record (:class:`Figures`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from satsov.errors import UnknownNameError
from satsov.times import Times
from satsov.world.grids import Grid

__all__ = ["CoverageResult", "Figures"]


@dataclass(frozen=True)
class Figures:
    """Figures of merit of one case. Shares are in [0, 1]; ``*_available`` shares count the cells whose
    availability reaches ``availability_threshold``."""

    case: Hashable
    operators: tuple[str, ...]
    denials: tuple[str, ...]
    cells: int
    time_coverage_area: float
    time_coverage_population: float
    availability_threshold: float
    area_share_available: float
    population_share_available: float
    area_share_never_covered: float
    population_time_served: float
    mean_sats_in_view: float
    max_sats_in_view: int
    longest_gap_s: float
    mean_gap_s: float
    gaps_per_cell: float
    worst_cells: tuple[dict, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["case"] = str(self.case)
        out["operators"], out["denials"] = list(self.operators), list(self.denials)
        out["worst_cells"] = list(self.worst_cells)
        return out


@dataclass(eq=False)
class CoverageResult:
    """Everything :func:`coverage` computed. Per-cell arrays follow ``grid`` (cells in kernel order)."""

    grid: Grid
    times: Times
    min_elevation_deg: float
    n_fold: int
    availability_threshold: float
    operators: tuple[str, ...]
    cases: dict  # key -> Case
    cells: dict[Hashable, pd.DataFrame]
    series: dict[Hashable, pd.DataFrame]
    critical: dict[Hashable, pd.DataFrame]  # per dependency case: share of steps each operator alone keeps a cell served
    present: dict[Hashable, pd.DataFrame]
    warnings: list[str]
    satellites: dict[str, int]
    earth_orientation: dict = field(default_factory=dict)  # the UT1 - UTC used (satsov.orbits.earth)
    frames: dict = field(default_factory=dict)  # key -> (n_frames, n_cells) availability per span of the window
    frame_start: np.ndarray | None = None       # each frame's first time (UTC)

    @property
    def step_s(self) -> float:
        return self.times.step_s

    def figures(self, case: Hashable) -> Figures:
        """Figures of merit of one case (see :mod:`satsov.visibility.engine`)."""
        if case not in self.cells:
            raise UnknownNameError("case", str(case), [str(k) for k in self.cells])
        c = self.cells[case]
        area, pop = self.grid.area_km2, self.grid.population
        total_area, total_pop = area.sum(), pop.sum()
        avail = c["availability"].to_numpy()
        thr = self.availability_threshold
        worst = c.assign(lat_deg=self.grid.lat_deg, lon_deg=self.grid.lon_deg, country=self.grid.country)
        worst = worst.sort_values(["availability", "longest_gap_s"], ascending=[True, False]).head(10)
        gaps = c["n_gaps"].to_numpy()

        def share(weights, mask) -> float:
            total = weights.sum()
            return float(weights[mask].sum() / total) if total else 0.0
        return Figures(
            case=case, operators=tuple(self.cases[case].operators),
            denials=tuple(d.name or d.operator for d in self.cases[case].denials),
            cells=len(c),
            time_coverage_area=float((avail * area).sum() / total_area) if total_area else 0.0,
            time_coverage_population=float((avail * pop).sum() / total_pop) if total_pop else 0.0,
            availability_threshold=thr,
            area_share_available=share(area, avail >= thr - 1e-12),
            population_share_available=share(pop, avail >= thr - 1e-12),
            area_share_never_covered=share(area, avail == 0),
            population_time_served=float((avail * pop).sum()),
            mean_sats_in_view=float((c["mean_sats_in_view"].to_numpy() * area).sum() / total_area) if total_area else 0.0,
            max_sats_in_view=int(c["max_sats_in_view"].max()) if len(c) else 0,
            longest_gap_s=float(c["longest_gap_s"].max()) if len(c) else 0.0,
            mean_gap_s=float(c["mean_gap_s"][gaps > 0].mean()) if (gaps > 0).any() else 0.0,
            gaps_per_cell=float(gaps.mean()) if len(c) else 0.0,
            worst_cells=tuple(worst[["lat_deg", "lon_deg", "country", "availability", "longest_gap_s"]]
                              .to_dict(orient="records")),
        )

    def summary(self) -> dict:
        return {
            "grid": {"region": self.grid.region_name, "spacing_km": self.grid.spacing_km, "cells": len(self.grid),
                     "area_km2": float(self.grid.area_km2.sum()), "population": float(self.grid.population.sum())},
            "start": self.times.isoformat()[0], "end": self.times.isoformat()[-1], "step_s": self.step_s,
            "steps": len(self.times), "min_elevation_deg": self.min_elevation_deg, "n_fold": self.n_fold,
            "satellites": self.satellites, "warnings": self.warnings, "ut1_minus_utc": self.earth_orientation,
            "cases": {str(key): self.figures(key).to_dict() for key in self.cells},
        }

    def to_dataset(self):
        """Per-cell maps and time series as an ``xarray.Dataset`` (dims: case, cell, time)."""
        import xarray as xr
        keys = list(self.cells)
        names = [str(k) for k in keys]
        cell_vars = {col: (("case", "cell"), np.stack([self.cells[k][col].to_numpy() for k in keys]))
                     for col in self.cells[keys[0]].columns}
        series_vars = {col: (("case", "time"), np.stack([self.series[k][col].to_numpy() for k in keys]))
                       for col in self.series[keys[0]].columns}
        return xr.Dataset(
            {**cell_vars, **series_vars},
            coords={"case": names, "time": self.times.utc, "lat_deg": ("cell", self.grid.lat_deg),
                    "lon_deg": ("cell", self.grid.lon_deg), "area_km2": ("cell", self.grid.area_km2),
                    "population": ("cell", self.grid.population), "country": ("cell", self.grid.country)},
            attrs={"min_elevation_deg": self.min_elevation_deg, "n_fold": self.n_fold, "step_s": self.step_s,
                   "region": self.grid.region_name})
