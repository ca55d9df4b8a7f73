"""Propagation benchmark: the real mega-constellations for one day at 60 s, ending in ITRS positions.

Workload: every Starlink, OneWeb, Kuiper, Qianfan and Guowang (HULIANWANG) satellite of
../shared/data/tle/celestrak-active-2026-05-07.tle (about 11,500), 2026-05-07 00:00 UTC + 24 h at 60 s.
Compares, in the same run: python-sgp4's SatrecArray (TEME only, and the whole pipeline to ITRS),
and satsov's numba backend (cold = first call in the process, warm = later calls). Checks that positions
agree within 1 m. Run: python benchmarks/propagation.py [--threads N]
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

import satsov
from satsov.orbits.propagation import NumbaBackend, Sgp4Backend

CATALOG = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tle" / "celestrak-active-2026-05-07.tle"


def best_of(fn, repeat=3):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalog", default=str(CATALOG))
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        import numba
        numba.set_num_threads(args.threads)
    import numba
    fleet = satsov.load_fleet(args.catalog).select("/^(STARLINK|ONEWEB|KUIPER|QIANFAN|HULIANWANG)/")
    times = satsov.time_grid("2026-05-07T00:00:00Z", "24h", "60s")
    n = len(fleet) * len(times)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numba threads "
          f"{numba.get_num_threads()}")
    print(f"workload: {len(fleet)} satellites x {len(times)} times = {n / 1e6:.2f} M propagations")

    ref = Sgp4Backend()
    state = ref.prepare(fleet.elements)
    t_teme, _ = best_of(lambda: ref.teme(state, times), 2)
    t_ref, (r_ref, s_ref) = best_of(lambda: ref.itrs(state, times), 2)

    fast = NumbaBackend()
    t0 = time.perf_counter()
    fstate = fast.prepare(fleet.elements)
    t_prepare = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast.itrs(fstate, times)
    t_cold = time.perf_counter() - t0
    t_warm, (r, s) = best_of(lambda: fast.itrs(fstate, times), 3)

    ok = (s == 0) & (s_ref == 0)
    diff_m = np.linalg.norm(r - r_ref, axis=-1)[ok].max() * 1000
    rows = [
        ("python-sgp4 SatrecArray, TEME only", t_teme),
        ("python-sgp4 SatrecArray -> ITRS (baseline)", t_ref),
        ("satsov numba -> ITRS, first call (JIT cache load)", t_cold),
        ("satsov numba -> ITRS, warm", t_warm),
    ]
    print(f"{'pipeline':52s} {'seconds':>8s} {'M prop/s':>9s} {'vs baseline':>11s}")
    for name, t in rows:
        print(f"{name:52s} {t:8.3f} {n / t / 1e6:9.2f} {t_ref / t:10.2f}x")
    print(f"numba prepare (python-sgp4 pure-Python init of coefficients): {t_prepare:.2f} s")
    print(f"status agreement: {bool((s == s_ref).all())}; max position difference: {diff_m:.4f} m")


if __name__ == "__main__":
    main()
