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

import numpy as np

from satsov.data import data_path
from satsov.errors import InputError, UnknownNameError
from satsov.times import parse_date
from satsov.data import BUILTIN_CATALOG_DATE, DEFAULT_START, builtin_catalog_path
from satsov.orbits.fleet import Fleet, load_fleet
from satsov.orbits.walker import Shell
from satsov.world.operators import OperatorRegistry, operator_registry
from satsov.io import load_yaml

__all__ = ["BUILTIN_CATALOG_DATE", "builtin_catalog_path", "as_flying", "Constellation", "filed_constellations",
           "as_filed", "select_fleets", "FleetSelection", "operator_assignment", "source_fleet"]


@lru_cache(maxsize=2)
def _builtin_fleet() -> Fleet:
    return load_fleet(builtin_catalog_path(), name=f"celestrak-{BUILTIN_CATALOG_DATE}")


def source_fleet(catalog=None) -> Fleet:
    """The satellites as flying: the built-in snapshot, or a catalogue file (duplicates resolved, bad records
    skipped; both listed in ``Fleet.notes``)."""
    return load_fleet(catalog) if catalog else _builtin_fleet()


def as_flying(operators=None, *, registry: OperatorRegistry | None = None, catalog=None) -> dict[str, Fleet]:
    """Fleets per operator from the built-in snapshot, or from a newer ``catalog`` file with the same assignment."""
    return _split(source_fleet(catalog), operators, registry or operator_registry())


def _split(fleet: Fleet, operators, registry: OperatorRegistry) -> dict[str, Fleet]:
    split = registry.split(fleet)
    if operators is None:
        return split
    out = {}
    for key in operators:
        registry[key]  # raises UnknownNameError with suggestions
        if key not in split:
            raise InputError(f"operator {key!r} has no satellite in {fleet.name}", found=key,
                             expected=f"one of {', '.join(sorted(split)) or 'no operator: no satellite matches one'}")
        out[key] = split[key]
    return out


def _catalog_source(catalog) -> dict:
    """The sources row of the satellites as flying: the built-in snapshot, a user file, or a fetched snapshot
    stamped with its query, the time it was fetched and its age now."""
    if not catalog:
        return {"what": "satellites as flying", "source": f"CelesTrak 'active' snapshot of {BUILTIN_CATALOG_DATE} "
                f"(built in)", "date": BUILTIN_CATALOG_DATE}
    from satsov.orbits.catalog import catalog_provenance
    p = catalog_provenance(catalog)
    if p is None:
        return {"what": "satellites as flying", "source": str(catalog), "date": "user file"}
    import datetime as _dt
    fetched = _dt.datetime.fromisoformat(str(p.get("fetched_at")).replace("Z", "+00:00"))
    age_h = (_dt.datetime.now(_dt.timezone.utc) - fetched).total_seconds() / 3600.0
    changed = "" if p.get("matches") else "; the file no longer matches the recorded sha256"
    return {"what": "satellites as flying",
            "source": f"{catalog}: fetched from {p.get('url')} ({p.get('objects')} objects, newest epoch "
                      f"{p.get('newest_epoch')}), {age_h / 24:.1f} days old{changed}",
            "date": p.get("fetched_at")}


def unassigned_note(fleet: Fleet, registry: OperatorRegistry, catalog=None) -> str | None:
    """One line on the satellites no operator rule matches (they take part in nothing), or None."""
    prefixes = registry.unassigned(fleet)
    n = sum(prefixes.values())
    if not n:
        return None
    where = f" --catalog {catalog}" if catalog else ""
    top = ", ".join(f"{k} {v}" for k, v in list(prefixes.items())[:5])
    return (f"{n} of {len(fleet)} satellites of {fleet.name} match no operator and are left out ({top}); "
            f"satsov operators{where} --unassigned lists them, an operators file (--operators-file) assigns them")


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
        data = load_yaml(f)
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


