"""A scenario resolved into what the engines need: the :class:`Study`.

``resolve(scenario)`` checks every name the scenario uses and turns it into objects once: the operator
registry, the policies, the fleets and their owners, the window, each region's grid, the denial events, the
landing rights (as denials), the kill list, the capacity supply table, the demand model, the route request, and
the sources and notes every output carries. Every later step (:mod:`satsov.assessment.cases`, the coverage
passes, the capacity runs, the figures, the routes) takes the study, never a bundle of its parts.
``check_scenario`` is ``resolve`` without building anything costly.

>>> from satsov.assessment.scenario import scenario_from_dict
>>> study = resolve(scenario_from_dict({"regions": [{"name": "Iceland", "query": "IS", "spacing_km": 200}],
...                                     "window": {"duration": "1h"}, "fleets": {"flying": ["oneweb", "qianfan"]},
...                                     "capacity": {"enabled": False}}))
>>> sorted(study.fleets), len(study.times), study.kill
(['oneweb', 'qianfan'], 61, ('oneweb', 'qianfan'))
>>> [p.name for p in study.policies][:3]
['all-operators', 'no-prc', 'no-spacex']
>>> study.allowed["no-prc"]
('oneweb',)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from satsov.defaults import MAJOR_FLEET_SATELLITES
from satsov.errors import InputError, ScenarioError, UnknownNameError
from satsov.orbits.fleet import Fleet
from satsov.orbits.walker import Shell
from satsov.times import Times, parse_utc, time_grid
from satsov.world.cases import BASELINE, Denial
from satsov.world.constellations import FleetSelection, select_fleets
from satsov.world.grids import Grid
from satsov.world.licences import licence_denials, licences
from satsov.world.operators import OperatorRegistry, operator_registry
from satsov.world.policies import Policy, expand_jurisdictions, standard_policies
from satsov.assessment.regions import event_region, region_grid, region_of  # noqa: F401 (region_grid: API)
from satsov.assessment.routes import RouteRequest, route_request
from satsov.assessment.scenario import Scenario

__all__ = ["Study", "resolve", "check_scenario", "latency_classes", "LATENCY_CLASSES",
           "MAJOR_FLEET_SATELLITES"]

LATENCY_CLASSES = (("LEO", 2_000.0), ("MEO", 30_000.0), ("GEO", math.inf))  # by apogee, km


@dataclass(frozen=True, eq=False)
class Study:
    """Everything an assessment computes from, resolved and checked once (see the module docstring)."""

    scenario: Scenario
    registry: OperatorRegistry
    policies: tuple[Policy, ...]
    selection: FleetSelection
    times: Times
    grids: dict[str, Grid]                        # region name -> grid (empty when only checked)
    events: dict[str, tuple[Denial, ...]]         # event name -> denials of its operator's fleets
    licence_denials: tuple[Denial, ...]
    kill: tuple[str, ...]
    supply: object | None                         # satsov.capacity.SupplyTable when capacity runs
    routes: RouteRequest | None
    licence_table: object | None                  # satsov.world.licences.LicenceTable (None: ignored)
    sources: tuple[dict, ...]
    notes: tuple[str, ...]
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # policy -> fleets it allows
    leo: frozenset = frozenset()                  # fleets wholly below the LEO apogee bound

    @property
    def fleets(self) -> dict[str, Fleet]:
        return self.selection.fleets

    @property
    def owner(self) -> dict[str, str]:
        return self.selection.owner

    @property
    def requirement(self):
        return self.scenario.requirement

    def policy(self, name: str) -> Policy:
        return next(p for p in self.policies if p.name == name)

    def region_specs(self):
        return self.scenario.regions


def resolve(sc: Scenario, *, build: bool = True) -> Study:
    """The scenario's :class:`Study`, every name checked (raises :class:`~satsov.errors.ScenarioError` naming
    the key). ``build=False`` checks without building grids or landing-rights denials (the server's form check,
    ``satsov assess --check``)."""
    registry = operator_registry(sc.path(sc.fleets.operators_file, "fleets.operators_file") if sc.fleets.operators_file else None)
    policies = _policies(sc, registry)
    check_peak(sc, len(policies), {})   # a lower bound, before the fleets are even read
    selection = _fleets(sc, registry)
    check_peak(sc, len(policies), selection.fleets)   # before anything the size of the window is allocated
    times = time_grid(sc.window.start, sc.window.duration, sc.window.step)
    kill = _kill_list(sc, selection.fleets)
    _check_names(sc, policies, registry)
    notes: list[str] = list(selection.warnings)
    events = _events(sc, registry, selection.fleets, selection.owner, times, notes)
    grids: dict[str, Grid] = {}
    for spec in sc.regions:
        try:
            if build:
                grids[spec.name] = region_grid(spec, sc)
            else:
                region_of(spec, sc)
        except (UnknownNameError, InputError) as exc:
            raise ScenarioError(f"regions[{spec.name!r}]: {exc}", found=spec.query, expected="a region") from None
    sources = list(selection.sources)
    sources.append(latency_classes(selection.fleets, altitude_bound(sc.requirement), sc.requirement.max_rtt_ms))
    lic: tuple[Denial, ...] = ()
    if build:
        lic, rows = _licence_denials(sc, selection.fleets, selection.owner, grids, notes)
        sources += rows
    routes = route_request(sc, selection.owner, notes) if sc.city_pairs else None
    supply = None
    if sc.capacity.enabled:
        supply = _supply(sc)
        reference_satellite(sc, supply)
    fleets = selection.fleets
    allowed = {p.name: tuple(k for k in fleets if p.allows(registry[selection.owner[k]])) for p in policies}
    leo = frozenset(k for k, f in fleets.items()
                    if len(f) and all(e.apogee_altitude_km < LATENCY_CLASSES[0][1] for e in f))
    return Study(sc, registry, tuple(policies), selection, times, grids, events, lic, tuple(kill), supply, routes,
                 licence_table(sc),
                 tuple(sources), tuple(notes), allowed, leo)


def check_scenario(sc: Scenario) -> None:
    """Every name the scenario uses, checked without computing anything: operators, policies, fleets, kill
    switches, events, regions, licences and routing. Raises :class:`~satsov.errors.ScenarioError` naming the key
    (the server answers a submitted form with it; :func:`~satsov.assessment.run.assess` makes the same checks)."""
    resolve(sc, build=False)


def _policies(sc: Scenario, registry: OperatorRegistry) -> list[Policy]:
    out = standard_policies() if sc.standard_policies else [Policy(BASELINE)]
    names = {p.name for p in out}
    for spec in sc.policies:
        for key in spec.allow_operators + spec.deny_operators:
            if key not in registry:
                raise ScenarioError(f"policies[{spec.name!r}]: {UnknownNameError('operator', key, registry.keys())}",
                                    found=key, expected="an operator key")
        p = Policy(spec.name, tuple(spec.allow_operators), tuple(spec.deny_operators),
                   tuple(spec.allow_jurisdictions), tuple(spec.deny_jurisdictions), spec.description,
                   land_in=tuple(spec.land_in))
        try:
            expand_jurisdictions(p.allow_jurisdictions + p.deny_jurisdictions + p.land_in)
        except UnknownNameError as exc:
            raise ScenarioError(f"policies[{spec.name!r}]: {exc}", found=spec, expected="known jurisdictions") from None
        if spec.name in names:
            standard = next(q for q in out if q.name == spec.name)
            if replace(p, description=standard.description) != standard and sc.standard_policies:
                raise ScenarioError(f"policies[{spec.name!r}]: {spec.name!r} is the name of a standard policy "
                                    f"({standard.description or 'built in'}); expected another name, or "
                                    f"standard_policies = false to define the policies yourself",
                                    found=spec.name, expected="a name no standard policy has")
            out = [q for q in out if q.name != spec.name]
        out.append(p)
        names.add(spec.name)
    if BASELINE not in {p.name for p in out}:
        out.insert(0, Policy(BASELINE))
    return out


def latency_classes(fleets, bound_km: float | None = None, max_rtt_ms: float | None = None) -> dict:
    """A sources row: the fleets' satellites by orbit class with each class's best-case round trip (4 h / c at
    its highest apogee: LEO tens of ms, MEO about 110 ms, GEO about 480 ms), and what a latency requirement
    leaves out."""
    from satsov.constants import SPEED_OF_LIGHT_KM_S
    by = {name: {} for name, _ in LATENCY_CLASSES}
    top = {name: 0.0 for name, _ in LATENCY_CLASSES}
    for key, fleet in fleets.items():
        for e in fleet:
            h = e.apogee_altitude_km
            name = next(n for n, upper in LATENCY_CLASSES if h < upper)
            by[name][key] = by[name].get(key, 0) + 1
            top[name] = max(top[name], h)
    parts = []
    for name, _ in LATENCY_CLASSES:
        if by[name]:
            rtt = 4.0 * top[name] / SPEED_OF_LIGHT_KM_S * 1e3
            parts.append(f"{name} {sum(by[name].values())} (best-case round trip up to {rtt:.0f} ms: "
                         + ", ".join(f"{k} {n}" for k, n in sorted(by[name].items(), key=lambda kv: -kv[1])) + ")")
    rule = (f"; requirement max_rtt_ms {max_rtt_ms:g}: only satellites below {bound_km:,.0f} km count"
            if max_rtt_ms else "")
    return {"what": "latency classes of the fleets (after the requirement)", "source": "; ".join(parts) + rule
            + " (best case: up and down twice at zenith, 4 h / c; gateways and terrestrial paths add more)",
            "date": "computed"}


def altitude_bound(req) -> float | None:
    """The highest apogee the requirement admits: ``max_altitude_km`` and ``max_rtt_ms`` (best-case round trip at
    zenith, bent pipe: up and down twice, 4 h / c), whichever is lower."""
    from satsov.constants import SPEED_OF_LIGHT_KM_S
    bounds = [b for b in (req.max_altitude_km,
                          req.max_rtt_ms * 1e-3 * SPEED_OF_LIGHT_KM_S / 4.0 if req.max_rtt_ms else None) if b]
    return min(bounds) if bounds else None


#: Bytes an assessment keeps per case and time step: the coverage engine's series (24), the figures' and the
#: report's copies of them (float64 arrays, their JSON text and the HTML report's plots: about 80).
BYTES_PER_CASE_STEP = 104.0
#: Bytes per time step for the times themselves and their temporaries (:func:`~satsov.times.time_grid`).
BYTES_PER_STEP = 32.0


def peak_bytes(sc: Scenario, n_policies: int, fleets: dict) -> tuple[float, int, int]:
    """The assessment's peak memory from what grows with the window, computed from the scenario alone (nothing
    allocated): ``(bytes, steps, cases per region)``. The cells' share is checked by the coverage engine once
    the grids exist; this is the part a long window or a short step makes huge."""
    from satsov.times import parse_duration_s
    duration_s = parse_duration_s(sc.window.duration, name="window.duration")
    step_s = parse_duration_s(sc.window.step, name="window.step")
    steps = int(duration_s // step_s) + 1 if step_s > 0 else 1
    kills = (sum(len(f) >= MAJOR_FLEET_SATELLITES for f in fleets.values()) if sc.kill_switch == "major" else
             0 if sc.kill_switch == "none" else len(sc.kill_switch))
    cases = n_policies + 2 * kills + len(sc.events) + len(fleets) + 1
    return (steps * BYTES_PER_STEP + len(sc.regions) * cases * steps * BYTES_PER_CASE_STEP, steps, cases)


def check_peak(sc: Scenario, n_policies: int, fleets: dict) -> None:
    """Refuse, before anything is allocated, an assessment whose window cannot fit in memory: the estimate,
    what it is made of, and the fix (:class:`~satsov.errors.JobTooLargeError`)."""
    from satsov.budget import check_memory
    need, steps, cases = peak_bytes(sc, n_policies, fleets)
    check_memory(f"window.duration/window.step: {sc.window.duration} every {sc.window.step} is {steps:,} steps; "
                 f"with {cases} cases in each of {len(sc.regions)} region(s) the assessment", need,
                 "use a longer window.step or a shorter window.duration")


def _fleets(sc: Scenario, registry: OperatorRegistry) -> FleetSelection:
    spec = sc.fleets
    shells = [(s.operator, Shell(s.name, s.altitude_km, s.inclination_deg, s.planes, s.sats_per_plane, s.phasing,
                                 s.pattern, s.raan_offset_deg, source=s.source)) for s in sc.shells]
    try:
        return select_fleets(flying=spec.flying, filed=spec.filed, shells=shells, planned=spec.planned,
                             planned_as_of=str(spec.planned_as_of) if spec.planned_as_of else None,
                             catalog=str(sc.path(spec.catalog, "fleets.catalog")) if spec.catalog else None, exclude=spec.exclude,
                             services=spec.services, max_altitude_km=altitude_bound(sc.requirement),
                             epoch=sc.window.start, registry=registry,
                             keys={"flying": "fleets.flying", "filed": "fleets.filed", "catalog": "fleets.catalog",
                                   "planned": "fleets.planned",
                                   "max_altitude_km": "requirement.max_altitude_km"})
    except InputError as exc:
        raise ScenarioError(str(exc), found=exc.found, expected=exc.expected) from None


def _check_names(sc: Scenario, policies, registry) -> None:
    """The sovereign policy, distinct region and event names, and the what-if licences name what exists."""
    if sc.sovereign_policy and sc.sovereign_policy not in {p.name for p in policies}:
        raise ScenarioError(f"sovereign_policy: {UnknownNameError('policy', sc.sovereign_policy, [p.name for p in policies])}",
                            found=sc.sovereign_policy, expected="a policy name")
    _unique(sc.regions, "regions")
    _unique(sc.events, "events")
    for key in sc.licences.what_if_licensed:
        if key not in registry:
            raise ScenarioError(f"licences.what_if_licensed: {UnknownNameError('operator', key, registry.keys())}",
                                found=key, expected="an operator key")


def _kill_list(sc: Scenario, fleets: dict[str, Fleet]) -> list[str]:
    if sc.kill_switch == "none":
        return []
    if sc.kill_switch == "major":
        return [k for k, f in fleets.items() if len(f) >= MAJOR_FLEET_SATELLITES]
    for k in sc.kill_switch:
        if k not in fleets:
            raise ScenarioError(f"kill_switch: {UnknownNameError('fleet', k, list(fleets))}", found=k,
                                expected="a fleet of the scenario")
    return list(sc.kill_switch)


def _unique(items, key: str) -> None:
    seen = set()
    for item in items:
        if item.name in seen:
            raise ScenarioError(f"{key}: the name {item.name!r} is used twice; expected one name per entry",
                                found=item.name, expected="unique names")
        seen.add(item.name)


def _events(sc: Scenario, registry, fleets, owner, times, notes: list[str]) -> dict[str, tuple[Denial, ...]]:
    """Each event as denials of its operator's fleets, checked against the registry, its area and the window."""
    out = {}
    first, last = times.utc[0], times.utc[-1]
    for ev in sc.events:
        where = f"events[{ev.name!r}]"
        if ev.operator not in registry:
            raise ScenarioError(f"{where}.operator: {UnknownNameError('operator', ev.operator, registry.keys())}",
                                found=ev.operator, expected="an operator key")
        start = parse_utc(ev.start) if ev.start else None
        end = parse_utc(ev.end) if ev.end else None
        if (start is not None and start > last) or (end is not None and end <= first):
            raise ScenarioError(f"{where}: from {ev.start or 'the start'} to {ev.end or 'the end'} lies outside the "
                                f"window ({sc.window.start} + {sc.window.duration}); expected an event that overlaps "
                                f"it", found=(ev.start, ev.end), expected="a time inside the window")
        cells = None
        if ev.region:
            r = ev.region
            try:
                cells = event_region(sc, r, f"{where}.region")
            except ScenarioError:
                raise
            except (UnknownNameError, InputError) as exc:
                raise ScenarioError(f"{where}.region: {exc}", found=str(r)[:80],
                                    expected="a region or GeoJSON") from None
        hit = [k for k in fleets if owner[k] == ev.operator]
        if not hit:
            notes.append(f"event {ev.name!r}: {ev.operator} has no satellite among the scenario's fleets, so the "
                         f"event changes nothing")
            continue
        out[ev.name] = tuple(Denial(k, cells, start, end, ev.name) for k in hit)
    return out


