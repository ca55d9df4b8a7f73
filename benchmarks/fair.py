"""The unique fair allocation (issue 31): one snapshot's capacity network (the built-in broadband fleets over
Canada + EU27 with the rest of the world competing), each case solved three ways:

- ``first level``: the fair share of the first level, then one maximum flow among many (the engine before);
- ``naive``: progressive filling to the last level (Newton's method on every level, the full network each time):
  the lexicographically fair allocation, the slow and obvious way;
- ``satsov``: :func:`satsov.capacity.flow.lexicographic_flow` (parametric minimum cuts with contraction; only
  the levels the region's cells need).

It prints the time of each and the region's served share, and the share again with the arcs permuted (the
naive and satsov allocations are the same whatever the order; the first level's is not).

    python benchmarks/fair.py                      # 100 km region, 200 km background, the first snapshot
    python benchmarks/fair.py --spacing-km 50
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np

import satsov
from satsov.capacity import build_demand, supply_table
from satsov.capacity.blocks import block_network, block_tree, visible_blocks
from satsov.capacity.flow import Network, fair_flow, lexicographic_flow
from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
from satsov.world.operators import operator_registry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spacing-km", type=float, default=100.0)
    parser.add_argument("--background-km", type=float, default=200.0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    registry = operator_registry()
    fleets = {k: f for k, f in satsov.as_flying().items() if registry[k].service == "broadband"}
    demand = build_demand(satsov.grid("CA+EU27", args.spacing_km), background_spacing_km=args.background_km)
    table = supply_table()
    elements = [e for f in fleets.values() for e in f]
    sat_fleet = np.concatenate([np.full(len(f), i) for i, f in enumerate(fleets.values())])
    caps = np.concatenate([np.floor(table.satellite_capacity_gbps(f, k)[0] * 1000)
                           for k, f in fleets.items()]).astype(np.int64)
    min_el = np.concatenate([np.full(len(f), table.operator(k, geo=all(e.is_deep_space for e in f)).min_elevation_deg)
                             for k, f in fleets.items()])
    density = np.array([table.operator(k, geo=all(e.is_deep_space for e in f)).cell_capacity.base
                        for k, f in fleets.items()])
    g = demand.grid
    xyz, up = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0), up_vectors(g.lat_deg, g.lon_deg)
    d_mbps = np.floor(demand.mbps).astype(np.int64)
    tree = block_tree(xyz, up, d_mbps >= 1, demand.in_region)
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
        keep = (bn.arc_op < 0) | allowed[np.maximum(bn.arc_op, 0)]
        idx = np.flatnonzero(keep)
        at = np.full(len(keep), -1)
        at[idx] = np.arange(len(idx))
        net = bn.network
        sub = Network(net.n_nodes, net.tail[idx], net.head[idx], net.cap[idx], at[net.cell_arc])
        perm = rng.permutation(len(sub.tail))
        permuted = Network(sub.n_nodes, sub.tail[perm], sub.head[perm], sub.cap[perm], np.argsort(perm)[sub.cell_arc])
        reach = bn.reach_op[allowed].sum(axis=0)
        bound = np.where(slot_demand > 0, np.minimum(1.0, reach / np.maximum(slot_demand, 1)), 1.0)
        ways = {"first level": lambda n: fair_flow(n, slot_demand, bound)[0],
                "naive": lambda n: fair_flow(n, slot_demand, bound, levels=10**9)[0],
                "satsov": lambda n: lexicographic_flow(n, slot_demand, bound, region)[0]}
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
