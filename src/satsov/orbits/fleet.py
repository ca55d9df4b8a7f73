"""Fleets: named groups of satellites that propagate together.

>>> from satsov.data import sample_catalog_path
>>> fleet = load_fleet(sample_catalog_path())
>>> oneweb = fleet.select("ONEWEB*")
>>> len(oneweb) < len(fleet), oneweb.names[0].startswith("ONEWEB")
(True, True)
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from satsov.orbits.catalog import Catalog, read_catalog, write_catalog
from satsov.orbits.elements import ElementSet
from satsov.orbits.propagation import Backend, propagate, propagate_chunks
from satsov.times import Times

__all__ = ["Fleet", "load_fleet", "epoch_age_days", "stale_elements", "convert_catalog"]


class Fleet:
    """An ordered, immutable group of satellites (element sets)."""

    def __init__(self, elements: Iterable[ElementSet], name: str = "fleet", *, notes: Sequence[str] = ()):
        self.elements: tuple[ElementSet, ...] = tuple(elements)
        self.name = name
        self.notes: tuple[str, ...] = tuple(notes)  # what reading its catalogue left out (Catalog.notes)

    @classmethod
    def from_catalog(cls, catalog: Catalog, name: str | None = None) -> "Fleet":
        return cls(catalog.elements, name or os.path.basename(catalog.path) or "catalog", notes=catalog.notes())

    @classmethod
    def from_shells(cls, shells: Sequence, epoch, name: str = "walker", first_norad_id: int = 100000) -> "Fleet":
        elements: list[ElementSet] = []
        for shell in shells:
            elements += shell.elements(epoch, first_norad_id=first_norad_id + len(elements))
        return cls(elements, name)

    def __len__(self) -> int:
        return len(self.elements)

    def __iter__(self) -> Iterator[ElementSet]:
        return iter(self.elements)

    def __getitem__(self, index):
        if isinstance(index, (slice, np.ndarray, list)):
            idx = np.arange(len(self))[index]
            return Fleet([self.elements[i] for i in np.atleast_1d(idx)], self.name, notes=self.notes)
        return self.elements[index]

    def __add__(self, other: "Fleet") -> "Fleet":
        return Fleet(self.elements + tuple(other.elements), f"{self.name}+{other.name}")

    def __repr__(self) -> str:
        return f"Fleet({self.name!r}, {len(self)} satellites)"

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.elements]

    @property
    def norad_ids(self) -> np.ndarray:
        return np.array([e.norad_id for e in self.elements], dtype=np.int64)

    def select(self, pattern: str, *, required: bool = False) -> "Fleet":
        """Satellites whose name matches a shell-style pattern (``STARLINK*``), case-insensitive.

        A pattern in slashes (``/^ONEWEB-00[0-9]+$/``) is a regular expression. ``required``: matching
        nothing is an error rather than an empty fleet.
        """
        if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
            rx = re.compile(pattern[1:-1], re.IGNORECASE)
            keep = [e for e in self.elements if rx.search(e.name)]
        else:
            rx = re.compile(fnmatch.translate(pattern.upper()))
            keep = [e for e in self.elements if rx.match(e.name.upper())]
        if required and not keep:
            from satsov.errors import InputError
            raise InputError(f"names: no satellite of {self.name} matches {pattern!r}", found=pattern,
                             expected="a name pattern such as 'STARLINK*'")
        return Fleet(keep, f"{self.name}[{pattern}]", notes=self.notes)

    def positions(self, times: Times, *, backend: str | Backend = "auto", ut1_minus_utc_s="iers") -> np.ndarray:
        """ITRS positions in km, shape ``(n_sats, n_times, 3)``; NaN where SGP4 failed."""
        return propagate(self, times, backend=backend, ut1_minus_utc_s=ut1_minus_utc_s)[0]

    def positions_chunks(self, times: Times, *, chunk_steps: int | None = None, backend: str | Backend = "auto",
                         ut1_minus_utc_s="iers"):
        """Iterate ``(slice, times_chunk, positions_itrs_km, status)`` over time chunks."""
        return propagate_chunks(self, times, chunk_steps=chunk_steps, backend=backend,
                                ut1_minus_utc_s=ut1_minus_utc_s)


def epoch_age_days(fleet, times: Times) -> np.ndarray:
    """Per satellite, how far the window reaches from its element epoch, in days (the larger of the distances
    from the epoch to the window's first and last instant)."""
    epochs = np.array([e.epoch for e in fleet], dtype="datetime64[ns]")
    if not len(epochs) or not len(times):
        return np.zeros(len(epochs))
    day = np.timedelta64(86_400_000_000_000, "ns")
    return np.maximum(np.abs(times.utc[0] - epochs), np.abs(times.utc[-1] - epochs)) / day


def stale_elements(fleets, times: Times, max_age_days: float) -> list[str]:
    """Warnings for fleets some of whose satellites are used more than ``max_age_days`` from their epoch:
    SGP4 elements lose accuracy by kilometres per day in LEO, so such answers describe a constellation that
    no longer flies as computed (fetch a newer catalogue)."""
    out = []
    items = fleets.items() if hasattr(fleets, "items") else [(getattr(fleets, "name", "fleet"), fleets)]
    for name, fleet in items:
        if any(e.source.startswith("walker:") for e in fleet):  # constellations placed at the window: no epoch
            continue
        age = epoch_age_days(fleet, times)
        stale = age > max_age_days
        if stale.any():
            out.append(f"{name}: {int(stale.sum())} of {len(fleet)} satellites are used up to {age.max():.0f} days "
                       f"from their element epoch (limit {max_age_days:g} days): positions drift by kilometres per "
                       f"day from the epoch, so these figures describe the constellation as it was; use a catalogue "
                       f"closer to the window")
    return out


def load_fleet(path: str | os.PathLike, *, strict: bool = False, name: str | None = None,
               names: str | None = None) -> Fleet:
    """Read a catalogue file (TLE/3LE, OMM JSON/CSV/XML) into a :class:`Fleet`.

    ``names``: keep only satellites matching this pattern (see :meth:`Fleet.select`); matching none is an error.
    """
    fleet = Fleet.from_catalog(read_catalog(path, strict=strict), name)
    return fleet.select(names, required=True) if names else fleet


def convert_catalog(src: str | os.PathLike, dst: str | os.PathLike, *, names: str | None = None,
                    strict: bool = False) -> tuple[Catalog, int]:
    """Convert a catalogue between TLE and OMM formats (by ``dst``'s suffix: .tle, .2le, .json, .csv),
    optionally keeping only satellites whose names match ``names``. Returns the source catalogue (with its
    rejected records) and the number of satellites written."""
    catalog = read_catalog(src, strict=strict)
    fleet = Fleet.from_catalog(catalog)
    if names:
        fleet = fleet.select(names)
    write_catalog(fleet.elements, dst)
    return catalog, len(fleet)
