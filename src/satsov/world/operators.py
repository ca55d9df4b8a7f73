"""The operator registry: who owns which satellites, under which jurisdiction, and the source of each fact.

>>> from satsov.data import sample_catalog_path
>>> from satsov.orbits.fleet import load_fleet
>>> registry = operator_registry()
>>> registry["starlink"].jurisdiction, registry["qianfan"].jurisdiction
('US', 'CN')
>>> fleet = load_fleet(sample_catalog_path())
>>> by_operator = registry.split(fleet)
>>> len(by_operator["starlink"]), len(by_operator["oneweb"])
(80, 40)
>>> registry["starlnk"]
Traceback (most recent call last):
...
satsov.errors.UnknownNameError: unknown operator 'starlnk'; did you mean 'starlink'?
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from satsov.data import data_path
from satsov.io import describe_yaml_error, load_yaml
from satsov.errors import InputError, UnknownNameError
from satsov.orbits.fleet import Fleet

__all__ = ["Operator", "OperatorRegistry", "operator_registry"]

_REQUIRED = ("name", "jurisdiction", "source")
SERVICES = ("broadband", "mss", "iot")
SUPRANATIONAL = {"EU": "European Union (ISO 3166-1 exceptionally reserved code)"}


@dataclass(frozen=True)
class Operator:
    """A satellite operator and the facts about it, each with its source."""

    key: str
    name: str
    jurisdiction: str
    source: str
    brand: str = ""
    parent: str = ""
    parent_jurisdiction: str = ""
    patterns: tuple[str, ...] = ()
    date: str = ""
    confidence: str = "H"
    satellites: tuple[int, ...] = field(default=(), repr=False)  # explicit NORAD ids (user overrides)
    service: str = "broadband"  # broadband, mss (mobile satellite services) or iot

    @property
    def jurisdictions(self) -> tuple[str, ...]:
        """Home jurisdiction, then the parent's where it differs."""
        return tuple(dict.fromkeys(j for j in (self.jurisdiction, self.parent_jurisdiction) if j))


