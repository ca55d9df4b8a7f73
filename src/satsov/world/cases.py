"""Cases: which fleets are computed together, with which denials and which landing rule.

One model below every engine. Coverage (:func:`satsov.coverage`), capacity (:func:`satsov.allocate`), the
assessment, the report, the CLI, the server and the dashboard all name a case by the same typed key, and every
key has a stable ``id`` (``kind:label``), a ``kind`` and a ``label`` that the presentation layers use as they
are, so that no name is ever built into a string and parsed back:

>>> key = EventCase("cut@night", "no-prc")
>>> key.id, key.kind, key.label
('event:cut@night @ no-prc', 'event', 'cut@night @ no-prc')
>>> str(key)
"event 'cut@night' under policy 'no-prc'"
>>> case = Case(PolicyCase("no-prc"), ("oneweb", "starlink"))
>>> case.id, case.operators
('policy:no-prc', ('oneweb', 'starlink'))

A :class:`Denial` switches one fleet off over some cells for some time: a policy's geofence, an event, or a
country where the operator has no landing rights (``name="licence"``). A case's ``land_in`` names the countries
where its traffic must reach the ground (a policy's landing rule); an engine that cannot honour it says so.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from satsov.errors import InputError, UnknownNameError
from satsov.times import Times
from satsov.world.grids import Grid
from satsov.world.regions import Region

__all__ = ["BASELINE", "REGION", "CaseKey", "FleetCase", "PolicyCase", "EventCase", "LowLatencyCase",
           "KillSwitchCase", "WithdrawalCase", "SetCase", "Case", "Denial", "case_id", "case_key_id", "cases_from_sets", "with_denials", "whole_window_denials"]

#: The policy every other is measured against: all operators of the scenario.
BASELINE = "all-operators"
#: A denial's ``cells`` for "the region's cells" of whatever grid an engine uses: a geofence over the region (the
#: operator keeps serving everyone else). A coverage grid is the region; capacity's grid adds the rest of the world.
REGION = "region"


class CaseKey:
    """What every typed case key has: ``kind`` (a short word), ``label`` (the user's names, as they are) and
    ``id`` (``kind:label``, unique within a result, used as the key in JSON, URLs and the dashboard)."""

    kind: ClassVar[str] = "case"

    @property
    def label(self) -> str:  # pragma: no cover - each key defines its own
        raise NotImplementedError

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.label}"


@dataclass(frozen=True)
class FleetCase(CaseKey):
    """One fleet alone."""

    fleet: str
    kind: ClassVar[str] = "fleet"

    @property
    def label(self) -> str:
        return self.fleet

    def __str__(self) -> str:
        return f"fleet {self.fleet!r}"


@dataclass(frozen=True)
class PolicyCase(CaseKey):
    """The fleets a supplier policy allows."""

    policy: str
    kind: ClassVar[str] = "policy"

    @property
    def label(self) -> str:
        return self.policy

    def __str__(self) -> str:
        return f"policy {self.policy!r}"


@dataclass(frozen=True)
class EventCase(CaseKey):
    """A service-denial event under a policy."""

    event: str
    policy: str
    kind: ClassVar[str] = "event"

    @property
    def label(self) -> str:
        return f"{self.event} @ {self.policy}"

    def __str__(self) -> str:
        return f"event {self.event!r} under policy {self.policy!r}"


@dataclass(frozen=True)
class LowLatencyCase(CaseKey):
    """A policy's fleets restricted to low-latency (LEO) ones: what it keeps without GEO and MEO."""

    policy: str
    kind: ClassVar[str] = "leo-only"

    @property
    def label(self) -> str:
        return self.policy

    def __str__(self) -> str:
        return f"policy {self.policy!r}, LEO only"


@dataclass(frozen=True)
class KillSwitchCase(CaseKey):
    """Every fleet of the baseline but one, switched off everywhere for the whole window."""

    fleet: str
    kind: ClassVar[str] = "kill"

    @property
    def label(self) -> str:
        return self.fleet

    def __str__(self) -> str:
        return f"kill switch {self.fleet!r}"


@dataclass(frozen=True)
class WithdrawalCase(CaseKey):
    """Every fleet of the baseline but one, withdrawn from the whole world (the operator fails or is sanctioned
    everywhere), beside :class:`KillSwitchCase`, its switch-off over the region alone: the difference is the
    displacement effect (the rest of the world's traffic moving onto the others)."""

    fleet: str
    kind: ClassVar[str] = "withdrawal"

    @property
    def label(self) -> str:
        return self.fleet

    def __str__(self) -> str:
        return f"withdrawal {self.fleet!r}"


@dataclass(frozen=True)
class SetCase(CaseKey):
    """A set of fleets a user named (``--operators west=starlink,oneweb``, ``sets={"west": [...]}``)."""

    name: str
    kind: ClassVar[str] = "set"

    @property
    def label(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


def case_id(key: Hashable) -> tuple[str, str]:
    """``(kind, label)`` of any case key: a typed key's own, else ``("case", str(key))``.

    >>> case_id(KillSwitchCase("starlink")), case_id("west")
    (('kill', 'starlink'), ('case', 'west'))
    """
    if isinstance(key, CaseKey):
        return key.kind, key.label
    return "case", str(key)


def case_key_id(key: Hashable) -> str:
    """``kind:label`` of any case key, as JSON, URLs and the dashboard name it.

    >>> case_key_id(PolicyCase("no-prc")), case_key_id("west")
    ('policy:no-prc', 'case:west')
    """
    return "{}:{}".format(*case_id(key))


_COUNTRY_INDEX: dict[int, tuple] = {}


def _country_index(g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """The grid's distinct country codes and each cell's index into them (kept for the last few grids)."""
    country = g.country
    hit = _COUNTRY_INDEX.get(id(country))
    if hit is not None and hit[0] is country:
        return hit[1], hit[2]
    codes, inverse = np.unique(np.asarray(country).astype(str), return_inverse=True)
    if len(_COUNTRY_INDEX) > 8:
        _COUNTRY_INDEX.clear()
    _COUNTRY_INDEX[id(country)] = (country, codes, inverse)
    return codes, inverse


@dataclass(frozen=True)
class Denial:
    """Operator ``operator`` serves no cell in ``cells`` (a boolean mask over the grid, a Region, or a frozenset
    of ISO alpha-2 country codes) from ``start`` to ``end`` (``datetime64``; None = the whole window)."""

    operator: str
    cells: object = None
    start: np.datetime64 | None = None
    end: np.datetime64 | None = None
    name: str = ""

    def cell_mask(self, g: Grid, in_region=None) -> np.ndarray:
        """The denied cells of ``g``; ``in_region``: which of them are the region's (default: all of them, as
        on a coverage grid), for a geofence over the region (``cells=REGION``)."""
        if self.cells is None:
            return np.ones(len(g), bool)
        if isinstance(self.cells, str) and self.cells == REGION:
            return np.ones(len(g), bool) if in_region is None else np.asarray(in_region, bool).copy()
        if isinstance(self.cells, frozenset):  # country codes (a licence): the cells the grid gives them
            codes, inverse = _country_index(g)
            return np.isin(codes, list(self.cells))[inverse]
        if isinstance(self.cells, Region):
            return np.asarray(self.cells.contains(g.lat_deg, g.lon_deg), bool)
        mask = np.asarray(self.cells, bool)
        if mask.shape != (len(g),):
            raise InputError(f"denial of {self.operator!r}: cell mask of shape {mask.shape}, expected ({len(g)},)",
                             found=mask.shape, expected=f"({len(g)},)")
        return mask

    def time_mask(self, times: Times) -> np.ndarray:
        m = np.ones(len(times), bool)
        if self.start is not None:
            m &= times.utc >= np.datetime64(self.start, "ns")
        if self.end is not None:
            m &= times.utc < np.datetime64(self.end, "ns")
        return m


@dataclass(frozen=True)
class Case:
    """A set of fleets whose satellites are pooled, with the denials that apply to it and its landing rule.

    ``key`` names the case in a result: a typed key (:class:`PolicyCase`, ...) or any hashable, frozen value.
    ``land_in``: countries (ISO alpha-2) where the case's traffic must reach the ground; () = anywhere.
    """

    key: Hashable
    operators: tuple[str, ...]
    denials: tuple[Denial, ...] = ()
    dependency: bool = False  # also count, per operator, the cell-steps where it alone keeps the requirement
    land_in: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return case_id(self.key)[0]

    @property
    def label(self) -> str:
        """The key as text, for tables and JSON."""
        return str(self.key)

    @property
    def id(self) -> str:
        return case_key_id(self.key)


def cases_from_sets(operators: Sequence[str], sets=None, denials=(), *, dependency: bool = True) -> list[Case]:
    """The cases of the engines' convenience arguments: each operator alone, then ``sets`` ({name: members}
    or Case objects; None: one case ``"all"`` of every operator when there are several), each with the
    ``denials`` of its operators. Unknown members are refused with the known names."""
    cases = [Case(op, (op,)) for op in operators]
    if sets is None:
        if len(operators) > 1:
            cases.append(Case("all", tuple(operators), dependency=dependency))
    else:
        items = sets.items() if isinstance(sets, Mapping) else ((getattr(s, "key", s), s) for s in sets)
        for name, members in items:
            if isinstance(members, Case):
                cases.append(members)
                continue
            members = tuple(members)
            for m in members:
                if m not in operators:
                    raise UnknownNameError("operator in set " + repr(name), m, operators)
            cases.append(Case(name, members, dependency=dependency))
    if denials:
        cases = [replace(c, denials=c.denials + tuple(d for d in denials if d.operator in c.operators))
                 for c in cases]
    return cases


def with_denials(case: Case, denials: Sequence[Denial]) -> Case:
    """The case with those of ``denials`` that concern its operators added (landing rights, say)."""
    extra = tuple(d for d in denials if d.operator in case.operators)
    return replace(case, denials=case.denials + extra) if extra else case


def whole_window_denials(case_operators, case_denials, n_cells: int, xp=np) -> dict:
    """Per operator, the cells that every case with it denies for the whole window (landing rights):
    ``case_operators`` {case: operators}, ``case_denials`` {case: [(operator, cell_mask, time_mask)]}. Such
    cells can be dropped once (from the counts, from a flow network) instead of denied per case."""
    out = {}
    for op in {o for ops in case_operators.values() for o in ops}:
        common = xp.ones(n_cells, bool)
        for key, ops in case_operators.items():
            if op not in ops:
                continue
            full = xp.zeros(n_cells, bool)
            for o, cell_mask, time_mask in case_denials.get(key, ()):
                if o == op and time_mask.all():
                    full |= cell_mask
            common &= full
        if bool(common.any()):
            out[op] = common
    return out
