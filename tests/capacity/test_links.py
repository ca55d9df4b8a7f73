"""Spectral efficiency by elevation (issue 31, item 4): the link geometry against closed forms, the DVB-S2 table's
mode selection, and the per-cell factors of an allocation against a brute force over every satellite."""

from __future__ import annotations

import importlib
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import satsov
from satsov.capacity import allocate, build_demand
from satsov.capacity.links import DVB_S2, EARTH_RADIUS_KM, efficiency_bps_hz, elevation_factor, slant_range_km

T0 = "2026-05-07T00:00:00Z"


def test_slant_range_is_the_law_of_cosines_on_the_footprint_angle():
    # ../shared/REFERENCE.md, Geometry: the Earth-central half-angle for elevation ε at altitude h is
    # λ = 90° − ε − asin(Rₑ cos ε / (Rₑ + h)); for 550 km and 25°, λ ≈ 8.45°
    r, h, e = EARTH_RADIUS_KM, 550.0, 25.0
    lam = math.radians(90.0 - e - math.degrees(math.asin(r * math.cos(math.radians(e)) / (r + h))))
    assert math.degrees(lam) == pytest.approx(8.45, abs=0.01)
    d = math.sqrt(r ** 2 + (r + h) ** 2 - 2 * r * (r + h) * math.cos(lam))
    assert float(slant_range_km(e, h)) == pytest.approx(d, rel=1e-9)
    assert float(slant_range_km(90.0, h)) == pytest.approx(h, rel=1e-12)


def test_the_best_mode_that_closes_is_chosen():
    # ETSI EN 302 307-1 Table 13: QPSK 1/2 closes at 1.00 dB (0.988858 bit/s/Hz); at 6.0 dB the best that closes
    # is 8PSK 3/5 (1.779991 at 5.50 dB), above QPSK 5/6 (1.654663 at 5.18 dB)
    assert float(efficiency_bps_hz(1.0)) == pytest.approx(0.988858)
    assert float(efficiency_bps_hz(0.99)) == pytest.approx(0.789412)
    assert float(efficiency_bps_hz(6.0)) == pytest.approx(1.779991)
    assert float(efficiency_bps_hz(-2.36)) == 0.0 and float(efficiency_bps_hz(40.0)) == pytest.approx(4.453027)
    # brute force over the table
    for x in np.linspace(-4, 18, 221):
        expected = max([eff for need, eff in DVB_S2 if need <= x], default=0.0)
        assert float(efficiency_bps_hz(x)) == pytest.approx(expected)


@settings(max_examples=200, deadline=None)
@given(e1=st.floats(1, 90), e2=st.floats(1, 90), h=st.floats(300, 36000), esn0=st.floats(0, 20),
       band=st.sampled_from(["Ku", "Ka", None]))
def test_the_factor_is_a_fraction_that_never_falls_as_the_satellite_rises(e1, e2, h, esn0, band):
    lo, hi = sorted((e1, e2))
    f_lo, f_hi = (float(elevation_factor(e, h, esn0, band)) for e in (lo, hi))
    assert 0.0 <= f_lo <= f_hi <= 1.0
    assert float(elevation_factor(90.0, h, esn0, band)) == pytest.approx(1.0) or float(efficiency_bps_hz(esn0)) == 0


@pytest.mark.parametrize("chunk_pairs", [1_000_000, 97])
def test_each_cells_factor_is_its_best_placed_satellites(monkeypatch, chunk_pairs):
    """The factors an allocation uses (per fleet and cell, at one snapshot) against a brute force over every
    satellite of the fleet above its minimum elevation from every cell; the visible pairs taken whole or a few
    blocks at a time."""
    warnings.simplefilter("ignore")
    module = importlib.import_module("satsov.capacity.allocate")
    monkeypatch.setattr(module, "ELEVATION_CHUNK_PAIRS", chunk_pairs)
    monkeypatch.setattr(module, "_ELEVATION", {})
    seen = []
    real = module._elevation_factors

    def spy(ctx, pos, *args):
        out = real(ctx, pos, *args)
        seen.append((ctx, pos, out))
        return out

    monkeypatch.setattr(module, "_elevation_factors", spy)
    fleets = satsov.as_flying(["oneweb", "kuiper"])
    d = build_demand(satsov.grid("IS", 100), background_spacing_km=1500)
    allocate(fleets, d, satsov.time_grid(T0, "0s", "1h"), gateways=None)
    ctx, pos, factor = seen[0]
    from satsov.capacity.links import efficiency_bps_hz as eff
    from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
    g = d.grid
    xyz, up = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0), up_vectors(g.lat_deg, g.lon_deg)
    esn0, atm = ctx.link
    checked = 0
    for f in range(len(ctx.fleet_names)):
        sats = np.flatnonzero(ctx.sat_fleet == f)
        for c in range(len(g)):
            v = pos[sats] - xyz[c]
            dist = np.linalg.norm(v, axis=1)
            sin_el = (v @ up[c]) / dist
            above = np.degrees(np.arcsin(np.clip(sin_el, -1, 1))) >= ctx.min_el[sats]
            if not above.any():
                continue
            height = np.linalg.norm(pos[sats], axis=1) - np.linalg.norm(xyz[c])
            loss = 20 * np.log10(dist / height) + atm[f] * (1 / sin_el - 1)
            loss = np.where(loss < 1e-6, 0.0, loss)
            best = (eff(esn0 - loss[above]) / eff(esn0)).max()
            assert factor[f, c] == pytest.approx(best, abs=1e-9), (ctx.fleet_names[f], c)
            checked += 1
    assert checked > 20 and (factor < 1).any()


def test_elevation_lowers_no_share_and_can_be_turned_off():
    warnings.simplefilter("ignore")
    fleets = satsov.as_flying(["oneweb", "kuiper"])
    d = build_demand(satsov.grid("IS", 100), background_spacing_km=1500)
    t = satsov.time_grid(T0, "0s", "1h")
    on = allocate(fleets, d, t, gateways=None)
    off = allocate(fleets, d, t, gateways=None, elevation_efficiency=False)
    for k in ("all", "oneweb", "kuiper"):
        assert on.figures(k).served_share <= off.figures(k).served_share + 1e-12
    assert any("scaled by what a channel carries at the elevation" in n for n in on.notes)
    assert any("zenith rate whatever the elevation" in n for n in off.notes)
    assert "user link Es/N0 at zenith" in " ".join(on.figures("all").depends_on_assumptions)
