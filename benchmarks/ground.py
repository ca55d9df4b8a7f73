"""What the ground segment costs (issue 31, item 5): one allocation of Canada with the rest of the world, every
built-in broadband fleet, with the gateways unlimited, sized for the bent-pipe operators only, and sized for every
operator (the default), alternated; and what each gives (the region's share, the world's total served).

    python benchmarks/ground.py                       # Canada at 100 km, the world at 200 km, 4 snapshots
    python benchmarks/ground.py --snapshots 2 --repeat 3
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
from satsov.capacity import allocate, build_demand, supply_table
from satsov.world.cases import REGION, Case, Denial
from satsov.world.operators import operator_registry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", default="CA")
    parser.add_argument("--spacing-km", type=float, default=100.0)
    parser.add_argument("--background-km", type=float, default=200.0)
    parser.add_argument("--snapshots", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    registry = operator_registry()
    fleets = {k: f for k, f in satsov.as_flying().items() if registry[k].service == "broadband"}
    supply = supply_table()
    isl = tuple(k for k, f in fleets.items()
                if supply.operator(k).inter_satellite_links and not all(e.is_deep_space for e in f))
    demand = build_demand(satsov.grid(args.region, args.spacing_km), background_spacing_km=args.background_km)
    times = satsov.time_grid("2026-05-07T00:00:00Z", f"{6 * (args.snapshots - 1)}h", "6h")
    positions = satsov.propagate([e for f in fleets.values() for e in f], times)[0]
    cases = {"all": Case("all", tuple(fleets)),
             "no-starlink": Case("no-starlink", tuple(fleets), (Denial("starlink", REGION, None, None, "policy"),))}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"workload: {sum(len(f) for f in fleets.values())} satellites, {int(demand.in_region.sum())} region cells "
          f"at {args.spacing_km:g} km + {int((~demand.in_region).sum())} background cells at "
          f"{args.background_km:g} km, {len(times)} snapshots, {len(cases)} cases")
    configs = {"gateways unlimited": dict(gateway_capacity=False),
               "bent-pipe gateways sized": dict(unlimited_ground=isl),
               "every gateway sized (default)": {}}
    allocate(fleets, demand, times[:1], cases=cases, positions=positions[:, :1])   # compile, layouts, caches
    spent = {k: [] for k in configs}
    shown = {}
    for _ in range(args.repeat):
        for name, kw in configs.items():
            t = time.perf_counter()
            r = allocate(fleets, demand, times, cases=cases, positions=positions, **kw)
            spent[name].append(time.perf_counter() - t)
            shown[name] = (r.figures("all").served_share, r.figures("no-starlink").served_share,
                           float(r.total_served_mbps["all"].mean() / 1e6))
    base = np.median(spent["gateways unlimited"])
    for name in configs:
        all_, no, world = shown[name]
        print(f"{name:32s} median {np.median(spent[name]):6.2f} s ({np.median(spent[name]) / base:4.2f}x)  "
              f"region all {all_:6.1%}, without Starlink {no:6.1%}; world served {world:6.1f} Tbps")


if __name__ == "__main__":
    main()
