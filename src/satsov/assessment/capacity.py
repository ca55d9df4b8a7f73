"""The capacity half of an assessment: each region's runs (the base run with every case, and the sensitivity
runs of each policy's figure), and the figures from their results.

``capacity_runs(study, region, ...)`` plans a region's runs (each the arguments of one
:func:`satsov.capacity.allocate` call, for :class:`~satsov.assessment.schedule.CapacityRuns` to make);
``capacity_figures(study, runs, results)`` turns their results into a
:class:`~satsov.assessment.results.CapacityAssessment`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from dataclasses import replace as _replace

from satsov.assessment.cases import cases
from satsov.assessment.results import CapacityAssessment, CapacityCaseFigures, StrandedFigures
from satsov.assessment.study import demand_model, reference_satellite, region_grid
from satsov.times import time_grid
from satsov.world.cases import BASELINE, REGION, EventCase, KillSwitchCase, PolicyCase, WithdrawalCase

__all__ = ["RegionCapacityRuns", "capacity_runs", "capacity_figures", "gap_jobs", "gap_curve_job",
           "region_capacity"]


@dataclass
class RegionCapacityRuns:
    """A region's capacity runs: ``runs`` (each the keyword arguments of an ``allocate`` call; the first is the
    base run) and ``variants`` (a sensitivity parameter's name with the places of its low and high runs)."""

    runs: list[dict] = field(default_factory=list)
    variants: list[tuple[str, int, int]] = field(default_factory=list)

    def shares_base_demand(self, k: int) -> bool:
        """Whether run ``k`` uses the base run's demand (it then reuses its footprints in the same process)."""
        return self.runs[k]["demand"] is self.runs[0]["demand"]


def capacity_runs(study, spec, coverage_grid, cache: dict | None = None, *, level: str = "base") -> RegionCapacityRuns:
    """The capacity runs of region ``spec``: every policy, event and kill switch as a flow over snapshots (the
    base run), and the low/high runs of each policy's figure (sensitivity). ``cache`` holds the snapshots'
    positions, propagated once for every region."""
    from satsov.capacity import assumed_figures, build_demand, point_demand
    sc, fleets, owner, supply, registry = study.scenario, study.fleets, study.owner, study.supply, study.registry
    cap = sc.capacity
    g = coverage_grid if cap.spacing_km in (None, coverage_grid.spacing_km) else region_grid(
        spec.model_copy(update={"spacing_km": cap.spacing_km}), sc)
    times = time_grid(sc.window.start, sc.window.duration, cap.step, snapshots=True)
    points = [(pt.lat_deg, pt.lon_deg, pt.gbps, pt.name) for pt in sc.demand.points]
    model = demand_model(sc)
    by_key = {c.key: c for c in cases(study, spec.name, "capacity")}
    from satsov.orbits.propagation import propagate
    cache = {} if cache is None else cache
    if "positions" not in cache:  # once for every level, case and region
        cache["positions"] = propagate([e for f in fleets.values() for e in f], times)[0]
    demands: dict[int, object] = {}

    def run(demand_model, supply_level, wanted, **options):
        if id(demand_model) not in demands:
            demands[id(demand_model)] = build_demand(
                g, demand_model, level=level, background=sc.demand.background,
                background_spacing_km=sc.demand.background_spacing_km,
                extra=point_demand(points) if points else None)
        todo.append(dict(fleets=fleets, demand=demands[id(demand_model)], times=times, cases=wanted, owner=owner,
                         supply=supply, level=supply_level, positions=cache["positions"], registry=registry,
                         spectrum=cap.spectrum, gateway_capacity=cap.gateway_capacity,
                         isl_reach_km=cap.isl_reach_km, elevation_efficiency=cap.elevation_efficiency, **options))

    todo: list[dict] = []  # the runs; a variant names its low and high runs by their place here
    base_case = by_key.get(PolicyCase(BASELINE))
    carried = [(base_case.key, k) for k in study.kill if base_case is not None and k in base_case.operators]
    run(model, level, by_key, bounds=cap.bounds, carried=carried)
    # sensitivity, one parameter at a time, on the policies: the demand per person (take rate, plan and
    # overbooking at their low and high values) and every capacity that no source publishes
    variants: list[tuple[str, int, int]] = []
    if cap.sensitivity:
        wanted = {k: v for k, v in by_key.items() if isinstance(k, PolicyCase)}
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
            run(model, {k: "low" for k in assumed}, wanted, gateway_level="base")   # the gateways: their own
            run(model, {k: "high" for k in assumed}, wanted, gateway_level="base")  # variant below
            variants.append((f"assumed capacities of {', '.join(sorted(assumed))} low-high", len(todo) - 2,
                             len(todo) - 1))
        # the ground segment: every fleet's gateway antennas and rates at their low and high figures
        ground = sorted({k for k, a in assumed_figures(fleets, owner, supply, registry).items()
                         if any(x.startswith("gateway") for x in a)})
        if ground and cap.gateway_capacity:
            run(model, "base", wanted, gateway_level="low")
            run(model, "base", wanted, gateway_level="high")
            variants.append((f"gateway antennas and rates low-high (assumed for {', '.join(ground)})",
                             len(todo) - 2, len(todo) - 1))
        # the gateways of bent-pipe operators known only from community lists: the policies that use such an
        # operator again without those sites (one run; the variant's low and high are that run)
        from satsov.capacity import listed_only_gateways
        listed = listed_only_gateways(fleets, owner, supply, registry, cap.gateway_capacity)
        on = {k: v for k, v in wanted.items() if any(owner[f] in listed for f in v.operators)}
        if listed and on:
            run(model, "base", on, gateways="cited")
            variants.append(("gateways known from community lists only left out ("
                             + ", ".join(f"{op}: {n} of {total}" for op, (n, total) in sorted(listed.items())) + ")",
                             len(todo) - 1, len(todo) - 1))
    return RegionCapacityRuns(todo, variants)


def capacity_figures(study, plan: RegionCapacityRuns, results: list,
                     made_curves: dict | None = None) -> CapacityAssessment:
    """The region's capacity figures from its runs' results (in the order of ``plan.runs``). ``made_curves``:
    the gap curves of :func:`gap_jobs` by their key, made elsewhere (default: made here, one after another)."""
    sc, fleets, owner, kill, supply = study.scenario, study.fleets, study.owner, study.kill, study.supply
    base = results[0]
    full = base.figures(PolicyCase(BASELINE))
    per_sat_gbps, reference = _reference_satellite_gbps(sc, supply, base, fleets, owner)
    pols, evs = _case_figures(study, plan, results, per_sat_gbps)
    kills, unlicensed = {}, []
    for k in kill:
        if KillSwitchCase(k) not in base.cases:  # no landing rights anywhere in the region: nothing to switch off
            kills[k] = StrandedFigures(k, 0.0, 0.0, 0.0, 0.0, None, None)
            unlicensed.append(k)
            continue
        f = base.figures(KillSwitchCase(k))
        carried = full.by_operator_gbps.get(k, 0.0)
        lost = full.served_gbps - f.served_gbps   # >= 0 and <= the least it carries, by construction (allocate)
        w = base.figures(WithdrawalCase(k)) if WithdrawalCase(k) in base.cases else None
        withdrawal_pp = 100.0 * (full.served_share - w.served_share) if w is not None else None
        span = base.carried_gbps(PolicyCase(BASELINE), k)
        kills[k] = StrandedFigures(k, carried, max(0.0, carried - lost), lost,
                                   100.0 * (full.served_share - f.served_share), withdrawal_pp,
                                   None if w is None else withdrawal_pp - 100.0 * (full.served_share - f.served_share),
                                   *(span if span is not None else (None, None)))
    notes = tuple(base.notes)
    curves = {}
    if sc.capacity.gap.enabled:
        names, jobs = _gap_plan(study, plan, full, pols)
        made = {key: (made_curves[key] if made_curves is not None else gap_curve_job(kw)) for key, kw in jobs.items()}
        curves = {name: made[key] for name, key in names.items()}
    # the sized policies get the curve's answer; the others (and the events) no count: the old estimate (the gap
    # over one satellite's share of the region) ignored the caps and the shell's geometry
    pols = {k: _replace(v, satellites_to_close_gap=None) for k, v in pols.items()}
    evs = {k: _replace(v, satellites_to_close_gap=None) for k, v in evs.items()}
    for name, curve in curves.items():
        pols[name] = _replace(pols[name], satellites_to_close_gap=curve.satellites_to_target, gap_reason=curve.reason)
    if curves:
        gap = sc.capacity.gap
        first = next(iter(curves.values()))
        reference = (f"{first.reference} in one Walker delta shell at {gap.altitude_km:g} km and "
                     f"{gap.inclination_deg:g}°, serving the region only, added until the region's share reaches "
                     f"{first.target:.1%} (the same fair allocation; satsov.capacity.gap)")
        notes += tuple(dict.fromkeys(n for c in curves.values() for n in c.notes))
    elif sc.capacity.gap.enabled:
        reference = "no policy falls short of the target: nothing to size"
    else:
        reference = "gap sizing off (capacity.gap.enabled = false)"
    if unlicensed:
        notes += (f"kill switches of {', '.join(unlicensed)}: no landing rights in the region, so they carry nothing "
                  f"there and switching them off over it changes nothing (their worldwide withdrawal is not "
                  f"computed)",)
    return CapacityAssessment(base, pols, kills, evs, notes, reference, curves)


def _case_figures(study, plan: RegionCapacityRuns, results: list, per_sat_gbps: float) -> tuple[dict, dict]:
    """Each policy's and event's figures, with their sensitivity ranges."""
    policies = study.policies
    base = results[0]
    variants = {name: (results[lo], results[hi]) for name, lo, hi in plan.variants}
    full = base.figures(PolicyCase(BASELINE))

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
                                   math.ceil(gap / per_sat_gbps) if per_sat_gbps else None, sens,
                                   f.served_share_world_first, f.served_share_region_first)
    pols = {p.name: figures(PolicyCase(p.name)) for p in policies}
    evs = {k: figures(k) for k in base.cases if isinstance(k, EventCase)}
    return pols, evs


