"""The design search: the smallest constellation that meets a territory's requirement.

Stages, each its own tested function: (a) analytic seeds and bounds (:mod:`satsov.synthesis.seeds`); (b) the
screen of every candidate of a :class:`~satsov.synthesis.space.SearchSpace` in the order of its objective
(:func:`satsov.synthesis.sweep.sweep`: analytic orbits, the engine's kernel, serial or on Dask, streamed to
Parquet); (c) verification of the first candidates that pass the screen with the full engine
(:func:`verify`: SGP4, WGS-84, the region's real grid; for bent-pipe designs the smallest gateway set in the
allowed jurisdictions). The first verified design is the answer. Candidates the screen rejected just below
the threshold are verified too (``audit``): any the engine accepts are counted as the screen's false
negatives in the result. The IRIS² and Lightspeed plans are measured against the same requirement.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from satsov.defaults import DEFAULT_AVAILABILITY, DEFAULT_MIN_ELEVATION_DEG, DEFAULT_START
from satsov.errors import InputError
from satsov.orbits.walker import Shell
from satsov.synthesis.space import Design, SearchSpace
from satsov.world.regions import region
from satsov.visibility.engine import coverage
from satsov.times import time_grid
from satsov.world.grids import grid as make_grid

__all__ = ["Requirement", "SearchSpace", "Candidate", "Verification", "DesignResult", "design", "verify",
           "compare_plans", "analytic_bounds", "pareto_front", "latency", "latency_users", "points_of_presence"]



@dataclass(frozen=True)
class Requirement:
    """What the constellation must give the region: ``fold``-fold coverage above ``min_elevation_deg`` for at
    least ``availability`` of the region's population-time (or area-time), no cell (with weight) without it
    for longer than ``max_gap_s``; with inter-satellite links (``isl``) or as bent pipes, whose satellites
    must each see a gateway in ``gateway_countries`` (default: the region's own countries) while they serve
    it."""

    region: str
    fold: int = 1
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG
    availability: float = DEFAULT_AVAILABILITY
    weight: str = "population"   # or "area"
    spacing_km: float = 200.0
    max_gap_s: float | None = None
    isl: bool = True
    gateway_countries: tuple[str, ...] | None = None
    gateway_min_elevation_deg: float = 10.0
    capacity_share: float | None = None
    capacity_as: str = "iris2"
    capacity_snapshots: int = 12
    max_rtt_ms: float | None = None
    rtt_percentile: float = 95.0
    latency_users: int = 12
    latency_step_s: float = 300.0

    def __post_init__(self):
        if not (0 < self.availability <= 1) or self.fold < 1 or not (0 <= self.min_elevation_deg < 90):
            raise InputError(f"requirement: found fold {self.fold}, elevation {self.min_elevation_deg}, availability "
                             f"{self.availability}; expected fold >= 1, 0 <= elevation < 90, 0 < availability <= 1",
                             found=self, expected="a valid requirement")
        if self.weight not in ("population", "area"):
            raise InputError(f"weight: found {self.weight!r}, expected population or area", found=self.weight,
                             expected="population or area")
        if self.capacity_share is not None and not (0 < self.capacity_share <= 1):
            raise InputError(f"capacity_share: found {self.capacity_share!r}, expected a share of the demand in (0, 1]",
                             found=self.capacity_share, expected="(0, 1]")
        if self.max_rtt_ms is not None and not self.max_rtt_ms > 0:
            raise InputError(f"max_rtt_ms: found {self.max_rtt_ms!r}, expected milliseconds > 0", found=self.max_rtt_ms,
                             expected="> 0 ms")
        if not (0 < self.rtt_percentile <= 100) or self.latency_users < 1:
            raise InputError(f"latency: found percentile {self.rtt_percentile!r} and {self.latency_users!r} users, "
                             f"expected a percentile in (0, 100] and at least 1 user", found=self.rtt_percentile,
                             expected="(0, 100], >= 1 user")
        if self.max_gap_s is not None and self.max_gap_s < 0:
            raise InputError(f"max_gap_s: found {self.max_gap_s!r}, expected seconds >= 0", found=self.max_gap_s,
                             expected=">= 0 s")

    def describe(self) -> str:
        gap = f", gaps of at most {self.max_gap_s:g} s" if self.max_gap_s is not None else ""
        links = "inter-satellite links" if self.isl else (
            f"bent pipe, gateways in {', '.join(self.gateway_countries) if self.gateway_countries else 'the region'}")
        cap = (f"; {self.capacity_share:.0%} of the busy-hour demand served (satellites as {self.capacity_as}'s)"
               if self.capacity_share is not None else "")
        rtt = (f"; round trip to an in-territory point of presence at most {self.max_rtt_ms:g} ms for "
               f"{self.rtt_percentile:g}% of {self.weight}-time" if self.max_rtt_ms is not None else "")
        return (f"{self.region}: {self.fold}-fold above {self.min_elevation_deg:g}° for {self.availability:.2%} of "
                f"{self.weight}-time{gap}; {links}{cap}{rtt}")

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["gateway_countries"] = list(self.gateway_countries) if self.gateway_countries else None
        return d


@dataclass(frozen=True)
class Verification:
    """A design's figures with the full engine: the weighted share of cell-time with the fold (``availability``),
    the longest gap of a cell with weight, the worst such cell's share, and for bent-pipe designs its gateways."""

    availability: float
    longest_gap_s: float
    worst_cell: float
    meets: bool
    gateways: object | None = None   # GatewayPlan
    reasons: tuple[str, ...] = ()
    capacity: dict | None = None     # served share of the demand (mean, 5th percentile), what it rests on
    latency: dict | None = None      # RTT to an in-territory point of presence (percentiles, unreachable share)

    def to_dict(self) -> dict:
        return {"verified_availability": self.availability, "verified_longest_gap_s": self.longest_gap_s,
                "verified_worst_cell": self.worst_cell, "meets": self.meets, "reasons": list(self.reasons),
                "capacity": self.capacity, "latency": self.latency,
                "gateways": self.gateways.to_dict() if self.gateways is not None else None}


@dataclass(frozen=True)
class Candidate:
    design: Design
    screened: float
    screened_gap_s: float = 0.0
    check: Verification | None = None

    @property
    def shell(self) -> Shell:
        """The first (for one-shell designs, the only) shell."""
        return self.design.shells[0]

    @property
    def verified(self) -> float | None:
        return self.check.availability if self.check is not None else None

    def to_dict(self) -> dict:
        out = {**self.design.to_dict(), "screened_availability": self.screened,
               "screened_longest_gap_s": self.screened_gap_s, "verified_availability": self.verified}
        if self.check is not None:
            out.update(self.check.to_dict())
        return out


@dataclass(frozen=True)
class DesignResult:
    requirement: Requirement
    best: Candidate | None
    verified: tuple[Candidate, ...]
    screened: int
    false_negatives: int
    audited: int
    notes: tuple[str, ...] = field(default=())
    pareto: tuple[dict, ...] = field(default=())
    bounds: dict = field(default_factory=dict)
    comparison: tuple[dict, ...] = field(default=())
    sweep: dict = field(default_factory=dict)
    window: dict = field(default_factory=dict)
    coverage: object | None = field(default=None, repr=False)   # the best design's CoverageResult (maps)
    pareto_verified: tuple[dict, ...] = field(default=())       # verified: satellites vs availability, capacity, RTT

    def to_dict(self) -> dict:
        return {"requirement": self.requirement.to_dict(), "best": self.best.to_dict() if self.best else None,
                "verified": [c.to_dict() for c in self.verified], "screened": self.screened,
                "screen_false_negatives": self.false_negatives, "screen_audited": self.audited,
                "pareto": list(self.pareto), "pareto_verified": list(self.pareto_verified),
                "analytic_bounds": self.bounds, "comparison": list(self.comparison),
                "sweep": self.sweep, "window": self.window, "notes": list(self.notes)}


def analytic_bounds(requirement: Requirement, altitude_km: float) -> dict:
    """Closed-form figures beside a result at ``altitude_km`` (spherical Earth): the half-angle λ; the cap bound
    N ≥ fold · 2 / (1 − cos λ) on the satellites that can keep the *whole globe* covered ``fold`` times (caps
    of half-angle λ must cover the sphere's area fold times); and the smallest polar streets-of-coverage
    pattern for global single coverage at λ (Lüders / Adams & Rider). Both are global figures, for scale:
    a region needs fewer."""
    from satsov.synthesis.seeds import earth_central_angle_deg, streets_seeds
    lam = earth_central_angle_deg(altitude_km, requirement.min_elevation_deg)
    cap = requirement.fold * 2.0 / (1.0 - math.cos(math.radians(lam)))
    streets = streets_seeds(lam, max_planes=80, max_per_plane=120)
    best = streets[0] if streets else None
    return {"altitude_km": altitude_km, "half_angle_deg": lam,
            "global_cap_bound_satellites": math.ceil(cap),
            "global_streets_pattern": {"planes": best[0], "sats_per_plane": best[1], "satellites": best[0] * best[1]}
            if best else None,
            "source": "λ = arccos(R cos ε / (R + h)) − ε; cap bound: area of the sphere / area of one cap; streets of "
                      "coverage: cos λ = cos c cos(π/S), (P − 1)(λ + c) + 2c ≥ π (Adams & Rider 1987)"}


def pareto_front(points: list[dict], *, cost: str = "cost", gains=("screened",)) -> list[dict]:
    """The points no other point beats: lower or equal ``cost`` and higher or equal every gain, one strictly."""
    out = []
    for p in points:
        dominated = False
        for q in points:
            if q is p:
                continue
            le = q[cost] <= p[cost] and all(q[g] >= p[g] for g in gains)
            lt = q[cost] < p[cost] or any(q[g] > p[g] for g in gains)
            if le and lt:
                dominated = True
                break
        if not dominated:
            out.append(p)
    return sorted(out, key=lambda p: p[cost])


def _weights(requirement: Requirement, g) -> np.ndarray:
    return np.asarray(g.population if requirement.weight == "population" and g.population.sum() > 0 else g.area_km2,
                      float)


def _figures(res, key, w) -> tuple[float, float, float]:
    c = res.cells[key]
    avail = c["availability"].to_numpy()
    gaps = c["longest_gap_s"].to_numpy()
    ww = w
    share = float((avail * ww).sum() / max(ww.sum(), 1e-300))
    counted = ww > 0
    return share, float(gaps[counted].max()) if counted.any() else 0.0, float(avail[counted].min()) if counted.any() else 1.0


def verify(design_: Design, requirement: Requirement, *, grid=None, start=DEFAULT_START, duration_s: float = 6 * 3600,
           step_s: float = 60.0, gateway_step_s: float = 300.0, keep=False):
    """A design's :class:`Verification` with the full engine (SGP4, WGS-84, the region's grid), and for a
    bent-pipe requirement its smallest gateway set; with ``keep`` also the CoverageResult."""
    from satsov.orbits.fleet import Fleet
    g = grid if grid is not None else make_grid(requirement.region, requirement.spacing_km)
    times = time_grid(start, f"{int(duration_s)}s", f"{int(step_s)}s")
    fleet = Fleet.from_shells(list(design_.shells), start, name="design")
    res = coverage({"design": fleet}, g, times, min_elevation_deg=requirement.min_elevation_deg,
                          n_fold=requirement.fold, frames=8)
    share, gap, worst = _figures(res, "design", _weights(requirement, res.grid))
    reasons = []
    if share < requirement.availability - 1e-12:
        reasons.append(f"availability {share:.4f} < {requirement.availability:g}")
    if requirement.max_gap_s is not None and gap > requirement.max_gap_s:
        reasons.append(f"longest gap {gap:.0f} s > {requirement.max_gap_s:g} s")
    plan = None
    if not requirement.isl:
        from satsov.synthesis.gateways import gateway_candidates, smallest_gateway_set
        countries = requirement.gateway_countries or tuple(c for c in region(requirement.region).codes)
        gtimes = time_grid(start, f"{int(duration_s)}s", f"{int(max(step_s, gateway_step_s))}s", snapshots=True)
        own = None if requirement.gateway_countries else g
        plan = smallest_gateway_set(fleet.positions(gtimes), g, gateway_candidates(countries, region_grid=own),
                                    user_min_elevation_deg=requirement.min_elevation_deg,
                                    gateway_min_elevation_deg=requirement.gateway_min_elevation_deg)
        if plan.uncovered_satellite_steps:
            reasons.append(f"{plan.uncovered_satellite_steps} of {plan.serving_satellite_steps} serving satellite-"
                           f"steps see no gateway in the allowed jurisdictions")
    cap = None
    if requirement.capacity_share is not None:
        cap = _capacity(fleet, requirement, g, start, duration_s, plan)
        if cap["served_share"] < requirement.capacity_share - 1e-12:
            reasons.append(f"capacity: {cap['served_share']:.1%} of the demand served < {requirement.capacity_share:.0%}")
    lat = None
    if requirement.max_rtt_ms is not None:
        lat = latency(design_, requirement, g, start=start, duration_s=duration_s, plan=plan)
        if not lat["rtt_ms"] <= requirement.max_rtt_ms:
            reasons.append(f"latency: {requirement.rtt_percentile:g}th percentile round trip {lat['rtt_ms']:.1f} ms > "
                           f"{requirement.max_rtt_ms:g} ms")
    v = Verification(share, gap, worst, not reasons, plan, tuple(reasons), cap, lat)
    return (v, res) if keep else v


def latency_users(g, weights: np.ndarray, n: int) -> list:
    """``n`` cells of grid ``g`` that stand for equal shares of its weight: the cell at each (k + ½)/n of the
    cumulative weight (cells in the grid's order), as ground sites."""
    from satsov.world.sites import GroundSite
    w = np.asarray(weights, float)
    if not (w > 0).any():
        raise InputError("latency: the region's grid has no weight (no people and no area?)", found=0.0,
                         expected="> 0")
    cum = np.cumsum(w) / w.sum()
    idx = np.searchsorted(cum, (np.arange(n) + 0.5) / n)
    country = np.asarray(g.country, dtype=object)
    return [GroundSite(f"user {k + 1} ({g.lat_deg[i]:.1f}, {g.lon_deg[i]:.1f})", float(g.lat_deg[i]),
                       float(g.lon_deg[i]), str(country[i]), "user") for k, i in enumerate(idx)]


def points_of_presence(requirement: Requirement, plan=None) -> tuple[list, str]:
    """The in-territory points of presence a latency requirement measures to, and how they were chosen: a
    bent-pipe design's own gateway sites (each its own PoP), else the published PoPs (exchange points where
    operators peer) of the allowed countries plus their largest city."""
    from satsov.world.gateways import place_gateways
    from satsov.synthesis.gateways import distinct_sites
    from satsov.world.sites import published_sites
    countries = requirement.gateway_countries or tuple(region(requirement.region).codes)
    if plan is not None:
        return ([dataclasses.replace(s, operator="") for s in plan.sites],
                "the design's gateway sites, each taken as its own point of presence (backhaul to an exchange not "
                "modelled)")
    allowed = set(countries)
    pops = [dataclasses.replace(s, operator="") for s in published_sites(kind="pop") if s.country in allowed]
    pops += place_gateways(sorted(allowed), per_country=1)
    out = distinct_sites(pops, decimals=1)
    return out, (f"published points of presence in {', '.join(sorted(allowed))} ({len(out)} with each country's "
                 f"largest city), each with a ground station of the design")


def latency(design_: Design, requirement: Requirement, g, *, start=DEFAULT_START, duration_s: float = 6 * 3600,
            plan=None) -> dict:
    """Round-trip time from the region's users to the nearest in-territory point of presence over the design
    (shortest path by propagation delay at every ``latency_step_s``: user → satellite → inter-satellite links,
    or none for a bent pipe → a ground station at a PoP): the ``rtt_percentile``-th percentile over users (equal
    shares of the weight, :func:`latency_users`) and time, the median, and the unreachable share (counted as
    infinite)."""
    from satsov.network import Network
    from satsov.network.routing import route
    users = latency_users(g, _weights(requirement, g), requirement.latency_users)
    pops, how = points_of_presence(requirement, plan if not requirement.isl else None)
    if not pops:
        return {"rtt_ms": math.inf, "median_ms": math.inf, "unreachable_share": 1.0, "users": len(users),
                "points_of_presence": 0, "how": how, "percentile": requirement.rtt_percentile}
    net = Network.from_shells([(sh, "design") for sh in design_.shells], start, gateways=pops,
                              min_elevation_deg=requirement.min_elevation_deg,
                              gateway_min_elevation_deg=requirement.gateway_min_elevation_deg,
                              bent_pipe=not requirement.isl)
    times = time_grid(start, f"{int(duration_s)}s", f"{int(requirement.latency_step_s)}s")
    r = route(net, users, times, to_internet=True, keep_paths=False)
    rtt_ms = r.rtt_s[:, 0, :].ravel() * 1e3
    ok = np.isfinite(rtt_ms)
    return {"rtt_ms": float(np.percentile(rtt_ms, requirement.rtt_percentile, method="higher")),
            "median_ms": float(np.percentile(rtt_ms, 50, method="higher")),
            "min_ms": float(rtt_ms[ok].min()) if ok.any() else math.inf,
            "unreachable_share": float(1 - ok.mean()), "percentile": requirement.rtt_percentile,
            "users": len(users), "points_of_presence": len(pops), "how": how,
            "step_s": requirement.latency_step_s, "samples": int(rtt_ms.size)}


def _capacity(fleet, requirement: Requirement, g, start, duration_s: float, plan) -> dict:
    """The share of the region's busy-hour demand the design serves (capacity model: max flow per snapshot,
    demand of the whole world in the background), its satellites taking ``capacity_as``'s figures; a bent-pipe
    design lands only at its chosen gateways."""

    from satsov.capacity import allocate, build_demand
    n = max(2, int(requirement.capacity_snapshots))
    step = max(60, int(duration_s / n))
    times = time_grid(start, f"{step * (n - 1)}s", f"{step}s")
    demand = build_demand(g)
    gateways = None if plan is None else [dataclasses.replace(s, operator="") for s in plan.sites]
    if plan is not None and not gateways:
        return {"served_share": 0.0, "served_share_p5": 0.0, "demand_gbps": None, "snapshots": n,
                "as": requirement.capacity_as, "depends_on_assumptions": [], "notes": ["no gateway"]}
    res = allocate({"design": fleet}, demand, times, sets={"design": ["design"]},
                   owner={"design": requirement.capacity_as}, gateways=gateways)
    f = res.figures("design")
    return {"served_share": f.served_share, "served_share_p5": f.served_share_p5, "demand_gbps": f.demand_gbps,
            "served_gbps": f.served_gbps, "snapshots": len(times), "as": requirement.capacity_as,
            "depends_on_assumptions": list(f.depends_on_assumptions), "notes": list(res.notes)}


def compare_plans(requirement: Requirement, keys=("iris2", "telesat"), *, grid=None, start=DEFAULT_START,
                  duration_s: float = 6 * 3600, step_s: float = 60.0, max_altitude_km: float = 2000.0) -> list[dict]:
    """Do the LEO layers of planned constellations (``data/plans.yaml``, in full) meet ``requirement``, and what
    is missing? Measured with the full engine on the same grid and window as the verification."""
    from satsov.orbits.fleet import Fleet
    from satsov.world.constellations import plans
    g = grid if grid is not None else make_grid(requirement.region, requirement.spacing_km)
    times = time_grid(start, f"{int(duration_s)}s", f"{int(step_s)}s")
    out = []
    table = plans()
    for key in keys:
        if key not in table:
            from satsov.errors import UnknownNameError
            raise UnknownNameError("planned constellation", key, list(table))
        plan = table[key]
        leo = [s for s in plan.shells if s.altitude_km <= max_altitude_km]
        entry = {"key": key, "name": plan.name, "satellites_planned": plan.size,
                 "leo_satellites": sum(s.size for s in leo),
                 "shells": [f"{s.size}/{s.planes}/{s.phasing} {s.inclination_deg:g}° {s.altitude_km:g} km" for s in leo],
                 "sources": sorted({s.source for s in plan.shells if s.source}),
                 "assumed": any(s.confidence == "L" for s in plan.shells),
                 "measured": "coverage only, with the plan's LEO shells as filed; its own gateways and links are not "
                             "part of this comparison"}
        if not leo:
            entry.update(availability=0.0, longest_gap_s=float(duration_s), meets=False,
                         missing="no LEO layer in the plan")
            out.append(entry)
            continue
        res = coverage({key: Fleet.from_shells(leo, start, name=key)}, g, times,
                              min_elevation_deg=requirement.min_elevation_deg, n_fold=requirement.fold)
        share, gap, worst = _figures(res, key, _weights(requirement, res.grid))
        missing = []
        if share < requirement.availability - 1e-12:
            missing.append(f"{(requirement.availability - share) * 100:.2f} pp of {requirement.weight}-time short of "
                           f"{requirement.availability:.2%}")
        if requirement.max_gap_s is not None and gap > requirement.max_gap_s:
            missing.append(f"gaps up to {gap:.0f} s (allowed {requirement.max_gap_s:g} s)")
        entry.update(availability=share, longest_gap_s=gap, worst_cell=worst, meets=not missing,
                     missing="; ".join(missing) or "nothing: it meets the requirement")
        out.append(entry)
    return out


def design(requirement: Requirement, space: SearchSpace = SearchSpace(), *, start=DEFAULT_START,
           duration_s: float = 6 * 3600, step_s: float = 60.0, screen_duration_s: float | None = None,
           samples: int = 256, verify_count: int = 3, audit: int = 3, max_verify: int = 12, out=None,
           scheduler: str | None = None, workers: int | None = None, compare=(), progress=None) -> DesignResult:
    """The cheapest design of ``space`` (by its objective) that meets ``requirement``: screened, then verified.

    ``duration_s`` / ``step_s``: the verification window; ``screen_duration_s``: the screen's (default the
    same); ``out``: a folder for the screen's Parquet results (a rerun resumes); ``scheduler`` / ``workers``:
    screen on Dask (see :func:`~satsov.synthesis.sweep.sweep`); ``compare``: planned constellations to measure
    against the same requirement (e.g. ``("iris2", "telesat")``)."""
    from satsov.synthesis.sweep import ScreenSpec, dask_client, estimate_sweep, sweep
    g = make_grid(requirement.region, requirement.spacing_km)
    if "streets" in space.patterns and space.min_elevation_deg is None:  # streets: planes spaced for this mask
        space = dataclasses.replace(space, min_elevation_deg=requirement.min_elevation_deg)
    cands = space.candidates()
    if not cands:
        raise InputError("search space: no candidate design (check max_satellites against planes x satellites per "
                         "plane)", found=0, expected=">= 1 candidate")
    spec = ScreenSpec(requirement.region, requirement.spacing_km, requirement.weight, requirement.fold,
                      requirement.min_elevation_deg, requirement.availability, requirement.max_gap_s, str(start),
                      float(screen_duration_s or duration_s), samples, 0, 0.5, space.objective)
    by_key = {d.key: d for d in cands}
    need = verify_count
    rows = None
    verified: dict[str, Candidate] = {}
    results: dict = {}   # key -> CoverageResult of each verified design
    best = None
    info = {}
    with contextlib.ExitStack() as stack:  # one Dask client for every round of the sweep
        client = stack.enter_context(dask_client(scheduler, workers)) if (scheduler or workers) else None
        while True:
            rows, info = sweep(spec, cands, stop_after=need, out=out, client=client, known=rows,
                               progress=None if progress is None else lambda d, n: progress("screening", d, n))
            passed = rows[rows["passed"]]
            for _, r in passed.head(need).iterrows():
                if r["key"] in verified or len(verified) >= max_verify:
                    continue
                d = by_key[r["key"]]
                check, results[r["key"]] = verify(d, requirement, grid=g, start=start, duration_s=duration_s,
                                                  step_s=step_s, keep=True)
                verified[r["key"]] = Candidate(d, float(r["screened"]), float(r["longest_gap_s"]), check)
                if progress is not None:
                    progress("verifying", len(verified), min(need, max_verify))
            ok = [c for c in verified.values() if c.check.meets]
            if ok or info["batches_used"] == info["batches"] or len(verified) >= max_verify:
                break
            need += verify_count
    info = {**info, "scheduler": scheduler or (f"local:{workers}" if workers else None)}
    order = {d.key: i for i, d in enumerate(cands)}
    ok = sorted((c for c in verified.values() if c.check.meets), key=lambda c: order[c.design.key])
    best = ok[0] if ok else None
    coverage_result = results[best.design.key] if best is not None else None  # the maps of the chosen design
    # the screen's false negatives: rejected candidates just below the threshold that the engine accepts
    near = rows[(~rows["passed"]) & (rows["screened"] >= requirement.availability - 0.05)]
    sample = near.sort_values("screened", ascending=False).head(audit)
    false_neg = 0
    for _, r in sample.iterrows():
        if verify(by_key[r["key"]], requirement, grid=g, start=start, duration_s=duration_s, step_s=step_s).meets:
            false_neg += 1
    points = [{"key": r["key"], "label": by_key[r["key"]].label(), "cost": int(r["cost"]),
               "satellites": int(r["satellites"]), "screened": float(r["screened"]), "passed": bool(r["passed"])}
              for _, r in rows.iterrows()]
    for p in points:
        c = verified.get(p["key"])
        p["verified"] = c.verified if c is not None else None
    if best is not None:  # the verified designs beside the screened ones, so the plot shows both
        for p in points:
            if p["key"] == best.design.key:
                p["verified"] = best.verified
    front = pareto_front(points)
    # the verified designs: satellites (cost) against verified availability, and capacity and latency where asked
    vpoints = []
    for c in verified.values():
        q = {"key": c.design.key, "label": c.design.label(), "cost": c.design.cost(space.objective),
             "satellites": c.design.satellites, "verified": c.check.availability, "meets": c.check.meets}
        if c.check.capacity is not None:
            q["capacity_share"] = c.check.capacity["served_share"]
        if c.check.latency is not None:
            q["rtt_ms"] = c.check.latency["rtt_ms"]
            q["neg_rtt_ms"] = -c.check.latency["rtt_ms"]
        vpoints.append(q)
    gains = ("verified",) + (("capacity_share",) if requirement.capacity_share is not None else ()) + (
        ("neg_rtt_ms",) if requirement.max_rtt_ms is not None else ())
    front_verified = [{k: v for k, v in q.items() if k != "neg_rtt_ms"} for q in pareto_front(vpoints, gains=gains)]
    est = estimate_sweep(cands, spec)
    alts = sorted({sh.altitude_km for d in cands for sh in d.shells})
    bounds = {f"{h:g}": analytic_bounds(requirement, h) for h in alts[:8]}
    notes = [f"search space: {len(cands):,} candidates ({space.objective} first); screened {len(rows):,} in "
             f"{info['batches_used']} of {info['batches']} batches (about {est['seconds_one_core']:.0f} s on one core "
             f"for the whole space), {info['batches_resumed']} resumed; verified {len(verified)} with the full engine "
             f"over {duration_s / 3600:g} h at {step_s:g} s on a {requirement.spacing_km:g} km grid",
             f"the screen: circular orbits with J2 secular drift, {samples} dithered samples over "
             f"{spec.duration_s / 3600:g} h, mask lowered by {spec.margin_deg:g}°; its false negatives: {false_neg} of "
             f"{len(sample)} rejected near misses accepted by the engine"]
    if best is None:
        notes.append("no candidate of the search space met the requirement: widen it (more planes or satellites per "
                     "plane, other altitudes or inclinations)" if len(verified) < max_verify else
                     f"the first {max_verify} candidates that passed the screen all failed verification: raise "
                     f"max_verify or tighten the screen's margin")
    comparison = tuple(compare_plans(requirement, compare, grid=g, start=start, duration_s=duration_s,
                                     step_s=step_s)) if compare else ()
    vlist = tuple(sorted(verified.values(), key=lambda c: order[c.design.key]))
    return DesignResult(requirement, best, vlist, len(rows), int(false_neg), len(sample), tuple(notes),
                        tuple(front), bounds, comparison, info,
                        {"start": str(start), "duration_s": duration_s, "step_s": step_s,
                         "screen_duration_s": spec.duration_s, "samples": samples,
                         "objective": space.objective}, coverage_result, tuple(front_verified))
