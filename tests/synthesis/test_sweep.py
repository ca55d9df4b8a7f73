"""The search space, the sweep (serial, Dask, Parquet resume), the gateway set, exports and the report."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import satsov
from satsov.errors import InputError
from satsov.orbits.fleet import Fleet
from satsov.orbits.walker import Shell
from satsov.synthesis import (Design, Requirement, SearchSpace, gateway_candidates, pareto_front,
                              smallest_gateway_set, verify)
from satsov.synthesis.sweep import ScreenSpec, sweep
from satsov.testing import run_cli

T0 = "2026-05-07T00:00:00Z"
SPACE = SearchSpace(altitudes_km=(1200.0,), inclinations_deg=(87.9, 70.0), planes=tuple(range(2, 7)),
                    sats_per_plane=tuple(range(4, 13)), max_satellites=60)
SPEC = ScreenSpec("IS", 100.0, "area", 1, 25.0, 0.95, None, T0, 6 * 3600.0)


def test_the_space_is_sized_before_it_is_built_and_ordered_by_its_objective():
    cands = SPACE.candidates()
    assert SPACE.size() == len(cands) and len({d.key for d in cands}) == len(cands)
    assert [d.satellites for d in cands] == sorted(d.satellites for d in cands)
    two = SearchSpace(altitudes_km=(550.0,), inclinations_deg=(53.0,), planes=(2, 3), sats_per_plane=(4, 5),
                      shells=2, max_satellites=30)
    assert two.size() == len(two.candidates()) + sum(  # pairs over max_satellites are counted, not built
        1 for a, b in itertools.combinations_with_replacement(two._single(), 2) if a.size + b.size > 30)
    with pytest.raises(InputError, match="candidate designs, more than max_candidates"):
        SearchSpace(planes=tuple(range(1, 60)), sats_per_plane=tuple(range(1, 60)), phasings="all",
                    max_satellites=5000, max_candidates=1000).candidates()
    launches = SearchSpace(altitudes_km=(550.0,), inclinations_deg=(53.0,), planes=(4, 8), sats_per_plane=(10, 22),
                           spares_per_plane=1, sats_per_launch=12, objective="launches").candidates()
    costs = [d.cost("launches") for d in launches]
    assert costs == sorted(costs)
    d = next(d for d in launches if d.shells[0].planes == 8 and d.shells[0].sats_per_plane == 22)
    assert d.satellites_with_spares == 8 * 23 and d.launches == 8 * math.ceil(23 / 12)


def test_serial_and_dask_sweeps_agree_and_a_rerun_resumes(tmp_path):
    cands = SPACE.candidates()
    serial, info = sweep(SPEC, cands, batch_satellites=600)
    assert info["batches"] > 3 and len(serial) == len(cands)
    dask, dinfo = sweep(SPEC, cands, batch_satellites=600, workers=2)
    assert dinfo["scheduler"] == "local:2"
    pd.testing.assert_frame_equal(serial, dask)
    # streamed to Parquet; a first run stopped early, a second resumes its batches and finishes the rest
    part, pinfo = sweep(SPEC, cands, batch_satellites=600, out=tmp_path / "s", stop_after=1)
    assert pinfo["batches_used"] < pinfo["batches"] and len(list((tmp_path / "s").glob("part-*.parquet"))) >= 1
    full, finfo = sweep(SPEC, cands, batch_satellites=600, out=tmp_path / "s")
    assert finfo["batches_resumed"] >= pinfo["batches_used"]
    pd.testing.assert_frame_equal(full, serial)
    again, ainfo = sweep(SPEC, cands, batch_satellites=600, out=tmp_path / "s")
    assert ainfo["batches_resumed"] == ainfo["batches"]
    pd.testing.assert_frame_equal(again, serial)
    other = ScreenSpec("IS", 100.0, "area", 2, 25.0, 0.95, None, T0, 6 * 3600.0)
    with pytest.raises(InputError, match="holds a sweep of other parameters"):
        sweep(other, cands, out=tmp_path / "s")


def test_local_dask_workers_are_tuned_for_the_screen():
    """Dask's MALLOC_TRIM_THRESHOLD_ made the screen 30-40% slower in its workers (docs/benchmarks.md): tasks
    undo it, and the local cluster runs without the statistical profiler."""
    import platform

    import dask

    from satsov.synthesis.sweep import _tune_malloc_in_dask_worker, dask_client
    assert _tune_malloc_in_dask_worker() is False  # not in a worker: this process's allocator is left alone
    with dask_client(workers=1) as cl:
        tuned = cl.submit(_tune_malloc_in_dask_worker, pure=False).result()
        profiling = list(cl.run(lambda: dask.config.get("distributed.worker.profile.enabled")).values())
    assert tuned is (platform.system() == "Linux" and platform.libc_ver()[0] == "glibc")
    assert profiling == [False]


def test_the_stop_rule_keeps_the_first_passing_designs_in_order():
    cands = SPACE.candidates()
    rows, info = sweep(SPEC, cands, batch_satellites=600, stop_after=2)
    assert int(rows["passed"].sum()) >= 2 and list(rows["key"]) == [d.key for d in cands[:len(rows)]]
    all_rows, _ = sweep(SPEC, cands, batch_satellites=600)
    first_two = list(all_rows[all_rows["passed"]]["key"][:2])
    assert list(rows[rows["passed"]]["key"][:2]) == first_two


def _sees(sat, site_xyz, site_up, min_el_deg):
    d = sat - site_xyz
    return float(d @ site_up) / float(np.linalg.norm(d)) >= math.sin(math.radians(min_el_deg))


def test_the_gateway_set_is_the_smallest_cover_brute_force_agrees():
    g = satsov.grid("IS", 100)
    shell = Shell("s", 1200.0, 87.9, 3, 13, 0)
    times = satsov.time_grid(T0, "2h", "300s")
    pos = Fleet.from_shells([shell], T0).positions(times)
    cands = [c for c in gateway_candidates(["IS", "NO", "GB"], per_country=3) if c.country in ("IS", "NO", "GB")][:8]
    plan = smallest_gateway_set(pos, g, cands, user_min_elevation_deg=25.0, gateway_min_elevation_deg=10.0)
    # independently: which satellite-steps serve Iceland, which sites see each, and the smallest cover by trying
    # every subset in order of size
    from satsov.orbits.geometry import geodetic_to_ecef

    def up(lat, lon):
        la, lo = np.radians(lat), np.radians(lon)
        return np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    cells = [(geodetic_to_ecef(a, b, 0.0), up(a, b)) for a, b in zip(g.lat_deg, g.lon_deg)]
    sites = [(geodetic_to_ecef(c.lat_deg, c.lon_deg, 0.0), up(c.lat_deg, c.lon_deg)) for c in cands]
    need = []
    for t in range(pos.shape[1]):
        for s in range(pos.shape[0]):
            sat = pos[s, t]
            if any(_sees(sat, x, u, 25.0) for x, u in cells):
                need.append({i for i, (x, u) in enumerate(sites) if _sees(sat, x, u, 10.0)})
    assert plan.serving_satellite_steps == len(need)
    coverable = [n for n in need if n]
    assert plan.uncovered_satellite_steps == len(need) - len(coverable)
    smallest = next(k for k in range(len(cands) + 1) for combo in itertools.combinations(range(len(cands)), k)
                    if all(n & set(combo) for n in coverable))
    assert len(plan.sites) == smallest
    chosen = {cands.index(s) for s in plan.sites}
    assert all(n & chosen for n in coverable)


def test_a_bent_pipe_design_fails_when_no_allowed_gateway_can_see_its_satellites():
    d = Design((Shell("s", 1200.0, 87.9, 3, 13, 0),))
    far = Requirement("IS", 1, 25.0, 0.5, "area", 100.0, None, False, ("MT",))
    v = verify(d, far, duration_s=2 * 3600)
    assert not v.meets and v.gateways.uncovered_satellite_steps > 0 and "see no gateway" in v.reasons[0]
    home = Requirement("IS", 1, 25.0, 0.5, "area", 100.0, None, False)
    v = verify(d, home, duration_s=2 * 3600)
    assert v.meets and v.gateways.served_share == 1.0 and all(s.country == "IS" for s in v.gateways.sites)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 50), st.floats(0, 1)), min_size=1, max_size=30))
def test_the_pareto_front_is_what_no_point_beats(pts):
    points = [{"cost": c, "screened": a} for c, a in pts]
    front = pareto_front(points)
    for p in points:  # every point is on the front or beaten by a point on it
        assert any(q is p for q in front) or any(
            q["cost"] <= p["cost"] and q["screened"] >= p["screened"] for q in front)
    for p in front:
        assert not any(q["cost"] <= p["cost"] and q["screened"] >= p["screened"] and
                       (q["cost"] < p["cost"] or q["screened"] > p["screened"]) for q in points)


def test_design_command_exports_reports_and_compares(tmp_path, capsys):
    args = ["design", "--region", "IS", "--altitude-km", "1200", "--inclination-deg", "87.9", "--availability",
            "0.95", "--weight", "area", "--spacing-km", "100", "--max-satellites", "120", "--duration", "2h",
            "--bent-pipe", "--export", str(tmp_path / "exp"), "--report", str(tmp_path / "rep"),
            "--out", str(tmp_path / "sweep")]
    code, out, err = run_cli(args + ["--compare", "telesat", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    best = data["best"]
    assert best["meets"] and best["gateways"]["count"] >= 1 and best["verified_availability"] >= 0.95
    assert data["comparison"][0]["key"] == "telesat" and "missing" in data["comparison"][0]
    assert data["analytic_bounds"]["1200"]["half_angle_deg"] == pytest.approx(
        satsov.synthesis.earth_central_angle_deg(1200, 25))
    assert data["pareto"] and all("cost" in p for p in data["pareto"])
    html = (tmp_path / "rep" / "design.html").read_text()
    assert "Satellites against availability" in html and "Gateways" in html and "data:image/png" in html
    # the export reads back: the same satellites, and a scenario that satsov accepts with the design as a fleet
    fleet = satsov.load_fleet(tmp_path / "exp" / "design.tle")
    assert len(fleet) == best["satellites"]
    omm = json.loads((tmp_path / "exp" / "design.omm.json").read_text())
    assert len(omm) == best["satellites"]
    from satsov.assessment.run import check_scenario
    from satsov.assessment.scenario import load_scenario
    sc = load_scenario(tmp_path / "exp" / "scenario.toml")
    check_scenario(sc)
    assert sum(s.planes * s.sats_per_plane for s in sc.shells) == best["satellites"]
    times = satsov.time_grid(T0, "1h", "10m")
    ref = Fleet.from_shells([Shell("x", best["altitude_km"], best["inclination_deg"], best["planes"],
                                   best["sats_per_plane"], best["phasing"])], T0).positions(times)
    assert np.allclose(fleet.positions(times), ref, atol=1.0)  # TLE rounding: well under a km
    # the rerun resumes the Parquet results
    code, out, err = run_cli(args + ["--compare", "none", "--json"], capsys)
    assert code == 0 and json.loads(out)["sweep"]["batches_resumed"] >= 1


def test_a_capacity_requirement_is_checked_with_the_capacity_model():
    d = Design((Shell("s", 1200.0, 87.9, 6, 8, 1),))
    low = Requirement("IS", 1, 25.0, 0.5, "area", 100.0, capacity_share=0.01, capacity_snapshots=3)
    v = verify(d, low, duration_s=2 * 3600)
    assert v.meets and 0.01 <= v.capacity["served_share"] <= 1.0 and v.capacity["as"] == "iris2"
    assert v.capacity["depends_on_assumptions"]  # IRIS²'s capacity is an assumption, and the figure says so
    high = Requirement("IS", 1, 25.0, 0.5, "area", 100.0, capacity_share=1.0, capacity_snapshots=3,
                       capacity_as="oneweb")
    v = verify(d, high, duration_s=2 * 3600)
    assert not v.meets and any(r.startswith("capacity:") for r in v.reasons)
    assert v.capacity["served_share"] < 1.0
