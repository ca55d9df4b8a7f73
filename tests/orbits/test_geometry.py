"""Geometry against closed forms, PROJ round trips and Skyfield look angles."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import satsov
from satsov.testing import requires_skyfield, skyfield_timescale
from satsov.orbits.geometry import (WGS84_A_KM, WGS84_B_KM, ecef_to_geodetic, footprint_half_angle_deg,
                             geodetic_to_ecef, great_circle_km, look_angles)
from satsov.times import time_grid


@settings(max_examples=300, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180), st.floats(-0.5, 40000))
def test_property_geodetic_round_trip(lat, lon, alt):
    xyz = geodetic_to_ecef(lat, lon, alt)
    lat2, lon2, alt2 = ecef_to_geodetic(xyz)
    assert abs(lat2 - lat) < 1e-10 and abs(alt2 - alt) < 1e-7  # 0.1 mm
    if abs(lat) < 89.9999:
        assert abs((lon2 - lon + 180) % 360 - 180) < 1e-8


def test_poles_and_equator():
    np.testing.assert_allclose(geodetic_to_ecef(90, 0, 0), [0, 0, WGS84_B_KM], atol=1e-9)
    np.testing.assert_allclose(geodetic_to_ecef(0, 90, 1), [0, WGS84_A_KM + 1, 0], atol=1e-9)


def test_footprint_half_angle_reference_value_and_limits():
    # REFERENCE.md: 550 km, 25° -> about 8.45°; zero elevation -> acos(R/(R+h))
    assert abs(footprint_half_angle_deg(550, 25) - 8.45) < 0.01
    r = 6371.0088
    assert abs(footprint_half_angle_deg(550, 0) - np.degrees(np.arccos(r / (r + 550)))) < 1e-9
    assert abs(footprint_half_angle_deg(550, 90)) < 1e-12


@settings(max_examples=200, deadline=None)
@given(st.floats(300, 36000), st.floats(0, 89))
def test_property_footprint_edge_has_the_minimum_elevation(alt, eps):
    """On a sphere, a ground point at central angle λ sees the satellite at exactly ε."""
    lam = np.radians(footprint_half_angle_deg(alt, eps, earth_radius_km=6371.0))
    r_sat, r = 6371.0 + alt, 6371.0
    ground = np.array([r * np.cos(lam), r * np.sin(lam), 0.0])
    d = np.array([r_sat, 0, 0]) - ground
    el = np.degrees(np.arcsin(d @ (ground / r) / np.linalg.norm(d)))
    assert abs(el - eps) < 1e-6
    # raising the elevation mask never widens the footprint
    assert footprint_half_angle_deg(alt, min(eps + 1, 90)) <= footprint_half_angle_deg(alt, eps)


@requires_skyfield
def test_look_angles_match_skyfield(sample_fleet):
    import skyfield.api as skyfield_api
    ts = skyfield_timescale()  # the same IERS UT1 - UTC as satsov
    t = time_grid("2026-05-07T00:00:00Z", "6h", "20m")
    times = ts.from_datetimes(t.to_datetimes())
    sites = [(45.4215, -75.6972, 0.07), (-33.9, 18.4, 0.0), (78.2, 15.6, 0.5), (0.0, 179.9, 0.0)]
    r = sample_fleet.positions(t)
    for lat, lon, alt in sites:
        topos = skyfield_api.wgs84.latlon(lat, lon, elevation_m=alt * 1000)
        az, el, rng = look_angles(lat, lon, alt, r)
        for i in range(0, len(sample_fleet), 7):
            e = sample_fleet[i]
            sat = skyfield_api.EarthSatellite(e.tle[0], e.tle[1], e.name, ts)
            alt_ref, az_ref, dist_ref = (sat - topos).at(times).altaz()
            assert np.abs(el[i] - alt_ref.degrees).max() < 1e-3
            assert np.abs(rng[i] - dist_ref.km).max() < 0.005
            high = alt_ref.degrees < 89.9
            daz = (az[i][high] - az_ref.degrees[high] + 180) % 360 - 180
            assert np.abs(daz).max() < 1e-3


def test_great_circle():
    assert abs(great_circle_km(0, 0, 0, 90) - np.pi / 2 * 6371.0088) < 1e-9


def test_subsatellite_points_of_geo(sample_fleet):
    geo = [e for e in sample_fleet if e.is_deep_space and 0.9 < e.mean_motion_rev_per_day < 1.1]
    assert geo
    t = time_grid("2026-05-07T00:00:00Z", "1d", "1h")
    lat, lon, alt = satsov.subsatellite_points(satsov.Fleet(geo).positions(t))
    assert np.all(np.abs(alt - 35786) < 300)


def test_geodetic_inverse_agrees_with_proj():
    from pyproj import Transformer
    rng = np.random.default_rng(1)
    lat, lon, alt = rng.uniform(-90, 90, 500), rng.uniform(-180, 180, 500), rng.uniform(0, 2000, 500)
    x, y, z = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True).transform(lon, lat, alt * 1000)
    np.testing.assert_allclose(geodetic_to_ecef(lat, lon, alt), np.stack([x, y, z], -1) / 1000, atol=1e-9)
    lat2, lon2, alt2 = ecef_to_geodetic(np.stack([x, y, z], -1) / 1000)
    assert np.abs(lat2 - lat).max() < 1e-6 and np.abs(alt2 - alt).max() < 1e-5