def licence_table(sc: Scenario):
    """The scenario's landing-rights table (None when it ignores landing rights)."""
    spec = sc.licences
    if not spec.respect:
        return None
    try:
        return licences(sc.path(spec.file, "licences.file") if spec.file else None)
    except InputError as exc:
        raise ScenarioError(f"licences.file: {exc}", found=spec.file, expected="a licences YAML file") from None


def _licence_denials(sc: Scenario, fleets, owner, grids, notes: list[str]) -> tuple[tuple[Denial, ...], list]:
    """Each fleet's countries without landing rights, as denials for the whole window, and the sources rows
    that say which rule decided each operator over the scenario's regions (assumptions marked)."""
    spec = sc.licences
    table = licence_table(sc)
    if table is None:
        notes.append("licences: ignored (licences.respect = false): every operator serves every place it reaches")
        return (), [{"what": "landing rights", "source": "ignored by the scenario (licences.respect = false)",
                     "date": ""}]
    home = sorted({str(c) for g in grids.values() for c in np.unique(g.country) if c})
    out = licence_denials(fleets, owner, table, spec.what_if_licensed)
    rows, barred, assumed = [], [], []
    for key in fleets:
        op = owner[key]
        if op in spec.what_if_licensed:
            rows.append({"what": f"landing rights: {op}", "source": "treated as licensed everywhere "
                         "(licences.what_if_licensed)", "date": "", "confidence": "what-if"})
            continue
        for row in table.describe(op, home):
            where = ", ".join(row["countries"][:8]) + (f" and {len(row['countries']) - 8} more"
                                                        if len(row["countries"]) > 8 else "")
            rows.append({"what": f"landing rights: {op} {'licensed' if row['licensed'] else 'NOT licensed'} in "
                                 f"{where}", "source": row["source"], "date": row["date"],
                         "confidence": row["confidence"]})
            if not row["licensed"]:
                barred.append(f"{op} ({where})")
            elif row["confidence"] == "L":
                assumed.append(f"{op} ({where})")
    if barred:
        notes.append("licences: not licensed, so serving no cell there: " + "; ".join(barred)
                     + " (licences.what_if_licensed asks what if they were)")
    if assumed:
        notes.append("licences: assumed, not checked per country (confidence L), so the figures of these "
                     "operators depend on it: " + "; ".join(assumed))
    return out, rows


