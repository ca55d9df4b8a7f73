"""Earth geometry: WGS-84 geodetic ↔ ECEF, look angles, sub-satellite points, footprints.

Positions are ITRS/ECEF in km; angles in the public API are degrees (named
``*_deg``), radians inside.

>>> round(float(footprint_half_angle_deg(550.0, 25.0, earth_radius_km=WGS84_A_KM)), 2)  # Starlink at 25°: ≈ 8.45°
8.45
>>> xyz = geodetic_to_ecef(0.0, 0.0, 0.0)
>>> [round(float(v), 3) for v in xyz]
[6378.137, 0.0, 0.0]
>>> lat, lon, alt = ecef_to_geodetic(np.array([6378.137 + 550.0, 0.0, 0.0]))
>>> round(float(alt), 6)
550.0
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "WGS84_A_KM", "WGS84_F", "WGS84_B_KM", "MEAN_EARTH_RADIUS_KM",
    "geodetic_to_ecef", "ecef_to_geodetic", "up_vectors", "look_angles", "subsatellite_points",
    "footprint_half_angle_deg", "footprint_radius_km", "elevation_deg", "great_circle_km",
]

from satsov.constants import MEAN_EARTH_RADIUS_KM, WGS84_A_KM, WGS84_B_KM, WGS84_E2, WGS84_F


def geodetic_to_ecef(lat_deg, lon_deg, alt_km=0.0) -> np.ndarray:
    """WGS-84 geodetic latitude, longitude (deg) and height (km) to ECEF km, shape ``(..., 3)``."""
    lat = np.radians(np.asarray(lat_deg, dtype=float))
    lon = np.radians(np.asarray(lon_deg, dtype=float))
    alt = np.asarray(alt_km, dtype=float)
    sin_lat = np.sin(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat**2)
    x = (n + alt) * np.cos(lat) * np.cos(lon)
    y = (n + alt) * np.cos(lat) * np.sin(lon)
    z = (n * (1.0 - WGS84_E2) + alt) * sin_lat
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def ecef_to_geodetic(xyz_km) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECEF km ``(..., 3)`` to WGS-84 latitude, longitude (deg) and height (km).

    Vermeille's closed form (J. Geodesy 76:451, 2002), exact to ~1e-12 relative for
    any point outside the ellipsoid's evolute (deeper than ~6,300 km below ground,
    so for every satellite and ground site). NaN in, NaN out. PROJ's iterative
    inverse was 1e-7° off at LEO heights, too coarse for the frame tests.
    """
    xyz = np.asarray(xyz_km, dtype=float)
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    a, e2 = WGS84_A_KM, WGS84_E2
    e4 = e2 * e2
    rho2 = x * x + y * y
    p = rho2 / (a * a)
    q = (1.0 - e2) / (a * a) * z * z
    r = (p + q - e4) / 6.0
    s = e4 * p * q / (4.0 * r**3)
    t = np.cbrt(1.0 + s + np.sqrt(s * (2.0 + s)))
    u = r * (1.0 + t + 1.0 / t)
    v = np.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = np.sqrt(u + v + w * w) - w
    d = k * np.sqrt(rho2) / (k + e2)
    dz = np.sqrt(d * d + z * z)
    lat = np.degrees(2.0 * np.arctan2(z, d + dz))
    lon = np.degrees(np.arctan2(y, x))
    h = (k + e2 - 1.0) / k * dz
    return lat, lon, h


def up_vectors(lat_deg, lon_deg) -> np.ndarray:
    """Unit normals of the ellipsoid (local 'up') at geodetic lat/lon, shape ``(..., 3)``."""
    lat = np.radians(np.asarray(lat_deg, dtype=float))
    lon = np.radians(np.asarray(lon_deg, dtype=float))
    return np.stack(np.broadcast_arrays(np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)), axis=-1)


def look_angles(site_lat_deg: float, site_lon_deg: float, site_alt_km: float, positions_itrs_km):
    """Azimuth (deg from north, eastwards), elevation (deg) and range (km) from a site.

    ``positions_itrs_km`` has shape ``(..., 3)``; outputs have shape ``(...)``.

    >>> az, el, rng = look_angles(0.0, 0.0, 0.0, np.array([WGS84_A_KM + 1000.0, 0.0, 0.0]))
    >>> float(el), round(float(rng), 6)
    (90.0, 1000.0)
    """
    site = geodetic_to_ecef(site_lat_deg, site_lon_deg, site_alt_km)
    lat, lon = np.radians(site_lat_deg), np.radians(site_lon_deg)
    d = np.asarray(positions_itrs_km, dtype=float) - site
    east = np.array([-np.sin(lon), np.cos(lon), 0.0])
    north = np.array([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)])
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    e, n, u = d @ east, d @ north, d @ up
    rng = np.sqrt(e * e + n * n + u * u)
    el = np.degrees(np.arcsin(np.clip(u / rng, -1.0, 1.0)))
    az = np.degrees(np.arctan2(e, n)) % 360.0
    return az, el, rng


def elevation_deg(sites_ecef_km, ups, positions_itrs_km) -> np.ndarray:
    """Elevation (deg) of positions seen from sites with given up vectors, broadcasting."""
    d = np.asarray(positions_itrs_km) - np.asarray(sites_ecef_km)
    rng = np.linalg.norm(d, axis=-1)
    return np.degrees(np.arcsin(np.clip(np.sum(d * ups, axis=-1) / rng, -1.0, 1.0)))


def subsatellite_points(positions_itrs_km):
    """Geodetic latitude, longitude (deg) and altitude (km) below each position."""
    return ecef_to_geodetic(positions_itrs_km)


def footprint_half_angle_deg(altitude_km, min_elevation_deg, earth_radius_km: float = MEAN_EARTH_RADIUS_KM):
    """Earth-central half-angle λ of the area seeing a satellite above ``min_elevation_deg``.

    λ = 90° − ε − asin(Rₑ cos ε / (Rₑ + h)), on a sphere of radius ``earth_radius_km``.
    """
    eps = np.radians(np.asarray(min_elevation_deg, dtype=float))
    r = earth_radius_km + np.asarray(altitude_km, dtype=float)
    return np.degrees(np.pi / 2 - eps - np.arcsin(earth_radius_km * np.cos(eps) / r))


def footprint_radius_km(altitude_km, min_elevation_deg, earth_radius_km: float = MEAN_EARTH_RADIUS_KM):
    """Ground arc radius of a footprint in km."""
    return np.radians(footprint_half_angle_deg(altitude_km, min_elevation_deg, earth_radius_km)) * earth_radius_km


def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg, radius_km: float = MEAN_EARTH_RADIUS_KM):
    """Great-circle distance on a sphere (haversine)."""
    p1, p2 = np.radians(lat1_deg), np.radians(lat2_deg)
    dl = np.radians(np.asarray(lon2_deg) - np.asarray(lon1_deg))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * radius_km * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
