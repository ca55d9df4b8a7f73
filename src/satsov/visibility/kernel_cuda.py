"""The visibility kernel on an NVIDIA GPU (CuPy, CUDA C compiled by NVRTC): the same binned caps and exact
WGS-84 test as :mod:`satsov._visibility`, one thread per (step, satellite), counts added atomically.

Imported only when ``coverage(..., device="cuda")`` is asked for; needs CuPy and an NVIDIA GPU.
(numba-cuda was the first choice; on the device image it fails to import with numpy 2.5.)
"""

from __future__ import annotations

import math

import cupy as cp

from satsov.visibility.kernel import BIN_DEG, N_BINS, R_POLAR_KM

_SOURCE = r"""
extern "C" __device__ long long lower_bound(const double* lons, long long s, long long e, double x) {
    while (s < e) { long long m = (s + e) / 2; if (lons[m] < x) s = m + 1; else e = m; }
    return s;
}
extern "C" __device__ long long upper_bound(const double* lons, long long s, long long e, double x) {
    while (s < e) { long long m = (s + e) / 2; if (lons[m] <= x) s = m + 1; else e = m; }
    return s;
}
extern "C" __device__ void test_range(long long a, long long b, long long t, int op, int n_cells, int n_ops,
                                      double x, double y, double z, const double* xyz, const double* up,
                                      double sin2, int* out) {
    for (long long c = a; c < b; ++c) {
        double dx = x - xyz[3 * c], dy = y - xyz[3 * c + 1], dz = z - xyz[3 * c + 2];
        double dn = dx * up[3 * c] + dy * up[3 * c + 1] + dz * up[3 * c + 2];
        if (dn > 0.0 && dn * dn >= sin2 * (dx * dx + dy * dy + dz * dz))
            atomicAdd(&out[(t * n_cells + c) * n_ops + op], 1);
    }
}
extern "C" __global__ void count_visible(const double* pos, const int* sat_op, int n_sats, int n_times,
                                         const double* xyz, const double* up, const double* lons,
                                         const long long* bin_start, int n_cells, int n_ops,
                                         double min_el, int* out) {
    long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= (long long)n_sats * n_times) return;
    long long t = k / n_sats, i = k - t * n_sats;
    const double* p = pos + (i * n_times + t) * 3;
    double x = p[0], y = p[1], z = p[2];
    if (!(x == x)) return;
    const double PI = 3.141592653589793, DEG = 180.0 / PI;
    double sin_eps = sin(min_el);
    double sin2 = min_el > 0 ? sin_eps * sin_eps : 0.0;
    double eps_cap = fmax(0.0, min_el - 0.25 * PI / 180.0);
    double r = sqrt(x * x + y * y + z * z);
    double ratio = R_POLAR * cos(eps_cap) / r;
    if (ratio >= 1.0) return;
    double rho = acos(ratio) - eps_cap + 0.5 * PI / 180.0;
    double lat0 = asin(z / r), lon0 = atan2(y, x);
    double lat_lo = (lat0 - rho) * DEG, lat_hi = (lat0 + rho) * DEG;
    int b0 = max(0, (int)((lat_lo + 90.0) / BIN_DEG));
    int b1 = min(N_BINS - 1, (int)((lat_hi + 90.0) / BIN_DEG));
    bool all_lon = lat_hi >= 90.0 || lat_lo <= -90.0;
    double dlon = 180.0;
    if (!all_lon) {
        double sr = sin(rho) / cos(lat0);
        if (sr >= 1.0) all_lon = true; else dlon = asin(sr) * DEG;
    }
    double lo = lon0 * DEG - dlon, hi = lon0 * DEG + dlon;
    int op = sat_op[i];
    for (int b = b0; b <= b1; ++b) {
        long long s = bin_start[b], e = bin_start[b + 1];
        if (s == e) continue;
        if (all_lon) {
            test_range(s, e, t, op, n_cells, n_ops, x, y, z, xyz, up, sin2, out);
        } else if (lo < -180.0) {
            test_range(lower_bound(lons, s, e, lo + 360.0), e, t, op, n_cells, n_ops, x, y, z, xyz, up, sin2, out);
            test_range(s, upper_bound(lons, s, e, hi), t, op, n_cells, n_ops, x, y, z, xyz, up, sin2, out);
        } else if (hi > 180.0) {
            test_range(lower_bound(lons, s, e, lo), e, t, op, n_cells, n_ops, x, y, z, xyz, up, sin2, out);
            test_range(s, upper_bound(lons, s, e, hi - 360.0), t, op, n_cells, n_ops, x, y, z, xyz, up, sin2, out);
        } else {
            test_range(lower_bound(lons, s, e, lo), upper_bound(lons, s, e, hi), t, op, n_cells, n_ops,
                       x, y, z, xyz, up, sin2, out);
        }
    }
}
"""

_KERNEL = None


def _kernel():
    global _KERNEL
    if _KERNEL is None:
        src = (f"#define R_POLAR {R_POLAR_KM!r}\n#define BIN_DEG {BIN_DEG!r}\n#define N_BINS {N_BINS}\n" + _SOURCE)
        _KERNEL = cp.RawModule(code=src, options=("-std=c++17",)).get_function("count_visible")
    return _KERNEL


def count_visible(sat_pos, sat_op, cell_xyz, cell_up, cell_lon_deg, index, min_elevation_rad, out):
    """Fill ``out[t, cell, op]`` (a CuPy int32 array) on the GPU. Of ``index`` (the CPU kernel's
    :class:`~satsov.visibility.kernel.CellIndex`, built with 0.5° bins for this kernel) only ``bin_start`` is
    used: the GPU kernel binary-searches each bin."""
    bin_start = index.bin_start
    pos = cp.ascontiguousarray(cp.asarray(sat_pos, dtype=cp.float64))
    n_sats, n_times = pos.shape[0], pos.shape[1]
    n = n_sats * n_times
    threads = 128
    _kernel()(((n + threads - 1) // threads,), (threads,),
              (pos, cp.ascontiguousarray(cp.asarray(sat_op, dtype=cp.int32)), np_int(n_sats), np_int(n_times),
               cp.ascontiguousarray(cell_xyz), cp.ascontiguousarray(cell_up), cp.ascontiguousarray(cell_lon_deg),
               cp.ascontiguousarray(cp.asarray(bin_start, dtype=cp.int64)), np_int(out.shape[1]), np_int(out.shape[2]),
               float(min_elevation_rad), out))


def np_int(v):
    import numpy as np
    return np.int32(v)


del math