def _supply(sc: Scenario):
    from satsov.capacity import supply_table
    try:
        table = supply_table(sc.path(sc.capacity.file, "capacity.file") if sc.capacity.file else None)
    except InputError as exc:
        raise ScenarioError(f"capacity.file: {exc}", found=sc.capacity.file, expected="a capacity YAML file") from None
    try:
        return table.updated(sc.capacity.operators)
    except (InputError, KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(f"capacity.operators: {exc}", found=sc.capacity.operators,
                            expected="entries with the layout of data/capacity.yaml") from None


def demand_model(sc: Scenario):
    """The scenario's demand model: the default (or the failover profile), with its overrides."""
    from satsov.capacity import CRITICAL, DemandModel, Param
    spec = sc.demand
    model = CRITICAL if spec.profile == "critical" else DemandModel()
    for name in ("take_rate", "plan_mbps", "overbooking"):
        value = getattr(spec, name)
        if value is not None:
            model = replace(model, **{name: Param(value, value, value, f"scenario demand.{name}", "H")})
    return model


def reference_satellite(sc: Scenario, supply):
    """The reference satellite of ``capacity.reference_satellite`` (OPERATOR:GENERATION), checked before any
    computation."""
    op_key, _, gen_name = sc.capacity.reference_satellite.partition(":")
    gen = None
    if op_key in supply.operators:
        gens = supply.operators[op_key].generations
        gen = next((g for g in gens if g.name == gen_name), None) if gen_name else gens[-1]
    if gen is None:
        raise ScenarioError(f"capacity.reference_satellite: found {sc.capacity.reference_satellite!r}, expected "
                            f"OPERATOR:GENERATION of the capacity table, such as 'starlink:v2-mini'",
                            found=sc.capacity.reference_satellite,
                            expected="OPERATOR:GENERATION")
    return op_key, gen
