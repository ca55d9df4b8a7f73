"""Built-in fleets: constellations as flying (a dated real catalogue) and as filed (Walker shells).

>>> flying = as_flying()
>>> sorted(flying)[:3], len(flying["starlink"]) > 10000
(['apt', 'arabsat', 'asiasat'], True)
>>> filed = filed_constellations()
>>> filed["kuiper"].size, filed["kuiper"].operator
(3236, 'kuiper')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from satsov.data import data_path
from satsov.errors import InputError, UnknownNameError
from satsov.orbits.fleet import Fleet, load_fleet
from satsov.world.operators import OperatorRegistry, operator_registry
from satsov.orbits.walker import Shell

__all__ = ["BUILTIN_CATALOG_DATE", "builtin_catalog_path", "as_flying", "Constellation", "filed_constellations",
           "as_filed"]

BUILTIN_CATALOG_DATE = "2026-05-07"


def builtin_catalog_path():
    """CelesTrak 'active' snapshot of 2026-05-07, the communication satellites only (12,074)."""
    return data_path("catalog", f"celestrak-comms-{BUILTIN_CATALOG_DATE}.tle.gz")


@lru_cache(maxsize=2)
def _builtin_fleet() -> Fleet:
    return load_fleet(builtin_catalog_path(), name=f"celestrak-{BUILTIN_CATALOG_DATE}")


def as_flying(operators=None, *, registry: OperatorRegistry | None = None, catalog=None) -> dict[str, Fleet]:
    """Fleets per operator from the built-in snapshot, or from a newer ``catalog`` file with the same assignment."""
    registry = registry or operator_registry()
    fleet = load_fleet(catalog) if catalog else _builtin_fleet()
    split = registry.split(fleet)
    if operators is None:
        return split
    out = {}
    for key in operators:
        registry[key]  # raises UnknownNameError with suggestions
        if key not in split:
            raise InputError(f"operator {key!r} has no satellite in {fleet.name}", found=key,
                             expected=f"one of {', '.join(sorted(split))}")
        out[key] = split[key]
    return out


@dataclass(frozen=True)
class Constellation:
    """A constellation as filed: its operator and Walker shells, each with its source."""

    key: str
    name: str
    operator: str
    shells: tuple[Shell, ...]
    min_elevation_deg: float | None = None

    @property
    def size(self) -> int:
        return sum(s.size for s in self.shells)

    @property
    def confidence(self) -> str:
        order = "LMH"
        return min((s.confidence or "H" for s in self.shells), key=order.index)

    def fleet(self, epoch, first_norad_id: int = 100000) -> Fleet:
        return Fleet.from_shells(self.shells, epoch, name=self.key, first_norad_id=first_norad_id)


@lru_cache(maxsize=1)
def filed_constellations() -> dict[str, Constellation]:
    """Constellations as filed (``data/shells.yaml``)."""
    with open(data_path("shells.yaml")) as f:
        data = yaml.safe_load(f)
    out = {}
    for key, entry in data.items():
        shells = tuple(Shell(**{k: v for k, v in s.items()}) for s in entry["shells"])
        out[key] = Constellation(key, entry["name"], entry["operator"], shells, entry.get("min_elevation_deg"))
    return out


def as_filed(key: str, epoch) -> Fleet:
    """The Walker fleet of a filed constellation, placed at ``epoch``; satellites are named IRIS2-..., etc."""
    table = filed_constellations()
    if key not in table:
        raise UnknownNameError("filed constellation", key, list(table))
    c = table[key]
    # names start with the operator's first pattern so that the registry assigns them
    registry = operator_registry()
    prefix = registry[c.operator].patterns[0] if registry[c.operator].patterns else c.operator.upper()
    elements = []
    for shell in c.shells:
        elements += shell.elements(epoch, first_norad_id=100000 + len(elements),
                                   name_prefix=f"{prefix}-FILED-{shell.name.upper()}")
    return Fleet(elements, key)
