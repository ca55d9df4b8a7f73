"""Design benchmark (issue 13): the screen's throughput for EU27 at 50 km, and one verification with the full
engine, on this machine.

    python benchmarks/design.py [--candidates 200]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import satsov
from satsov.orbits.fleet import Fleet
from satsov.synthesis import SearchSpace, screen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--spacing-km", type=float, default=50.0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    g = satsov.grid("EU27", args.spacing_km)
    space = SearchSpace(altitudes_km=(550.0, 1200.0), inclinations_deg=(53.0, 70.0, 87.9))
    cands = space.candidates()[:: max(1, len(space.candidates()) // args.candidates)][: args.candidates]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; EU27 at {args.spacing_km:g} km: {len(g)} cells; "
          f"{len(cands)} candidates of {min(c.size for c in cands)}-{max(c.size for c in cands)} satellites")
    screen([cands[0]], g, g.population, min_elevation_deg=25.0, start="2026-05-07T00:00:00Z", duration_s=86400)
    t0 = time.perf_counter()
    for c in cands:
        screen([c], g, g.population, min_elevation_deg=25.0, start="2026-05-07T00:00:00Z", duration_s=86400)
    dt = time.perf_counter() - t0
    print(f"screen (24 h, 256 dithered samples, analytic positions + the engine's kernel): {dt:.1f} s for {len(cands)} candidates = "
          f"{len(cands) / dt * 60:.0f} candidates per minute")
    mid = sorted(cands, key=lambda c: c.size)[len(cands) // 2]
    fleet = Fleet.from_shells([mid], "2026-05-07T00:00:00Z")
    t0 = time.perf_counter()
    satsov.coverage({"c": fleet}, g, satsov.time_grid("2026-05-07T00:00:00Z", "24h", "60s"), min_elevation_deg=25.0)
    print(f"verify one candidate ({mid.size} satellites) with satsov.coverage, 24 h at 60 s: "
          f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