def gap_jobs(study, plan: RegionCapacityRuns, results: list) -> dict:
    """The gap curves a region's figures need (:func:`satsov.capacity.gap.gap_curve` keyword arguments by a key
    naming the flow problem), so that a caller can make them where it likes (:func:`gap_curve_job`) and hand them
    to :func:`capacity_figures`; none where gap sizing is off."""
    if not study.scenario.capacity.gap.enabled:
        return {}
    base = results[0]
    full = base.figures(PolicyCase(BASELINE))
    per_sat_gbps, _ = _reference_satellite_gbps(study.scenario, study.supply, base, study.fleets, study.owner)
    pols, _evs = _case_figures(study, plan, results, per_sat_gbps)
    return _gap_plan(study, plan, full, pols)[1]


def gap_curve_job(kwargs: dict):
    """One gap curve from :func:`gap_jobs`' arguments."""
    from satsov.capacity.gap import gap_curve
    return gap_curve(**kwargs)


def _gap_plan(study, plan: RegionCapacityRuns, full, pols) -> tuple[dict, dict]:
    """Per policy short of the target (or named in ``capacity.gap.policies``): the key of its gap curve
    (:func:`satsov.capacity.gap.gap_curve`), policies that are the same flow problem sharing one; and each key's
    ``gap_curve`` arguments."""
    from satsov.orbits.propagation import propagate
    sc = study.scenario
    gap = sc.capacity.gap
    target = gap.target if gap.target is not None else full.served_share
    run = plan.runs[0]
    names = [p.name for p in study.policies if p.name in pols]
    if gap.policies is not None:
        unknown = [n for n in gap.policies if n not in names]
        if unknown:
            from satsov.errors import UnknownNameError
            raise UnknownNameError("capacity.gap.policies", unknown[0], names)
        names = [n for n in names if n in gap.policies]
    names = [n for n in names if pols[n].served_share < target - 1e-9]
    if not names or target <= 0:
        return {}, {}
    times, positions = run["times"], run["positions"]
    if gap.step is not None:
        times = time_grid(sc.window.start, sc.window.duration, gap.step, snapshots=True)
        positions = propagate([e for f in run["fleets"].values() for e in f], times)[0]
    keys, jobs = {}, {}
    for name in names:
        case = run["cases"][PolicyCase(name)]
        fenced = {d.operator for d in case.denials if d.cells == REGION and d.start is None and d.end is None}
        # a landing rule changes nothing where every operator is geofenced (the reference's gateways are not sized)
        land = tuple(case.land_in) if set(case.operators) - fenced else ()
        sig = (tuple(sorted(case.operators)),
               tuple(sorted((d.operator, str(d.cells), str(d.start), str(d.end)) for d in case.denials)), land)
        if sig not in jobs:
            jobs[sig] = dict(fleets=run["fleets"], demand=run["demand"], times=times, case=case,
                             reference=sc.capacity.reference_satellite, altitude_km=gap.altitude_km,
                             inclination_deg=gap.inclination_deg, target=target, max_satellites=gap.max_satellites,
                             refine=gap.refine, supply=run["supply"], owner=run["owner"], registry=run["registry"],
                             positions=positions, start=pols[name].satellites_to_close_gap,
                             spectrum=sc.capacity.spectrum, bounds=sc.capacity.bounds,
                             gateway_capacity=sc.capacity.gateway_capacity, isl_reach_km=sc.capacity.isl_reach_km,
                             elevation_efficiency=sc.capacity.elevation_efficiency)
        keys[name] = sig
    return keys, jobs


