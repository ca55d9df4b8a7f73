"""Capacity benchmark (issue 11): the built-in communication satellites serving Canada and the EU27 with the
rest of the world's demand in the background, over snapshots, for every standard policy and each major
operator's kill switch; and the same flow problems solved as linear programs with HiGHS (scipy.optimize.linprog)
on a subset of snapshots, for the speed ratio and the served totals.

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
from satsov.capacity.flow import allocate_snapshot
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spacing-km", type=float, default=25.0)
    parser.add_argument("--background-km", type=float, default=100.0)
    parser.add_argument("--snapshots", type=int, default=24)
    parser.add_argument("--lp-snapshots", type=int, default=2)
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
    result = allocate(fleets, demand, times, cases={k: tuple(v) for k, v in cases.items()}, gateways=None)
    t_flow = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"satsov allocate (fair max flow, every case and snapshot): {t_flow:.1f} s, peak RSS {peak:.0f} MB")
    for k in cases:
        f = result.figures(k)
        print(f"  {k:24s} served {f.served_share:7.2%}  p5 {f.served_share_p5:7.2%}")
    # the LP baseline on the first snapshots, all cases, unfair maximum flow vs LP optimum (same totals)
    table = supply_table()
    elements = [e for f in fleets.values() for e in f]
    sat_fleet = np.concatenate([np.full(len(f), i) for i, f in enumerate(fleets.values())])
    caps = np.concatenate([np.floor(table.satellite_capacity_gbps(f, k)[0] * 1000) for k, f in fleets.items()])
    min_el = np.concatenate([np.full(len(f), table.operator(k, geo=all(e.is_deep_space for e in f)).min_elevation_deg)
                             for k, f in fleets.items()])
    density = np.array([table.operator(k, geo=all(e.is_deep_space for e in f)).cell_capacity.base
                        for k, f in fleets.items()])
    cg = demand.grid
    xyz, up = geodetic_to_ecef(cg.lat_deg, cg.lon_deg, 0.0), up_vectors(cg.lat_deg, cg.lon_deg)
    d_mbps = np.floor(demand.mbps).astype(np.int64)
    t_ours = t_lp = 0.0
    worst = 0.0
    names = list(fleets)
    for t in range(min(args.lp_snapshots, len(times))):
        pos = satsov.propagate(elements, times[t:t + 1])[0][:, 0]
        sat, cell = visible_pairs(pos, min_el, xyz, up)
        for k, ops in cases.items():
            keep = np.isin(sat_fleet[sat], [names.index(o) for o in ops]) & (caps[sat] > 0)
            ps, pc = sat[keep], cell[keep]
            po = sat_fleet[ps]
            link_cap = np.floor(density[po] * cg.area_km2[pc]).astype(np.int64)
            t1 = time.perf_counter()
            ours = allocate_snapshot(caps.astype(np.int64), ps, pc, po, link_cap, d_mbps, fair=False).total_mbps
            t_ours += time.perf_counter() - t1
            t1 = time.perf_counter()
            lp = lp_total(caps, ps, pc, po, link_cap, d_mbps)
            t_lp += time.perf_counter() - t1
            worst = max(worst, abs(ours - lp) / max(lp, 1.0))
    print(f"same problems, {min(args.lp_snapshots, len(times))} snapshot(s) x {len(cases)} cases: max flow "
          f"{t_ours:.1f} s, HiGHS LP {t_lp:.1f} s ({t_lp / max(t_ours, 1e-9):.1f}x); totals differ by at most "
          f"{worst:.4%} (LP optimum is fractional, the flow integer Mbps)")


if __name__ == "__main__":
    main()
