"""Landing rights: where each operator may serve users, with the source, date and confidence of each rule.

>>> lic = licences()
>>> lic.licensed("guowang", "CA"), lic.licensed("guowang", "CN"), lic.licensed("starlink", "FR")
(False, True, True)
>>> lic.rule("starlink", "FR").confidence    # ARCEP decision 2022-1102, upheld by the Conseil d'Etat
'H'
>>> lic.rule("starlink", "IT").confidence    # an assumption: Starlink sells widely, Italy not checked
'L'
>>> sorted(lic.unlicensed("qianfan", ["CA", "CN", "FR"]))
['CA', 'FR']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from satsov.errors import InputError, UnknownNameError

__all__ = ["LicenceRule", "LicenceTable", "licences", "licence_denials", "landing_rule"]

CONFIDENCES = ("H", "M", "L")


@dataclass(frozen=True)
class LicenceRule:
    """Whether an operator may serve users in some countries, and on what grounds."""

    licensed: bool
    countries: frozenset[str] | None  # None: the operator's default (every country no rule names)
    source: str
    date: str
    confidence: str

    @property
    def assumed(self) -> bool:
        """A low-confidence rule is an assumption, and outputs say so."""
        return self.confidence == "L"


UNLISTED = LicenceRule(True, None, "assumption: no licence data for this operator; assumed licensed everywhere",
                       "", "L")


@dataclass(frozen=True)
class LicenceTable:
    """Per operator, a default and rules (later rules win)."""

    operators: dict[str, tuple[LicenceRule, ...]]
    source: str = ""

    def rule(self, operator: str, country: str) -> LicenceRule:
        """The rule that decides ``operator`` in ``country`` (ISO alpha-2)."""
        rules = self.operators.get(operator.lower())
        if not rules:
            return UNLISTED
        found = rules[0]
        for r in rules[1:]:
            if country.upper() in r.countries:
                found = r
        return found

    def licensed(self, operator: str, country: str) -> bool:
        return self.rule(operator, country).licensed

    def unlicensed(self, operator: str, countries: Iterable[str]) -> frozenset[str]:
        """Those of ``countries`` where ``operator`` may not serve users."""
        return frozenset(c for c in countries if c and not self.licensed(operator, c))

    def describe(self, operator: str, countries: Iterable[str]) -> list[dict]:
        """The rules that decide ``operator`` over ``countries``, one row per rule with the countries it decides."""
        by: dict[LicenceRule, list[str]] = {}
        for c in sorted(set(countries)):
            if c:
                by.setdefault(self.rule(operator, c), []).append(c)
        return [{"operator": operator, "licensed": r.licensed, "countries": cs, "source": r.source,
                 "date": r.date, "confidence": r.confidence} for r, cs in by.items()]


def _rule(entry, where: str, default: bool) -> LicenceRule:
    from satsov.world.policies import expand_jurisdictions
    if not isinstance(entry, dict):
        raise InputError(f"{where}: found {entry!r}, expected a mapping with licensed, source, date, confidence",
                         found=entry, expected="mapping")
    for key in ("licensed", "source", "date", "confidence"):
        if key not in entry or entry[key] in (None, ""):
            raise InputError(f"{where}: key {key!r} is missing; every licence rule needs licensed, source, date "
                             f"and confidence", found=sorted(entry), expected=key)
    if not isinstance(entry["licensed"], bool):
        raise InputError(f"{where}.licensed: found {entry['licensed']!r}, expected true or false",
                         found=entry["licensed"], expected="bool")
    if entry["confidence"] not in CONFIDENCES:
        raise InputError(f"{where}.confidence: found {entry['confidence']!r}, expected H, M or L",
                         found=entry["confidence"], expected=CONFIDENCES)
    codes = None
    if not default:
        try:
            codes = frozenset(expand_jurisdictions(entry.get("countries") or []))
        except UnknownNameError as exc:
            raise InputError(f"{where}.countries: {exc}", found=entry.get("countries"), expected="country codes or groups") from None
        if not codes:
            raise InputError(f"{where}.countries: found none, expected country codes or groups", found=[],
                             expected="countries")
    return LicenceRule(entry["licensed"], codes, " ".join(str(entry["source"]).split()), str(entry["date"]),
                       entry["confidence"])


@lru_cache(maxsize=4)
def _load(path: str) -> LicenceTable:
    import yaml

    from satsov.io import load_yaml
    try:
        raw = load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; expected a licences YAML file", found=path, expected="YAML") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})", found=path, expected="YAML") from None
    ops = {}
    for key, entry in (raw or {}).items():
        if str(key).startswith("_"):
            continue  # anchors shared by several operators
        where = f"{path}: {key}"
        if not isinstance(entry, dict) or "default" not in entry:
            raise InputError(f"{where}: key 'default' is missing; expected default and rules", found=entry,
                             expected="default")
        rules = [_rule(entry["default"], f"{where}.default", True)]
        for i, r in enumerate(entry.get("rules") or []):
            rules.append(_rule(r, f"{where}.rules[{i}]", False))
        ops[str(key).lower()] = tuple(rules)
    return LicenceTable(ops, f"{Path(path).name}: operator authorisations, regulators and operators' publications "
                             f"(per rule, with confidence)")


def licences(path: str | os.PathLike | None = None) -> LicenceTable:
    """The landing-rights table: ``data/licences.yaml`` by default, or a file of the same layout."""
    from satsov.data import data_path
    return _load(str(path or data_path("licences.yaml")))


def licence_denials(fleets, owner, table: LicenceTable, what_if=()) -> tuple:
    """Per fleet, the countries where its operator has no landing rights (``table``), as one
    :class:`~satsov.world.cases.Denial` for the whole window named ``"licence"``; operators in ``what_if`` are
    treated as licensed everywhere. Every engine applies landing rights this way, through its cases."""
    from satsov.world.cases import Denial
    from satsov.world.regions import countries
    every = list(countries())
    out = []
    for key in fleets:
        if owner[key] in what_if:
            continue
        denied = table.unlicensed(owner[key], every)
        if denied:
            out.append(Denial(key, frozenset(denied), None, None, "licence"))
    return tuple(out)


def landing_rule(table: LicenceTable | None, what_if=()):
    """``licensed(operator, country)`` for the route audit under ``table`` (None: every operator everywhere),
    operators in ``what_if`` licensed everywhere."""
    if table is None:
        return None
    what_if = tuple(what_if)
    return lambda op, country: op in what_if or table.licensed(op, country)
