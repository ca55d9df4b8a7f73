"""Supply: how much each satellite can deliver, and how much one place can receive from one operator.

Values come from ``data/capacity.yaml`` (or a user file with the same layout), each as low / base / high with
its source, date, confidence and an ``assumed`` flag for numbers no source publishes. Satellites are assigned
to generations by rules on their catalogue names (Starlink V2 Mini from STARLINK-30000). Operators without an
entry take the default of their service class and orbit (GEO or LEO broadband; none for mobile and IoT).

>>> table = supply_table()
>>> s = table.operator("starlink")
>>> s.min_elevation_deg, s.inter_satellite_links, s.cell_capacity.base
(25.0, True, 27.0)
>>> [g.name for g in s.generations]
['direct-to-cell', 'v2-mini', 'v1.5']
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from satsov.data import data_path
from satsov.errors import InputError
from satsov.io import load_yaml

__all__ = ["Param", "Generation", "OperatorSupply", "SupplyTable", "supply_table", "LEVELS"]

LEVELS = ("low", "base", "high")


@dataclass(frozen=True)
class Param:
    """A number with its range and provenance. ``assumed``: no source publishes it. ``estimates``: independent
    estimates of the same quantity, each ``(value, source)``, shown beside an assumption (not used in the
    computation: they say how far the range can be trusted)."""

    low: float
    base: float
    high: float
    source: str
    confidence: str = "L"
    assumed: bool = False
    date: str = ""
    estimates: tuple[tuple[float, str], ...] = ()

    def at(self, level: str) -> float:
        if level not in LEVELS:
            raise InputError(f"level: found {level!r}, expected one of {', '.join(LEVELS)}", found=level,
                             expected="low, base or high")
        return float(getattr(self, level))

    def describe(self) -> str:
        flag = "ASSUMED " if self.assumed else ""
        beside = "".join(f"; independent estimate {v:g} ({src})" for v, src in self.estimates)
        return (f"{flag}{self.base:g} (range {self.low:g}-{self.high:g}; {self.source}; confidence {self.confidence}"
                f"{beside})")


_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Generation:
    name: str
    capacity_gbps: Param
    name_contains: str | None = None
    name_number_at_least: int | None = None

    def matches(self, name: str) -> bool:
        if self.name_contains is not None:
            return self.name_contains.upper() in name.upper()
        if self.name_number_at_least is not None:
            m = _NUMBER.search(name)
            return bool(m) and int(m.group(1)) >= self.name_number_at_least
        return True


@dataclass(frozen=True)
class OperatorSupply:
    """One operator's (or default's) supply figures."""

    key: str
    min_elevation_deg: float
    inter_satellite_links: bool
    cell_capacity: Param            # Gbps per 1,000 km² of ground
    generations: tuple[Generation, ...]
    sources: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()  # which of its figures are assumptions
    isl_source: str = ""
    beam_cell_km2: float | None = None  # the area one beam cell serves (its cap: the density times this area);
    # None: no beam layout known, the cap scales with the analysis cell's area
    user_band: str | None = None  # the user downlink band it shares with other systems in it (None: shares none)
    gateway_antennas: Param | None = None     # antennas per gateway site (None: the default for its class)
    gateway_antenna_gbps: Param | None = None  # what one gateway antenna carries towards the satellites (Gbps)

    def generation_of(self, name: str) -> Generation:
        return next(g for g in self.generations if g.matches(name))


def _param(entry, where: str) -> Param:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: found {entry!r}, expected a mapping with low, base, high and source",
                         found=entry, expected="{low, base, high, source}")
    missing = [k for k in ("low", "base", "high", "source") if k not in entry]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}; every figure needs low, base, high and its source",
                         found=sorted(entry), expected="low, base, high, source")
    low, base, high = (float(entry[k]) for k in LEVELS)
    if not (0 <= low <= base <= high):
        raise InputError(f"{where}: found low {low:g}, base {base:g}, high {high:g}; expected 0 <= low <= base <= high",
                         found=(low, base, high), expected="low <= base <= high")
    estimates = entry.get("estimates", [])
    if not isinstance(estimates, list):
        raise InputError(f"{where}.estimates: found {estimates!r}, expected a list of {{value, source}}",
                         found=estimates, expected="a list of {value, source}")
    pairs = []
    for i, e in enumerate(estimates):
        if not (isinstance(e, dict) and isinstance(e.get("value"), (int, float)) and not isinstance(e["value"], bool)
                and e.get("source")):
            raise InputError(f"{where}.estimates[{i}]: found {e!r}, expected {{value: a number, source: its source}}",
                             found=e, expected="{value, source}")
        pairs.append((float(e["value"]), str(e["source"])))
    return Param(low, base, high, str(entry["source"]), str(entry.get("confidence", "L")),
                 bool(entry.get("assumed", False)), str(entry.get("date", "")), tuple(pairs))


def _value(entry, where: str):
    if not isinstance(entry, dict) or "value" not in entry or not entry.get("source"):
        raise InputError(f"{where}: found {entry!r}, expected {{value, source}}", found=entry,
                         expected="{value, source}")
    return entry["value"], str(entry["source"]), bool(entry.get("assumed", False))


def _operator(key: str, entry: dict, path: str) -> OperatorSupply:
    where = f"{path}: {key}"
    min_el, src_el, ass_el = _value(entry.get("min_elevation_deg"), f"{where}.min_elevation_deg")
    isl, src_isl, ass_isl = _value(entry.get("inter_satellite_links"), f"{where}.inter_satellite_links")
    cell = _param(entry.get("cell_capacity_gbps_per_1000km2"), f"{where}.cell_capacity_gbps_per_1000km2")
    beam, src_beam, ass_beam = None, "", False
    if entry.get("beam_cell_km2") is not None:
        beam, src_beam, ass_beam = _value(entry["beam_cell_km2"], f"{where}.beam_cell_km2")
        try:
            beam = float(beam)
        except (TypeError, ValueError):
            beam = -1.0
        if not (1.0 <= beam <= 1e6):
            raise InputError(f"{where}.beam_cell_km2: found {entry['beam_cell_km2'].get('value')!r}, expected an area in "
                             f"km² from 1 to 1,000,000", found=entry["beam_cell_km2"].get("value"), expected="[1, 1e6] km²")
    band, src_band, ass_band = None, "", False
    if entry.get("user_band") is not None:
        band, src_band, ass_band = _value(entry["user_band"], f"{where}.user_band")
        if not isinstance(band, str) or not band.strip():
            raise InputError(f"{where}.user_band: found {band!r}, expected a band name such as 'Ku' or 'Ka'",
                             found=band, expected="a band name")
        band = band.strip()
    antennas = rate = None
    if entry.get("gateway_antennas_per_site") is not None:
        antennas = _param(entry["gateway_antennas_per_site"], f"{where}.gateway_antennas_per_site")
        if antennas.low < 1:
            raise InputError(f"{where}.gateway_antennas_per_site: found low {antennas.low:g}, expected at least 1 "
                             f"antenna per site", found=antennas.low, expected=">= 1")
    if entry.get("gateway_antenna_gbps") is not None:
        rate = _param(entry["gateway_antenna_gbps"], f"{where}.gateway_antenna_gbps")
    gens = []
    for i, g in enumerate(entry.get("generations") or []):
        rule = g.get("rule") or {}
        gens.append(Generation(str(g["name"]), _param(g.get("capacity_gbps"), f"{where}.generations[{i}].capacity_gbps"),
                               rule.get("name_contains"), rule.get("name_number_at_least")))
    if not gens or not any(g.name_contains is None and g.name_number_at_least is None for g in gens):
        raise InputError(f"{where}.generations: expected at least one generation and a default rule",
                         found=len(gens), expected="a generation with rule {default: true}")
    assumed = tuple(n for n, a in (("min_elevation_deg", ass_el), ("inter_satellite_links", ass_isl),
                                   ("cell capacity", cell.assumed), ("beam cell", ass_beam),
                                   ("user band", ass_band),
                                   ("gateway antennas", antennas is not None and antennas.assumed),
                                   ("gateway antenna rate", rate is not None and rate.assumed)) if a)
    assumed += tuple(f"{g.name} capacity" for g in gens if g.capacity_gbps.assumed)
    sources = tuple(dict.fromkeys([src_el, src_isl, cell.source] + ([src_beam] if src_beam else [])
                                  + ([src_band] if src_band else [])
                                  + [x.source for x in (antennas, rate) if x is not None]
                                  + [g.capacity_gbps.source for g in gens]))
    return OperatorSupply(key, float(min_el), bool(isl), cell, tuple(gens), sources, assumed, src_isl, beam, band,
                          antennas, rate)


class SupplyTable:
    """Supply figures by operator, with defaults by service class and orbit."""

    def __init__(self, operators: dict[str, OperatorSupply], path: str):
        self.operators = operators
        self.path = path

    def operator(self, key: str, *, service: str = "broadband", geo: bool = False) -> OperatorSupply:
        if key in self.operators:
            return self.operators[key]
        if service != "broadband":
            return self.operators["_not_broadband"]
        return self.operators["_default_broadband_geo" if geo else "_default_broadband_leo"]

    def ground(self, key: str, *, service: str = "broadband", geo: bool = False) -> tuple[Param, Param, str]:
        """An operator's gateway figures: (antennas per site, Gbps per antenna, the entry they come from): its own
        entry's, else its class default's (said by the third item)."""
        own = self.operator(key, service=service, geo=geo)
        if own.gateway_antennas is not None and own.gateway_antenna_gbps is not None:
            return own.gateway_antennas, own.gateway_antenna_gbps, own.key
        d = self.operators["_default_broadband_geo" if geo else "_default_broadband_leo"]
        return (own.gateway_antennas or d.gateway_antennas, own.gateway_antenna_gbps or d.gateway_antenna_gbps,
                d.key)

    def updated(self, overrides: dict, where: str = "capacity.operators") -> "SupplyTable":
        """This table with ``overrides`` (``{operator: entry}``, the data file's layout) replacing its entries."""
        table = dict(self.operators)
        for key, entry in overrides.items():
            if not isinstance(entry, dict):
                raise InputError(f"{where}.{key}: found {entry!r}, expected a table like data/capacity.yaml's "
                                 f"entries", found=entry, expected="a table")
            table[key] = _operator(key, entry, where)
        return SupplyTable(table, self.path)

    def isl_fleets(self, fleets, owner=None, registry=None) -> tuple[frozenset, list[str]]:
        """Which of ``fleets`` ({key: Fleet}) have inter-satellite links, and a note naming those without (with
        the source of each, or that it is assumed): routing gives no ISL hop to the others."""
        from satsov.world.operators import operator_registry
        registry = registry or operator_registry()
        owner = owner or {k: k for k in fleets}
        have, without = [], []
        for key, fleet in fleets.items():
            op = registry[owner.get(key, key)]
            geo = bool(len(fleet)) and all(e.is_deep_space for e in fleet)
            s = self.operator(op.key, service=op.service, geo=geo)
            if geo and op.service == "broadband":  # an entry's links belong to its LEO generations: GEO relays
                s = self.operators["_default_broadband_geo"]  # through gateways (e.g. Telesat's Anik vs Lightspeed)
            if s.inter_satellite_links:
                have.append(key)
            else:
                how = "assumed" if "inter_satellite_links" in s.assumed else "source"
                without.append(f"{key} ({how}: {s.isl_source})")
        notes = [f"no inter-satellite links, so no ISL hop (bent pipe through gateways): {'; '.join(without)}"] \
            if without else []
        return frozenset(have), notes

    def satellite_capacity_gbps(self, fleet, key: str, *, service: str = "broadband", level: str = "base"):
        """Per satellite of ``fleet``: its capacity (Gbps) and its generation's name."""
        entries = [self.operator(key, service=service, geo=geo) for geo in (False, True)]
        deep, index = _matched(fleet, entries)
        gens = [entries[d].generations[i] for d, i in zip(deep.tolist(), index.tolist())]
        at = {id(g): g.capacity_gbps.at(level) for g in gens}
        return np.array([at[id(g)] for g in gens], float), [g.name for g in gens]


_MATCHED: dict = {}  # (fleet id, generation rules) -> (fleet, deep-space flags, generation per satellite)
_MATCHED_MAX = 64


def _matched(fleet, entries) -> tuple[np.ndarray, np.ndarray]:
    """Per satellite of ``fleet``: whether it is deep space, and the index of its generation in the entry for
    its orbit (``entries``: near-earth, deep space), the first whose rule its name matches. Kept per fleet
    (fleets are immutable) and per set of rules, so that the runs of an assessment on the same fleets match
    names once (0.024 s a run on the demo's 11,583 satellites, 0.004 s once kept)."""
    rules = tuple(tuple((g.name_contains, g.name_number_at_least) for g in e.generations) for e in entries)
    from satsov.orbits.fleet import Fleet
    key = (id(fleet), rules) if isinstance(fleet, Fleet) else None  # a list may change: matched each time
    hit = _MATCHED.get(key)
    if hit is not None and hit[0] is fleet:
        return hit[1], hit[2]
    elements = list(fleet)
    deep = np.array([e.is_deep_space for e in elements], bool)
    index = np.full(len(elements), -1, np.int64)
    for geo in (False, True):  # matched a generation at a time (each name against each rule once)
        idx = np.flatnonzero(deep == geo).tolist()
        for k, g in enumerate(entries[geo].generations):
            if not idx:
                break
            hit_ = [g.matches(elements[i].name) for i in idx]
            index[[i for i, h in zip(idx, hit_) if h]] = k
            idx = [i for i, h in zip(idx, hit_) if not h]
        if idx:  # no rule matches (a table without a default): the error generation_of gives
            entries[geo].generation_of(elements[idx[0]].name)
    if key is not None:
        if len(_MATCHED) >= _MATCHED_MAX:
            _MATCHED.clear()
        _MATCHED[key] = (fleet, deep, index)
    return deep, index


def supply_table(path: str | os.PathLike | None = None, overrides: dict | None = None,
                 where: str = "capacity.operators") -> SupplyTable:
    """The built-in supply table, updated by a user YAML file of the same layout and then by ``overrides``
    (a mapping of the same layout, e.g. a scenario's ``[capacity.operators.NAME]`` tables): each entry given
    replaces the built-in one for that operator."""
    table = dict(_builtin().operators)
    if path is not None:
        table.update(_read(str(path)).operators)
    return SupplyTable(table, str(path or data_path("capacity.yaml"))).updated(overrides or {}, where)


@lru_cache(maxsize=1)
def _builtin() -> SupplyTable:
    return _read(str(data_path("capacity.yaml")))


def _read(path: str) -> SupplyTable:
    try:
        data = load_yaml(Path(path).read_text())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; expected a capacity YAML file", found=path, expected="a file") from None
    except yaml.YAMLError as exc:
        from satsov.io import describe_yaml_error
        raise InputError(describe_yaml_error(path, exc), found=path, expected="YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of operators", found=type(data).__name__, expected="mapping")
    return SupplyTable({k: _operator(k, v, path) for k, v in data.items()}, path)
