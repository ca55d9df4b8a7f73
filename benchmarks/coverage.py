"""Coverage benchmark: the real mega-constellations over Canada + EU27 at 25 km, 24 h at 60 s, 25°.

Workload: Starlink, OneWeb, Kuiper, Qianfan, Guowang satellites of
../shared/data/tle/celestrak-active-2026-05-07.tle; grid of Canada + EU27 at 25 km; 2026-05-07 + 24 h at
60 s; minimum elevation 25°; figures per operator and per policy (all; no PRC suppliers; no SpaceX).
Baseline in the same run: brute force (numpy, every satellite against every cell, blockwise) on a
subsample of steps, extrapolated to the day; the counts of the subsample are checked identical.
Run: python benchmarks/coverage.py [--duration 24h]
"""

import sys

# this file's own folder comes first on sys.path, and its name would shadow the 'coverage' package numba probes
sys.path[:] = [p for p in sys.path if p not in ("", __import__("os").path.dirname(__import__("os").path.abspath(__file__)))]

import argparse  # noqa: E402
import os
import platform
import resource
import time
import warnings
from pathlib import Path

import numpy as np

import satsov
from satsov.visibility import kernel as _visibility
from satsov.visibility import StepWarning, coverage
from satsov.world.constellations import as_flying
from satsov.world.grids import grid

CATALOG = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tle" / "celestrak-active-2026-05-07.tle"
MEGA = ("starlink", "oneweb", "kuiper", "qianfan", "guowang")


def brute_force_step(pos_t, sat_op, n_ops, cell_xyz, cell_up, min_el_deg, block=1500):
    out = np.zeros((len(cell_xyz), n_ops), np.int32)
    sin2 = np.sin(np.radians(min_el_deg)) ** 2
    ok = np.isfinite(pos_t[:, 0])
    p, op = pos_t[ok], sat_op[ok]
    for s in range(0, len(cell_xyz), block):
        d = p[:, None, :] - cell_xyz[None, s:s + block]
        dn = np.einsum("scx,cx->sc", d, cell_up[s:s + block])
        vis = (dn > 0) & (dn * dn >= sin2 * np.einsum("scx,scx->sc", d, d))
        for k in range(n_ops):
            out[s:s + block, k] = vis[op == k].sum(axis=0)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalog", default=str(CATALOG))
    parser.add_argument("--duration", default="24h")
    parser.add_argument("--spacing-km", type=float, default=25.0)
    parser.add_argument("--brute-steps", type=int, default=3)
    args = parser.parse_args()
    fleets = as_flying(MEGA, catalog=args.catalog)
    g = grid("CA+EU27", args.spacing_km)
    times = satsov.time_grid("2026-05-07T00:00:00Z", args.duration, "60s")
    n_sats = sum(len(f) for f in fleets.values())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {n_sats} satellites, {len(g)} cells, "
          f"{len(times)} steps")
    sets = {"all": list(MEGA), "no-prc": ["starlink", "oneweb", "kuiper"],
            "no-spacex": ["oneweb", "kuiper", "qianfan", "guowang"]}
    warnings.simplefilter("ignore", StepWarning)
    coverage(fleets, grid("LU", 25), times[:2], sets=sets)  # JIT warm-up, not timed
    t0 = time.perf_counter()
    result = coverage(fleets, g, times, min_elevation_deg=25.0, sets=sets)
    t_engine = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # brute force on a subsample of steps, checked identical to the kernel
    elements = [e for f in fleets.values() for e in f]
    sat_op = np.concatenate([np.full(len(f), i, np.int32) for i, f in enumerate(fleets.values())])
    sub = times[:: max(1, len(times) // args.brute_steps)][: args.brute_steps]
    pos, _ = satsov.propagate(elements, sub)
    gs = result.grid
    order_check = np.zeros((len(sub), len(gs), len(fleets)), np.uint16)
    _visibility.count_visible(pos, sat_op, np.ascontiguousarray(gs.ecef_km), np.ascontiguousarray(gs.up),
                              np.ascontiguousarray(gs.lon_deg), _visibility.bin_cells(gs.lat_deg, gs.lon_deg)[1],
                              np.radians(25.0), order_check)
    t0 = time.perf_counter()
    identical = True
    for k in range(len(sub)):
        bf = brute_force_step(pos[:, k], sat_op, len(fleets), gs.ecef_km, gs.up, 25.0)
        identical &= bool((bf == order_check[k]).all())
    t_brute_step = (time.perf_counter() - t0) / len(sub)
    t_brute_day = t_brute_step * len(times)
    print(f"engine (propagation + visibility + all figures, {len(result.cases)} cases): {t_engine:.1f} s, "
          f"peak RSS {peak_mb:.0f} MB")
    print(f"brute force: {t_brute_step:.2f} s per step on {len(sub)} steps -> {t_brute_day:.0f} s for the run "
          f"(visibility counts only); counts identical: {identical}")
    print(f"speed-up: {t_brute_day / t_engine:.1f}x")
    for name in ("all", "no-prc", "no-spacex", "oneweb", "kuiper", "qianfan", "guowang"):
        f = result.figures(name)
        print(f"  {name:10s} coverage area {f.time_coverage_area:.4f} pop {f.time_coverage_population:.4f} "
              f"area>=0.99 {f.area_share_available:.4f} mean in view {f.mean_sats_in_view:.1f} "
              f"longest gap {f.longest_gap_s / 60:.0f} min")


if __name__ == "__main__":
    main()
