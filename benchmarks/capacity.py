"""Capacity benchmark (issue 11): the built-in communication satellites serving Canada and the EU27 with the
rest of the world's demand in the background, over snapshots, for every standard policy and each major
operator's kill switch; and the same flow problems solved as linear programs with HiGHS (scipy.optimize.linprog)
on a subset of snapshots, for the speed ratio and the served totals; on the same snapshots, the fair flows
solved by satsov's warm-started push-relabel and, as the peer, each of Newton's steps from nothing with
OR-Tools' maximum flow (the engine before; ``pip install ortools``, in the ``bench`` extra).

    python benchmarks/capacity.py                         # the issue's workload (25 km, 100 km background, 24 h)
    python benchmarks/capacity.py --spacing-km 100 --background-km 200 --snapshots 4 --lp-snapshots 1
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import warnings

import numpy as np

import satsov
from satsov.capacity import allocate, build_demand, supply_table, visible_pairs
from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
from satsov.world.operators import operator_registry
from satsov.world.policies import standard_policies


def lp_total(sat_cap, ps, pc, po, link_cap, demand) -> float:
    """The same maximum flow as a linear program (HiGHS): maximise served subject to the three caps."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix
    n_ops = int(po.max()) + 1 if len(po) else 1
    keys, link = np.unique(pc * n_ops + po, return_inverse=True)
    n_pairs, n_links, n_cells, n_sats = len(ps), len(keys), len(demand), len(sat_cap)
    cap = np.zeros(n_links)
    np.maximum.at(cap, link, link_cap)
    rows = np.concatenate([ps, n_sats + link, n_sats + n_links + pc])
    cols = np.concatenate([np.arange(n_pairs)] * 3)
    a = coo_matrix((np.ones(3 * n_pairs), (rows, cols)), shape=(n_sats + n_links + n_cells, n_pairs)).tocsr()
    b = np.concatenate([sat_cap, cap, demand])
    res = linprog(-np.ones(n_pairs), A_ub=a, b_ub=b, bounds=(0, None), method="highs")
    return -res.fun


def satellite_arrays(fleets):
    """Per satellite of ``fleets`` (the base supply figures of data/capacity.yaml): the element sets, the fleet's
    index, the capacity (Mbps) and the minimum elevation; and per fleet its capacity density into a cell."""
    table = supply_table()
    elements = [e for f in fleets.values() for e in f]
    sat_fleet = np.concatenate([np.full(len(f), i) for i, f in enumerate(fleets.values())])
    caps = np.concatenate([np.floor(table.satellite_capacity_gbps(f, k)[0] * 1000)
                           for k, f in fleets.items()]).astype(np.int64)
    min_el = np.concatenate([np.full(len(f), table.operator(k, geo=all(e.is_deep_space for e in f)).min_elevation_deg)
                             for k, f in fleets.items()])
    density = np.array([table.operator(k, geo=all(e.is_deep_space for e in f)).cell_capacity.base
                        for k, f in fleets.items()])
    return elements, sat_fleet, caps, min_el, density