@dataclass(frozen=True)
class Plan:
    """A constellation as planned: its shells and the satellites due by each milestone date."""

    key: str
    name: str
    operator: str
    shells: tuple
    milestones: tuple[dict, ...]   # {date, satellites, source, confidence}, by date

    @property
    def size(self) -> int:
        return sum(s.planes * s.sats_per_plane for s in self.shells)

    def due(self, as_of) -> tuple[int, dict | None]:
        """Satellites due by ``as_of`` (the latest milestone at or before it) and that milestone."""
        when = np.datetime64(parse_date(as_of, name="as_of"), "D")
        hit = None
        for m in self.milestones:
            if np.datetime64(str(m["date"]), "D") <= when:
                hit = m
        return (int(hit["satellites"]) if hit else 0), hit


@lru_cache(maxsize=1)
def plans() -> dict[str, Plan]:
    """Constellations as planned (``data/plans.yaml``), each milestone and shell with its source."""
    with open(data_path("plans.yaml")) as f:
        data = load_yaml(f)
    filed = filed_constellations()
    out = {}
    for key, entry in data.items():
        ref = entry["shells"]
        if isinstance(ref, str):
            shells = filed[ref.split(":", 1)[1]].shells
        else:
            shells = tuple(Shell(**s) for s in ref)
        for i, m in enumerate(entry.get("milestones") or []):
            if not m.get("source") or "date" not in m or "satellites" not in m:
                raise InputError(f"plans.yaml: {key}.milestones[{i}]: found {m!r}, expected date, satellites and "
                                 f"source", found=m, expected="{date, satellites, source}")
        milestones = tuple(sorted(entry.get("milestones") or [], key=lambda m: str(m["date"])))
        out[key] = Plan(key, entry["name"], entry["operator"], tuple(shells), milestones)
    return out


def _thinned(shell: Shell, n: int) -> Shell | None:
    """A shell with about ``n`` of its satellites: every plane kept, its slots thinned evenly (ASSUMED order of
    deployment); None for none."""
    if n <= 0:
        return None
    per_plane = max(1, min(shell.sats_per_plane, round(n / shell.planes)))
    if per_plane == shell.sats_per_plane:
        return shell
    from dataclasses import replace
    return replace(shell, name=f"{shell.name}-{per_plane}of{shell.sats_per_plane}", sats_per_plane=per_plane,
                   source=f"{shell.source}; partly deployed: {per_plane} of {shell.sats_per_plane} slots per plane "
                          f"(ASSUMED even thinning)", confidence="L")


def as_planned(key: str, as_of, epoch=None) -> tuple[Fleet, list[str]]:
    """The Walker fleet of a plan with the satellites due by ``as_of`` (each shell thinned in proportion),
    placed at ``epoch`` (default ``as_of``); and notes naming the milestone, its source and what is assumed."""
    table = plans()
    if key not in table:
        raise UnknownNameError("planned constellation", key, list(table))
    plan = table[key]
    n, milestone = plan.due(as_of)
    notes = []
    if not plan.milestones:
        notes.append(f"{plan.name}: no dated milestone is published; the plan counts for nothing by {as_of}")
    elif milestone is None:
        notes.append(f"{plan.name}: nothing due by {as_of} (first milestone {plan.milestones[0]['date']}: "
                     f"{plan.milestones[0]['satellites']} satellites)")
    else:
        notes.append(f"{plan.name}: {n} satellites due by {milestone['date']} ({milestone['source']}; confidence "
                     f"{milestone.get('confidence', 'M')})")
    registry = operator_registry()
    op = registry[plan.operator]
    prefix = op.patterns[0] if op.patterns else plan.operator.upper()
    elements = []
    total = plan.size
    for shell in plan.shells:
        part = _thinned(shell, round(n * shell.planes * shell.sats_per_plane / total)) if n < total else shell
        if part is None:
            continue
        elements += part.elements(epoch or as_of, first_norad_id=100000 + len(elements),
                                  name_prefix=f"{prefix}-PLANNED-{part.name.upper()}")
    if 0 < n < total:
        notes.append(f"{plan.name}: {len(elements)} of {total} slots placed for {n} due (every plane, slots thinned "
                     f"evenly: an ASSUMED order of deployment)")
    if any(s.confidence == "L" for s in plan.shells):
        notes.append(f"{plan.name}: geometry partly ASSUMED (confidence L): {'; '.join(s.source for s in plan.shells)}")
    return Fleet(elements, f"{key} (planned {as_of})"), notes


