"""What would close a gap (issue 31, item 6): satellites of a reference design added to a case's fleets, the
region's served share against their number, through the same fair allocation.

``gap_curve(fleets, demand, times, case, reference=..., target=...)`` adds a Walker shell of N satellites of the
reference operator and generation (``data/capacity.yaml``: its capacity per satellite, minimum elevation,
inter-satellite links, beam cell and cell capacity) to the case, serving the region only (a standing denial of
every country outside it: a sovereign system), and allocates again for N = a few counts that double until the
target is reached or the share stops rising. Beside the curve: the *ceiling*, the share the cell caps allow
however many satellites fly (every region cell given min(its demand, the sum of the caps of the operators that
may serve it, the operators of one user band together no more than the largest of their caps where spectrum is
shared): no flow can give more), so that "not reachable with this spectrum" is said where the ceiling is
below the target; and, with ``bounds``, the two bounds of each point (world first, region first).

The headline is the smallest count of the curve that reaches the target (the counts double, so it is known to a
factor of two; ``refine`` halves the bracket that many times), or None with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from satsov.errors import InputError

__all__ = ["GapCurve", "gap_curve", "cap_ceiling"]

GAP_FLEET = "gap-reference"   # the key of the added fleet (and of its operator in the capacity table)


@dataclass(frozen=True)
class GapCurve:
    """The region's served share in ``case`` against satellites of ``reference`` added (mean over the
    snapshots; ``share_world_first`` / ``share_region_first`` the bounds where computed), the ``ceiling`` the cell
    caps allow, the ``target`` and the smallest count of the curve that reaches it (None: ``reason`` says why)."""

    case: Hashable
    reference: str
    altitude_km: float
    inclination_deg: float
    satellites: tuple[int, ...]
    share: tuple[float, ...]
    ceiling: float
    target: float
    satellites_to_target: int | None
    reason: str = ""
    share_world_first: tuple[float, ...] = ()
    share_region_first: tuple[float, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["case"] = str(self.case)
        for k in ("satellites", "share", "share_world_first", "share_region_first", "notes"):
            out[k] = list(out[k])
        return out


def cap_ceiling(demand, supply_entries, allowed_in_region=None, spectrum: str = "shared") -> float:
    """The most of the region's demand the cell caps can deliver, however many satellites fly: per region cell
    min(demand, the sum of each operator's cap into it), over the region's demand. ``supply_entries``: per
    operator its :class:`~satsov.capacity.supply.OperatorSupply` and level (``[(entry, level), ...]``);
    ``allowed_in_region`` (per operator, per cell, optional) where it may serve."""
    from satsov.capacity.beams import beam_caps
    density = np.array([e.cell_capacity.at(lv) for e, lv in supply_entries], float)
    beam = np.array([e.beam_cell_km2 if e.beam_cell_km2 else np.nan for e, _lv in supply_entries], float)
    laid, caps = beam_caps(demand, density, beam)
    if allowed_in_region is not None:
        caps = np.where(np.asarray(allowed_in_region, bool), caps, 0)
    region = laid.in_region
    want = np.floor(laid.mbps[region])
    if want.sum() <= 0:
        return 1.0
    caps = caps[:, region]
    bands = [e.user_band if spectrum == "shared" else None for e, _lv in supply_entries]
    total = sum(caps[i] for i, b in enumerate(bands) if b is None) if None in bands else np.zeros(caps.shape[1])
    for b in {b for b in bands if b is not None}:   # one band's operators together: the largest of their caps
        total = total + caps[[i for i, x in enumerate(bands) if x == b]].max(axis=0)
    return float(np.minimum(want, total).sum() / want.sum())


class _Registry:
    """The operator registry with the reference design's operator added under :data:`GAP_FLEET`."""

    def __init__(self, base, op):
        self._base, self._op = base, op

    def __getitem__(self, key):
        return self._op if key == GAP_FLEET else self._base[key]

    def __contains__(self, key):
        return key == GAP_FLEET or key in self._base

    def __getattr__(self, name):
        return getattr(self._base, name)


def _shell(n: int, altitude_km: float, inclination_deg: float, min_elevation_deg: float):
    """A Walker delta shell of about ``n`` satellites: planes about √n, the count rounded up to fill them."""
    from satsov.orbits.walker import Shell
    planes = max(1, int(round(math.sqrt(n))))
    per_plane = max(1, math.ceil(n / planes))
    return Shell("gap-reference", float(altitude_km), float(inclination_deg), planes, per_plane, phasing=1 % planes,
                 min_elevation_deg=min_elevation_deg, source="satsov gap sizing: a Walker delta shell")


def gap_curve(fleets: Mapping, demand, times, case, *, reference: str = "starlink:v2-mini",
              altitude_km: float = 550.0, inclination_deg: float = 53.0, target: float = 1.0, start: int | None = None,
              max_satellites: int = 20000, refine: int = 1, supply=None, owner=None, registry=None,
              positions: np.ndarray | None = None, bounds: bool = False, gateways="published",
              spectrum: str = "shared", gateway_capacity: bool = True, isl_reach_km: float | None = None,
              elevation_efficiency: bool = True,
              progress=None) -> GapCurve:
    """The served share of ``case`` (a :class:`~satsov.world.cases.Case` over ``fleets``) against satellites of
    ``reference`` (OPERATOR:GENERATION of the capacity table) added in one Walker shell at ``altitude_km`` and
    ``inclination_deg``, serving the region only. ``target``: the share to reach (0-1). ``start``: the first count
    (default: the gap over one satellite's capacity times the share of such satellites over the region, the
    optimistic estimate, at least 10); the counts double up to ``max_satellites`` (or, where the first already
    reaches the target, halve down until one does not), then ``refine`` bisections of the bracket. ``positions``: the case fleets' positions at ``times`` (propagated once by the caller). The case's
    landing rule applies; the reference's own gateways are not sized (as many as it needs). ``gateways``,
    ``elevation_efficiency``: caps by elevation, as for :func:`~satsov.capacity.allocate.allocate`.
    ``gateway_capacity`` and ``isl_reach_km``: the case fleets' ground segment, as for
    :func:`~satsov.capacity.allocate.allocate`."""
    from satsov.capacity.allocate import allocate
    from satsov.capacity.supply import Generation, supply_table
    from satsov.orbits.fleet import Fleet
    from satsov.orbits.propagation import propagate
    from satsov.world.cases import Case, Denial
    from satsov.world.operators import operator_registry
    if not (0.0 < float(target) <= 1.0):
        raise InputError(f"target: found {target!r}, expected a share in (0, 1]", found=target, expected="(0, 1]")
    supply = supply or supply_table()
    registry = registry or operator_registry()
    owner = dict(owner) if owner is not None else {k: k for k in fleets}
    op_key, _, gen_name = reference.partition(":")
    entry = supply.operators.get(op_key)
    gen = None if entry is None else next((g for g in entry.generations if g.name == gen_name),
                                          None if gen_name else entry.generations[-1])
    if gen is None:
        raise InputError(f"reference: found {reference!r}, expected OPERATOR:GENERATION of the capacity table, such "
                         f"as 'starlink:v2-mini'", found=reference, expected="OPERATOR:GENERATION")
    # the reference operator's figures, with its generation for every satellite of the shell
    ref_entry = replace(entry, key=GAP_FLEET, generations=(Generation(gen.name, gen.capacity_gbps, None, None),))
    table = _with_operator(supply, ref_entry)
    if op_key not in registry:
        raise InputError(f"reference: operator {op_key!r} is in the capacity table but not in the operator registry",
                         found=op_key, expected="an operator of the registry")
    reg = _Registry(registry, replace(registry[op_key], key=GAP_FLEET))
    # serving the region only: every country of the world's cells that is not the region's
    country = np.asarray(demand.grid.country, str)
    outside = frozenset(set(country[~demand.in_region]) - set(country[demand.in_region]) - {""})
    ref_denial = Denial(GAP_FLEET, outside, None, None, "gap sizing: serves the region only") if outside else None
    key = case.key
    base_case = Case(key, tuple(case.operators), tuple(case.denials), land_in=tuple(case.land_in))
    with_ref = Case(key, tuple(case.operators) + (GAP_FLEET,),
                    tuple(case.denials) + ((ref_denial,) if ref_denial else ()), land_in=tuple(case.land_in))
    if positions is None:
        positions = propagate([e for k in fleets for e in fleets[k]], times)[0]
    # the ceiling: the caps of the case's operators where they may serve the region for the whole window (not
    # geofenced, licensed), and the reference's
    entries, may = [], []
    for k in case.operators:
        op = registry[owner[k]]
        entries.append((supply.operator(op.key, service=op.service), "base"))
        denied = np.zeros(len(demand.grid), bool)
        for den in case.denials:
            if den.operator == k and den.start is None and den.end is None:
                denied |= np.asarray(den.cell_mask(demand.grid, demand.in_region), bool)
        may.append(~denied)
    entries.append((ref_entry, "base"))
    may.append(np.ones(len(demand.grid), bool))
    ceiling = cap_ceiling(demand, entries, np.array(may), spectrum)
    base_fleets = dict(fleets)

    def share_with(n: int):
        """(satellites added, the region's share, its two bounds) with about ``n`` of the reference added."""
        run_fleets, run_case, run_owner, pos = base_fleets, base_case, owner, positions
        if n:
            fleet = Fleet.from_shells([_shell(n, altitude_km, inclination_deg, entry.min_elevation_deg)], times.utc[0],
                                      name=GAP_FLEET)
            run_fleets, run_case = {**base_fleets, GAP_FLEET: fleet}, with_ref
            run_owner = {**owner, GAP_FLEET: GAP_FLEET}
            pos = np.concatenate([positions, propagate(list(fleet), times)[0]], axis=0)
        f = allocate(run_fleets, demand, times, cases={key: run_case}, supply=table, owner=run_owner, registry=reg,
                     positions=pos, bounds=bounds, gateways=gateways, spectrum=spectrum,
                     gateway_capacity=gateway_capacity, isl_reach_km=isl_reach_km,
                     elevation_efficiency=elevation_efficiency, unlimited_ground=(GAP_FLEET,) if n and gateway_capacity and gateways is not None else ()
                     ).figures(key)
        return (len(run_fleets.get(GAP_FLEET, ())), f.served_share, f.served_share_world_first,
                f.served_share_region_first)
    points = [share_with(0)]
    notes = [f"gap sizing: {reference} ({gen.capacity_gbps.describe()}) in one Walker delta shell at "
             f"{altitude_km:g} km, {inclination_deg:g}°, serving the region only; the cell caps allow at most "
             f"{ceiling:.1%} of the region's demand with the case's operators and it"]
    if ceiling < target:
        reason = (f"not reachable with this spectrum: the cell caps allow at most {ceiling:.1%}, below the target "
                  f"{target:.1%}, however many satellites fly")
    else:
        reason = ""
    n = max(10, int(start or 10))
    best = None
    while not reason and n <= max_satellites:
        if progress is not None:
            progress(n, max_satellites)
        points.append(share_with(n))
        if points[-1][1] >= target:
            best = points[-1][0]
            break
        if len(points) >= 3 and points[-1][1] - points[-2][1] < 0.001:
            reason = (f"not reached: the share stops rising ({points[-2][1]:.1%} → {points[-1][1]:.1%} from "
                      f"{points[-2][0]:,} to {points[-1][0]:,} satellites), below the target {target:.1%}")
            break
        n *= 2
    if best is None and not reason:
        reason = f"not reached with {max_satellites:,} satellites (the most tried)"
    if best is not None and len(points) == 2:   # the first count already reached it: halve down to a bracket
        n = best // 2
        while n >= 10:
            points.append(share_with(n))
            if points[-1][1] < target:
                break
            best = points[-1][0]
            n //= 2
    if best is not None:   # bisect the bracket
        lo = max((p[0] for p in points if p[1] < target), default=0)
        hi = best
        for _ in range(max(0, int(refine))):
            if hi - lo <= 2:
                break
            mid = (lo + hi) // 2
            p = share_with(mid)
            points.append(p)
            if p[1] >= target:
                hi = min(hi, p[0])
            else:
                lo = max(lo, p[0])
        best = hi
    points.sort()
    wf = tuple(p[2] for p in points) if bounds else ()
    rf = tuple(p[3] for p in points) if bounds else ()
    return GapCurve(key, reference, float(altitude_km), float(inclination_deg), tuple(int(p[0]) for p in points),
                    tuple(float(p[1]) for p in points), ceiling, float(target), best, reason, wf, rf, tuple(notes))


def _with_operator(supply, entry):
    from satsov.capacity.supply import SupplyTable
    return SupplyTable({**supply.operators, entry.key: entry}, supply.path)
