"""The world atlas (satsov.assessment.atlas): every country, every standard policy and every major operator from
one coverage pass. The issue's target: 50 km, a day at 60 s, all ~12,000 broadband satellites, under 5 minutes
on 2 cores. Run: python benchmarks/atlas.py [--spacing-km 50] [--duration 24h] [--step 60s] [--threads 2]
Prints the estimate made before the run (satsov.assessment.atlas.estimate_atlas) beside the measured time."""

import argparse
import os
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spacing-km", type=float, default=50.0)
    ap.add_argument("--duration", default="24h")
    ap.add_argument("--step", default="60s")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    os.environ.setdefault("NUMBA_NUM_THREADS", str(a.threads))
    from satsov.assessment.atlas import atlas, estimate_atlas
    from satsov.times import parse_duration_s
    steps = int(parse_duration_s(a.duration) / parse_duration_s(a.step))
    est = estimate_atlas(a.spacing_km, steps, 12_074)
    t0 = time.perf_counter()
    res = atlas(spacing_km=a.spacing_km, duration=a.duration, step=a.step)
    dt = time.perf_counter() - t0
    cells = sum(c["cells"] for c in res.countries.values())
    print(f"atlas {a.spacing_km:g} km, {a.duration} at {a.step}: {cells:,} cells, {len(res.countries)} countries, "
          f"{len(res.operators)} operators x {len(res.policies)} policies: {dt:.1f} s "
          f"(estimated {est['seconds_2_cores']:.0f} s) on {a.threads} threads")


if __name__ == "__main__":
    main()
