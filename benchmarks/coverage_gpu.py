"""GPU coverage benchmark and check (run on the device machine; needs numba-cuda and CuPy).

1. Check: device="cuda" gives the same per-cell figures as device="cpu" (Canada + EU27 at 25 km, 30 min at
   60 s, the built-in mega-constellation satellites).
2. Speed, in the same run: a global grid (every 50 km, land and sea) with the 11,567 Starlink, OneWeb, Kuiper,
   Qianfan and Guowang satellites of the built-in 2026-05-07 snapshot, 10 minutes at 1 s steps, on the CPU
   (numba, all cores) and on the GPU; then the GPU alone on a global 25 km grid for 1 hour at 1 s.
Run: python benchmarks/coverage_gpu.py
"""

import sys

sys.path[:] = [p for p in sys.path if not p.endswith("benchmarks")]

import os  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

import satsov  # noqa: E402
from satsov.visibility import StepWarning, coverage  # noqa: E402
from satsov.world.constellations import as_flying  # noqa: E402
from satsov.world.grids import Grid, candidate_points, grid  # noqa: E402

MEGA = ("starlink", "oneweb", "kuiper", "qianfan", "guowang")


def global_grid(spacing_km):
    lat, lon, area = candidate_points((-180, -90, 180, 90), spacing_km)
    return Grid("world", spacing_km, lat, lon, area, np.array(["--"] * len(lat)), area.copy())


def main():
    import numba
    warnings.simplefilter("ignore", StepWarning)
    fleets = as_flying(MEGA)
    print(f"{os.cpu_count()} CPU cores, numba threads {numba.get_num_threads()}; "
          f"{sum(len(f) for f in fleets.values())} satellites")
    sets = {"all": list(MEGA), "no-prc": ["starlink", "oneweb", "kuiper"]}
    # 1. identical figures
    g = grid("CA+EU27", 25)
    t = satsov.time_grid("2026-05-07T00:00:00Z", "30m", "60s")
    cpu = coverage(fleets, g, t, sets=sets, device="cpu")
    gpu = coverage(fleets, g, t, sets=sets, device="cuda")
    same = all(np.array_equal(cpu.cells[k].to_numpy(), gpu.cells[k].to_numpy()) for k in cpu.cells)
    close = all(np.allclose(cpu.series[k].to_numpy(), gpu.series[k].to_numpy(), rtol=1e-12) for k in cpu.series)
    crit = all(np.array_equal(cpu.critical[k].to_numpy(), gpu.critical[k].to_numpy()) for k in cpu.critical)
    print(f"check on {len(g)} cells x {len(t)} steps: cells identical {same}, series equal {close}, "
          f"dependency identical {crit}")
    # 2. speed
    world = global_grid(50)
    t = satsov.time_grid("2026-05-07T00:00:00Z", "10m", "1s")
    for device in ("cpu", "cuda"):
        coverage(fleets, world, t[:3], sets=sets, device=device)  # warm-up (JIT)
        t0 = time.perf_counter()
        res = coverage(fleets, world, t, sets=sets, device=device)
        dt = time.perf_counter() - t0
        f = res.figures("all")
        print(f"{device}: global {len(world)} cells x {len(t)} steps (1 s): {dt:.1f} s; coverage "
              f"{f.time_coverage_area:.4f}, mean in view {f.mean_sats_in_view:.2f}")
    world = global_grid(25)
    t = satsov.time_grid("2026-05-07T00:00:00Z", "1h", "1s")
    t0 = time.perf_counter()
    res = coverage(fleets, world, t, sets=sets, device="cuda")
    dt = time.perf_counter() - t0
    print(f"cuda: global {len(world)} cells x {len(t)} steps (1 s): {dt:.1f} s; coverage "
          f"{res.figures('all').time_coverage_area:.4f}")


if __name__ == "__main__":
    main()
