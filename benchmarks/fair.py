"""The unique fair allocation (issue 31): one snapshot's capacity network (the built-in broadband fleets over
Canada + EU27 with the rest of the world competing), each case solved three ways:

- ``first level``: the fair share of the first level, then one maximum flow among many (the engine before);
- ``naive``: progressive filling to the last level (Newton's method on every level, the full network each time):
  the lexicographically fair allocation, the slow and obvious way;
- ``satsov``: :func:`satsov.capacity.flow.lexicographic_flow` (parametric minimum cuts with contraction; only
  the levels the region's cells need);
- ``HiGHS LP`` (with ``--highs``): the same fair allocation with every maximum flow solved as a linear program by
  HiGHS (``scipy.optimize.linprog``, dual simplex, so each flow is a vertex: integral), the minimum cuts read from
  its residual network: the peer for the speed ratio and the served totals.

It prints the time of each and the region's served share, and the share again with the arcs permuted (the
naive and satsov allocations are the same whatever the order; the first level's is not).

    python benchmarks/fair.py                      # 100 km region, 200 km background, the first snapshot
    python benchmarks/fair.py --spacing-km 50
    python benchmarks/fair.py --region CA --spacing-km 200 --background-km 400 --highs
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # first: importing numba drops the script's folder
from capacity import cell_blocks, satellite_arrays  # noqa: E402 (benchmarks/capacity.py: the same network)

import numpy as np  # noqa: E402

import satsov  # noqa: E402
from satsov.capacity import build_demand  # noqa: E402
from satsov.capacity.blocks import block_network, visible_blocks  # noqa: E402
from satsov.capacity.flow import Network, fair_flow, lexicographic_flow  # noqa: E402
from satsov.world.operators import operator_registry  # noqa: E402


class HighsMaxFlow:
    """The interface of :class:`satsov.capacity.maxflow.MaxFlow` (capacities of arcs into the sink changed between
    solves), each solve a linear program from nothing: maximise the flow into the sink subject to conservation
    and the capacities, by HiGHS's dual simplex. As ``MaxFlow`` (push-relabel never takes flow back from the
    sink), a solve keeps at least the flow each arc into the sink had, up to its capacity."""

    def __init__(self, n_nodes, tail, head, cap):
        from scipy import sparse
        self.n, self.tail, self.head = int(n_nodes), np.asarray(tail), np.asarray(head)
        self.cap = np.asarray(cap, np.int64).copy()
        m, sink = len(self.tail), self.n - 1
        inner = np.full(self.n, -1, np.int64)
        inner[1:sink] = np.arange(self.n - 2)
        rows = np.concatenate([inner[self.head], inner[self.tail]])
        vals = np.concatenate([np.ones(m), -np.ones(m)])
        cols = np.concatenate([np.arange(m), np.arange(m)])
        ok = rows >= 0
        self.a_eq = sparse.csr_array((vals[ok], (rows[ok], cols[ok])), shape=(self.n - 2, m))
        self.objective = -(self.head == sink).astype(float)
        self.x = np.zeros(m, np.int64)

    def set_capacity(self, arcs, caps):
        self.cap[np.asarray(arcs)] = caps

    def solve(self):
        from scipy.optimize import linprog
        from satsov.capacity.flow import INT_CAP
        upper = np.where(self.cap >= INT_CAP, np.inf, self.cap.astype(float))
        lower = np.where(self.head == self.n - 1, np.minimum(self.x, self.cap), 0).astype(float)
        r = linprog(self.objective, A_eq=self.a_eq, b_eq=np.zeros(self.n - 2),
                    bounds=np.column_stack([lower, upper]), method="highs-ds")
        if r.status != 0:
            raise RuntimeError(f"HiGHS: {r.message}")
        self.x = np.rint(r.x).astype(np.int64)
        return int(self.x[self.head == self.n - 1].sum())

    def flows(self):
        return self.x

    def source_side(self):
        from scipy import sparse
        from scipy.sparse.csgraph import breadth_first_order
        fwd = self.x < self.cap
        back = self.x > 0
        g = sparse.csr_array((np.ones(int(fwd.sum() + back.sum())),
                              (np.concatenate([self.tail[fwd], self.head[back]]),
                               np.concatenate([self.head[fwd], self.tail[back]]))), shape=(self.n, self.n))
        side = np.zeros(self.n, bool)
        side[breadth_first_order(g, 0, directed=True, return_predecessors=False)] = True
        return side


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", default="CA+EU27")
    parser.add_argument("--spacing-km", type=float, default=100.0)
    parser.add_argument("--background-km", type=float, default=200.0)
    parser.add_argument("--highs", action="store_true", help="also solve it with HiGHS's LPs as the maximum flows")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    registry = operator_registry()
    fleets = {k: f for k, f in satsov.as_flying().items() if registry[k].service == "broadband"}
    demand = build_demand(satsov.grid(args.region, args.spacing_km), background_spacing_km=args.background_km)
    elements, sat_fleet, caps, min_el, density = satellite_arrays(fleets)
    g = demand.grid
    _xyz, _up, d_mbps, tree = cell_blocks(demand)
    pos = satsov.propagate(elements, satsov.time_grid("2026-05-07T00:00:00Z", "0s", "1h"))[0][:, 0]
    s, lv, b = visible_blocks(tree, pos, min_el, caps > 0)
    bn = block_network(tree, s, lv, b, sat_fleet, caps, density, g.area_km2, d_mbps, len(fleets))
    slot_demand = np.where(tree.cells >= 0, d_mbps[np.maximum(tree.cells, 0)], 0)
    region = np.zeros(len(slot_demand), bool)
    region[:tree.region_slots] = True
    region &= slot_demand > 0
    names = list(fleets)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"network: {bn.network.n_nodes} nodes, {len(bn.network.tail)} arcs; {int(region.sum())} region cells, "
          f"{int(((~region) & (slot_demand > 0)).sum())} background cells with demand")
    rng = np.random.default_rng(1)
    for case, ops in [("all operators", names), ("without SpaceX", [n for n in names if n != "starlink"])]:
        allowed = np.isin(np.arange(len(names)), [names.index(o) for o in ops])
        sub = bn.network.subset((bn.arc_op < 0) | allowed[np.maximum(bn.arc_op, 0)])
        perm = rng.permutation(len(sub.tail))
        permuted = Network(sub.n_nodes, sub.tail[perm], sub.head[perm], sub.cap[perm], np.argsort(perm)[sub.cell_arc])
        reach = bn.reach_op[allowed].sum(axis=0)
        bound = np.where(slot_demand > 0, np.minimum(1.0, reach / np.maximum(slot_demand, 1)), 1.0)
        ways = {"first level": lambda n: fair_flow(n, slot_demand, bound)[0],
                "naive": lambda n: fair_flow(n, slot_demand, bound, levels=10**9)[0],
                "satsov": lambda n: lexicographic_flow(n, slot_demand, bound, region)[0]}
        if args.highs:
            ways["HiGHS LP"] = lambda n: lexicographic_flow(n, slot_demand, bound, region, solver=HighsMaxFlow)[0]
        print(f"{case}:")
        for name, solve in ways.items():
            t0 = time.perf_counter()
            flows = solve(sub)
            dt = time.perf_counter() - t0
            share = flows[sub.cell_arc][region].sum() / slot_demand[region].sum()
            again = solve(permuted)
            share_p = again[permuted.cell_arc][region].sum() / slot_demand[region].sum()
            print(f"  {name:12s} {dt:7.3f} s   region served {share:.6%}   arcs permuted {share_p:.6%}")


if __name__ == "__main__":
    main()