class OperatorRegistry:
    """Operators by key, and rules that assign catalogue satellites to them."""

    def __init__(self, operators: dict[str, Operator], source: str = ""):
        self.operators = dict(operators)
        self.source = source
        self._compile()

    def _compile(self):
        self._rules = [(re.compile(rf"^(?:{p})(?![A-Z])", re.IGNORECASE), op.key)
                       for op in self.operators.values() for p in op.patterns]
        self._explicit = {n: op.key for op in self.operators.values() for n in op.satellites}

    def __getitem__(self, key: str) -> Operator:
        try:
            return self.operators[key.lower()]
        except KeyError:
            raise UnknownNameError("operator", key, list(self.operators)) from None

    def __contains__(self, key: str) -> bool:
        return key.lower() in self.operators

    def __iter__(self):
        return iter(self.operators.values())

    def __len__(self) -> int:
        return len(self.operators)

    def keys(self) -> list[str]:
        return list(self.operators)

    def operator_of(self, name: str, norad_id: int | None = None) -> str:
        """Key of the operator owning a satellite ('' when no rule matches)."""
        if norad_id is not None and norad_id in self._explicit:
            return self._explicit[norad_id]
        for rx, key in self._rules:
            if rx.match(name.strip()):
                return key
        return ""

    def assign(self, fleet) -> np.ndarray:
        """Operator key of every satellite of a fleet ('' for unassigned), as an object array."""
        return np.array([self.operator_of(e.name, e.norad_id) for e in fleet], dtype=object)

    def split(self, fleet) -> dict[str, Fleet]:
        """One fleet per operator with at least one satellite (unassigned satellites are left out)."""
        keys = self.assign(fleet)
        out = {}
        for key in self.operators:
            idx = np.flatnonzero(keys == key)
            if len(idx):
                out[key] = Fleet([fleet.elements[i] for i in idx], key)
        return out

    def unassigned(self, fleet) -> dict[str, int]:
        """Name prefixes of the satellites no rule assigns, with counts."""
        from satsov.orbits.catalog import name_prefix
        keys = self.assign(fleet)
        return dict(Counter(name_prefix(e.name) for e, k in zip(fleet, keys) if not k).most_common())

    def merged(self, other: "OperatorRegistry") -> "OperatorRegistry":
        """This registry with ``other``'s operators added or replacing ours (user files win)."""
        ops = dict(self.operators)
        ops.update(other.operators)
        merged = OperatorRegistry(ops, f"{self.source}; {other.source}")
        # user rules are tried first, so a user can take satellites from a built-in operator
        merged._rules = other._rules + [r for r in self._rules if r[1] not in other.operators]
        merged._explicit = {**self._explicit, **other._explicit}
        return merged

    def in_jurisdictions(self, codes) -> list[str]:
        codes = set(codes)
        return [op.key for op in self if op.jurisdiction in codes]

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> "OperatorRegistry":
        """Read operators from YAML (the format of ``satsov/data/operators.yaml``)."""
        path = Path(path)
        try:
            data = load_yaml(path.read_text())
        except FileNotFoundError:
            raise InputError(f"{path}: no such file; expected an operators YAML file", found=str(path),
                             expected="YAML") from None
        except yaml.YAMLError as exc:
            raise InputError(describe_yaml_error(path, exc), found=str(path), expected="YAML") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: found {type(data).__name__}, expected a mapping of operator keys to "
                             f"operators", found=data, expected="mapping")
        ops = {}
        from satsov.world.regions import countries
        known = countries()
        for key, entry in data.items():
            where = f"{path}: operator {key!r}"
            if not isinstance(entry, dict):
                raise InputError(f"{where}: found {entry!r}, expected a mapping with {', '.join(_REQUIRED)}",
                                 found=entry, expected="mapping")
            for req in _REQUIRED:
                if not entry.get(req):
                    raise InputError(f"{where}: field {req!r} is missing; every operator needs "
                                     f"{', '.join(_REQUIRED)} (facts carry their source)", found=None, expected=req)
            for jkey in ("jurisdiction", "parent_jurisdiction"):
                j = entry.get(jkey)
                if j and str(j).upper() not in known and str(j).upper() not in SUPRANATIONAL:
                    raise UnknownNameError(f"ISO country code in {where}, field {jkey!r},", str(j), list(known))
            if str(entry.get("service", "broadband")) not in SERVICES:
                raise UnknownNameError(f"service in {where}", str(entry.get("service")), SERVICES)
            patterns = entry.get("patterns") or []
            for p in patterns:
                try:
                    re.compile(p)
                except re.error as exc:
                    raise InputError(f"{where}: pattern {p!r} is not a regular expression ({exc})", found=p,
                                     expected="regular expression") from None
            ops[str(key).lower()] = Operator(
                key=str(key).lower(), name=str(entry["name"]), jurisdiction=str(entry["jurisdiction"]).upper(),
                source=str(entry["source"]), brand=str(entry.get("brand", "")), parent=str(entry.get("parent", "")),
                parent_jurisdiction=str(entry.get("parent_jurisdiction", "")).upper(),
                patterns=tuple(patterns), date=str(entry.get("date", "")), confidence=str(entry.get("confidence", "H")),
                satellites=tuple(int(n) for n in entry.get("satellites", []) or []),
                service=str(entry.get("service", "broadband")))
        return cls(ops, str(path))


def operator_registry(user_file: str | os.PathLike | None = None) -> OperatorRegistry:
    """The built-in registry, merged with a user's YAML file when given (the user's entries win)."""
    base = OperatorRegistry.from_yaml(data_path("operators.yaml"))
    base.source = "satsov built-in operators.yaml"
    if user_file:
        return base.merged(OperatorRegistry.from_yaml(user_file))
    return base