def cell_blocks(demand):
    """The demand grid's cell positions and up vectors, whole-Mbps demand, and the block tree over them."""
    from satsov.capacity.blocks import block_tree
    cg = demand.grid
    xyz, up = geodetic_to_ecef(cg.lat_deg, cg.lon_deg, 0.0), up_vectors(cg.lat_deg, cg.lon_deg)
    d_mbps = np.floor(demand.mbps).astype(np.int64)
    return xyz, up, d_mbps, block_tree(xyz, up, d_mbps >= 1, demand.in_region)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spacing-km", type=float, default=25.0)
    parser.add_argument("--background-km", type=float, default=100.0)
    parser.add_argument("--snapshots", type=int, default=24)
    parser.add_argument("--lp-snapshots", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="processes for allocate's snapshots")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    registry = operator_registry()
    fleets = satsov.as_flying()
    fleets = {k: f for k, f in fleets.items() if registry[k].service == "broadband"}
    g = satsov.grid("CA+EU27", args.spacing_km)
    demand = build_demand(g, background_spacing_km=args.background_km)
    times = satsov.time_grid("2026-05-07T00:00:00Z", f"{(args.snapshots - 1)}h", "1h")
    cases = {p.name: [k for k in fleets if p.allows(registry[k])] for p in standard_policies()}
    for k in [k for k, f in fleets.items() if len(f) >= 50]:
        cases[f"without {k}"] = [o for o in fleets if o != k]
    n_sats = sum(len(f) for f in fleets.values())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"workload: {n_sats} satellites, {int(demand.in_region.sum())} region cells at {args.spacing_km:g} km + "
          f"{int((~demand.in_region).sum())} background cells at {args.background_km:g} km, {len(times)} snapshots, "
          f"{len(cases)} cases")
    t0 = time.perf_counter()
    result = allocate(fleets, demand, times, cases={k: tuple(v) for k, v in cases.items()}, gateways=None,
                      workers=args.workers)
    t_flow = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"satsov allocate (fair max flow, every case and snapshot, {args.workers} worker(s)): {t_flow:.1f} s, "
          f"peak RSS of this process {peak:.0f} MB")
    for k in cases:
        f = result.figures(k)
        print(f"  {k:24s} served {f.served_share:7.2%}  p5 {f.served_share_p5:7.2%}")
    # the same flow problems three ways on the first snapshots, all cases, plain maximum flow (no fairness):
    # satsov's block network with its own solver, the pairwise network with scipy's Dinic (the engine before the
    # blocks), and the pairwise linear program with HiGHS
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    from satsov.capacity.blocks import block_network, visible_blocks
    from satsov.capacity.flow import fair_flow
    elements, sat_fleet, caps, min_el, density = satellite_arrays(fleets)
    cg = demand.grid
    xyz, up, d_mbps, tree = cell_blocks(demand)
    t_blocks = t_dinic = t_lp = 0.0
    worst = 0.0
    names = list(fleets)
    n_lp = min(args.lp_snapshots, len(times))
    arcs_blocks = arcs_pairs = 0
    t_fair = {"satsov": 0.0, "OR-Tools": 0.0}
    fair_same = True
    peer = ortools_cold()
    for t in range(n_lp):
        pos = satsov.propagate(elements, times[t:t + 1])[0][:, 0]
        t1 = time.perf_counter()
        s, lv, b = visible_blocks(tree, pos, min_el, caps > 0)
        bn = block_network(tree, s, lv, b, sat_fleet, caps, density, cg.area_km2, d_mbps, len(names))
        t_blocks += time.perf_counter() - t1
        sat, cell = visible_pairs(pos, min_el, xyz, up)
        slot_demand = np.where(tree.cells >= 0, d_mbps[np.maximum(tree.cells, 0)], 0)
        for k, ops in cases.items():
            allowed = np.isin(np.arange(len(names)), [names.index(o) for o in ops])
            t1 = time.perf_counter()
            sub = bn.network.subset((bn.arc_op < 0) | allowed[np.maximum(bn.arc_op, 0)])
            flows, _ = fair_flow(sub, slot_demand, fair=False)
            ours = int(flows[sub.cell_arc].sum())
            t_blocks += time.perf_counter() - t1
            # the fair flow (Newton's method on the common share), warm-started against the peer's cold solves
            reach = bn.reach_op[allowed].sum(axis=0)
            bound = np.where(slot_demand > 0, np.minimum(1.0, reach / np.maximum(slot_demand, 1)), 1.0)
            got = {}
            for name, solver in [("satsov", None), ("OR-Tools", peer)]:
                if name != "satsov" and solver is None:
                    continue
                t1 = time.perf_counter()
                f, lam = fair_flow(sub, slot_demand, bound, **({} if solver is None else {"solver": solver}))
                t_fair[name] += time.perf_counter() - t1
                got[name] = (lam, int(f[sub.cell_arc].sum()))
            fair_same &= len(set(got.values())) == 1
            arcs_blocks += len(sub.tail)
            keep = allowed[sat_fleet[sat]] & (caps[sat] > 0) & (d_mbps[cell] >= 1)
            ps, pc = sat[keep], cell[keep]
            po = sat_fleet[ps]
            link_cap = np.floor(density[po] * cg.area_km2[pc]).astype(np.int64)
            t1 = time.perf_counter()
            dinic = pairwise_dinic(caps, ps, pc, po, link_cap, d_mbps, csr_matrix, maximum_flow)
            t_dinic += time.perf_counter() - t1
            arcs_pairs += len(ps)
            t1 = time.perf_counter()
            lp = lp_total(caps, ps, pc, po, link_cap, d_mbps)
            t_lp += time.perf_counter() - t1
            worst = max(worst, abs(ours - lp) / max(lp, 1.0), abs(ours - dinic) / max(dinic, 1.0))
    if n_lp:
        peer_text = (f"OR-Tools, each step from nothing {t_fair['OR-Tools']:.1f} s "
                     f"({t_fair['OR-Tools'] / max(t_fair['satsov'], 1e-9):.2f}x); same λ and totals: {fair_same}"
                     if peer is not None else "OR-Tools not installed (pip install ortools): no peer")
        print(f"fair flows, {n_lp} snapshot(s) x {len(cases)} cases: satsov (warm-started push-relabel) "
              f"{t_fair['satsov']:.1f} s, {peer_text}")
    print(f"same problems, {n_lp} snapshot(s) x {len(cases)} cases, plain maximum flow: block network + satsov "
          f"{t_blocks:.1f} s ({arcs_blocks / max(n_lp * len(cases), 1) / 1e6:.2f} M arcs per case), pairwise + scipy "
          f"Dinic {t_dinic:.1f} s ({arcs_pairs / max(n_lp * len(cases), 1) / 1e6:.2f} M pairs per case), pairwise LP "
          f"HiGHS {t_lp:.1f} s ({t_lp / max(t_blocks, 1e-9):.1f}x the blocks); totals differ by at most {worst:.4%}")


