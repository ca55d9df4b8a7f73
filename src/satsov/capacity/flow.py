"""One snapshot's allocation: satellites' capacity to cells' demand through per-operator cell caps, as a
maximum flow, shared fairly.

The network: source → satellite (its capacity) → (cell, operator) → cell (the operator's capacity into that
cell) → sink (the cell's demand); only satellites above their operator's minimum elevation link to a cell.
:mod:`satsov.capacity.blocks` builds the same network with satellites linked to blocks of cells (exactly the
same flows, far fewer edges); :func:`allocate_snapshot` builds it from (satellite, cell) pairs. All
capacities are integer Mbps.

Solver: :class:`satsov.capacity.maxflow.MaxFlow`, a compiled push-relabel maximum flow that keeps its flow
between solves, so that each of Newton's steps and the completion start from the flow before (on the issue's
benchmark networks a cold solve is as fast as OR-Tools' and the later ones cost a fraction of it;
``docs/benchmarks.md``).

Fairness: among maximum flows, satsov picks one that gives every cell the largest common *share* of its demand
first (max-min fair in served share: the largest λ such that every cell can get min(λ, b) × its demand, b the
share it could get alone through its own links, so that a cell no allowed satellite sees does not pull every
other cell down to nothing), then completes it to a maximum flow on the residual network (which never takes
flow away from a cell). λ is found exactly by Newton's method on the parametric flow (each infeasible λ's
minimum cut names the cells that cannot all get it and what can reach them; the next λ is what that cut
allows), typically in two or three maximum flows. Why shares: a cell with more people asks for more, and an
analyst reads "served share"; max-min in absolute Mbps would starve dense cells, and an arbitrary maximum
flow would serve one cell fully and its neighbour not at all.

Beyond λ, :func:`fair_flow`'s flow is one maximum flow among many (a region's share could land anywhere between
two bounds). :func:`lexicographic_flow` gives the region's cells the unique lexicographically max-min fair
allocation instead (every level, not only the first: Fujishige's lexicographically optimal base, found by
parametric minimum cuts with contraction), which :func:`satsov.capacity.allocate` uses: its figures do not
depend on the solver, the order of the arcs or the other cases of a run (tested against a brute-force
decomposition with networkx's maximum flow).

>>> import numpy as np
>>> # one satellite (10 Gbps) over two cells of 6 Gbps demand each, operator cap 8 Gbps per cell
>>> a = allocate_snapshot(np.array([10_000]), np.array([0, 0]), np.array([0, 1]), np.array([0, 0]),
...                       np.array([8_000, 8_000]), np.array([6_000, 6_000]))
>>> [int(x) for x in a.served_mbps], a.total_mbps
([5000, 5000], 10000)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from satsov.capacity.maxflow import MaxFlow, _build, _set_capacity, _solve, _source_side

__all__ = ["Allocation", "Network", "fair_flow", "allocate_snapshot", "lexicographic_shares", "lexicographic_flow",
           "fair_bounds", "carried_range", "carried_ranges"]

INT_CAP = np.iinfo(np.int64).max // 4  # "unbounded" arcs (inside the block tree)


@dataclass(frozen=True)
class Network:
    """A flow network with the source at node 0 and the sink at the last node; ``cell_arc[c]`` is the arc from
    cell ``c`` to the sink (its capacity is set from the targets, not from ``cap``)."""

    n_nodes: int
    tail: np.ndarray
    head: np.ndarray
    cap: np.ndarray
    cell_arc: np.ndarray

    def subset(self, keep, cap=None) -> "Network":
        """The network with only the arcs ``keep`` (a boolean mask that keeps every cell's arc), in their order,
        at capacities ``cap`` (per arc of this network; default its own)."""
        keep = np.asarray(keep, bool)
        index = np.flatnonzero(keep)
        position = np.full(len(keep), -1, np.int64)
        position[index] = np.arange(len(index))
        cap = self.cap if cap is None else np.asarray(cap)
        return Network(self.n_nodes, self.tail[index], self.head[index], cap[index], position[self.cell_arc])

    @property
    def sink(self) -> int:
        return self.n_nodes - 1


def _newton_step(cut_cells, demand, bound, allowance) -> float:
    """The largest λ with Σ over ``cut_cells`` of min(λ, b) d ≤ ``allowance`` (piecewise linear in λ)."""
    d = demand[cut_cells].astype(float)
    b = bound[cut_cells]
    if allowance <= 0 or not len(d):
        return 0.0
    order = np.argsort(b)
    b, d = b[order], d[order]
    # g(λ) = Σ_{b_i < λ} b_i d_i + λ Σ_{b_i ≥ λ} d_i; evaluate at each breakpoint
    fixed = np.concatenate([[0.0], np.cumsum(b * d)])
    rest = np.concatenate([[d.sum()], d.sum() - np.cumsum(d)])
    at_break = fixed[:-1] + b * rest[:-1]
    k = int(np.searchsorted(at_break, allowance, side="right"))  # breakpoints at or below the allowance
    if k >= len(b):
        return float(b[-1]) if len(b) else 1.0
    return float((allowance - fixed[k]) / rest[k]) if rest[k] > 0 else float(b[k])


def fair_flow(net: Network, demand, bound=None, *, fair: bool = True, levels: int = 1, start: float = 1.0,
              solver=MaxFlow):
    """A maximum flow of ``net`` that shares the demand max-min fairly in served share.

    Progressive filling: at each level the largest λ such that every cell not yet fixed can get min(λ, bound)
    of its demand is found by Newton's method on the parametric flow (each infeasible λ's minimum cut names
    the cells that cannot all get it and what reaches them; the next λ is what that cut allows); the cells of
    the last cut are fixed at λ and the others rise further. After ``levels`` levels (or when every cell
    gets its bound) the flow is completed to a maximum flow on the residual network, which never takes flow
    from a cell (this also picks up what the whole-Mbps targets left over). Returns ``(per-arc flow, λ of the first level)``: every cell gets at least min(λ, bound).
    ``demand`` is per cell (integer Mbps); ``bound`` the share each cell could get alone (default 1). ``start``:
    a first guess of λ just above the answer (e.g. the previous snapshot's) saves Newton steps; from a guess
    that turns out feasible the search steps up (×1.25) until a λ is not, then Newton's method descends to the
    answer, so the result depends on the guess only through the rounding to whole Mbps (a λ a few parts in
    10,000 apart where the shares are tiny: Newton's steps land on different points of the same whole-Mbps goals).
    ``solver``: a class with :class:`~satsov.capacity.maxflow.MaxFlow`'s interface (the benchmark passes one
    that solves each step from nothing with OR-Tools, to compare). Beyond λ the flow is one of many maximum
    flows, and which one depends on the solver: cells above λ (and so a region's share against its
    background) can differ by a few percentage points between solvers with the same λ and the same total.
    """
    demand = np.asarray(demand, np.int64)
    bound = np.ones(len(demand)) if bound is None else np.asarray(bound, float)
    cells = net.cell_arc
    cap = net.cap.copy()
    if not fair or demand.sum() == 0:
        cap[cells] = demand
        mf = solver(net.n_nodes, net.tail, net.head, cap)
        mf.solve()
        return mf.flows(), 1.0 if demand.sum() == 0 else float("nan")
    cap[cells] = 0
    mf = solver(net.n_nodes, net.tail, net.head, cap)  # each solve below starts from the flow before it
    cell_node = net.tail[cells]
    fixed = np.zeros(len(demand), bool)
    goal = np.zeros(len(demand), np.int64)
    first = None
    for level in range(levels):
        lam, last_cut = (min(1.0, start) if level == 0 else 1.0), None
        while True:
            goal = np.where(fixed, goal, np.floor(np.minimum(lam, bound) * demand).astype(np.int64))
            mf.set_capacity(cells, goal)
            value = mf.solve()
            if value >= goal.sum():
                if last_cut is None and lam < 1.0:  # the guess was feasible: step up until one is not
                    lam = min(1.0, lam * 1.25 + 0.01)
                    continue
                break
            cut = ~mf.source_side()[cell_node]
            allowance = value - int(goal[~cut | fixed].sum())
            lam = min(_newton_step(np.flatnonzero(cut & ~fixed), demand, bound, allowance), np.nextafter(lam, 0.0))
            last_cut = cut & ~fixed
        first = lam if first is None else first
        if last_cut is None:  # every cell not fixed gets its bound
            break
        fixed |= last_cut
        if fixed.all():
            break
    if mf.value < demand.sum():
        # complete to a maximum flow (the sink arcs at demand): push-relabel never takes flow back from the sink
        mf.set_capacity(cells, demand)
        mf.solve()
    return mf.flows(), float(first)


@dataclass(frozen=True)
class Allocation:
    """What one snapshot delivered: per cell, per (cell, operator) link, and in total (Mbps)."""

    served_mbps: np.ndarray        # per cell
    link_cell: np.ndarray          # per (cell, operator) link: its cell
    link_op: np.ndarray            # ... its operator
    link_mbps: np.ndarray          # ... the flow through it
    total_mbps: int
    fair_share: float              # λ: every cell got at least min(λ, its bound) of its demand
    cell_bound: np.ndarray | None = None  # per cell: the share it could get alone (1 if it asks nothing)


def allocate_snapshot(sat_cap_mbps, pair_sat, pair_cell, pair_op, cell_op_cap_mbps, demand_mbps, *,
                      fair: bool = True, levels: int = 1) -> Allocation:
    """Allocate one snapshot given as (satellite, cell) pairs.

    ``sat_cap_mbps`` (n_sats,): each satellite's capacity; ``pair_sat``, ``pair_cell``, ``pair_op``: the visible
    (satellite, cell) pairs and the satellite's operator index; ``cell_op_cap_mbps``: per pair, what its
    operator can deliver into that cell (the same for every pair of a (cell, operator)); ``demand_mbps``
    (n_cells,). Integer Mbps throughout. ``levels``: progressive-filling levels (see :func:`fair_flow`).
    """
    sat_cap = np.asarray(sat_cap_mbps, np.int64)
    demand = np.asarray(demand_mbps, np.int64)
    pair_sat, pair_cell, pair_op = (np.asarray(a, np.int64) for a in (pair_sat, pair_cell, pair_op))
    n_sat, n_cell = len(sat_cap), len(demand)
    n_ops = int(pair_op.max()) + 1 if len(pair_op) else 1
    keys, pair_link = np.unique(pair_cell * n_ops + pair_op, return_inverse=True)
    pair_link = pair_link.ravel()
    link_cell, link_op = keys // n_ops, keys % n_ops
    n_link = len(keys)
    link_cap = np.zeros(n_link, np.int64)
    np.maximum.at(link_cap, pair_link, np.asarray(cell_op_cap_mbps, np.int64))
    # what each cell could get if it were alone: its links' caps, each no more than the satellites behind it
    link_sats = np.zeros(n_link, np.int64)
    np.add.at(link_sats, pair_link, sat_cap[pair_sat])
    reach = np.zeros(n_cell, np.int64)
    np.add.at(reach, link_cell, np.minimum(link_cap, link_sats))
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.where(demand > 0, np.minimum(1.0, reach / np.maximum(demand, 1)), 1.0)
    sat0, link0, cell0 = 1, 1 + n_sat, 1 + n_sat + n_link
    sink = cell0 + n_cell
    tail = np.concatenate([np.zeros(n_sat, np.int64), sat0 + pair_sat, link0 + np.arange(n_link),
                           cell0 + np.arange(n_cell)])
    head = np.concatenate([sat0 + np.arange(n_sat), link0 + pair_link, cell0 + link_cell, np.full(n_cell, sink)])
    cap = np.concatenate([sat_cap, sat_cap[pair_sat], link_cap, demand]).astype(np.int64)
    cell_arc = n_sat + len(pair_sat) + n_link + np.arange(n_cell)
    net = Network(sink + 1, tail, head, cap, cell_arc)
    flows, lam = fair_flow(net, demand, bound, fair=fair, levels=levels)
    served = flows[cell_arc]
    link_flow = flows[n_sat + len(pair_sat): n_sat + len(pair_sat) + n_link]
    return Allocation(served, link_cell, link_op, link_flow, int(served.sum()), lam if fair else 0.0, bound)


def _contract(n, tail, head, cap, cell_arc, side, keep_source_side: bool):
    """The network with one side of a cut merged into the source (``keep_source_side`` False: the source side
    goes, the sink side stays) or into the sink (True: the sink side goes). Arcs against the cut and arcs that
    would run from the source straight to the sink are dropped; ``cell_arc`` (arc indices of the cells' sink
    arcs, -1 for a cell not in this network) is mapped to the new arcs. Returns ``(n, tail, head, cap,
    cell_arc, pos)`` (``pos``: where each arc went, -1 if dropped); node 0 stays the source and the last node the
    sink; the arcs kept keep their order."""
    return _contract_kernel(int(n), np.ascontiguousarray(tail, np.int64), np.ascontiguousarray(head, np.int64),
                            np.ascontiguousarray(cap, np.int64), np.ascontiguousarray(cell_arc, np.int64),
                            np.ascontiguousarray(side, np.bool_), bool(keep_source_side))


@njit(cache=True, nogil=True)
def _contract_kernel(n, tail, head, cap, cell_arc, side, keep_source_side):
    # compiled: the divide and conquer contracts two networks at each split, thousands a case, where numpy's
    # per-call cost was most of the time on the small ones
    sink = n - 1
    new = np.full(n, -1, np.int64)
    k = 1
    for u in range(1, sink):
        if side[u] == keep_source_side:
            new[u] = k
            k += 1
    new[0] = 0
    new[sink] = k
    m = len(tail)
    t = np.empty(m, np.int64)
    h = np.empty(m, np.int64)
    c = np.empty(m, np.int64)
    pos = np.full(m, -1, np.int64)
    j = 0
    for i in range(m):
        a, b = tail[i], head[i]
        if keep_source_side:   # the sink side is merged into the sink
            if not side[a]:
                continue
            ta = new[a]
            hb = new[b] if side[b] else new[sink]
        else:                  # the source side is merged into the source
            if side[b]:
                continue
            ta = 0 if side[a] else new[a]
            hb = new[b]
        if ta < 0 or hb < 0 or (ta == 0 and hb == new[sink]):
            continue
        t[j], h[j], c[j] = ta, hb, cap[i]
        pos[i] = j
        j += 1
    mapped = np.full(len(cell_arc), -1, np.int64)
    for q in range(len(cell_arc)):
        if cell_arc[q] >= 0:
            mapped[q] = pos[cell_arc[q]]
    return k + 1, t[:j].copy(), h[:j].copy(), c[:j].copy(), mapped, pos


@njit(cache=True, nogil=True)
def _inherit(pos, flow, m):
    """A contracted network's arc flows from its parent's (``pos``: where each parent arc went, -1 dropped)."""
    out = np.zeros(m, np.int64)
    for i in range(len(pos)):
        if pos[i] >= 0:
            out[pos[i]] = flow[i]
    return out


@njit(cache=True, nogil=True)
def _start_from(n, tail, head, cap, flow, fwd, mate, rcap, excess):
    """Put the flow ``flow`` (per arc) on a freshly built residual network, if it is one: within every arc's
    capacity and conserved at every node but the source (0) and the sink (the last), where a node may also hold
    more in than out (excess, which the solver sends on). Returns whether it was put (else nothing changed).

    A subproblem of :func:`lexicographic_shares` inherits its parent's maximum flow: across the smallest minimum
    cut no flow runs backwards, so both contracted sides keep a flow that is conserved, and the subproblem's
    solves start from it instead of routing everything again (the held world's flow, above all, which every
    subproblem of a geofenced region carries)."""
    sink = n - 1
    bal = np.zeros(n, np.int64)
    for i in range(len(tail)):
        f = flow[i]
        if f < 0 or f > cap[i]:
            return False
        bal[head[i]] += f
        bal[tail[i]] -= f
    for u in range(1, sink):
        if bal[u] < 0:
            return False
    for i in range(len(tail)):
        f = flow[i]
        if f > 0:
            a = fwd[i]
            rcap[a] -= f
            rcap[mate[a]] += f
    for u in range(n):
        excess[u] = bal[u]
    return True


@njit(cache=True, nogil=True)
def _newton_kernel(d, b, allowance):
    """:func:`_newton_step` over every cell given (compiled, for the subproblems below)."""
    if allowance <= 0 or len(d) == 0:
        return 0.0
    order = np.argsort(b, kind="mergesort")
    bs = b[order]
    ds = d[order].astype(np.float64)
    m = len(bs)
    fixed = np.zeros(m + 1)
    rest = np.zeros(m + 1)
    total = ds.sum()
    rest[0] = total
    for i in range(m):
        fixed[i + 1] = fixed[i] + bs[i] * ds[i]
        rest[i + 1] = rest[i] - ds[i]
    k = 0
    while k < m and fixed[k] + bs[k] * rest[k] <= allowance:   # breakpoints at or below the allowance
        k += 1
    if k >= m:
        return bs[m - 1]
    return (allowance - fixed[k]) / rest[k] if rest[k] > 0 else bs[k]


@njit(cache=True, nogil=True)
def _solve_subtree(n0, tail0, head0, cap0, arcs0, ids0, lo0, hi0, demand, bound, wanted, level, flow0):
    """The divide and conquer of :func:`lexicographic_shares` below its first split, compiled: the same steps
    on every subproblem of one subtree (most subproblems are a few cells, where the per-call cost of numpy and of
    building a solver from Python was most of the time), each starting from its parent's maximum flow
    (``flow0``, per arc of the first: :func:`_start_from`). Writes ``level`` in place."""
    big = np.iinfo(np.int64).max // 8
    s_n = [n0]
    s_tail = [tail0]
    s_head = [head0]
    s_cap = [cap0]
    s_arcs = [arcs0]
    s_ids = [ids0]
    s_lo = [lo0]
    s_hi = [hi0]
    s_flow = [flow0]
    while len(s_n):
        n = s_n.pop()
        tail = s_tail.pop()
        head = s_head.pop()
        cap = s_cap.pop()
        arcs = s_arcs.pop()
        ids = s_ids.pop()
        lo = s_lo.pop()
        hi = s_hi.pop()
        flow = s_flow.pop()
        any_wanted = False
        for i in ids:
            if wanted[i]:
                any_wanted = True
                break
        if not any_wanted:
            continue
        if lo >= hi:
            for i in ids:
                level[i] = hi
            continue
        d = demand[ids]
        b = bound[ids]
        sink = n - 1
        m = len(tail)
        others = np.ones(m, np.bool_)
        for a in arcs:
            others[a] = False
        taken = 0
        for i in range(m):
            if others[i] and head[i] == sink:
                taken += min(cap[i], big)
        dsum = d.sum()
        cap = cap.copy()
        every_short = 0
        for i in range(m):
            if tail[i] == 0:
                cap[i] = min(cap[i], dsum + taken)
                every_short += cap[i]
        every_short -= taken
        if every_short > 0:
            lam = min(hi, _newton_kernel(d, b, float(every_short)))
        else:
            lam = lo
        c = cap.copy()
        for a in arcs:
            c[a] = min(c[a], flow[a])   # the cells' arcs at what they carry (their targets are set below)
        first, to, rcap, mate, back, fwd, order = _build(n, tail, head, c)
        excess = np.zeros(n, np.int64)
        if not _start_from(n, tail, head, c, flow, fwd, mate, rcap, excess):   # from nothing
            for a in arcs:
                c[a] = 0
            first, to, rcap, mate, back, fwd, order = _build(n, tail, head, c)
        label = np.zeros(n, np.int64)
        w = np.zeros((7, n), np.int64)
        while True:
            goal = np.floor(np.minimum(lam, b) * d).astype(np.int64)
            _set_capacity(arcs, goal, fwd, to, rcap, mate, excess)
            value = _solve(n, 0, sink, first, to, rcap, mate, back, order, excess, label, w[0], w[1], w[2], w[3],
                           w[4], w[5], w[6]) - taken
            if value >= goal.sum() or lam <= lo:
                for i in ids:
                    level[i] = lam
                break
            side = _source_side(n, 0, first, to, rcap, w[6])
            served = np.empty(len(arcs), np.bool_)
            for q in range(len(arcs)):
                served[q] = side[tail[arcs[q]]]
            if not served.any():
                lam = max(lo, min(_newton_kernel(d, b, float(value)), np.nextafter(lam, 0.0)))
                continue
            low_arcs = np.where(~served, arcs, -1)
            up_arcs = np.where(served, arcs, -1)
            ln, lt, lh, lc, lm, lpos = _contract_kernel(n, tail, head, cap, low_arcs, side, False)
            un, ut, uh, uc, um, upos = _contract_kernel(n, tail, head, cap, up_arcs, side, True)
            pf = np.empty(m, np.int64)
            for i in range(m):
                pf[i] = rcap[mate[fwd[i]]]
            s_n.append(ln)
            s_tail.append(lt)
            s_head.append(lh)
            s_cap.append(lc)
            s_arcs.append(lm[~served])
            s_ids.append(ids[~served])
            s_lo.append(lo)
            s_hi.append(lam)
            s_flow.append(_inherit(lpos, pf, len(lt)))
            s_n.append(un)
            s_tail.append(ut)
            s_head.append(uh)
            s_cap.append(uc)
            s_arcs.append(um[served])
            s_ids.append(ids[served])
            s_lo.append(lam)
            s_hi.append(hi)
            s_flow.append(_inherit(upos, pf, len(ut)))
            break


def lexicographic_shares(net: Network, demand, bound=None, wanted=None, solver=MaxFlow, _top=None) -> np.ndarray:
    """Each cell's share in the lexicographically max-min fair allocation: the unique allocation in which no
    cell's served share can rise without lowering that of a cell served a smaller or equal share (served shares
    in the target ``min(share, bound)`` of each cell's demand, ``bound`` the share it could get alone).

    The served vectors of the network form a polymatroid, whose weighted lexicographically optimal base is
    unique (Fujishige 1980); its levels are the breakpoints of the parametric minimum cut with sink capacities
    ``min(λ, bound) · demand``, which are nested (Gallo, Grigoriadis & Tarjan 1989). They are found by divide and
    conquer with contraction: at the λ where the "every cell short" and "every cell served" cuts of a
    subproblem meet, the smallest minimum cut either serves every cell (one level: they all get λ) or splits them
    into the cells served (levels above λ: the sink side merged into the sink) and those not (levels at or below
    λ: the source side merged into the source), each a smaller problem. A subproblem whose cells are all outside
    ``wanted`` (a boolean mask; default every cell) is not followed: their levels are not needed. The result does
    not depend on the order of the arcs or on the solver's state (each minimum cut is the smallest one).

    Returns per cell its level λ (NaN where not computed; 0 for a cell that asks nothing or that nothing reaches);
    the cell's allocation is ``floor(min(λ, bound) · demand)``, which :func:`lexicographic_flow` routes.
    """
    demand = np.asarray(demand, np.int64)
    n_cells = len(demand)
    bound = np.ones(n_cells) if bound is None else np.asarray(bound, float)
    wanted = np.ones(n_cells, bool) if wanted is None else np.asarray(wanted, bool)
    level = np.full(n_cells, np.nan)
    live = (demand > 0) & (bound > 0)
    level[~live] = 0.0
    cells = np.flatnonzero(live)
    if not len(cells):
        return level
    cap0 = np.asarray(net.cap, np.int64).copy()
    cap0[net.cell_arc[~live]] = 0   # cells that ask nothing or that nothing reaches take no part
    stack = [(net.n_nodes, net.tail, net.head, cap0, net.cell_arc[cells], cells, 0.0, 1.0)]
    while stack:
        n, tail, head, cap, arcs, ids, lo, hi = stack.pop()
        if not wanted[ids].any():
            continue
        if lo >= hi:  # served at the top of a range that has shrunk to one value: that is their level
            level[ids] = hi
            continue
        d, b = demand[ids], bound[ids]
        sink = n - 1
        # arcs into the sink that are not these cells' (what a merged sink side takes, whatever λ): a constant
        # part of every cut that serves these cells
        others = np.ones(len(tail), bool)
        others[arcs] = False
        others &= head == sink
        # no arc out of the source needs more than every cell's demand and the constant part
        taken = int(np.minimum(cap[others], np.iinfo(np.int64).max // 8).sum())
        cap = np.where(tail == 0, np.minimum(cap, int(d.sum()) + taken), cap)
        every_short = int(cap[tail == 0].sum()) - taken  # the source alone against every cell served
        lam = min(hi, _newton_step(np.arange(len(ids)), d, b, every_short)) if every_short > 0 else lo
        c = cap.copy()
        c[arcs] = 0
        mf = solver(n, tail, head, c)
        if _top is not None and not _top:  # the whole network's solver, kept for routing the levels
            _top.append(mf)
        while True:
            # each cell's target in whole Mbps, rounded down: a bottleneck short by less than a Mbps a cell is taken
            # as rounding (their level then errs by under one Mbps a cell), while rounding up would tie the cut that
            # starves every cell with ones that do not
            goal = np.floor(np.minimum(lam, b) * d).astype(np.int64)
            mf.set_capacity(arcs, goal)
            value = mf.solve() - taken   # what the cells get when the constant part is served
            if value >= goal.sum() or lam <= lo:  # every cell gets λ, and together they cannot have more
                level[ids] = lam
                break
            side = mf.source_side()
            served = side[tail[arcs]]
            if not served.any():  # every cell short: the bottleneck is inside, all of them share its level
                lam = max(lo, min(_newton_step(np.arange(len(ids)), d, b, value), np.nextafter(lam, 0.0)))
                continue
            lower = _contract(n, tail, head, cap, np.where(~served, arcs, -1), side, keep_source_side=False)
            upper = _contract(n, tail, head, cap, np.where(served, arcs, -1), side, keep_source_side=True)
            children = [(*lower[:4], lower[4][~served], ids[~served], lo, lam),
                        (*upper[:4], upper[4][served], ids[served], lam, hi)]
            if solver is MaxFlow:   # the rest of each subtree, compiled (the same steps), from this maximum flow
                flow = mf.flows()
                for child, pos in ((children[0], lower[5]), (children[1], upper[5])):
                    _solve_subtree(int(child[0]), *(np.ascontiguousarray(x, np.int64) for x in child[1:6]),
                                   float(child[6]), float(child[7]), demand, bound, wanted, level,
                                   _inherit(pos, flow, len(child[1])))
            else:
                stack += children
            break
    return level


def lexicographic_flow(net: Network, demand, bound=None, wanted=None, solver=MaxFlow, held=None, fill=None):
    """A flow that gives each cell of ``wanted`` exactly its lexicographically fair allocation (see
    :func:`lexicographic_shares`) and then serves the other cells as much as it can without taking any from
    those. Returns ``(per-arc flow, per-cell level)``. What the ``wanted`` cells get is unique; how the flow is
    split between operators, and what the others get, is one maximum flow among many (unless ``wanted`` is every
    cell: then every cell's allocation is unique).

    ``held`` (per cell, whole Mbps; read for the cells not ``wanted``): those cells get exactly that, first, and
    the ``wanted`` cells share fairly what is left (the lexicographically optimal base of the polymatroid
    contracted by ``held``: a feasible ``held`` is served whatever the ``wanted`` cells ask). A geofence is
    computed so: the rest of the world held at what it got without the geofence, the region's cells fairly
    sharing the rest.

    ``fill`` (per cell): after the allocation is routed, these cells (only) take what the whole-Mbps rounding of
    the levels left, which never takes flow from any cell: their total is then exactly a maximum-flow value (the
    most they can get with every other cell kept at what it has), so that it can only fall as arcs are removed.
    Default: the cells not ``wanted`` and not held get what they can."""
    demand = np.asarray(demand, np.int64)
    bound = np.ones(len(demand)) if bound is None else np.asarray(bound, float)
    wanted = np.ones(len(demand), bool) if wanted is None else np.asarray(wanted, bool)
    top: list = []
    if held is None:
        fixed = np.zeros(len(demand), np.int64)
        level = lexicographic_shares(net, demand, bound, wanted, solver, top)
    else:   # the held cells' arcs are constant: part of every cut, as a merged sink side is
        fixed = np.where(wanted, 0, np.asarray(held, np.int64))
        cap = net.cap.copy()
        cap[net.cell_arc[~wanted]] = fixed[~wanted]
        sub = Network(net.n_nodes, net.tail, net.head, cap, net.cell_arc[wanted])
        level = np.full(len(demand), np.nan)
        level[wanted] = lexicographic_shares(sub, demand[wanted], bound[wanted], None, solver, top)
    lam = np.where(np.isnan(level), 0.0, level)
    # whole Mbps: a level found along another path can differ in its last bits, which must not move a cell by one
    goal = np.where(wanted, np.floor(np.minimum(lam, bound) * demand + 1e-6), fixed).astype(np.int64)
    if top:   # the whole network's solver, warm (its source arcs clipped to what the cells can take: the same flows)
        mf = top[0]
        mf.set_capacity(net.cell_arc, goal)
    else:
        cap = net.cap.copy()
        cap[net.cell_arc] = goal
        mf = solver(net.n_nodes, net.tail, net.head, cap)
    cell_node = net.tail[net.cell_arc]
    while mf.solve() < goal.sum():
        # the levels are exact up to floating-point rounding, which can leave a bottleneck a few Mbps short: its
        # cells (beyond the smallest minimum cut, so whatever the solver) give up one Mbps each until it fits
        short = ~mf.source_side()[cell_node] & (goal > 0) & wanted
        if not short.any():
            raise RuntimeError("the lexicographic allocation cannot be routed"
                               + (" (the held cells' allocation is not feasible)" if held is not None else ""))
        goal = np.where(short, goal - 1, goal)
        mf.set_capacity(net.cell_arc, goal)
    if fill is not None:
        mf.set_capacity(net.cell_arc, np.where(np.asarray(fill, bool), demand, goal))
        mf.solve()
    elif held is None:
        mf.set_capacity(net.cell_arc, np.where(wanted, goal, demand))   # the others, without taking from these
        mf.solve()
    return mf.flows(), level


def carried_range(net: Network, goal, region, into_region, mine, solver=MaxFlow, held=None) -> tuple[int, int]:
    """What one operator carries into the region among the flows that give every region cell exactly its
    ``goal`` (its fair allocation): ``(least, most)``, both maximum-flow values, so unique. The fair allocation
    fixes what each cell gets, not which operator carries it; these two numbers bound the latter.

    ``region`` (per cell) marks the region's cells; ``into_region`` (per arc) the arcs that deliver into a region
    cell; ``mine`` (per arc) those of the operator. ``most``: the operator's arcs alone, the region's cells
    asking their goal (a flow that gives each its goal can carry no more on them, and one that reaches the goal
    with the others' arcs added keeps it: an augmenting path never returns to the source). ``least``: the
    region's goals less what the others' arcs can carry without it (``goal`` must be feasible). ``held`` (per
    cell, read outside the region): the rest of the world served exactly that in every flow considered (default:
    the rest of the world asks nothing). With the world held at the allocation the geofences are computed
    against, ``least`` is at least what switching the operator off over the region loses."""
    mine = np.asarray(mine, bool)
    return carried_ranges(net, goal, region, into_region, np.where(mine, 0, 1), [0], solver, held)[0]


def carried_ranges(net: Network, goal, region, into_region, arc_op, ops, solver=MaxFlow, held=None) -> dict:
    """:func:`carried_range` for each operator of ``ops`` (``arc_op``: each arc's operator, -1 for none), on
    the network pruned once to the arcs that lie on a path into a cell that asks something (without ``held``,
    only the region's cells do). With ``held``, every flow considered serves the world's cells exactly ``held``
    (feasible by assumption): a maximum flow with the world's cells capped there saturates them (the served
    vectors form a polymatroid, so ``held`` extends to a maximum), and the region gets the value less their sum."""
    goal = np.asarray(goal, np.int64)
    region = np.asarray(region, bool)
    into_region, arc_op = np.asarray(into_region, bool), np.asarray(arc_op, np.int64)
    world = np.zeros(len(goal), np.int64) if held is None else np.where(region, 0, np.asarray(held, np.int64))
    cap = net.cap.copy()
    cap[net.cell_arc] = np.where(region, goal, world)
    useful_node = np.zeros(net.n_nodes, bool)
    useful_node[net.n_nodes - 1] = True
    useful = np.zeros(len(cap), bool)
    while True:   # a DAG of a few layers: a few passes
        now = (cap > 0) & useful_node[net.head]
        if np.array_equal(now, useful):
            break
        useful = now
        useful_node[net.tail[useful]] = True
    index = np.flatnonzero(useful)
    tail, head, sub_cap = net.tail[index], net.head[index], cap[index]
    sub_into, sub_op = into_region[index], arc_op[index]
    total, taken = int(goal[region].sum()), int(world.sum())
    out = {}
    for k in ops:
        alone = np.where(sub_into & (sub_op != k), 0, sub_cap)
        most = solver(net.n_nodes, tail, head, alone).solve() - taken if len(index) else 0
        without = np.where(sub_into & (sub_op == k), 0, sub_cap)
        rest = solver(net.n_nodes, tail, head, without).solve() - taken if len(index) else 0
        out[k] = (max(0, total - int(rest)), max(0, int(most)))
    return out


def fair_bounds(net: Network, demand, bound=None, region=None, solver=MaxFlow, held=None) -> dict:
    """What any maximum flow that keeps the fair floor can give the region: the floor is every cell's
    ``floor(min(λ, bound) · demand)`` at the first level λ of :func:`fair_flow`; ``region_first`` is the most the
    region's cells (``region``, a boolean mask) can then get, the rest of the world held at its floor;
    ``world_first`` what is left for them when the rest of the world is served first (its most, the region held
    at its floor), the flow then completed to a maximum flow. Both are maximum-flow values, so unique. Returns
    ``{"lambda", "floor", "region_first", "world_first", "total"}`` (Mbps; ``total`` the maximum flow).

    ``held`` (per cell, read outside the region): the allocation a geofence is measured against (see
    :func:`lexicographic_flow`). Then ``world_first`` is what the region gets when the rest of the world, keeping
    at least ``held``, first takes all it can, and ``region_first`` the most the region gets with the rest of the
    world kept at its floor or ``held``, whichever is less: the two ends of the operators re-balancing the
    capacity a geofence frees, which bracket the allocation with the world held (any flow serving the world more
    than ``held`` can be cut back to it without taking from the region, and one serving it ``held`` can be cut
    back to the floor)."""
    demand = np.asarray(demand, np.int64)
    bound = np.ones(len(demand)) if bound is None else np.asarray(bound, float)
    region = np.ones(len(demand), bool) if region is None else np.asarray(region, bool)
    _flows, lam = fair_flow(net, demand, bound)
    floor = np.floor(np.minimum(lam, bound) * demand).astype(np.int64)
    out = {"lambda": float(lam), "floor": floor}
    cells = net.cell_arc
    if held is None:
        start = {"region_first": floor, "world_first": floor}
    else:
        held = np.where(region, 0, np.asarray(held, np.int64))
        start = {"region_first": np.where(region, 0, np.minimum(floor, held)), "world_first": held}
    for first, name in ((region, "region_first"), (~region, "world_first")):
        cap = net.cap.copy()
        cap[cells] = start[name]
        mf = solver(net.n_nodes, net.tail, net.head, cap)
        mf.solve()
        mf.set_capacity(cells, np.where(first, demand, start[name]))  # the first side to its most, the other kept
        mf.solve()
        mf.set_capacity(cells, demand)                               # then everyone: a maximum flow
        out["total"] = mf.solve()
        served = mf.flows()[cells]
        out[name] = int(served[region].sum())
    return out
