"""What an assessment answers, as typed records.

Cases are small frozen objects, never strings built and parsed back: any name a user chooses (an event
called ``cut@night``, a policy called ``no: PRC``) is carried as it is.

>>> EventCase("cut@night", "no-prc")
EventCase(event='cut@night', policy='no-prc')
>>> str(EventCase("cut@night", "no-prc"))
"event 'cut@night' under policy 'no-prc'"
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from satsov.world.cases import (BASELINE, EventCase, FleetCase, KillSwitchCase,  # noqa: F401 (re-exported)
                                LowLatencyCase, PolicyCase)

if TYPE_CHECKING:  # pragma: no cover
    from satsov.assessment.scenario import Scenario
    from satsov.visibility.results import CoverageResult, Figures
    from satsov.world.operators import OperatorRegistry
    from satsov.world.policies import Policy

__all__ = ["BASELINE", "FleetCase", "PolicyCase", "EventCase", "KillSwitchCase", "OperatorFigures", "PolicyFigures",
           "EventFigures", "KillSwitchFigures", "SinglePointsOfFailure", "CapacityCaseFigures", "StrandedFigures",
           "CapacityAssessment", "RegionAssessment", "Assessment"]

class _Record:
    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.to_dict() if hasattr(value, "to_dict") else value
        return out


@dataclass(frozen=True)
class OperatorFigures(_Record):
    """One fleet: who runs it and how much the region depends on it (population- or area-weighted)."""

    fleet: str
    operator: str
    name: str
    jurisdiction: str
    parent_jurisdiction: str | None
    satellites: int
    source: str
    served_share_alone: float
    time_coverage_area_alone: float
    mean_sats_in_view: float
    sole_provider_share: float   # served population-time that no other fleet would keep served
    presence_share: float        # served population-time in which the fleet has a satellite in view


@dataclass(frozen=True)
class PolicyFigures(_Record):
    """What is left under a supplier policy."""

    policy: str
    description: str
    fleets: tuple[str, ...]
    served_share: float
    loss_vs_all_pp: float
    sovereignty_index: float
    population_hours_served: float
    coverage: Figures
    headline: bool = False
    low_latency_served_share: float | None = None  # with LEO fleets only (tens of ms); None: no GEO/MEO fleet in it


@dataclass(frozen=True)
class EventFigures(_Record):
    """A denial event under a policy, against the same policy without it."""

    event: str
    policy: str
    served_share: float
    loss_pp: float
    min_coverage_during: float
    min_coverage_baseline: float


@dataclass(frozen=True)
class KillSwitchFigures(_Record):
    """The baseline with one fleet switched off."""

    fleet: str
    served_share: float
    loss_pp: float
    area_share_never_covered: float
    longest_gap_s: float


@dataclass(frozen=True)
class SinglePointsOfFailure(_Record):
    """Cells that lose service at some step when one fleet alone switches off."""

    cells: int
    area_share: float
    population_share: float
    by_fleet: dict[str, dict] = field(default_factory=dict)  # fleet -> {"cells", "population_share"}


@dataclass(frozen=True)
class CapacityCaseFigures(_Record):
    """Capacity under one case: share of the region's busy-hour demand served (mean over snapshots, and the
    5th percentile: the bad hours), its range (``served_share_low``/``_high``: the lowest and highest value
    over ``sensitivity``, each parameter varied alone over its low and high values), who carries it, the gap
    to full service and the assumptions it rests on."""

    case: str
    served_share: float
    served_share_p5: float
    served_share_low: float | None
    served_share_high: float | None
    demand_gbps: float
    served_gbps: float
    gap_gbps: float
    loss_pp: float
    by_operator_gbps: dict
    depends_on_assumptions: tuple[str, ...]
    satellites_to_close_gap: int | None = None   # of the scenario's reference design (see CapacityAssessment)
    sensitivity: dict = field(default_factory=dict)  # parameter varied -> (served share at low, at high)
    served_share_world_first: float | None = None    # capacity.bounds: the least and the most any maximum flow
    served_share_region_first: float | None = None   # keeping the world's first fair level gives the region
    gap_reason: str = ""   # why satellites_to_close_gap is None where a gap curve was computed (capacity.gap)


@dataclass(frozen=True)
class StrandedFigures(_Record):
    """An operator switched off over the region (a geofence: it keeps serving the rest of the world): what it
    carried (a range over every flow that gives the region's cells their fair allocation, and one such flow's
    value), how much of that the others absorb, what is lost; and, beside it, its withdrawal from the whole world
    (``withdrawal_loss_pp``) and the difference, the displacement effect (``displacement_pp``: the rest of the
    world's traffic that moves onto the others' satellites over the region; reported, not assumed positive)."""

    fleet: str
    carried_gbps: float
    absorbed_gbps: float
    lost_gbps: float
    loss_pp: float
    withdrawal_loss_pp: float | None = None
    displacement_pp: float | None = None
    # the least and the most it carries into the region over every flow that gives each region cell its fair
    # allocation (unique: the fair allocation fixes what each cell gets, not who carries it; carried_gbps is
    # one flow's value between them)
    carried_low_gbps: float | None = None
    carried_high_gbps: float | None = None


@dataclass(eq=False)
class CapacityAssessment:
    """The capacity half of a region's answer (:mod:`satsov.capacity`)."""

    result: object                                  # satsov.capacity.CapacityResult (base figures)
    policies: dict[str, CapacityCaseFigures]
    kill_switch: dict[str, StrandedFigures]
    events: dict[EventCase, CapacityCaseFigures]
    notes: tuple[str, ...] = ()
    reference_satellite: str = ""  # the satellite behind satellites_to_close_gap, with how it was estimated
    gap_curves: dict = field(default_factory=dict)   # policy -> satsov.capacity.gap.GapCurve (capacity.gap)

    @property
    def design(self) -> str:
        """The former name of :attr:`reference_satellite` (goes in 0.2)."""
        import warnings

        from satsov.deprecation import SatsovDeprecationWarning
        warnings.warn("CapacityAssessment.design is CapacityAssessment.reference_satellite since 0.1 and goes in 0.2",
                      SatsovDeprecationWarning, stacklevel=2)
        return self.reference_satellite

    def to_dict(self) -> dict:
        return {"policies": {k: v.to_dict() for k, v in self.policies.items()},
                "kill_switch": {k: v.to_dict() for k, v in self.kill_switch.items()},
                "events": [dict(v.to_dict(), event=k.event, policy=k.policy) for k, v in self.events.items()],
                "demand_gbps": self.result.demand.region_gbps,
                "background_demand_gbps": self.result.demand.background_gbps,
                "snapshots": len(self.result.times), "notes": list(self.notes),
                "reference_satellite": self.reference_satellite,
                "gap_curves": {k: v.to_dict() for k, v in self.gap_curves.items()},
                "design": self.reference_satellite}  # "design": the former key, kept in format version 1


