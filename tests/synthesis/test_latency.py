"""The latency requirement: round trip from the region's users to an in-territory point of presence, checked
against an independent computation (Skyfield positions, own elevation test, brute force over satellites and
sites), and how it enters the search."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import satsov
from satsov.orbits.walker import Shell
from satsov.synthesis import Requirement, SearchSpace, design
from satsov.synthesis.search import latency_users, verify
from satsov.synthesis.space import Design
from satsov.testing import requires_skyfield, run_cli, skyfield_timescale

T0 = "2026-05-07T00:00:00Z"
C_KM_S = 299_792.458  # speed of light (SI definition)
SHELL = Shell("t", 1200.0, 87.9, 6, 12, 3)


def _up(lat_deg, lon_deg):
    la, lo = np.radians(lat_deg), np.radians(lon_deg)   # geodetic normal on the ellipsoid
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1)


def _satrec(e):
    """python-sgp4's own initialisation from the exact elements (no TLE rounding)."""
    from sgp4.api import WGS72, Satrec
    sat = Satrec()
    jd = e.epoch.astype("datetime64[ns]").astype(np.int64) / 86400e9 + 2440587.5
    sat.sgp4init(WGS72, "i", 99999, jd - 2433281.5, e.bstar, 0.0, 0.0, e.eccentricity,
                 math.radians(e.arg_perigee_deg), math.radians(e.inclination_deg), math.radians(e.mean_anomaly_deg),
                 e.mean_motion_rev_per_day * 2 * math.pi / 1440.0, math.radians(e.raan_deg))
    return sat


@requires_skyfield
def test_bent_pipe_round_trip_equals_an_independent_brute_force():
    # Bent pipe: the path is user -> one satellite -> one of the design's gateway sites, so the round trip at an
    # instant is min over satellites above the user's mask and sites that see that satellite above theirs of
    # 2 (|user - sat| + |sat - site|) / c. Positions from Skyfield (its own SGP4 and ITRS), elevations from the
    # geodetic normal here; the percentile over users x instants must equal satsov's.
    import skyfield.api as sf
    from skyfield.framelib import itrs
    from satsov.orbits.fleet import Fleet
    req = Requirement("IS", 1, 25.0, 0.5, "area", 100.0, isl=False, max_rtt_ms=100.0, latency_users=6,
                      rtt_percentile=90.0)
    d = Design((SHELL,))
    g = satsov.grid("IS", 100)
    v = verify(d, req, grid=g, start=T0, duration_s=3600)
    assert v.gateways is not None and v.gateways.sites and v.latency is not None
    users = latency_users(g, np.asarray(g.area_km2, float), 6)
    sites = v.gateways.sites
    ts = skyfield_timescale()
    fleet = Fleet.from_shells([SHELL], T0)
    sats = [sf.EarthSatellite.from_satrec(_satrec(e), ts) for e in fleet]
    times = ts.utc(2026, 5, 7, 0, np.arange(0, 61, 5))
    pos = np.stack([s.at(times).frame_xyz(itrs).km.T for s in sats], 1)     # (t, sats, 3)
    def ground(s):
        return sf.wgs84.latlon(s.lat_deg, s.lon_deg).itrs_xyz.km
    u_xyz = np.array([ground(u) for u in users])
    g_xyz = np.array([ground(s) for s in sites])
    u_up, g_up = _up([u.lat_deg for u in users], [u.lon_deg for u in users]), _up(
        [s.lat_deg for s in sites], [s.lon_deg for s in sites])
    rtts = []
    for k in range(len(times)):
        p = pos[k]
        dv = p[None] - u_xyz[:, None]                        # (users, sats, 3)
        du = np.linalg.norm(dv, axis=-1)
        u_ok = np.einsum("usk,uk->us", dv, u_up) / du >= math.sin(math.radians(25.0))
        dg = p[None] - g_xyz[:, None]
        dgn = np.linalg.norm(dg, axis=-1)
        g_ok = np.einsum("gsk,gk->gs", dg, g_up) / dgn >= math.sin(math.radians(10.0))
        down = np.where(g_ok, dgn, np.inf).min(0)             # per satellite: nearest site that sees it
        rtts.append(np.where(u_ok, 2 * (du + down[None]) / C_KM_S, np.inf).min(1) * 1e3)
    rtt = np.concatenate(rtts)
    assert v.latency["samples"] == rtt.size
    assert v.latency["rtt_ms"] == pytest.approx(np.percentile(rtt, 90, method="higher"), abs=1e-3)
    assert v.latency["median_ms"] == pytest.approx(np.percentile(rtt, 50, method="higher"), abs=1e-3)
    assert v.latency["unreachable_share"] == pytest.approx(float(np.mean(~np.isfinite(rtt))))
    # the floor: twice the straight line up to 1,200 km and down again
    assert np.nanmin(rtt[np.isfinite(rtt)]) > 2 * 2 * 1200.0 / C_KM_S * 1e3


def test_a_latency_requirement_rejects_and_accepts():
    d = Design((SHELL,))
    g = satsov.grid("IS", 100)
    loose = verify(d, Requirement("IS", 1, 25.0, 0.5, "area", 100.0, max_rtt_ms=60.0, latency_users=4), grid=g,
                   start=T0, duration_s=3600)
    assert loose.meets and 8.0 < loose.latency["rtt_ms"] < 60.0
    tight = verify(d, Requirement("IS", 1, 25.0, 0.5, "area", 100.0, max_rtt_ms=8.0, latency_users=4), grid=g,
                   start=T0, duration_s=3600)
    assert not tight.meets and any(r.startswith("latency") for r in tight.reasons)


def test_design_with_a_latency_requirement_and_its_cli(capsys, tmp_path):
    space = SearchSpace(altitudes_km=(1200.0,), inclinations_deg=(87.9,), planes=(3, 4, 5, 6),
                        sats_per_plane=tuple(range(4, 13)))
    req = Requirement("IS", 1, 25.0, 0.9, "area", 100.0, max_rtt_ms=40.0, latency_users=4)
    r = design(req, space, duration_s=2 * 3600)
    assert r.best is not None and r.best.check.latency["rtt_ms"] <= 40.0
    assert r.pareto_verified and all("rtt_ms" in q for q in r.pareto_verified)
    code, out, err = run_cli(["design", "--region", "IS", "--min-elevation-deg", "25", "--altitude-km", "1200",
                              "--inclination-deg", "87.9", "--planes", "3,6", "--sats-per-plane", "4,12",
                              "--availability", "0.9", "--weight", "area", "--spacing-km", "100", "--duration", "2h",
                              "--max-rtt-ms", "40", "--latency-users", "4", "--compare", "none",
                              "--report", str(tmp_path), "--json"], capsys)
    assert code == 0, err
    best = json.loads(out)["best"]
    assert best["latency"]["rtt_ms"] <= 40.0 and best["latency"]["points_of_presence"] >= 1
    assert "RTT p95" in (tmp_path / "design.html").read_text()
    code, _, err = run_cli(["design", "--region", "IS", "--altitude-km", "1200", "--max-rtt-ms", "-1"], capsys)
    assert code == 2 and "max_rtt_ms" in err
