"""Propagation benchmark: the real mega-constellations for one day at 60 s, ending in ITRS positions.

Workload: every Starlink, OneWeb, Kuiper, Qianfan and Guowang (HULIANWANG) satellite of
../shared/data/tle/celestrak-active-2026-05-07.tle (about 11,500), 2026-05-07 00:00 UTC + 24 h at 60 s.
Compares, in the same run: python-sgp4's SatrecArray (TEME only, and the whole pipeline to ITRS),
satsov's numba backend (cold = first call in the process, warm = later calls), its kernel before SIMD lanes
(one propagation at a time with libm's sines), and, with --peers and where installed, astroz's SIMD SGP4 and
heyoka's SGP4 propagator on the same satellites and times. Checks that positions agree with python-sgp4.
Run: python benchmarks/propagation.py [--threads N] [--peers]; the per-core figure of issue 15 is
NUMBA_NUM_THREADS=1 taskset -c 1 python benchmarks/propagation.py --peers
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
    parser.add_argument("--peers", action="store_true", help="also time astroz and heyoka where installed")
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
    t_scalar, (r_scalar, _) = best_of(lambda: _scalar_itrs(fstate, times), 3)

    ok = (s == 0) & (s_ref == 0)
    diff_m = np.linalg.norm(r - r_ref, axis=-1)[ok].max() * 1000
    rows = [
        ("python-sgp4 SatrecArray, TEME only", t_teme, None),
        ("python-sgp4 SatrecArray -> ITRS (baseline)", t_ref, 0.0),
        ("satsov numba, one at a time, libm (before lanes)", t_scalar,
         np.linalg.norm(r_scalar - r_ref, axis=-1)[ok].max() * 1000),
        ("satsov numba -> ITRS, first call (JIT cache load)", t_cold, None),
        ("satsov numba -> ITRS, warm (SIMD lanes)", t_warm, diff_m),
    ]
    if args.peers:
        rows += _peers(fleet, times, state, ref)
    print(f"{'pipeline':52s} {'seconds':>8s} {'M prop/s':>9s} {'vs baseline':>11s} {'max diff m':>11s}")
    for name, t, d in rows:
        dm = "" if d is None else f"{d:11.6f}"
        print(f"{name:52s} {t:8.3f} {n / t / 1e6:9.2f} {t_ref / t:10.2f}x {dm}")
    print(f"numba prepare (python-sgp4 pure-Python init of coefficients): {t_prepare:.2f} s")
    print(f"status agreement: {bool((s == s_ref).all())}; max position difference: {diff_m:.6f} m")


def _scalar_itrs(state, times):
    """The numba kernel as it was before SIMD lanes (kept in the module as the in-process baseline)."""
    from satsov.orbits import _sgp4_numba
    jd, fr = times.jd_split()
    theta = times.gmst_rad(0.0)
    out = np.empty((len(state.coeffs), len(times), 3))
    status = np.empty((len(state.coeffs), len(times)), np.uint8)
    _sgp4_numba.propagate_itrs_scalar(state.coeffs, jd, fr, np.cos(theta), np.sin(theta), out, status)
    return out, status


def _peers(fleet, times, state, ref):
    """astroz and heyoka on the same satellites and times, where installed; accuracy against python-sgp4 in TEME
    (their own frames differ from satsov's ITRS in the Earth-rotation model, which is not what is compared)."""
    rows = []
    r_teme, s_teme = ref.teme(state, times)
    ok = s_teme == 0
    lines = [e.tle for e in fleet.elements]
    jd, fr = times.jd_split()
    try:
        import astroz
        from astroz import _astroz
        sats = [_astroz.Satrec.twoline2rv(a, b, _astroz.WGS72) for a, b in lines]
        con = _astroz.Sgp4Constellation(sats, _astroz.WGS72)
        epochs = np.array(con.epochs)
        t0 = jd[0] + fr[0]
        minutes = ((jd - jd[0]) + (fr - fr[0])) * 1440.0
        offsets = (t0 - epochs) * 1440.0
        out = np.empty((len(sats), len(times), 3))
        t_teme, _ = best_of(lambda: con.propagate_into(minutes, out, epoch_offsets=offsets, output="teme"), 3)
        d = np.linalg.norm(out - r_teme, axis=-1)[ok].max() * 1000
        rows.append((f"astroz {astroz.__version__ if hasattr(astroz, '__version__') else ''} SIMD, TEME", t_teme, d))
        t_ecef, _ = best_of(lambda: con.propagate_into(minutes, out, epoch_offsets=offsets, output="ecef",
                                                      reference_jd=t0), 3)
        rows.append(("astroz SIMD, its own Earth-fixed frame", t_ecef, None))
    except ImportError:
        print("astroz not installed: pip install astroz")
    try:
        import heyoka as hy
        from sgp4.api import Satrec
        prop = hy.model.sgp4_propagator([Satrec.twoline2rv(a, b) for a, b in lines])
        date = np.empty((len(times), len(lines)), dtype=prop.jdtype)
        date["jd"] = jd[:, None]
        date["frac"] = fr[:, None]
        t_h, res = best_of(lambda: prop(date), 2)
        pos = np.moveaxis(res[:, 0:3, :], 2, 0)  # (sats, times, 3)
        good = ok & (np.moveaxis(res[:, 6, :], 1, 0) == 0)
        d = np.linalg.norm(pos - r_teme, axis=-1)[good].max() * 1000
        rows.append((f"heyoka {hy.__version__} sgp4_propagator, TEME", t_h, d))
    except ImportError:
        print("heyoka not installed: pip install heyoka")
    return rows


if __name__ == "__main__":
    main()
