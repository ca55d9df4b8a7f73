"""The cases an assessment computes, in one place: ``cases(study, region, purpose)``.

Every engine takes its cases from here, each with the landing-rights denials of its fleets:

- ``"coverage"``: each fleet alone, each policy (with the per-operator dependency counts), each denial event
  under each policy that has the event's operator, each policy restricted to LEO where it has GEO or MEO fleets,
  and each kill switch;
- ``"capacity"``: each policy, each kill switch and each denial event under each policy (keyed as above), and
  each kill switch's worldwide withdrawal (:class:`~satsov.world.cases.WithdrawalCase`). Here exclusion is a
  *geofence*: a policy that excludes an operator, and an operator switching off, deny its links into the
  region's cells only (:data:`~satsov.world.cases.REGION`), and it keeps serving the rest of the world, which is
  held at its fair allocation without the geofence (:func:`satsov.capacity.allocate`). The withdrawal removes the
  operator everywhere; the difference between the two is the displacement effect. (For visibility the two are the same over the region's cells, so the coverage
  cases simply leave the operator out.)

A policy's landing rule (``land_in``) is not a question of visibility: the coverage figures say so in their notes
(:func:`landing_rule_notes`) rather than ignore it. The capacity cases of such a policy (and of its events) carry
it (``Case.land_in``, as country codes): a satellite serves the region only while it can land its traffic there
(:mod:`satsov.capacity.ground`); routes apply it too.
"""

from __future__ import annotations

from satsov.world.cases import (BASELINE, REGION, Case, Denial, EventCase, FleetCase, KillSwitchCase, LowLatencyCase,
                                PolicyCase, WithdrawalCase, with_denials)

__all__ = ["cases", "landing_rule_notes", "serves_region", "PURPOSES"]

PURPOSES = ("coverage", "capacity")


def cases(study, region: str, purpose: str) -> list[Case]:
    """The cases of ``region`` for ``purpose`` (one of :data:`PURPOSES`), in a fixed order, each with the
    landing-rights denials of its fleets."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose: found {purpose!r}, expected one of {PURPOSES}")
    allowed, policies = study.allowed, study.policies
    out: list[Case] = []
    if purpose == "coverage":
        out += [Case(FleetCase(k), (k,)) for k in study.fleets]
        out += [Case(PolicyCase(p.name), allowed[p.name], dependency=True) for p in policies]
        out += _event_cases(study)
        for p in policies:  # what each policy keeps in low latency (LEO only), where it has GEO or MEO fleets
            low = tuple(k for k in allowed[p.name] if k in study.leo)
            if low != allowed[p.name]:
                out.append(Case(LowLatencyCase(p.name), low))
        out += _kill_cases(study)
    else:
        every = allowed[BASELINE]
        out += [Case(PolicyCase(p.name), every, _geofence(every, allowed[p.name], f"policy {p.name}"),
                     land_in=_land(p)) for p in policies]
        kill = [k for k in study.kill if serves_region(study, region, k)]
        out += [Case(KillSwitchCase(k), every, _geofence(every, [o for o in every if o != k], "switch-off"))
                for k in kill]
        for name, denials in study.events.items():
            for p in policies:
                ops = allowed[p.name]
                if any(d.operator in ops for d in denials):
                    out.append(Case(EventCase(name, p.name), every,
                                    _geofence(every, ops, f"policy {p.name}")
                                    + tuple(d for d in denials if d.operator in ops), land_in=_land(p)))
        out += [Case(WithdrawalCase(k), tuple(o for o in every if o != k)) for k in kill]
    return [with_denials(c, study.licence_denials) for c in out]


def _land(policy) -> tuple[str, ...]:
    """A policy's landing rule as sorted country codes (groups expanded), () for none."""
    if not policy.land_in:
        return ()
    from satsov.world.policies import expand_jurisdictions
    return tuple(sorted(c for c in expand_jurisdictions(policy.land_in, policy.as_of) if len(c) == 2 and c != "EU"))


def serves_region(study, region: str, fleet: str) -> bool:
    """Whether ``fleet`` holds landing rights in some country of the region (else it serves none of the region's
    cells, and its switch-off changes nothing there: capacity leaves those cases out and says so)."""
    import numpy as np
    countries = {str(c) for c in np.unique(study.grids[region].country) if c}
    denied = set()
    for d in study.licence_denials:
        if d.operator == fleet and isinstance(d.cells, frozenset):
            denied |= d.cells
    return not countries or not countries <= denied


def _geofence(every, allowed, name: str) -> tuple[Denial, ...]:
    """The fleets of ``every`` not in ``allowed``, each denied over the region's cells for the whole window."""
    return tuple(Denial(k, REGION, None, None, name) for k in every if k not in allowed)


def _event_cases(study) -> list[Case]:
    out = []
    for name, denials in study.events.items():
        for p in study.policies:
            ops = study.allowed[p.name]
            if any(d.operator in ops for d in denials):
                out.append(Case(EventCase(name, p.name), ops, tuple(d for d in denials if d.operator in ops)))
    return out


def _kill_cases(study) -> list[Case]:
    base = study.allowed[BASELINE]
    return [Case(KillSwitchCase(k), tuple(o for o in base if o != k)) for k in study.kill]


def landing_rule_notes(study) -> list[str]:
    """What the coverage figures of policies with a landing rule (``land_in``) do not include."""
    ruled = [p for p in study.policies if p.land_in]
    if not ruled:
        return []
    which = "; ".join(f"{p.name} (land_in {', '.join(p.land_in)})" for p in ruled)
    return [f"landing rules: {which}: applied to the routes and the capacity figures; the coverage figures of these "
            f"policies do not constrain where traffic reaches the ground (upper bounds)"]
