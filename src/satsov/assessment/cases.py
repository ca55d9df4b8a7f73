"""The cases an assessment computes, in one place: ``cases(study, region, purpose)``.

Every engine takes its cases from here, each with the landing-rights denials of its fleets:

- ``"coverage"``: each fleet alone, each policy (with the per-operator dependency counts), each denial event
  under each policy that has the event's operator, each policy restricted to LEO where it has GEO or MEO fleets,
  and each kill switch;
- ``"capacity"``: each policy, each kill switch and each denial event under each policy (keyed as above).

A policy's landing rule (``land_in``) is not a question of visibility, and the capacity model cannot apply it
yet: both say so in their notes (:func:`landing_rule_notes`) rather than ignore it; routes apply it.
"""

from __future__ import annotations

from satsov.world.cases import (BASELINE, Case, EventCase, FleetCase, KillSwitchCase, LowLatencyCase, PolicyCase,
                                with_denials)

__all__ = ["cases", "landing_rule_notes", "PURPOSES"]

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
        out += [Case(PolicyCase(p.name), allowed[p.name]) for p in policies]
        out += _kill_cases(study)
        out += _event_cases(study)
    return [with_denials(c, study.licence_denials) for c in out]


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
    """What the coverage and capacity figures of policies with a landing rule (``land_in``) do not include."""
    ruled = [p for p in study.policies if p.land_in]
    if not ruled:
        return []
    which = "; ".join(f"{p.name} (land_in {', '.join(p.land_in)})" for p in ruled)
    return [f"landing rules: {which}: applied to the routes; the coverage and capacity figures of these policies "
            f"do not yet constrain where traffic reaches the ground (upper bounds)"]