@dataclass(frozen=True)
class FleetSelection:
    """Fleets by key with the operator that runs each (``owner``) and where each came from (``sources``)."""

    fleets: dict[str, Fleet]
    owner: dict[str, str]
    sources: tuple[dict, ...]
    warnings: tuple[str, ...] = ()  # what the selection left out: bad records, duplicates, unassigned satellites

    @property
    def satellites(self) -> dict[str, int]:
        return {k: len(f) for k, f in self.fleets.items()}


def _known(table: dict, key: str, what: str, where: str):
    """``table[key]``, or an input error at ``where`` naming the known keys (with suggestions)."""
    if key not in table:
        raise InputError(f"{where}: {UnknownNameError(what, key, list(table))}", found=key, expected=f"a {what}")
    return table[key]


def select_fleets(*, flying="all", filed=(), shells=(), catalog=None, exclude=(), services=None,
                  max_altitude_km: float | None = None, epoch=DEFAULT_START, planned=(), planned_as_of=None,
                  registry: OperatorRegistry | None = None, keys: dict[str, str] | None = None) -> FleetSelection:
    """The fleets of a study: the one place where the CLI, scenarios and the server choose satellites.

    ``flying``: ``"all"``, ``"none"`` or operator keys, from the built-in snapshot or ``catalog``;
    ``filed``: constellations as filed (fleets ``'<key> (filed)'``); ``planned``: constellations as planned,
    with what is due by ``planned_as_of`` (default ``epoch``; fleets ``'<key> (planned)'``); ``shells``: ``[(operator, Shell)]``
    (fleets ``'<operator> (scenario shells)'``); ``exclude``: fleets to leave out; ``services``: keep only
    operators of these service classes; ``max_altitude_km``: keep only satellites whose apogee is below it.
    ``keys`` renames the arguments in error messages (``{"flying": "fleets.flying"}`` for a scenario,
    ``{"flying": "--operator"}`` for the CLI).
    """
    keys = {"flying": "flying", "filed": "filed", "planned": "planned", "shells": "shells", "catalog": "catalog",
            "max_altitude_km": "max_altitude_km", **(keys or {})}
    registry = registry or operator_registry()
    fleets: dict[str, Fleet] = {}
    owner: dict[str, str] = {}
    sources: list[dict] = []
    notes: list[str] = []
    if flying is not None and flying != "none":
        wanted = None if flying == "all" else list(flying)
        try:
            source = source_fleet(catalog)
        except InputError as exc:
            raise InputError(f"{keys['catalog']}: {exc}", found=catalog, expected="a catalogue file") from None
        notes += list(source.notes)
        unassigned = unassigned_note(source, registry, catalog)
        if unassigned:
            notes.append(unassigned)
        try:
            split = _split(source, wanted, registry)
        except UnknownNameError as exc:
            raise InputError(f"{keys['flying']}: {exc}", found=wanted, expected="operator keys") from None
        except InputError as exc:
            raise InputError(f"{keys['flying']}: {exc}", found=wanted, expected=exc.expected) from None
        for key, fleet in split.items():
            if key not in exclude:
                fleets[key], owner[key] = fleet, key
        sources.append(_catalog_source(catalog))
    table = filed_constellations() if filed else {}
    for key in filed:
        c = _known(table, key, "filed constellation", keys["filed"])
        fkey = f"{key} (filed)"
        fleets[fkey], owner[fkey] = as_filed(key, epoch), c.operator
        sources.append({"what": f"{c.name} as filed (confidence {c.confidence})",
                        "source": "; ".join(sorted({s.source for s in c.shells})), "date": "filings"})
    plan_table = plans() if planned else {}
    for key in planned:
        p = _known(plan_table, key, "planned constellation", keys["planned"])
        fkey = f"{key} (planned)"
        fleet, plan_notes = as_planned(key, planned_as_of or epoch, epoch)
        notes += plan_notes
        if len(fleet):
            fleets[fkey], owner[fkey] = fleet, p.operator
        n, milestone = p.due(planned_as_of or epoch)
        sources.append({"what": f"{p.name} as planned by {planned_as_of or epoch} ({n} satellites)",
                        "source": milestone["source"] if milestone else "no milestone due by then",
                        "date": str(milestone["date"]) if milestone else "—"})
    custom: dict[str, list[Shell]] = {}
    for operator, shell in shells:
        if operator not in registry:
            raise InputError(f"{keys['shells']}[{shell.name!r}].operator: "
                             f"{UnknownNameError('operator', operator, registry.keys())}",
                             found=operator, expected="an operator key")
        custom.setdefault(operator, []).append(shell)
        sources.append({"what": f"shell {shell.name} ({operator})", "source": shell.source, "date": "scenario"})
    for operator, group in custom.items():
        fkey = f"{operator} (scenario shells)"
        fleets[fkey] = Fleet.from_shells(group, epoch, name=fkey, first_norad_id=200000)
        owner[fkey] = operator
    if services is not None:
        for key in [k for k in fleets if registry[owner[k]].service not in services]:
            del fleets[key], owner[key]
    if max_altitude_km is not None:
        for key in list(fleets):  # the whole orbit must stay below (a stranded GEO satellite does not count)
            kept = [e for e in fleets[key] if e.apogee_altitude_km <= max_altitude_km]
            if kept:
                fleets[key] = Fleet(kept, fleets[key].name)
            else:
                del fleets[key], owner[key]
    if not fleets:
        hint = f" (or raise {keys['max_altitude_km']} = {max_altitude_km:g})" if max_altitude_km else ""
        why = "".join(f"; {n}" for n in notes)
        raise InputError(f"fleets: the selection holds no satellite; choose operators flying, constellations as "
                         f"filed or shells{hint}{why}", found=flying, expected="at least one fleet")
    return FleetSelection(fleets, owner, tuple(sources), tuple(notes))


def operator_assignment(catalog=None, operators_file=None) -> dict:
    """Operators with their jurisdiction, sources and the satellites assigned to each from a catalogue
    (the built-in snapshot by default), with the unassigned satellites by name prefix."""
    registry = operator_registry(operators_file)
    path = catalog or builtin_catalog_path()
    fleet = source_fleet(catalog)
    keys = registry.assign(fleet)
    rows = [{"key": op.key, "name": op.name, "brand": op.brand, "parent": op.parent,
             "jurisdiction": op.jurisdiction, "parent_jurisdiction": op.parent_jurisdiction or None,
             "satellites": int((keys == op.key).sum()), "confidence": op.confidence,
             "service": op.service, "source": op.source, "date": op.date} for op in registry]
    return {"catalog": str(path), "catalog_date": BUILTIN_CATALOG_DATE if catalog is None else None,
            "satellites": len(fleet), "assigned": int((keys != "").sum()), "unassigned": int((keys == "").sum()),
            "unassigned_by_prefix": registry.unassigned(fleet), "operators": rows,
            "unassigned_satellites": [{"norad_id": e.norad_id, "name": e.name} for e, k in zip(fleet, keys) if not k],
            "warnings": list(fleet.notes)}