@dataclass(eq=False)
class RegionAssessment:
    """The figures of one region. ``coverage`` holds the per-cell maps and series, keyed by typed case."""

    name: str
    coverage: CoverageResult
    operators: dict[str, OperatorFigures]
    policies: dict[str, PolicyFigures]
    events: dict[EventCase, EventFigures]
    kill_switch: dict[str, KillSwitchFigures]
    spof: SinglePointsOfFailure
    capacity: CapacityAssessment | None = None

    def to_dict(self) -> dict:
        g = self.coverage.grid
        return {"region": self.name, "cells": len(g), "spacing_km": g.spacing_km,
                "area_km2": float(g.area_km2.sum()), "population": float(g.population.sum()),
                "capacity": self.capacity.to_dict() if self.capacity else None,
                "visibility_note": "visibility figures (policies, events, kill_switch, operators) count a place "
                                   "as served when a satellite is in view: an upper bound on what capacity allows",
                "operators": {k: v.to_dict() for k, v in self.operators.items()},
                "policies": {k: v.to_dict() for k, v in self.policies.items()},
                "events": [v.to_dict() for v in self.events.values()],
                "kill_switch": {k: v.to_dict() for k, v in self.kill_switch.items()},
                "single_point_of_failure": self.spof.to_dict(), "warnings": self.coverage.warnings}


@dataclass(eq=False)
class Assessment:
    """A scenario's answer: one :class:`RegionAssessment` per region, routes, sources and warnings."""

    scenario: Scenario
    regions: dict[str, RegionAssessment]
    policies: list[Policy]
    fleet_operator: dict[str, str]
    registry: OperatorRegistry
    sources: list[dict]
    satellites: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)

    def allowed_fleets(self, policy: Policy) -> list[str]:
        return [k for k, op in self.fleet_operator.items() if policy.allows(self.registry[op])]

    def headline(self) -> dict:
        """Per region: capacity served share per policy and loss per kill switch (when capacity ran), then the
        visibility figures (an upper bound): served share and sovereignty index per policy, loss per kill switch."""
        out = {}
        for name, r in self.regions.items():
            entry = {}
            if r.capacity is not None:
                entry["capacity_served_share"] = {k: v.served_share for k, v in r.capacity.policies.items()}
                entry["capacity_served_share_range"] = {k: [v.served_share_low, v.served_share_high]
                                                        for k, v in r.capacity.policies.items()}
                entry["capacity_kill_switch_loss_pp"] = {k: v.loss_pp for k, v in r.capacity.kill_switch.items()}
            entry.update({"served_share": {k: v.served_share for k, v in r.policies.items()},
                          "sovereignty_index": {k: v.sovereignty_index for k, v in r.policies.items()},
                          "kill_switch_loss_pp": {k: v.loss_pp for k, v in r.kill_switch.items()}})
            out[name] = entry
        return out

    def to_dict(self) -> dict:
        return {"scenario": self.scenario.model_dump(), "satellites": self.satellites,
                "policies": [{"name": p.name, "description": p.description,
                              "allowed_fleets": self.allowed_fleets(p)} for p in self.policies],
                "regions": {k: v.to_dict() for k, v in self.regions.items()}, "routes": self.routes,
                "sources": self.sources, "warnings": self.warnings}
