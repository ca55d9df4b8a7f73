"""Capacity over a window: which operators can carry a territory's traffic, under each set of operators.

``allocate(fleets, demand, times)`` takes *snapshots* (each time of ``times``): at each, every satellite above
its operator's minimum elevation over a cell may carry traffic to it, up to its capacity, the operator's
capacity into the cell, and the cell's demand; satellites of operators without inter-satellite links carry
traffic only while they see a gateway. The flow per snapshot is :func:`satsov.capacity.flow.allocate_snapshot`.
Every case (a set of operators: a policy, an operator switched off) is a separate flow on the same
visibility; a geofence (an operator switched off over the region) holds the rest of the world at its allocation
without it, so that it never raises what the region is served.

>>> from satsov import as_flying, grid, time_grid
>>> from satsov.capacity.demand import build_demand
>>> d = build_demand(grid("IS", 100), background=False)
>>> r = allocate(as_flying(["oneweb"]), d, time_grid("2026-05-07T00:00:00Z", "1h", "1h"))
>>> f = r.figures("all")
>>> 0 <= f.served_share <= 1 and f.served_gbps <= f.demand_gbps + 1e-9
True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from satsov.capacity.demand import Demand
from satsov.cache import array_digest as _digest
from satsov.capacity.blocks import block_network, block_tree, expand, sees_any, visible_blocks, visible_pairs
from satsov.capacity.flow import Network, carried_ranges, fair_bounds, fair_flow, lexicographic_flow
from satsov.capacity.supply import LEVELS, SupplyTable, supply_table
from satsov.errors import InputError, UnknownNameError
from satsov.orbits.fleet import Fleet
from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
from satsov.orbits.propagation import propagate
from satsov.times import Times
from satsov.world.gateways import CAPACITY_GATEWAY_MIN_ELEVATION_DEG
from satsov.world.cases import REGION, Case, case_key_id, cases_from_sets, whole_window_denials
from satsov.world.operators import operator_registry

__all__ = ["allocate", "assumed_figures", "CapacityResult", "CapacityFigures", "listed_only_gateways", "visible_pairs"]

GATEWAY_MIN_ELEVATION_DEG = CAPACITY_GATEWAY_MIN_ELEVATION_DEG  # satsov.world.gateways states it and why


@lru_cache(maxsize=8)
def _placed(countries: tuple[str, ...]):
    from satsov.world.gateways import place_gateways
    return tuple(place_gateways(countries, per_country=2))


def listed_only_gateways(fleets: Mapping[str, Fleet], owner: Mapping[str, str] | None = None,
                         supply: SupplyTable | None = None, registry=None,
                         gateway_capacity: bool = False) -> dict[str, tuple[int, int]]:
    """Per operator of ``fleets`` whose figures depend on its gateways (those without inter-satellite links; with
    ``gateway_capacity``, every operator, the gateways being capacity): how many of its published operational
    gateways are known from community lists only, and how many it has (``{operator: (listed only, all)}``,
    operators with none listed only left out). ``allocate(..., gateways="cited")`` leaves those sites out."""
    from satsov.world.sites import published_sites
    owner = dict(owner) if owner is not None else {k: k for k in fleets}
    supply = supply or supply_table()
    registry = registry or operator_registry()
    out = {}
    for key, fleet in fleets.items():
        op = registry[owner[key]]
        if (_supply_of(supply, op, fleet).inter_satellite_links and not gateway_capacity) or op.key in out:
            continue
        sites = published_sites([op.key])
        n = sum(not s.cited for s in sites)
        if n:
            out[op.key] = (n, len(sites))
    return out


def _gateway_sites(gateways, fleets, owner, sat_fleet, which, g, demand, notes) -> dict:
    """Per fleet index with satellites in ``which`` (per satellite: those that need a gateway): its operator's
    gateways (GroundSite list, possibly empty), with the notes saying where they come from."""
    if gateways is None or not which.any():
        return {}

    def placed():
        from satsov.world.grids import cities_table
        with_cities = set(cities_table()["country"].unique())
        countries = sorted(str(c) for c in np.unique(g.country[demand.mbps > 0]) if c and c in with_cities)
        return list(_placed(tuple(countries))), len(countries)
    per_fleet, placed_for = {}, []
    if isinstance(gateways, str):
        if gateways not in ("published", "cited", "placed"):
            raise InputError(f"gateways: found {gateways!r}, expected 'published', 'cited', 'placed', a list of "
                             f"sites or None", found=gateways, expected="published, cited, placed, sites or None")
        from satsov.world.sites import published_sites
        listed_only: dict[str, tuple[int, int]] = {}
        for i, key in enumerate(fleets):
            if not which[sat_fleet == i].any():
                continue
            sites = published_sites([owner[key]]) if gateways != "placed" else []
            n_listed = sum(not s.cited for s in sites)
            if n_listed:
                listed_only[key] = (n_listed, len(sites))
            if gateways == "cited":
                sites = [s for s in sites if s.cited]
            if sites:
                per_fleet[i] = sites
            else:
                placed_for.append(i)
        if placed_for:
            sites, n_countries = placed()
            for i in placed_for:
                per_fleet[i] = sites
            names = [list(fleets)[i] for i in placed_for]
            notes.append(f"gateways: {len(sites)} placed by satsov at the most populous cities of {n_countries} "
                         f"countries (not published sites) for {', '.join(names)}"
                         + (f" (no {'cited' if gateways == 'cited' else 'published'} gateway)"
                            if gateways != "placed" else ""))
        published = [list(fleets)[i] for i in per_fleet if i not in placed_for]
        if published:
            notes.append(f"gateways: published sites (data/world/gateways.csv) for {', '.join(published)}"
                         + (", those whose own source was read only" if gateways == "cited" else "")
                         + f"; a bent-pipe satellite carries traffic only while one of its operator's gateways is "
                         f"{GATEWAY_MIN_ELEVATION_DEG:g}° or more above its horizon")
        for key, (n, total) in listed_only.items():
            notes.append(f"gateways: {n} of {key}'s {total} published gateways are known from community lists "
                         f"only (their regulator's record to check): "
                         + ("left out here" if gateways == "cited" else "gateways='cited' leaves them out"))
    else:
        for i, key in enumerate(fleets):
            if which[sat_fleet == i].any():
                per_fleet[i] = [s for s in gateways if not s.operator or s.operator == owner[key]]
    return per_fleet


def _site_arrays(sites):
    if not sites:
        return np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0, str)
    lat, lon = np.array([s.lat_deg for s in sites]), np.array([s.lon_deg for s in sites])
    xyz = geodetic_to_ecef(lat, lon, np.array([s.alt_m for s in sites]) / 1000.0).reshape(-1, 3)
    return xyz, up_vectors(lat, lon).reshape(-1, 3), np.array([s.country for s in sites], str)


def _gateway_sets(per_fleet, sat_fleet, bent) -> list:
    """Per fleet with bent-pipe satellites: (their indices, the xyz and up vectors of its operator's gateways)."""
    out = []
    for i, sites in per_fleet.items():
        xyz, up, _country = _site_arrays(sites)   # none: the fleet's bent-pipe satellites carry nothing
        out.append((np.flatnonzero((sat_fleet == i) & bent), xyz, up))
    return out


@dataclass(frozen=True)
class CapacityFigures:
    """One case over the window. Shares are of the region's demand; ``*_p5`` is the 5th percentile over
    snapshots (the bad hours); ``by_operator_gbps`` is what each operator carries into the region (one split
    among many: the served shares are unique, which operator carries them is not); ``fair_share_min`` the lowest
    level of the region's fair allocation over the snapshots (every region cell got at least that share of its
    demand, or all it could get alone)."""

    case: Hashable
    operators: tuple[str, ...]
    demand_gbps: float
    served_gbps: float
    served_share: float
    served_share_p5: float
    fair_share_min: float
    by_operator_gbps: dict
    depends_on_assumptions: tuple[str, ...]
    served_share_world_first: float | None = None   # the bounds of any maximum flow keeping the world's first
    served_share_region_first: float | None = None  # fair level (allocate(bounds=True)), mean over snapshots

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["case"] = str(self.case)
        out["id"] = case_key_id(self.case)
        out["operators"] = list(self.operators)
        out["depends_on_assumptions"] = list(self.depends_on_assumptions)
        return out


@dataclass(eq=False)
class CapacityResult:
    """Per case: served Mbps per snapshot and region cell, per operator, and the fair shares."""

    demand: Demand
    times: Times
    level: str
    cases: dict                                   # key -> operators
    served_cells_mbps: dict                       # key -> (n_snapshots, n_region_cells)
    by_operator_mbps: dict                        # key -> {operator: (n_snapshots,)}
    fair_share: dict                              # key -> (n_snapshots,)
    assumptions: dict                             # operator -> assumed figures
    notes: list[str] = field(default_factory=list)
    satellites: dict = field(default_factory=dict)
    over_region_share: dict = field(default_factory=dict)  # fleet -> mean share of its satellites over the region
    total_served_mbps: dict = field(default_factory=dict)  # key -> (n_snapshots,): every cell, background included
    bounds_mbps: dict = field(default_factory=dict)  # key -> (n_snapshots, 2): into the region, world first and
    # region first (allocate(bounds=True))
    carried_mbps: dict = field(default_factory=dict)  # (key, fleet) -> (n_snapshots, 2): the least and the most
    # the fleet carries into the region over the flows that give every region cell its allocation (carried=...)

    def carried_gbps(self, case: Hashable, fleet: str) -> tuple[float, float] | None:
        """The least and the most ``fleet`` carries into the region in ``case`` (mean over the snapshots, Gbps)
        over every flow that gives each region cell its allocation (unique, whatever the solver); None where
        not asked for (``allocate(carried=...)``)."""
        span = self.carried_mbps.get((case, fleet))
        return None if span is None else (float(span[:, 0].mean() / 1000.0), float(span[:, 1].mean() / 1000.0))

    def figures(self, case: Hashable) -> CapacityFigures:
        if case not in self.cases:
            raise UnknownNameError("case", str(case), [str(k) for k in self.cases])
        region_demand = np.floor(self.demand.mbps[self.demand.in_region])  # the flow works in whole Mbps
        total = float(region_demand.sum())
        served = self.served_cells_mbps[case].sum(axis=1)
        share = served / total if total > 0 else np.ones(len(served))
        ops = self.cases[case]
        by_op = {op: float(v.mean() / 1000.0) for op, v in self.by_operator_mbps[case].items() if v.mean() > 0}
        relied = tuple(f"{op}: {a}" for op in ops for a in self.assumptions.get(op, ()) if op in by_op)
        span = self.bounds_mbps.get(case)
        lo_hi = (None, None) if span is None or total <= 0 else (float(span[:, 0].mean() / total),
                                                                 float(span[:, 1].mean() / total))
        return CapacityFigures(case, tuple(ops), total / 1000.0, float(served.mean() / 1000.0),
                               float(share.mean()), float(np.percentile(share, 5)),
                               float(self.fair_share[case].min()) if len(self.fair_share[case]) else 1.0,
                               by_op, relied, *lo_hi)

    def cell_share(self, case: Hashable) -> np.ndarray:
        """Per region cell: the mean share of its demand served over the snapshots (1 where it asks nothing)."""
        demand = self.demand.mbps[self.demand.in_region]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = self.served_cells_mbps[case].mean(axis=0) / np.floor(demand)
        return np.where(demand >= 1, np.clip(share, 0, 1), 1.0)

    def summary(self) -> dict:
        return {"region": self.demand.grid.region_name, "level": self.level, "snapshots": len(self.times),
                "start": self.times.isoformat()[0], "end": self.times.isoformat()[-1],
                "demand_region_gbps": self.demand.region_gbps, "demand_background_gbps": self.demand.background_gbps,
                "satellites": self.satellites, "notes": self.notes,
                "cases": {case_key_id(k): self.figures(k).to_dict() for k in self.cases}}


def _cases(operators, sets, cases):
    """{key: (operators, denials)} from ``cases`` (Case objects, as a list or by key; a bare tuple of fleets is
    taken as a case without denials) or ``sets`` (see :func:`satsov.world.cases.cases_from_sets`), each as
    (operators, denials, landing rule: its sorted countries or None)."""
    if cases is not None:
        items = dict(cases).items() if isinstance(cases, Mapping) else ((c.key, c) for c in cases)
        out = {key: value if isinstance(value, Case) else Case(key, tuple(value)) for key, value in items}
    else:
        sets = {"all": list(operators)} if sets is None else sets
        out = {c.key: c for c in cases_from_sets(list(operators), sets, dependency=False)}
    for key, case in out.items():
        for op in case.operators:
            if op not in operators:
                raise UnknownNameError(f"operator in case {key!r}", op, list(operators))
    return {key: (tuple(case.operators), tuple(case.denials), tuple(sorted(set(case.land_in))) or None)
            for key, case in out.items()}


def _is_standing(d) -> bool:
    """A denial by country for the whole window (landing rights): part of the case's own network, which the
    changes of a case (geofences, events) are measured against."""
    return isinstance(d.cells, frozenset) and d.start is None and d.end is None


def _is_fence(d) -> bool:
    """A denial over the whole region for the whole window (a policy's exclusion, an operator's switch-off)."""
    return isinstance(d.cells, str) and d.cells == REGION and d.start is None and d.end is None


def _case_arcs(bn, allowed, denied, slot_cell, region_slot, fenced=None, rule=None):
    """A case's arcs on a snapshot's network: ``(keep, cap, reach_op)``: the allowed operators' arcs less the
    geofenced operators' arcs towards the region (``fenced``: per operator) and what its landing rule leaves out
    (``rule``: countries, or None; :meth:`BlockNetwork.rule_keep`), denied links at capacity 0, and what each
    operator could give each cell alone (an upper bound)."""
    keep = (bn.arc_op < 0) | allowed[np.maximum(bn.arc_op, 0)]
    if bn.feed is not None:
        ruled = bn.rule_keep(rule)
        if rule is not None and fenced is not None and fenced.any():
            # an operator geofenced over the region serves none of it: the rule leaves its feed alone
            of_fenced = (bn.arc_op >= 0) & fenced[np.maximum(bn.arc_op, 0)]
            ruled = np.where(of_fenced, bn.rule_keep(None), ruled)
        keep &= ruled
    cap = bn.network.cap
    reach_op = bn.reach_op
    if fenced is not None:
        keep &= ~(bn.arc_region & fenced[np.maximum(bn.arc_op, 0)] & (bn.arc_op >= 0))
        reach_op = np.where(fenced[:, None] & region_slot[None, :], 0, reach_op)
    if denied.any():
        cap = cap.copy()
        link_denied = denied[bn.link_op, slot_cell[bn.link_slot]]
        cap[bn.link_arc[link_denied]] = 0
        reach_op = np.where(denied[:, slot_cell], 0, reach_op)
    return keep, cap, reach_op


def _apportion(x: np.ndarray, flow: np.ndarray, most: np.ndarray) -> np.ndarray:
    """Whole numbers near ``x`` (each its floor or ceiling, at most ``most``) that add up to the total of
    ``flow``: the largest remainders (ties: the lower index) take the units rounding left, or the smallest give
    them back; unique, given ``x`` and that total. (Where they cannot, which an allocation within one unit of
    the total per cell never does: ``flow`` itself.)"""
    total = int(flow.sum())
    base = np.minimum(np.floor(x + 1e-9), most).astype(np.int64)
    rest = x - base
    k = int(total - base.sum())
    if k > 0:
        room = np.flatnonzero(base < most)
        order = room[np.lexsort((room, -rest[room]))]
        base[order[:k]] += 1
        k -= min(k, len(order))
    elif k < 0:
        room = np.flatnonzero(base > 0)
        order = room[np.lexsort((room, rest[room]))]
        base[order[:-k]] -= 1
        k += min(-k, len(order))
    return base if k == 0 else np.asarray(flow, np.int64)


def _solve_case(bn, allowed, denied, slot_cell, slot_demand, fair, region_slot, fenced=None, bounds=False,
                held=None, rule=None, arcs=None):
    """One case on a snapshot's network: keep the allowed operators' arcs, drop the geofenced operators' arcs
    towards the region (``fenced``: per operator), zero denied links, share fairly: every cell's lexicographically
    fair allocation, or with ``held`` (per slot) the rest of the world served exactly that and the region's cells
    sharing fairly what is left."""
    if not allowed.any():  # no operator (a sovereign policy with none flying): nothing flows, and every cell
        return (np.zeros(len(bn.arc_op), np.int64), 1.0 if fair else 0.0,  # gets its bound, 0 (fair_flow's λ 1)
                (0, 0) if bounds else None, None)
    keep, cap, reach_op = arcs if arcs is not None else _case_arcs(bn, allowed, denied, slot_cell, region_slot,
                                                                    fenced, rule)
    reach = reach_op[allowed].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.where(slot_demand > 0, np.minimum(1.0, reach / np.maximum(slot_demand, 1)), 1.0)
    sub = bn.network.subset(keep, cap)
    if fair:
        # every cell gets its lexicographically fair allocation (unique: whatever the solver, the arc order and the
        # other cases of the run), or the region's cells fairly share what the held world leaves
        mine = region_slot & (slot_demand > 0)
        others = ~region_slot & (slot_demand > 0)
        given = held
        if held is None and others.any():
            # the rest of the world first: its cells' fair allocation (unique), routed in whole Mbps and then held
            # there, as every change of the case will hold it (so the region's cells are computed the same way
            # in the case's own network and in its geofences)
            first, _level = lexicographic_flow(sub, slot_demand, bound, others, fill=np.zeros(len(slot_demand), bool))
            held = np.where(others, first[sub.cell_arc], 0)
        # the region's cells share fairly what the held world leaves, then take what rounding left (the world kept
        # where it is): their total is exactly the most they can get with the world at its allocation, so a
        # geofence can only lower it
        wanted = mine if held is not None else slot_demand > 0
        sub_flows, level = lexicographic_flow(sub, slot_demand, bound, wanted, held=held, fill=mine)
        levels = np.minimum(level[mine], bound[mine])
        lam = float(levels.min()) if len(levels) else 1.0
        # each region cell's own figure, unique: its allocation, in whole Mbps by largest remainders to the flow's
        # total (a maximum-flow value); the flow itself splits what rounding left one way among many
        alloc = _apportion(np.where(mine, np.minimum(np.nan_to_num(level), bound) * slot_demand, 0.0),
                           np.where(mine, sub_flows[sub.cell_arc], 0), np.where(mine, slot_demand, 0))
    else:  # a plain maximum flow
        sub_flows, lam = fair_flow(sub, slot_demand, bound, fair=False)
        alloc = None
    flows = np.zeros(len(keep), np.int64)
    flows[keep] = sub_flows
    span = None
    if bounds:  # what any maximum flow keeping the world's fair floor gives the region
        b = fair_bounds(sub, slot_demand, bound, region_slot & (slot_demand > 0), held=given if fair else held)
        span = (b["world_first"], b["region_first"])
    return flows, lam if fair else 0.0, span, alloc


@dataclass(frozen=True, eq=False)
class _Context:
    """What every snapshot of one ``allocate`` call shares (sent once to each worker process)."""

    tree: object
    sat_fleet: np.ndarray
    caps: np.ndarray
    min_el: np.ndarray
    bent: np.ndarray
    density: np.ndarray   # per fleet and cell: its cap into the cell (Mbps)
    area_km2: np.ndarray
    demand_mbps: np.ndarray
    force: np.ndarray
    exclude: np.ndarray  # (fleet, cell) pairs no case may serve: left out of the network
    gw_sets: list  # [(bent-pipe satellite indices of a fleet, gateway xyz, gateway up)]: without gateway capacity
    fleet_names: list
    cases: dict
    denials: dict
    fences: dict   # case -> per fleet, geofenced over the whole region for the whole window (cases with any)
    region_slot: np.ndarray
    slot_cell: np.ndarray
    slot_demand: np.ndarray
    region_index: np.ndarray
    n_region: int
    fair: bool
    footprint_key: bytes  # the cells and the masks: what the visible blocks depend on besides positions
    bounds: bool = False  # also the world-first and region-first bounds of each case
    carried: tuple = ()   # (case, fleet): the least and the most the fleet carries into the region in that case
    op_band: np.ndarray | None = None   # per fleet, its shared user band (-1: none)
    joint: np.ndarray | None = None     # per cell: the most every fleet together can deliver into it
    ground: tuple = ()   # satsov.capacity.ground.GroundSites per fleet: gateways as capacity
    land: dict = field(default_factory=dict)   # case -> its landing rule (countries), for the cases with one
    link: tuple | None = None   # (Es/N0 at zenith dB, per fleet its band's zenith atmosphere dB): caps by elevation


def _snapshot(ctx: _Context, t: int, pos: np.ndarray):
    """Every case at one snapshot: {case: (served per region cell, total served, per fleet into the region, λ,
    the bounds or None)} and the share of each fleet's satellites over the region."""
    tree, n_ops = ctx.tree, len(ctx.fleet_names)
    usable = ctx.caps > 0
    pos_key = _digest(pos)   # what is kept per positions: the footprints and the gateways' geometry
    for idx, gw_xyz, gw_up in ctx.gw_sets:  # a bent-pipe satellite carries traffic only while it sees a gateway
        usable[idx] &= sees_any(pos[idx], gw_xyz, gw_up, GATEWAY_MIN_ELEVATION_DEG)
    fd = None
    if ctx.ground:   # the gateways feed the satellites, with their antennas' capacity (satsov.capacity.ground)
        from satsov.capacity.ground import feed
        fd = feed(list(ctx.ground), pos, ctx.sat_fleet, ctx.caps, GATEWAY_MIN_ELEVATION_DEG,
                  tuple(dict.fromkeys(ctx.land.values())), pos_key)
        usable &= fd.reaches | ~fd.gated
    # which satellites are over the region (any fleet, any capacity), for the notes
    vs, vl, vb = _visible(ctx, pos, pos_key)
    over_sats = np.unique(vs[(vb << tree.levels[vl]) < tree.region_slots])
    over = np.bincount(ctx.sat_fleet[over_sats], minlength=n_ops) / np.maximum(
        np.bincount(ctx.sat_fleet, minlength=n_ops), 1)
    keep = usable[vs]
    density, joint = ctx.density, ctx.joint
    if ctx.link is not None:   # each cell's caps at the elevation of each operator's best-placed satellite
        factor = _elevation_factors(ctx, pos, vs, vl, vb, pos_key)
        density = np.floor(ctx.density * factor).astype(np.int64)
        if joint is not None:
            joint = np.floor(joint * np.where(ctx.density > 0, factor, 0.0).max(axis=0, initial=0.0)).astype(np.int64)
    bn = block_network(tree, vs[keep], vl[keep], vb[keep], ctx.sat_fleet, ctx.caps, density, ctx.area_km2,
                       ctx.demand_mbps, n_ops, ctx.force, ctx.exclude, ctx.op_band, joint, fd)
    real_region = ctx.region_slot & (tree.cells >= 0)
    into_region = (bn.deliver_slot >= 0) & ctx.region_slot[np.maximum(bn.deliver_slot, 0)]
    out, carried, baselines = {}, {}, {}
    world_slot = ~ctx.region_slot
    world_cells = np.zeros(len(ctx.demand_mbps), bool)
    world_cells[ctx.slot_cell[world_slot & (tree.cells >= 0)]] = True

    def baseline(allowed, standing):
        """The allowed operators with the case's standing denials only: every cell's fair allocation."""
        k = allowed.tobytes() + _digest(standing)
        if k not in baselines:
            baselines[k] = _solve_case(bn, allowed, standing, ctx.slot_cell, ctx.slot_demand, ctx.fair,
                                       ctx.region_slot, None, ctx.bounds)
        return baselines[k]

    for key, ops in ctx.cases.items():
        allowed = np.zeros(n_ops, bool)
        allowed[[ctx.fleet_names.index(f) for f in ops]] = True
        standing = np.zeros((n_ops, len(ctx.demand_mbps)), bool)
        denied = np.zeros((n_ops, len(ctx.demand_mbps)), bool)
        for fleet_key, cell_mask, time_mask, is_standing in ctx.denials[key]:  # the union of the case's denials
            if is_standing:
                standing[ctx.fleet_names.index(fleet_key)] |= cell_mask
            elif time_mask[t]:
                denied[ctx.fleet_names.index(fleet_key)] |= cell_mask
        change = denied & ~standing          # what the case changes in its own network at this snapshot
        denied |= standing
        fenced = ctx.fences.get(key)
        rule = ctx.land.get(key)
        held, rebalanced, arcs = None, False, None
        if rule is None and not change.any() and (fenced is None or not fenced[allowed].any()):
            flows, fair_share, span, alloc = baseline(allowed, standing)   # the case's own network: every cell's allocation
        else:
            # the world held at its allocation without the change (a landing rule changes the world's feed too)
            if ctx.fair and rule is None and not change[:, world_cells].any():
                base_flows = baseline(allowed, standing)[0]
                held = np.zeros(len(ctx.slot_demand), np.int64)
                held[world_slot] = base_flows[bn.network.cell_arc][world_slot]
            else:
                rebalanced = ctx.fair   # a denial outside the region: every cell's allocation again
            arcs = _case_arcs(bn, allowed, denied, ctx.slot_cell, ctx.region_slot, fenced, rule)   # once a case
            if held is not None and not ctx.bounds and not any(k == key for k, _f in ctx.carried) and \
                    not arcs[2][np.ix_(allowed, ctx.region_slot & (ctx.slot_demand > 0))].any():
                # nothing the case allows can give the region anything: the world keeps what it holds, the region
                # gets nothing (what the fair allocation would find, without its maximum flows)
                mine = ctx.region_slot & (ctx.slot_demand > 0)
                flows = np.zeros(len(bn.arc_op), np.int64)
                flows[bn.network.cell_arc] = held
                fair_share, span, alloc = (0.0 if mine.any() else 1.0), None, np.zeros(len(held), np.int64)
            else:
                flows, fair_share, span, alloc = _solve_case(bn, allowed, denied, ctx.slot_cell, ctx.slot_demand,
                                                             ctx.fair, ctx.region_slot, fenced, ctx.bounds, held, rule,
                                                             arcs)
        cell_flow = flows[bn.network.cell_arc]
        row = np.zeros(ctx.n_region)
        row[ctx.region_index[tree.cells[real_region]]] = (cell_flow if alloc is None else alloc)[real_region]
        per_op = np.bincount(bn.arc_op[into_region], weights=flows[into_region], minlength=n_ops)
        out[key] = (row, float(cell_flow.sum()), per_op, fair_share, span, rebalanced)
        wanted = [ctx.fleet_names.index(f) for k, f in ctx.carried if k == key]
        ranges = {i: (0, 0) for i in wanted}   # a case with no operator carries nothing
        if wanted and allowed.any():   # what each of these operators carries, over every flow giving the same cells
            keep, cap, _reach = arcs if arcs is not None else _case_arcs(bn, allowed, denied, ctx.slot_cell,
                                                                         ctx.region_slot, fenced, rule)
            net = bn.network
            case_net = Network(net.n_nodes, net.tail, net.head, np.where(keep, cap, 0), net.cell_arc)
            ranges = carried_ranges(case_net, cell_flow, real_region, into_region, bn.arc_op, wanted,
                                    held=np.where(world_slot, cell_flow, 0) if ctx.fair else None)
        for i in wanted:
            carried[(key, ctx.fleet_names[i])] = ranges[i]
    return out, over, carried


_FOOTPRINTS: dict = {}  # footprint key -> {positions digest: (sat, level, block)}, the last two keys
_FOOTPRINT_KEYS = 2


def _visible(ctx: _Context, pos: np.ndarray, pos_key: bytes):
    """Every satellite's visible blocks at one snapshot (:func:`visible_blocks`), kept for the calls that
    follow on the same cells, masks and positions: an assessment's runs with the same demand (the base run
    and its capacity variants) differ only in capacities, and the footprints were a sixth of a run's time.
    Read-only arrays; at most the last two sets of cells are kept (about 25 MB each on the demo)."""
    kept = _FOOTPRINTS.get(ctx.footprint_key)
    if kept is None:
        while len(_FOOTPRINTS) >= _FOOTPRINT_KEYS:
            _FOOTPRINTS.pop(next(iter(_FOOTPRINTS)))
        kept = _FOOTPRINTS[ctx.footprint_key] = {}
    key = pos_key
    out = kept.get(key)
    if out is None:
        out = visible_blocks(ctx.tree, pos, ctx.min_el, np.ones(len(pos), bool))
        for a in out:
            a.flags.writeable = False
        kept[key] = out
    return out


_ELEVATION: dict = {}   # (footprint key, positions digest, link figures) -> per fleet and cell: the factor
ELEVATION_CHUNK_PAIRS = 1_000_000   # visible (satellite, cell) pairs at a time: about 100 MB of temporaries


def _elevation_factors(ctx: _Context, pos: np.ndarray, vs, vl, vb, pos_key: bytes) -> np.ndarray:
    """Per fleet and cell: what a channel carries at the elevation of the fleet's best-placed satellite over the
    cell, against zenith (:func:`satsov.capacity.links.efficiency_bps_hz` on each visible pair's slant range,
    altitude and elevation); 1 where none is over it (no arc then). Kept for the runs on the same positions."""
    from satsov.capacity.links import efficiency_bps_hz, path_loss_db
    esn0, atm = ctx.link
    key = (ctx.footprint_key, pos_key, float(esn0), atm.tobytes())
    out = _ELEVATION.get(key)
    if out is not None:
        return out
    tree = ctx.tree
    n_ops, n_cells = len(ctx.fleet_names), len(ctx.demand_mbps)
    best = np.full(n_ops * n_cells, -1.0)
    top = max(float(efficiency_bps_hz(esn0)), 1e-12)
    # the visible pairs a chunk of blocks at a time (a fine grid has tens of millions of them at one snapshot)
    first_pair = np.cumsum(np.left_shift(1, tree.levels[vl])) - np.left_shift(1, tree.levels[vl])
    chunk = first_pair // ELEVATION_CHUNK_PAIRS   # non-decreasing: each block in the chunk its first pair is in
    cuts = np.concatenate([[0], np.flatnonzero(np.diff(chunk)) + 1, [len(vs)]])
    for start, end in zip(cuts[:-1], cuts[1:]):
        sat, cell = expand(tree, vs[start:end], vl[start:end], vb[start:end])
        slot = tree.slot_of[cell]
        d = pos[sat] - tree.cell_xyz[slot]
        dist = np.sqrt(np.einsum("ij,ij->i", d, d))
        sin_el = np.clip(np.einsum("ij,ij->i", d, tree.cell_up[slot]) / np.maximum(dist, 1e-9), 1e-3, 1.0)
        height = np.maximum(np.sqrt(np.einsum("ij,ij->i", pos[sat], pos[sat]))
                            - np.sqrt(np.einsum("ij,ij->i", tree.cell_xyz[slot], tree.cell_xyz[slot])), 1.0)
        fleet = ctx.sat_fleet[sat]
        loss = path_loss_db(dist, height, sin_el, atm[fleet])
        np.maximum.at(best, fleet * n_cells + cell, efficiency_bps_hz(esn0 - loss) / top)
    out = np.where(best >= 0, best, 1.0).reshape(n_ops, n_cells)
    out.flags.writeable = False
    while len(_ELEVATION) >= 2 * _FOOTPRINT_KEYS * 8:
        _ELEVATION.pop(next(iter(_ELEVATION)))
    _ELEVATION[key] = out
    return out


_WORKER_CONTEXT: _Context | None = None


def _init_worker(ctx: _Context) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = ctx


def _run_chunk(ctx, ts, positions):
    """Consecutive snapshots (each independent of the others)."""
    return [(t, _snapshot(ctx or _WORKER_CONTEXT, t, positions[:, i])) for i, t in enumerate(ts)]


CHUNK_SNAPSHOTS = 6  # snapshots per chunk: fixed, so that the results do not depend on the number of workers


def _snapshots(ctx: _Context, positions: np.ndarray, workers: int, progress):
    """Yield (t, snapshot result) in time order: in this process, or on ``workers`` processes (each snapshot is
    independent, so the results are the same)."""
    n = positions.shape[1]
    chunks = [np.arange(a, min(a + CHUNK_SNAPSHOTS, n)) for a in range(0, n, CHUNK_SNAPSHOTS)]
    done = 0
    if workers <= 1 or len(chunks) < 2:
        for c in chunks:
            for t, result in _run_chunk(ctx, c, positions[:, c]):
                done += 1
                yield t, result
                if progress is not None:
                    progress(done, n)
        return
    from satsov.pools import managed_pool
    with managed_pool(min(workers, len(chunks)), preload=("satsov.capacity.preload",), initializer=_init_worker,
                      initargs=(ctx,)) as pool:
        futures = [pool.submit(_run_chunk, None, c, positions[:, c]) for c in chunks]
        for fut in futures:
            for t, result in fut.result():
                done += 1
                yield t, result
            if progress is not None:
                progress(done, n)


def _supply_of(supply: SupplyTable, op, fleet: Fleet):
    geo = bool(len(fleet)) and all(e.is_deep_space for e in fleet)
    return supply.operator(op.key, service=op.service, geo=geo)


def assumed_figures(fleets: Mapping[str, Fleet], owner: Mapping[str, str] | None = None,
                    supply: SupplyTable | None = None, registry=None) -> dict[str, tuple[str, ...]]:
    """Per fleet, the figures of its supply entry that no source publishes (what :class:`CapacityResult`'s
    ``assumptions`` will hold), known before any allocation."""
    owner = dict(owner) if owner is not None else {k: k for k in fleets}
    supply = supply or supply_table()
    registry = registry or operator_registry()
    out = {}
    for key, fleet in fleets.items():
        s = _supply_of(supply, registry[owner[key]], fleet)
        if s.assumed:
            out[key] = s.assumed
    return out


def _ground(gateways, fleets, owner, sat_fleet, bent, sized, g, demand, notes, supply, registry, levels,
            default_level, reach_km) -> list:
    """Per fleet that carries anything: its gateways as capacity (:class:`~satsov.capacity.ground.GroundSites`),
    with a note of each fleet's sites, antennas and rates."""
    from satsov.capacity.ground import DEFAULT_REACH_KM, GroundSites
    reach_km = DEFAULT_REACH_KM if reach_km is None else float(reach_km)
    if not (0 < reach_km <= 20040):
        raise InputError(f"isl_reach_km: found {reach_km!r}, expected a distance in km from 0 to 20,040 (half the "
                         f"Earth's circumference)", found=reach_km, expected="(0, 20040] km")
    per = _gateway_sites(gateways, fleets, owner, sat_fleet, sized, g, demand, notes)
    out, said, unsized = [], [], []
    for i, sites in per.items():
        key = list(fleets)[i]
        fleet = fleets[key]
        op = registry[owner[key]]
        geo = bool(len(fleet)) and all(e.is_deep_space for e in fleet)
        antennas, rate, entry = supply.ground(op.key, service=op.service, geo=geo)
        lv = levels.get(key, default_level)
        xyz, up, country = _site_arrays(sites)
        isl = not bent[sat_fleet == i].any()
        # a GEO operator's ground segment is not sized: no GEO operator's sites are published, so its gateways
        # would be satsov's placed ones, and a GEO satellite sees a third of them (they decide only which
        # satellites carry and where they land)
        gs = GroundSites(i, isl, xyz, up, country, antennas.at(lv), int(math.floor(rate.at(lv) * 1000.0)), reach_km,
                         sized=not geo)
        out.append(gs)
        if geo:
            unsized.append(key)
            continue
        said.append(f"{key} {len(sites)} sites × {gs.antennas:g} antennas × {rate.at(lv):g} Gbps = "
                    f"{len(sites) * gs.site_mbps / 1e6:,.1f} Tbps" + (f" ({entry}'s figures)" if entry != op.key else "")
                    + (" (inter-satellite links)" if isl else ""))
    if said:
        notes.append("ground segment: each gateway carries its antennas × one antenna's rate (data/capacity.yaml), "
                     "feeding the bent-pipe satellites it sees and, through the mesh, an ISL operator's satellites "
                     f"within {reach_km:,.0f} km of one of its gateways: " + "; ".join(said))
    if unsized:
        notes.append(f"ground segment not sized for the GEO fleets ({', '.join(unsized)}): their gateways decide "
                     f"only which satellites carry traffic and where it lands")
    return out


def allocate(fleets: Mapping[str, Fleet], demand: Demand, times: Times, *, sets=None, cases=None,
             supply: SupplyTable | None = None, level="base", owner: Mapping[str, str] | None = None,
             gateways="published", fair: bool = True, progress=None, ut1_minus_utc_s="iers",
             positions: np.ndarray | None = None, workers: int = 1, registry=None,
             bounds: bool = False, carried=(), beam_caps: bool = True, spectrum: str = "shared",
             gateway_capacity: bool = True, isl_reach_km: float | None = None, gateway_level=None,
             unlimited_ground=(), elevation_efficiency: bool = True) -> CapacityResult:
    """Capacity served to ``demand`` at each snapshot of ``times`` by ``fleets`` ({fleet: Fleet}).

    ``sets`` / ``cases``: as for :func:`satsov.coverage` (``{name: [fleets]}``, or
    :class:`~satsov.world.cases.Case` objects with their denials; default: each fleet alone and ``'all'``). A
    denial over :data:`~satsov.world.cases.REGION` for the whole window is a geofence: the fleet serves no cell of
    the region and keeps serving the rest of the world. With ``fair`` (the default) every cell gets the unique
    lexicographically fair allocation of the case's own network (its operators with their standing denials, the
    landing rights: :func:`~satsov.capacity.flow.lexicographic_flow`); a geofence, or a denial inside the region,
    holds the rest of the world at that allocation and the region's cells share the rest fairly, so that it never
    raises the region's share and loses no more than the operator carried (``docs/design/capacity.md``). A
    denial that reaches outside the region computes every cell's allocation again (said in the notes). A case's
    figures depend neither on the order of the work nor on the other cases of the call; cases that are the same
    flow problem are solved once. ``bounds``: also what any maximum flow that keeps the world's first fair level
    can give the region, the rest of the world served first and the region first
    (:func:`~satsov.capacity.flow.fair_bounds`; about the cost of the fair allocation again): the figures'
    ``served_share_world_first`` and ``served_share_region_first``. ``owner`` maps fleets to operator keys (default: fleets are operators). ``level``: which of the
    low / base / high supply figures to use, for every fleet or per fleet (``{fleet: level}``, others base). ``gateways``: ``"published"`` (each
    operator's operational gateways from :func:`~satsov.world.sites.published_sites`; operators without any
    get placed ones, said in the notes), ``"cited"`` (the same without the sites known only from community
    lists: what the figures owe to them), ``"placed"`` (two per country with demand, at its most populous
    cities, for every operator), a list of :class:`~satsov.world.sites.GroundSite` (a site with an operator
    serves only that operator's satellites), or None (every bent-pipe satellite assumed to see a gateway).
    A bent-pipe satellite carries traffic only while a gateway of its operator sees it. ``gateway_capacity`` (the
    default): the gateways are capacity (:mod:`satsov.capacity.ground`): each site's antennas times what one
    antenna carries (the capacity table's ``gateway_antennas_per_site`` and ``gateway_antenna_gbps``, at the
    fleet's level), feeding the bent-pipe satellites it sees, and an ISL operator's satellites within
    ``isl_reach_km`` (default :data:`~satsov.capacity.ground.DEFAULT_REACH_KM`) of one of its gateways; a case's
    landing rule (``Case.land_in``) is applied there. False: gateways only decide which bent-pipe satellites may
    carry traffic (unlimited ground segment; no landing rule can then be applied). ``gateway_level``: which of the
    low / base / high gateway figures to use (default: each fleet's ``level``), for the sensitivity of what the
    ground segment allows on its own. ``unlimited_ground``: fleets whose gateways are not sized (as many as they
    need: a design whose ground segment is a separate question). ``workers``: processes for the snapshots (the results
    do not depend on it). ``registry``: the operators (default the built-in registry; a scenario's own file).
    ``carried``: ``(case, fleet)`` pairs whose carried range to compute: the least and the most the fleet
    carries into the region over every flow that gives each region cell its allocation in that case
    (:func:`~satsov.capacity.flow.carried_range`; :meth:`CapacityResult.carried_gbps`). ``beam_caps``: apply
    each operator's cap per beam cell, pre-clipped onto the grid (:mod:`satsov.capacity.beams`; the default), or
    (False) as its density times each analysis cell's area, which moves with the grid (for comparison).
    ``spectrum``: ``"shared"`` (the default): the operators of one user band (``user_band`` in the capacity
    table) deliver no more into a cell together than the largest of their caps, the band split between them as
    47 CFR § 25.261 has NGSO systems split it during in-line events; ``"separate"``: every operator's caps add up,
    as if they did not interfere (optimistic; said in the notes). ``elevation_efficiency``: at each snapshot, scale
    each operator's cap into a cell by what a channel carries at the elevation of its best-placed satellite over
    the cell against zenith (DVB-S2 modes on the link's geometry, :mod:`satsov.capacity.links`; its Es/N0 at zenith
    an assumption at ``level``); False: every channel at its zenith rate (optimistic).
    """
    if spectrum not in ("shared", "separate"):
        raise InputError(f"spectrum: found {spectrum!r}, expected 'shared' or 'separate'", found=spectrum,
                         expected="shared or separate")
    levels = level if isinstance(level, Mapping) else {}
    default_level = "base" if isinstance(level, Mapping) else level
    for lv in [default_level, *levels.values()]:
        if lv not in LEVELS:
            raise InputError(f"level: found {lv!r}, expected low, base or high", found=lv, expected=LEVELS)
    fleets = dict(fleets)
    if not fleets:
        raise InputError("fleets: found none, expected at least one operator's fleet", found={}, expected="fleets")
    owner = dict(owner) if owner is not None else {k: k for k in fleets}
    supply = supply or supply_table()
    registry = registry or operator_registry()
    all_cases = _cases(tuple(fleets), sets, cases)
    land = {k: rule for k, (_o, _d, rule) in all_cases.items() if rule is not None}
    if land and (not gateway_capacity or gateways is None):
        k, rule = next(iter(land.items()))
        raise InputError(f"case {k!s}: a landing rule (land_in {', '.join(rule)}) needs the gateways as capacity; "
                         f"found gateway_capacity={gateway_capacity}, gateways={gateways!r}, expected gateways and "
                         f"gateway_capacity=True", found=rule, expected="gateways with capacity")
    all_cases = {k: (ops, den) for k, (ops, den, _rule) in all_cases.items()}
    # a geofence over the whole region for the whole window drops the fleet's satellite arcs towards the region
    # per case (no link nodes); the other denials zero (fleet, cell) links per case
    fences = {k: tuple(sorted({d.operator for d in den if _is_fence(d)})) for k, (_ops, den) in all_cases.items()}
    # per denial: (fleet, cells, snapshots, standing): a standing denial (landing rights: countries, for the whole
    # window) is part of the case's own network; the others (events) change it, as a geofence does
    denials = {k: [(d.operator, np.asarray(d.cell_mask(demand.grid, demand.in_region), bool), d.time_mask(times),
                    _is_standing(d)) for d in den if not _is_fence(d)]
               for k, (_ops, den) in all_cases.items()}
    all_cases = {k: ops for k, (ops, _den) in all_cases.items()}
    # per satellite: fleet index, capacity (Mbps), minimum elevation, bent pipe or not, cell capacity density
    elements, sat_fleet, caps, min_el, bent, density, beam, band = [], [], [], [], [], [], [], []
    user_band = []
    assumptions, notes = {}, list(demand.notes)
    for i, (key, fleet) in enumerate(fleets.items()):
        op = registry[owner[key]]
        s = _supply_of(supply, op, fleet)
        lv = levels.get(key, default_level)
        gbps, _gens = supply.satellite_capacity_gbps(fleet, op.key, service=op.service, level=lv)
        elements += list(fleet)
        sat_fleet.append(np.full(len(fleet), i))
        caps.append(np.floor(gbps * 1000.0))
        min_el.append(np.full(len(fleet), s.min_elevation_deg))
        geo = bool(len(fleet)) and all(e.is_deep_space for e in fleet)
        # an entry's inter-satellite links belong to its LEO generations: a GEO fleet relays through gateways
        bent.append(np.full(len(fleet), geo or not s.inter_satellite_links))
        density.append(s.cell_capacity.at(lv))
        beam.append(s.beam_cell_km2 if (beam_caps and s.beam_cell_km2) else np.nan)
        band.append(s.user_band if spectrum == "shared" else None)
        user_band.append(s.user_band)
        assumed = s.assumed if gateway_capacity and gateways is not None else \
            tuple(a for a in s.assumed if not a.startswith("gateway"))
        if elevation_efficiency:
            assumed = tuple(assumed) + ("user link Es/N0 at zenith",)
        if assumed:
            assumptions[key] = assumed
        if s.key.startswith("_"):
            notes.append(f"{key}: no capacity entry; the default for its class ({s.key.strip('_').replace('_', ' ')}) "
                         f"is used: {s.generations[0].capacity_gbps.describe()}")
    sat_fleet, caps = np.concatenate(sat_fleet), np.concatenate(caps).astype(np.int64)
    min_el, bent, density = np.concatenate(min_el), np.concatenate(bent), np.array(density)
    # each operator's cap into each cell, per beam cell and pre-clipped onto this grid (satsov.capacity.beams)
    from satsov.capacity.beams import beam_caps as _beam_caps
    from satsov.capacity.beams import joint_caps as _joint_caps
    beam = np.array(beam, float)
    laid, cell_caps = _beam_caps(demand, density, beam)
    joint = _joint_caps(demand, density, beam, band, cell_caps)   # every operator together, per beam cell
    demand = laid
    g = demand.grid
    flat = [k for k, b in zip(fleets, beam) if not np.isfinite(b)]
    if np.isfinite(beam).any():
        notes.append("caps: each operator's capacity density applies per beam cell ("
                     + ", ".join(f"{k} {b:,.0f} km²" for k, b in zip(fleets, beam) if np.isfinite(b))
                     + "), pre-clipped onto this grid: a cell gets, of its beam cells' demand, what their caps allow "
                     "(data/capacity.yaml, beam_cell_km2); the demand is laid out on Starlink-sized beam cells, so that "
                     "neither moves with the grid's spacing")
    names = sorted({b for b in band if b})
    op_band = np.array([names.index(b) if b else -1 for b in band], np.int64)
    shared = {b: [k for k, x in zip(fleets, band) if x == b] for b in names}
    shared = {b: ks for b, ks in shared.items() if len(ks) > 1}
    if shared:
        notes.append("spectrum: " + "; ".join(f"{', '.join(ks)} share the {b} band" for b, ks in shared.items())
                     + ": together they deliver no more into a cell than the largest of their caps (NGSO systems split "
                     "the band during in-line events, 47 CFR § 25.261)")
    elif spectrum == "separate":
        notes.append("spectrum: every operator's caps add up, as if no two interfered (optimistic)")
    link = None
    if elevation_efficiency:
        from satsov.capacity.links import DVB_S2_SOURCE, ESN0_ZENITH_DB, atmosphere_zenith_db
        esn0 = ESN0_ZENITH_DB.at(default_level)
        link = (esn0, np.array([atmosphere_zenith_db(b) for b in user_band]))
        notes.append(f"caps: at each snapshot, each operator's cap into a cell is scaled by what a channel carries at "
                     f"the elevation of its best-placed satellite over the cell, against zenith (the best {DVB_S2_SOURCE} "
                     f"mode on the path's length and atmosphere; Es/N0 at zenith {ESN0_ZENITH_DB.describe()}; the "
                     f"satellite antenna's scan loss is not modelled)")
    else:
        notes.append("caps: every channel at its zenith rate whatever the elevation (elevation_efficiency=False: "
                     "optimistic)")
    if flat:
        notes.append(f"caps: no beam cell for {', '.join(flat)}: the cap scales with the analysis cell's area (a dense "
                     f"place on a coarse grid can draw more than it could in reality)")
    cell_xyz = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0)
    cell_up = up_vectors(g.lat_deg, g.lon_deg)
    demand_mbps = np.floor(demand.mbps).astype(np.int64)
    region = demand.in_region
    tree = block_tree(cell_xyz, cell_up, demand_mbps >= 1, region)
    ground, gw_sets = (), []
    if gateway_capacity and gateways is not None:
        gl = gateway_level if gateway_level is not None else level
        for lv in (gl.values() if isinstance(gl, Mapping) else [gl]):
            if lv not in LEVELS:
                raise InputError(f"gateway_level: found {lv!r}, expected low, base or high", found=lv, expected=LEVELS)
        sized = caps > 0
        for k in unlimited_ground:
            if k not in fleets:
                raise UnknownNameError("fleet in unlimited_ground", k, list(fleets))
            sized &= sat_fleet != list(fleets).index(k)
        ground = _ground(gateways, fleets, owner, sat_fleet, bent, sized, g, demand, notes, supply, registry,
                         gl if isinstance(gl, Mapping) else {}, "base" if isinstance(gl, Mapping) else gl,
                         isl_reach_km)
        if unlimited_ground:
            notes.append(f"gateways of {', '.join(unlimited_ground)}: not sized (as many as it needs)")
    else:
        gw_sets = _gateway_sets(_gateway_sites(gateways, fleets, owner, sat_fleet, bent, g, demand, notes),
                                sat_fleet, bent)
        if gateways is not None:
            notes.append("gateways: unlimited capacity (gateway_capacity=False): they decide only which bent-pipe "
                         "satellites may carry traffic (optimistic)")
    if positions is None:  # callers running several cases or levels on one window pass them once
        positions, _status = propagate(elements, times, ut1_minus_utc_s=ut1_minus_utc_s)
    elif positions.shape[:2] != (len(elements), len(times)):
        raise InputError(f"positions: found shape {positions.shape}, expected ({len(elements)}, {len(times)}, 3)",
                         found=positions.shape, expected="(n_sats, n_times, 3)")
    n_snap, n_region = len(times), int(region.sum())
    fleet_names = list(fleets)
    n_ops = len(fleet_names)
    # (fleet, cell) pairs that every case with the fleet denies for the whole window (landing rights) are left out
    # of the network; the other denials are per case
    exclude = np.zeros((n_ops, len(g)), bool)
    for f, cells in whole_window_denials(all_cases, {k: [x[:3] for x in den if x[3]] for k, den in denials.items()},
                                         len(g)).items():
        exclude[fleet_names.index(f)] = cells
    denials = {k: [(fk, cm & ~exclude[fleet_names.index(fk)], tm, st) for fk, cm, tm, st in den
                   if (cm & ~exclude[fleet_names.index(fk)]).any()] for k, den in denials.items()}
    # every (fleet, cell) that some case may deny gets a link node, so a denial is a zero cap
    force = np.zeros((n_ops, len(g)), bool)
    for den in denials.values():
        for fleet_key, cell_mask, _time_mask, _standing in den:
            force[fleet_names.index(fleet_key)] |= cell_mask
    region_slot = np.zeros(tree.n_slots, bool)
    region_slot[:tree.region_slots] = True
    slot_cell = np.where(tree.cells >= 0, tree.cells, 0)
    # cases that are the same flow problem (a policy's geofence of operators that may not serve the region
    # anyway is the baseline; a policy without one operator is that operator's switch-off) are solved once
    served_anywhere = (~exclude[:, region & (demand_mbps >= 1)]).any(axis=1)
    same, solve = {}, {}
    for k, ops in all_cases.items():
        fence = tuple(f for f in fences[k] if f in ops and served_anywhere[fleet_names.index(f)])
        sig = (tuple(sorted(ops)), fence, tuple((f, _digest(cm), _digest(tm), st) for f, cm, tm, st in denials[k]),
               land.get(k))
        same[k] = solve.setdefault(sig, k)
    reps = {k: all_cases[k] for k in dict.fromkeys(same.values())}
    carried_pairs = [(k, f) for k, f in carried]
    for k, f in carried_pairs:
        if k not in all_cases or f not in all_cases[k]:
            raise InputError(f"carried: ({k!s}, {f}) is not a case of this call and one of its fleets",
                             found=(str(k), f), expected="(case, fleet of the case)")
    fenced = {k: np.isin(np.arange(n_ops), [fleet_names.index(f) for f in v]) for k, v in fences.items()
              if v and k in reps}
    ctx = _Context(tree, sat_fleet, caps, min_el, bent, cell_caps, np.asarray(g.area_km2, float), demand_mbps, force,
                   exclude, gw_sets, fleet_names, reps, {k: denials[k] for k in reps}, fenced, region_slot, slot_cell,
                   np.where(tree.cells >= 0, demand_mbps[slot_cell], 0), np.cumsum(region) - 1, n_region, fair,
                   _digest(cell_xyz, cell_up, demand_mbps >= 1, region, min_el), bounds,
                   tuple(dict.fromkeys((same[k], f) for k, f in carried_pairs)), op_band, joint, tuple(ground),
                   {k: v for k, v in land.items() if k in reps}, link)
    served = {k: np.zeros((n_snap, n_region)) for k in all_cases}
    by_op = {k: {f: np.zeros(n_snap) for f in ops} for k, ops in all_cases.items()}
    lam = {k: np.zeros(n_snap) for k in all_cases}
    total = {k: np.zeros(n_snap) for k in all_cases}
    spans = {k: np.zeros((n_snap, 2)) for k in all_cases} if bounds else {}
    over = np.zeros(n_ops)
    carried_mbps = {pair: np.zeros((n_snap, 2)) for pair in carried_pairs}
    rebalanced: set = set()
    for t, (out, over_t, carried_t) in _snapshots(ctx, positions, workers, progress):
        over += over_t / n_snap
        for (rep_key, f), span in carried_t.items():
            for pair in carried_pairs:
                if same[pair[0]] == rep_key and pair[1] == f:
                    carried_mbps[pair][t] = span
        for key, (row, tot, per_op, fair_share, span, again) in out.items():
            if again:
                rebalanced.add(key)
            served[key][t] = row
            total[key][t] = tot
            lam[key][t] = fair_share
            if span is not None:
                spans[key][t] = span
            for f in all_cases[key]:
                by_op[key][f][t] = per_op[fleet_names.index(f)]
    for key, rep in same.items():  # the cases solved as another: its results, bit for bit
        if rep != key:
            served[key], total[key], lam[key] = served[rep].copy(), total[rep].copy(), lam[rep].copy()
            if bounds:
                spans[key] = spans[rep].copy()
            by_op[key] = {f: by_op[rep][f].copy() for f in all_cases[key]}
    ruled = {k for k in rebalanced if same[k] in land}
    if rebalanced - ruled:
        notes.append(f"denials outside the region ({', '.join(sorted(map(str, rebalanced - ruled)))}): the rest of the "
                     f"world could not be held at its allocation, so every cell's fair allocation is computed again "
                     f"(the region's share may then rise or fall as the world's traffic moves)")
    if ruled:
        which = "; ".join(str(k) + ": land_in " + ", ".join(land[same[k]]) for k in sorted(ruled, key=str))
        notes.append(f"landing rules ({which}): "
                     f"a satellite serves the region only while it can land its traffic there (bent pipe: it sees a "
                     f"gateway there; inter-satellite links: one is within reach), and then draws all its feed from "
                     f"those gateways (conservative); this changes the world's network too, so every cell's fair "
                     f"allocation is computed again")
    if assumptions:
        notes.append("figures depend on assumed (unpublished) capacities for: " + "; ".join(
            f"{k} ({', '.join(v)})" for k, v in assumptions.items()))
    return CapacityResult(demand, times, default_level if not levels else str(levels), all_cases, served, by_op, lam, assumptions, notes,
                          {k: len(f) for k, f in fleets.items()}, dict(zip(fleet_names, over.tolist())), total,
                          spans, carried_mbps)
