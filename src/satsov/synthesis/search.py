"""Stages (b) and (c) together: the smallest Walker constellation that meets a coverage requirement.

Candidates are enumerated from a search space smallest first (satellites, then planes); each is screened
(:func:`satsov.synthesis.screen.screen`, with its margin so that it errs on the side of keeping); the first
``verify`` candidates that pass the screen are checked with the full engine (:func:`satsov.coverage`: SGP4,
WGS-84, the region's real grid) and the smallest verified one is the answer. Candidates the screen rejected
just below the threshold are verified too (``audit``), and any the engine would have accepted are counted as
the screen's false negatives in the result.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from satsov.errors import InputError
from satsov.orbits.walker import Shell

__all__ = ["Requirement", "SearchSpace", "Candidate", "DesignResult", "design"]


@dataclass(frozen=True)
class Requirement:
    """What the constellation must give the region: ``fold``-fold coverage above ``min_elevation_deg`` for at
    least ``availability`` of the region's population-time (or area-time)."""

    region: str
    fold: int = 1
    min_elevation_deg: float = 25.0
    availability: float = 0.99
    weight: str = "population"   # or "area"
    spacing_km: float = 200.0

    def __post_init__(self):
        if not (0 < self.availability <= 1) or self.fold < 1 or not (0 <= self.min_elevation_deg < 90):
            raise InputError(f"requirement: found fold {self.fold}, elevation {self.min_elevation_deg}, availability "
                             f"{self.availability}; expected fold >= 1, 0 <= elevation < 90, 0 < availability <= 1",
                             found=self, expected="a valid requirement")
        if self.weight not in ("population", "area"):
            raise InputError(f"weight: found {self.weight!r}, expected population or area", found=self.weight,
                             expected="population or area")


@dataclass(frozen=True)
class SearchSpace:
    altitudes_km: tuple[float, ...] = (550.0,)
    inclinations_deg: tuple[float, ...] = (53.0, 70.0, 87.9)
    planes: tuple[int, ...] = tuple(range(2, 25))
    sats_per_plane: tuple[int, ...] = tuple(range(2, 41))
    phasings: str = "few"          # "few": 0, 1 and P/2; "all": every F
    max_satellites: int = 2000

    def candidates(self):
        """Walker delta shells, fewest satellites first (then fewest planes)."""
        out = []
        for h, i, p, s in itertools.product(self.altitudes_km, self.inclinations_deg, self.planes, self.sats_per_plane):
            if p * s > self.max_satellites:
                continue
            fs = range(p) if self.phasings == "all" else sorted({0, 1 % p, p // 2})
            for f in fs:
                out.append(Shell(f"walker-{p * s}/{p}/{f}", float(h), float(i), int(p), int(s), int(f)))
        out.sort(key=lambda sh: (sh.size, sh.planes, sh.altitude_km, sh.inclination_deg, sh.phasing))
        return out


@dataclass(frozen=True)
class Candidate:
    shell: Shell
    screened: float
    verified: float | None = None

    def to_dict(self) -> dict:
        sh = self.shell
        return {"satellites": sh.size, "planes": sh.planes, "sats_per_plane": sh.sats_per_plane,
                "phasing": sh.phasing, "inclination_deg": sh.inclination_deg, "altitude_km": sh.altitude_km,
                "screened_availability": self.screened, "verified_availability": self.verified}


@dataclass(frozen=True)
class DesignResult:
    requirement: Requirement
    best: Candidate | None
    verified: tuple[Candidate, ...]
    screened: int
    false_negatives: int
    audited: int
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"requirement": self.requirement.__dict__, "best": self.best.to_dict() if self.best else None,
                "verified": [c.to_dict() for c in self.verified], "screened": self.screened,
                "screen_false_negatives": self.false_negatives, "screen_audited": self.audited,
                "notes": list(self.notes)}


def design(requirement: Requirement, space: SearchSpace = SearchSpace(), *, start="2026-05-07T00:00:00Z",
           duration_s: float = 6 * 3600, step_s: float = 60.0, samples: int = 256, verify: int = 3, audit: int = 3,
           progress=None) -> DesignResult:
    """The smallest Walker shell of ``space`` that meets ``requirement`` (screened, then verified)."""
    import satsov
    from satsov.orbits.fleet import Fleet
    from satsov.synthesis.screen import screen
    g = satsov.grid(requirement.region, requirement.spacing_km)
    w = g.population if requirement.weight == "population" and g.population.sum() > 0 else g.area_km2
    times = satsov.time_grid(start, f"{int(duration_s)}s", f"{int(step_s)}s")
    cands = space.candidates()

    def engine(shell) -> float:
        res = satsov.coverage({"c": Fleet.from_shells([shell], start)}, g, times,
                              min_elevation_deg=requirement.min_elevation_deg, n_fold=requirement.fold)
        f = res.figures("c")
        return f.time_coverage_population if requirement.weight == "population" and g.population.sum() > 0 \
            else f.time_coverage_area

    passed, rejected_near, screened = [], [], 0
    for k, shell in enumerate(cands):
        s = screen([shell], g, w, min_elevation_deg=requirement.min_elevation_deg, start=start,
                   duration_s=duration_s, fold=requirement.fold, samples=samples).time_coverage
        screened += 1
        if s >= requirement.availability:
            passed.append(Candidate(shell, s))
        elif s >= requirement.availability - 0.05:
            rejected_near.append(Candidate(shell, s))
        if progress is not None:
            progress(k + 1, len(cands))
        if len(passed) >= verify:
            break
    verified = tuple(Candidate(c.shell, c.screened, engine(c.shell)) for c in passed)
    ok = [c for c in verified if c.verified >= requirement.availability]
    best = min(ok, key=lambda c: (c.shell.size, c.shell.planes)) if ok else None
    # the screen's false negatives: rejected candidates just below the threshold that the engine accepts
    sample = sorted(rejected_near, key=lambda c: -c.screened)[:audit]
    false_neg = sum(engine(c.shell) >= requirement.availability for c in sample)
    notes = [f"screened {screened} of {len(cands)} candidates smallest first, verified {len(verified)} with the full "
             f"engine over {duration_s / 3600:g} h at {step_s:g} s on a {requirement.spacing_km:g} km grid"]
    if not best:
        notes.append("no candidate of the search space met the requirement: widen it (more planes or satellites "
                     "per plane, other altitudes or inclinations)")
    return DesignResult(requirement, best, verified, screened, int(false_neg), len(sample), tuple(notes))
