"""Analytic seeds for constellation design: closed forms that bound the search before any simulation.

- The Earth-central half-angle λ of a satellite's coverage for a minimum elevation ε at altitude h (spherical
  Earth of radius R): λ = arccos(R cos ε / (R + h)) − ε, and its inverse.
- Streets of coverage (polar or near-polar planes, Lüders 1961; Beste 1978; Adams & Rider 1987): S satellites
  in a plane cover a street of half-width c with cos λ = cos c · cos(π / S); P planes cover the globe when
  (P − 1)(λ + c) + 2c ≥ π (co-rotating neighbours overlap by λ + c, the seam between counter-rotating planes by
  2c). The smallest λ for P × S solves that equality; the smallest constellation for a λ is the least P × S
  that meets it.

>>> round(earth_central_angle_deg(550, 25), 2)       # Starlink's shell at its 25° mask
8.45
>>> round(streets_min_half_angle_deg(9, 10), 2)      # Lang & Adams / Beech et al.: 18.30°
18.3
"""

from __future__ import annotations

import math

from satsov.constants import WGS84_A_KM
from satsov.errors import InputError

__all__ = ["earth_central_angle_deg", "altitude_for_half_angle_km", "streets_half_width_deg",
           "streets_min_half_angle_deg", "streets_seeds"]

EARTH_RADIUS_KM = WGS84_A_KM  # the classical tables use a spherical Earth; the equatorial radius here


def earth_central_angle_deg(altitude_km: float, min_elevation_deg: float, radius_km: float = EARTH_RADIUS_KM) -> float:
    """λ: the Earth-central half-angle of the region that sees a satellite at ``altitude_km`` above
    ``min_elevation_deg``."""
    if altitude_km <= 0 or not (0 <= min_elevation_deg < 90):
        raise InputError(f"found altitude {altitude_km!r} km and elevation {min_elevation_deg!r}°, expected an "
                         f"altitude > 0 and an elevation in [0, 90)", found=(altitude_km, min_elevation_deg),
                         expected="h > 0, 0 <= e < 90")
    e = math.radians(min_elevation_deg)
    return math.degrees(math.acos(radius_km * math.cos(e) / (radius_km + altitude_km)) - e)


def altitude_for_half_angle_km(half_angle_deg: float, min_elevation_deg: float,
                               radius_km: float = EARTH_RADIUS_KM) -> float:
    """The altitude at which a satellite covers ``half_angle_deg`` above ``min_elevation_deg``: the inverse of
    :func:`earth_central_angle_deg`, R cos ε / cos(λ + ε) − R."""
    lam, e = math.radians(half_angle_deg), math.radians(min_elevation_deg)
    if not (0 < half_angle_deg and lam + e < math.pi / 2):
        raise InputError(f"half_angle_deg: found {half_angle_deg!r}, expected 0 < λ < {90 - min_elevation_deg:g}° "
                         f"at {min_elevation_deg:g}° elevation", found=half_angle_deg, expected="0 < λ < 90 - ε")
    return radius_km * math.cos(e) / math.cos(lam + e) - radius_km


def streets_half_width_deg(half_angle_deg: float, sats_per_plane: int) -> float:
    """c: the half-width of the street that ``sats_per_plane`` evenly spaced satellites of half-angle λ keep
    covered (cos λ = cos c cos(π / S)); 0 when they do not touch (λ ≤ π / S)."""
    if sats_per_plane < 1:
        raise InputError(f"sats_per_plane: found {sats_per_plane!r}, expected an integer >= 1",
                         found=sats_per_plane, expected=">= 1")
    ratio = math.cos(math.radians(half_angle_deg)) / math.cos(math.pi / sats_per_plane)
    return math.degrees(math.acos(min(1.0, ratio))) if half_angle_deg > 180.0 / sats_per_plane else 0.0


def _gap(lam_deg: float, planes: int, sats_per_plane: int) -> float:
    c = streets_half_width_deg(lam_deg, sats_per_plane)
    return (planes - 1) * (lam_deg + c) + 2 * c - 180.0


def streets_min_half_angle_deg(planes: int, sats_per_plane: int) -> float:
    """The smallest λ for which ``planes`` polar planes of ``sats_per_plane`` satellites cover the whole globe
    by streets of coverage: (P − 1)(λ + c) + 2c = π, solved by bisection (the left side grows with λ)."""
    if planes < 2 or sats_per_plane < 2:
        raise InputError(f"found {planes!r} planes x {sats_per_plane!r}, expected at least 2 x 2",
                         found=(planes, sats_per_plane), expected=">= 2 x 2")
    lo, hi = 180.0 / sats_per_plane, 90.0  # below π/S the satellites of a plane leave gaps in their own street
    if _gap(lo, planes, sats_per_plane) >= 0:
        return lo
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if _gap(mid, planes, sats_per_plane) >= 0:
            hi = mid
        else:
            lo = mid
    return hi


def streets_seeds(half_angle_deg: float, *, max_planes: int = 60, max_per_plane: int = 80) -> list[tuple[int, int]]:
    """Polar streets-of-coverage patterns (planes, satellites per plane) that cover the globe with half-angle λ,
    the smallest total first (ties: fewer planes): the analytic seeds of a global or polar search."""
    out = []
    for s in range(2, max_per_plane + 1):
        if half_angle_deg <= 180.0 / s:
            continue
        for p in range(2, max_planes + 1):
            if _gap(half_angle_deg, p, s) >= -1e-9:
                out.append((p, s))
                break
    return sorted(out, key=lambda ps: (ps[0] * ps[1], ps[0]))