def ortools_cold():
    """A solver class with MaxFlow's interface that solves every time from nothing with OR-Tools (the peer), or
    None where OR-Tools is not installed."""
    try:
        from ortools.graph.python.max_flow import SimpleMaxFlow
    except ImportError:
        return None

    class OrToolsCold:
        def __init__(self, n_nodes, tail, head, cap):
            self.n, self.tail, self.head, self.cap = n_nodes, tail, head, np.array(cap, np.int64)
            self.value = 0

        def set_capacity(self, arcs, caps):
            self.cap[arcs] = caps

        def solve(self):
            m = SimpleMaxFlow()
            if len(self.tail):
                m.add_arcs_with_capacity(self.tail, self.head, self.cap)
            m.add_arc_with_capacity(0, self.n - 1, 0)
            m.solve(0, self.n - 1)
            self._m = m
            self.value = int(m.optimal_flow())
            return self.value

        def flows(self):
            return np.asarray(self._m.flows(np.arange(len(self.tail))), np.int64)

        def source_side(self):
            side = np.zeros(self.n, bool)
            side[np.asarray(self._m.get_source_side_min_cut(), np.int64)] = True
            return side

    return OrToolsCold


def pairwise_dinic(sat_cap, ps, pc, po, link_cap, demand, csr_matrix, maximum_flow) -> int:
    """The pairwise network (satellite → (cell, operator) → cell) with scipy's Dinic: the engine before blocks."""
    n_ops = int(po.max()) + 1 if len(po) else 1
    keys, link = np.unique(pc * n_ops + po, return_inverse=True)
    link = link.ravel()
    cap = np.zeros(len(keys), np.int64)
    np.maximum.at(cap, link, link_cap)
    n_sat, n_link, n_cell = len(sat_cap), len(keys), len(demand)
    sat0, link0, cell0 = 1, 1 + n_sat, 1 + n_sat + n_link
    sink = cell0 + n_cell
    rows = np.concatenate([np.zeros(n_sat, np.int64), sat0 + ps, link0 + np.arange(n_link), cell0 + np.arange(n_cell)])
    cols = np.concatenate([sat0 + np.arange(n_sat), link0 + link, cell0 + keys // n_ops, np.full(n_cell, sink)])
    caps = np.concatenate([sat_cap, sat_cap[ps], cap, demand]).astype(np.int64)
    keep = caps > 0
    g = csr_matrix((caps[keep].astype(np.int32), (rows[keep], cols[keep])), shape=(sink + 1, sink + 1))
    return int(maximum_flow(g, 0, sink, method="dinic").flow_value)

if __name__ == "__main__":
    main()