def _reference_satellite_gbps(sc, supply, base, fleets, owner) -> tuple[float, str]:
    """Gbps one reference satellite adds to the region on average: its capacity times the share
    of such satellites over the region at a time (measured on the flying fleet of that operator, else on the
    largest fleet). An optimistic estimate: those satellites give the region all they have."""
    op_key, gen = reference_satellite(sc, supply)
    own = [k for k in fleets if owner[k] == op_key]
    ref = own[0] if own else max(fleets, key=lambda k: len(fleets[k]))
    share = base.over_region_share.get(ref, 0.0)
    gbps = gen.capacity_gbps.base * share
    text = (f"{op_key} {gen.name} ({gen.capacity_gbps.describe()}) with {share:.2%} of such satellites over the "
            f"region at a time (as {ref}'s): {gbps:.2f} Gbps per satellite added; an optimistic estimate that "
            f"assumes those satellites give the region all their capacity")
    return gbps, text


def region_capacity(sc, *, policies=None, sets=None, level: str = "base", bounds: bool = False, progress=None):
    """The capacity of the scenario's (first) region as one :func:`satsov.capacity.allocate` run over the same
    cases as :func:`~satsov.assessment.run.assess` makes (policies, kill switches, events, with landing rights),
    plus each fleet alone and the user's ``sets`` ({name: fleets}, as :class:`~satsov.world.cases.SetCase`).
    ``policies``: the names of the policies to keep (the baseline always; None: all). ``level``: the low, base
    or high supply and demand figures. What ``satsov capacity`` shows; the same served shares as ``assess``
    for the same region, window, step and policy."""
    from satsov.assessment.study import resolve
    from satsov.capacity import allocate
    from satsov.errors import UnknownNameError
    from satsov.world.cases import Case, FleetCase, SetCase, with_denials
    study = resolve(sc)
    spec = sc.regions[0]
    names = [p.name for p in study.policies]
    for name in policies or ():
        if name not in names:
            raise UnknownNameError("policy", name, names)
    keep = None if policies is None else {BASELINE, *policies}
    plan = capacity_runs(study, spec, study.grids[spec.name], level=level)
    run = dict(plan.runs[0])
    wanted = {k: c for k, c in run["cases"].items()
              if keep is None or not isinstance(k, PolicyCase) or k.policy in keep}
    extra = [Case(FleetCase(k), (k,)) for k in study.fleets]
    for name, members in (sets or {}).items():
        for m in members:
            if m not in study.fleets:
                raise UnknownNameError(f"fleet in set {name!r}", m, list(study.fleets))
        extra.append(Case(SetCase(name), tuple(members)))
    wanted |= {c.key: with_denials(c, study.licence_denials) for c in extra}
    run["cases"] = wanted
    run["bounds"] = bounds
    result = allocate(**run, progress=progress)
    result.notes = list(study.notes) + list(result.notes)
    return result
