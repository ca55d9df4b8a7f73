"""Analytic seeds against published tables and closed forms (sources beside each number)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satsov.errors import InputError
from satsov.synthesis import (altitude_for_half_angle_km, earth_central_angle_deg, streets_half_width_deg,
                              streets_min_half_angle_deg, streets_seeds)


@pytest.mark.parametrize("planes,per_plane,expected", [(9, 10, 18.30), (9, 8, 22.5)])
def test_polar_streets_of_coverage_match_the_tables(planes, per_plane, expected):
    # Lang & Adams 1998 / Beech et al. (ISSFD 1999): polar streets with 9 planes, 9 x 10 needs 18.30°, 9 x 8 22.5°
    assert streets_min_half_angle_deg(planes, per_plane) == pytest.approx(expected, abs=0.01)


def test_the_street_half_width_closed_form():
    # cos λ = cos c cos(π / S): with λ = 18.30° and S = 10, c = 3.35°
    assert streets_half_width_deg(18.30, 10) == pytest.approx(
        math.degrees(math.acos(math.cos(math.radians(18.30)) / math.cos(math.pi / 10))))
    assert streets_half_width_deg(10.0, 10) == 0.0  # satellites 36° apart with 10° half-angles do not touch


def test_half_angle_closed_form_and_its_inverse():
    # closed form (spherical Earth, R = 6378.137 km): Starlink's shell at 550 km and 25° sees λ = 8.45°
    lam = earth_central_angle_deg(550, 25)
    assert lam == pytest.approx(8.45, abs=0.005)
    assert lam == pytest.approx(math.degrees(math.acos(6378.137 * math.cos(math.radians(25)) / 6928.137)) - 25)
    assert altitude_for_half_angle_km(lam, 25) == pytest.approx(550, abs=1e-6)
    with pytest.raises(InputError, match="elevation"):
        earth_central_angle_deg(550, 95)


@settings(max_examples=50, deadline=None)
@given(st.floats(200, 40000), st.floats(0, 60))
def test_inverse_round_trips(h, e):
    assert altitude_for_half_angle_km(earth_central_angle_deg(h, e), e) == pytest.approx(h, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 20), st.integers(3, 40))
def test_more_satellites_never_need_a_wider_view(p, s):
    lam = streets_min_half_angle_deg(p, s)
    assert streets_min_half_angle_deg(p + 1, s) <= lam + 1e-9
    assert streets_min_half_angle_deg(p, s + 1) <= lam + 1e-9


def test_seeds_start_with_the_smallest_constellation():
    lam = streets_min_half_angle_deg(9, 10) + 1e-9
    seeds = streets_seeds(lam)
    assert (9, 10) in seeds
    total = seeds[0][0] * seeds[0][1]
    assert total <= 90 and all(p * s >= total for p, s in seeds)
    for p, s in seeds[:5]:  # every seed meets the requirement
        assert streets_min_half_angle_deg(p, s) <= lam


def test_streets_shell_layout_follows_adams_and_rider():
    import numpy as np

    from satsov.errors import InputError
    from satsov.orbits.walker import Shell
    from satsov.synthesis import SearchSpace
    # co-rotating planes λ + c − m apart, the seam 2c − m, adjacent planes offset by half the in-plane spacing
    h = altitude_for_half_angle_km(18.70, 0.0)
    (d,) = SearchSpace(altitudes_km=(h,), inclinations_deg=(90.0,), planes=(9,), sats_per_plane=(10,),
                       patterns=("streets",), min_elevation_deg=0.0).candidates()
    sh = d.shells[0]
    lam, c = 18.70, streets_half_width_deg(18.70, 10)
    m = (8 * (lam + c) + 2 * c - 180.0) / 9
    assert sh.plane_spacing_deg == pytest.approx(lam + c - m, abs=1e-6)
    assert 180.0 - 8 * sh.plane_spacing_deg == pytest.approx(2 * c - m, abs=1e-6)   # the seam
    raan, anomaly = sh.layout_deg()
    assert np.allclose(raan[::10], sh.plane_spacing_deg * np.arange(9))
    assert np.allclose(anomaly[10:20] - anomaly[0:10], 18.0)                    # 180° / S between planes
    assert "streets" in d.key and "/D" in d.key
    with pytest.raises(InputError, match="plane_spacing_deg"):
        Shell("s", 800.0, 90.0, 9, 10, 0, "streets")
    with pytest.raises(InputError, match="min_elevation_deg"):
        SearchSpace(patterns=("streets",)).candidates()
