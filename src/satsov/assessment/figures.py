"""The visibility figures of a region from its coverage pass: served shares, dependency, sole providers,
single points of failure, denial events and kill switches (an upper bound on what capacity allows)."""

from __future__ import annotations

import numpy as np

from satsov.assessment.results import (EventFigures, KillSwitchFigures, OperatorFigures, PolicyFigures,
                                        RegionAssessment, SinglePointsOfFailure)
from satsov.visibility.results import CoverageResult
from satsov.world.cases import BASELINE, EventCase, FleetCase, KillSwitchCase, LowLatencyCase, PolicyCase

__all__ = ["region_figures"]


def _weights(res: CoverageResult, sc) -> np.ndarray:
    g = res.grid
    return g.population if sc.requirement.population_weighted and g.population.sum() > 0 else g.area_km2


def served_share(res: CoverageResult, case, w: np.ndarray) -> float:
    return float((res.cells[case]["availability"].to_numpy() * w).sum() / max(w.sum(), 1e-300))


def region_figures(study, name: str, res: CoverageResult) -> RegionAssessment:
    """The visibility figures of region ``name`` from its coverage pass ``res`` (see the definitions in
    :mod:`satsov.assessment.run`)."""
    policies, fleets, owner, registry = study.policies, study.fleets, study.owner, study.registry
    sc, kill = study.scenario, study.kill
    w = _weights(res, sc)
    hours = (len(res.times) - 1) * res.step_s / 3600.0 if len(res.times) > 1 else 0.0
    pop = res.grid.population
    baseline = PolicyCase(BASELINE)
    base = served_share(res, baseline, w)
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
            served_share_alone=served_share(res, FleetCase(k), w), time_coverage_area_alone=f.time_coverage_area,
            mean_sats_in_view=f.mean_sats_in_view, sole_provider_share=share_of_served(base_critical[k]),
            presence_share=share_of_served(base_present[k]))
    pols = {}
    for p in policies:
        case = PolicyCase(p.name)
        served = served_share(res, case, w)
        pols[p.name] = PolicyFigures(
            policy=p.name, description=p.description, fleets=tuple(res.cases[case].operators),
            served_share=served, loss_vs_all_pp=100.0 * (base - served),
            sovereignty_index=served / base if base > 0 else 0.0,
            population_hours_served=float((res.cells[case]["availability"].to_numpy() * pop).sum() * hours),
            coverage=res.figures(case), headline=p.name == sc.sovereign_policy,
            low_latency_served_share=served_share(res, LowLatencyCase(p.name), w) if LowLatencyCase(p.name) in res.cells
            else None)
    column = "coverage_population" if sc.requirement.population_weighted else "coverage_area"
    events = {}
    for case in res.cases:
        if not isinstance(case, EventCase):
            continue
        served = served_share(res, case, w)
        events[case] = EventFigures(
            event=case.event, policy=case.policy, served_share=served,
            loss_pp=100.0 * (pols[case.policy].served_share - served),
            min_coverage_during=float(res.series[case][column].min()),
            min_coverage_baseline=float(res.series[PolicyCase(case.policy)][column].min()))
    kills = {}
    for k in kill:
        f = res.figures(KillSwitchCase(k))
        served = served_share(res, KillSwitchCase(k), w)
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
