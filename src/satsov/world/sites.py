"""Cities and ground sites (gateways, points of presence), each with its country and source.

>>> ottawa = city("Ottawa")
>>> ottawa.country, round(ottawa.lat_deg, 2)
('CA', 45.41)
>>> city("London", country="CA").name
'London'
>>> city("Tromso").name
'Tromsø'
>>> city("Otawa")
Traceback (most recent call last):
...
satsov.errors.UnknownNameError: unknown city 'Otawa'; did you mean 'Ottawa'...?
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from satsov.errors import InputError, UnknownNameError
from satsov.orbits.geometry import geodetic_to_ecef

__all__ = ["CITED_EVIDENCE", "GroundSite", "city", "city_from_text", "load_sites", "published_sites", "SITE_FIELDS"]

SITE_FIELDS = ("name", "kind", "operator", "country", "lat_deg", "lon_deg", "source")


# the kinds of evidence (data/world/gateways.csv) under which a site's own source was read
CITED_EVIDENCE = ("filing", "filing-index", "news", "operator")


@dataclass(frozen=True)
class GroundSite:
    """A point on the ground: a city, a gateway or a point of presence."""

    name: str
    lat_deg: float
    lon_deg: float
    country: str = ""
    kind: str = "city"
    operator: str = ""
    alt_m: float = 0.0
    population: int = 0
    source: str = ""
    status: str = "operational"   # or "planned" (gateways and PoPs)
    evidence: str = ""            # how far the row was checked (see data/world/gateways.csv)

    @property
    def cited(self) -> bool:
        """Whether the site's own source was read: a filing (or the regulator's index of it), a report of one, the
        operator's own record; not a site known only from community lists, its regulator's record to check."""
        return self.evidence.split(";")[0] in CITED_EVIDENCE

    @property
    def ecef_km(self) -> np.ndarray:
        return geodetic_to_ecef(self.lat_deg, self.lon_deg, self.alt_m / 1000.0)


_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "Đ": "D", "ł": "l",
                          "Ł": "L", "ı": "i", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"})


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Reykjavík' and 'reykjavik' match, and so do 'Tromsø' and 'Tromso'."""
    import unicodedata
    text = text.translate(_LETTERS)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def _folded_names():
    from satsov.world.grids import cities_table
    return cities_table()["name"].map(_fold)


def city(name: str, country: str | None = None) -> GroundSite:
    """The most populous city called ``name`` (GeoNames cities15000), optionally in ``country`` (alpha-2)."""
    from satsov.world.grids import cities_table
    table = cities_table()
    key = _fold(name.strip())
    names = _folded_names()
    hits = table[names == key]
    if country:
        hits = hits[hits["country"] == country.upper()]
    if hits.empty:  # 'New York' is 'New York City' in GeoNames: accept a name that extends the query by a word
        hits = table[names.str.startswith(key + " ")]
        if country:
            hits = hits[hits["country"] == country.upper()]
    if hits.empty:
        pool = table if not country else table[table["country"] == country.upper()]
        known = pool["name"].head(20000).tolist()
        raise UnknownNameError("city", name + (f" ({country})" if country else ""), known) from None
    row = hits.iloc[0]  # the table is sorted by population, largest first
    return GroundSite(str(row["name"]), float(row["lat_deg"]), float(row["lon_deg"]), str(row["country"]),
                      "city", "", 0.0, int(row["population"]), f"GeoNames {int(row['geonameid'])} (CC BY 4.0)")


def city_from_text(text: str) -> GroundSite:
    """A city from ``'NAME'`` or ``'NAME,CC'`` (the form the CLI and scenario files take).

    >>> city_from_text("London,CA").country
    'CA'
    """
    name, _, country = text.partition(",")
    return city(name.strip(), country.strip() or None)


STATUSES = ("operational", "planned")


def load_sites(path: str | os.PathLike) -> list[GroundSite]:
    """Read ground stations / gateways from CSV with columns ``name, kind, operator, country, lat_deg, lon_deg,
    source`` (``alt_m``, ``status``: operational or planned, ``evidence`` optional). Every row needs a source.
    Errors name the line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; expected a CSV of sites", found=str(path), expected="CSV") from None
    reader = csv.DictReader(text.splitlines())
    missing = [f for f in SITE_FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}:1: the header lacks {', '.join(missing)}; expected columns {', '.join(SITE_FIELDS)}",
                         found=reader.fieldnames, expected=", ".join(SITE_FIELDS))
    sites = []
    for row in reader:
        line = reader.line_num

        def bad(field, expected):
            return InputError(f"{path}:{line}: field {field!r}: found {row.get(field)!r}, expected {expected}",
                              found=row.get(field), expected=expected)
        try:
            lat = float(row["lat_deg"])
        except (TypeError, ValueError):
            raise bad("lat_deg", "degrees in [-90, 90]") from None
        try:
            lon = float(row["lon_deg"])
        except (TypeError, ValueError):
            raise bad("lon_deg", "degrees in [-180, 180]") from None
        if not -90 <= lat <= 90:
            raise bad("lat_deg", "degrees in [-90, 90]")
        if not -180 <= lon <= 180:
            raise bad("lon_deg", "degrees in [-180, 180]")
        if not (row.get("source") or "").strip():
            raise bad("source", "where the fact comes from (filing, operator publication)")
        status = (row.get("status") or "operational").strip().lower()
        if status not in STATUSES:
            raise bad("status", " or ".join(STATUSES))
        sites.append(GroundSite(row["name"].strip(), lat, lon, (row.get("country") or "").strip().upper(),
                                (row.get("kind") or "gateway").strip(), (row.get("operator") or "").strip().lower(),
                                float(row.get("alt_m") or 0.0), 0, row["source"].strip(), status,
                                (row.get("evidence") or "").strip()))
    return sites


@lru_cache(maxsize=1)
def _published() -> tuple[GroundSite, ...]:
    from satsov.data import data_path
    return tuple(load_sites(data_path("world", "gateways.csv")))


def published_sites(operators=None, *, kind: str = "gateway", planned: bool = False,
                    cited_only: bool = False) -> list[GroundSite]:
    """The gateways (``kind="gateway"``) or points of presence (``kind="pop"``) that satsov ships
    (``data/world/gateways.csv``): Starlink, OneWeb and Telesat sites, each with its source, date and evidence.
    ``operators``: operator keys to keep (None: all); ``planned``: include sites announced but not yet operating;
    ``cited_only``: leave out the sites known only from community lists (:attr:`GroundSite.cited`), to see
    what a figure owes to them.

    >>> len(published_sites(["starlink"])) > 150, {s.kind for s in published_sites(kind="pop")}
    (True, {'pop'})
    """
    wanted = None if operators is None else {o.lower() for o in operators}
    return [s for s in _published() if s.kind == kind and (wanted is None or s.operator in wanted)
            and (planned or s.status == "operational") and (s.cited or not cited_only)]
