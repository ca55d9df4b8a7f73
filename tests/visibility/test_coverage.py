"""Coverage engine: exact against brute force and Skyfield, closed-form geometry, known results, invariants."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import satsov
from satsov.testing import has_cupy, requires_skyfield, skyfield_timescale
from satsov.visibility import kernel as _visibility
from satsov.visibility import Case, Denial, StepWarning, coverage, step_check
from satsov.orbits.elements import ElementSet
from satsov.world.constellations import as_filed, as_flying
from satsov.orbits.geometry import footprint_half_angle_deg, great_circle_km
from satsov.world.grids import Grid, grid
from satsov.times import time_grid

# Most tests use coarse steps on purpose (speed); test_coverage_warns_when_the_step_is_coarse checks the warning.
pytestmark = pytest.mark.filterwarnings("ignore::satsov.visibility.StepWarning")


def _kernel_counts(fleet, g, t, eps, bin_deg=None):
    pos, _ = satsov.propagate(fleet, t)
    op = np.zeros(len(fleet), np.int32)
    order, index = _visibility.index_cells(g.lat_deg, g.lon_deg, g.ecef_km, g.spacing_km, bin_deg=bin_deg)
    gs = g.subset(order)
    out = np.zeros((len(t), len(gs), 1), np.uint16)
    _visibility.count_visible(pos, op, np.ascontiguousarray(gs.ecef_km), np.ascontiguousarray(gs.up),
                              np.ascontiguousarray(gs.lon_deg), index, np.radians(eps), out)
    ref = _visibility.count_visible_brute_force(pos, op, 1, gs.ecef_km, gs.up, eps)
    return out, ref, gs, pos


@pytest.mark.parametrize("region_name,eps", [("IS", 25), ("NZ", 10), ("FJ", 40), ("RU", 0), ("AQ", 25), ("CL", 0),
                                             ("NO", 0.1)])
def test_counts_identical_to_brute_force(sample_fleet, region_name, eps):
    g = grid(region_name, 100 if region_name in ("RU", "AQ") else 25)
    t = time_grid("2026-05-07T00:00:00Z", "3h", "20m")
    out, ref, _, _ = _kernel_counts(sample_fleet, g, t, eps)
    assert (out == ref).all() and ref.sum() > 0


@pytest.mark.parametrize("bin_deg", [0.5, 1.5, 3.0])
def test_counts_identical_to_brute_force_whatever_the_bin_height(sample_fleet, bin_deg):
    g = grid("NO", 25)  # Norway to Svalbard: bins of many rows, caps near the pole
    out, ref, _, _ = _kernel_counts(sample_fleet, g, time_grid("2026-05-07T00:00:00Z", "2h", "20m"), 10, bin_deg)
    assert (out == ref).all() and ref.sum() > 0


def test_counts_identical_on_a_global_grid_and_walker_shell():
    shell = satsov.Shell("s", altitude_km=550, inclination_deg=53, planes=24, sats_per_plane=22, phasing=5)
    fleet = satsov.Fleet.from_shells([shell], "2026-05-07T00:00:00Z")
    world = Grid("world", 500, *(_global_cells(500)), np.array(["--"] * len(_global_cells(500)[0])),
                 np.zeros(len(_global_cells(500)[0])))
    out, ref, _, _ = _kernel_counts(fleet, world, time_grid("2026-05-07T00:00:00Z", "1h", "15m"), 25)
    assert (out == ref).all()


def _global_cells(spacing):
    from satsov.world.grids import candidate_points
    return candidate_points((-180, -90, 180, 90), spacing)


@requires_skyfield
def test_counts_agree_with_skyfield_elevations(sample_fleet):
    import skyfield.api as skyfield_api
    g = grid("BE", 50)
    t = time_grid("2026-05-07T00:00:00Z", "40m", "20m")
    out, _, gs, _ = _kernel_counts(sample_fleet, g, t, 25)
    ts = skyfield_timescale()  # the same IERS UT1 - UTC as satsov
    times = ts.from_datetimes(t.to_datetimes())
    sats = [skyfield_api.EarthSatellite(e.tle[0], e.tle[1], e.name, ts) for e in sample_fleet]
    for c in range(len(gs)):
        topos = skyfield_api.wgs84.latlon(gs.lat_deg[c], gs.lon_deg[c])
        els = np.array([(s - topos).at(times).altaz()[0].degrees for s in sats])
        expected = (els >= 25).sum(axis=0)
        margin = (np.abs(els - 25) < 1e-4).sum(axis=0)  # exactly on the mask: either answer is right
        assert (np.abs(out[:, c, 0].astype(int) - expected) <= margin).all()


def test_geo_satellite_has_a_fixed_footprint(sample_fleet):
    geo = [e for e in sample_fleet if e.name.startswith("EUTELSAT") and 0.99 < e.mean_motion_rev_per_day < 1.01][:1]
    fleet = satsov.Fleet(geo)
    t = time_grid("2026-05-07T00:00:00Z", "12h", "1h")
    r = fleet.positions(t)
    lat, lon, alt = satsov.subsatellite_points(r[:, 0])
    g = grid("EU27+NO+IS+TR+UA", 200)
    res = coverage({"geo": fleet}, g, t, min_elevation_deg=10)
    avail = res.cells["geo"]["availability"].to_numpy()
    assert set(np.unique(avail)) <= {0.0, 1.0}  # each cell always or never covered
    # cells inside the footprint (with 0.5° of slack for the spherical approximation) are covered
    d = great_circle_km(res.grid.lat_deg, res.grid.lon_deg, lat[0], lon[0])
    lam_km = np.radians(footprint_half_angle_deg(alt[0], 10)) * 6371.0
    assert (avail[d < lam_km - 60] == 1).all() and (avail[d > lam_km + 60] == 0).all()


def test_one_polar_satellite_over_the_pole():
    polar = ElementSet(norad_id=90001, name="POLAR", epoch=np.datetime64("2026-05-07T00:00:00"),
                       mean_motion_rev_per_day=satsov.orbits.walker.mean_motion_rev_per_day(800), eccentricity=0.0,
                       inclination_deg=90.0, raan_deg=0.0, arg_perigee_deg=0.0, mean_anomaly_deg=90.0)
    t = time_grid("2026-05-07T00:00:00Z", "0s", "60s")  # at epoch the satellite is over the north pole
    g = Grid("cap", 50, np.array([90.0, 85.0, 70.0, 60.0]), np.array([0.0, 0.0, 0.0, 0.0]), np.ones(4),
             np.array(["--"] * 4), np.ones(4))
    res = coverage({"p": satsov.Fleet([polar])}, g, t, min_elevation_deg=25)
    lam = footprint_half_angle_deg(800, 25)  # ≈ 16.6°
    expected = (90 - res.grid.lat_deg) < lam
    assert (res.cells["p"]["availability"].to_numpy() == expected).all()


def test_starlink_53deg_shell_coverage_ends_near_57_to_60_degrees():
    fleet = as_filed("starlink-gen1", "2026-05-07T00:00:00Z")
    fleet = fleet.select("*-550-*")
    assert len(fleet) == 1584
    lats = np.arange(40.0, 75.0, 1.0)
    g = Grid("meridian", 100, lats, np.zeros_like(lats), np.ones_like(lats), np.array(["--"] * len(lats)),
             np.ones_like(lats))
    res = coverage({"starlink": fleet}, g, time_grid("2026-05-07T00:00:00Z", "3h", "60s"), min_elevation_deg=25)
    avail = dict(zip(res.grid.lat_deg, res.cells["starlink"]["availability"]))
    assert avail[50.0] == 1.0 and avail[55.0] > 0.99
    assert avail[62.0] == 0.0
    edge = max(lat for lat, a in avail.items() if a > 0)
    assert 57.0 <= edge <= 61.5  # 53° + λ(550 km, 25°) ≈ 61.4° is the geometric limit


def test_oneweb_polar_shell_covers_the_poles():
    fleet = as_filed("oneweb", "2026-05-07T00:00:00Z")
    g = Grid("poles", 100, np.array([89.9, -89.9, 80.0]), np.zeros(3), np.ones(3), np.array(["--"] * 3), np.ones(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        res = coverage({"oneweb": fleet}, g, time_grid("2026-05-07T00:00:00Z", "2h", "60s"), min_elevation_deg=25)
    assert (res.cells["oneweb"]["availability"] == 1.0).all()


def test_sets_from_per_operator_counts_equal_a_pooled_fleet(sample_fleet):
    from satsov.world.operators import operator_registry
    split = operator_registry().split(sample_fleet)
    fleets = {k: split[k] for k in ("starlink", "oneweb", "kuiper")}
    t = time_grid("2026-05-07T00:00:00Z", "2h", "10m")
    g = grid("PL", 50)
    res = coverage(fleets, g, t, min_elevation_deg=20, sets={"west": ["starlink", "oneweb"]})
    pooled = coverage({"west": fleets["starlink"] + fleets["oneweb"]}, g, t, min_elevation_deg=20)
    np.testing.assert_array_equal(res.cells["west"].to_numpy(), pooled.cells["west"].to_numpy())
    np.testing.assert_allclose(res.series["west"].to_numpy(), pooled.series["west"].to_numpy())


def test_denial_switches_an_operator_off_over_part_of_the_region_for_a_time(sample_fleet):
    from satsov.world.operators import operator_registry
    split = operator_registry().split(sample_fleet)
    fleets = {k: split[k] for k in ("oneweb", "iridium")}
    t = time_grid("2026-05-07T00:00:00Z", "4h", "10m")
    g = grid("CA", 200)
    east = g.lon_deg > -90
    deny = Denial("oneweb", east, np.datetime64("2026-05-07T01:00"), np.datetime64("2026-05-07T02:00"), "geofence")
    res = coverage(fleets, g, t, min_elevation_deg=10,
                   cases=[Case("base", ("oneweb", "iridium")), Case("denied", ("oneweb", "iridium"), (deny,))])
    base, denied = res.cells["base"], res.cells["denied"]
    assert (denied["availability"] <= base["availability"]).all()
    west = ~(res.grid.lon_deg > -90)
    np.testing.assert_array_equal(denied["availability"][west], base["availability"][west])
    s_base, s_den = res.series["base"]["mean_sats_in_view"], res.series["denied"]["mean_sats_in_view"]
    window = (s_base.index >= "2026-05-07T01:00") & (s_base.index < "2026-05-07T02:00")
    assert (s_den[~window] == s_base[~window]).all() and (s_den[window] < s_base[window]).all()


@settings(max_examples=8, deadline=None)
@given(st.floats(0, 60), st.floats(0, 25))
def test_property_raising_the_mask_never_raises_coverage(sample_fleet_small, eps, extra):
    t = time_grid("2026-05-07T00:00:00Z", "1h", "20m")
    g = grid("IE", 50)
    low = coverage(sample_fleet_small, g, t, min_elevation_deg=eps)
    high = coverage(sample_fleet_small, g, t, min_elevation_deg=min(eps + extra, 89.0))
    for case in low.cells:
        assert (high.cells[case]["availability"] <= low.cells[case]["availability"]).all()
        assert (high.cells[case]["mean_sats_in_view"] <= low.cells[case]["mean_sats_in_view"]).all()


@pytest.fixture(scope="module")
def sample_fleet_small(sample_fleet):
    from satsov.world.operators import operator_registry
    split = operator_registry().split(sample_fleet)
    return {k: split[k] for k in ("starlink", "oneweb", "qianfan")}


def test_excluding_an_operator_never_adds_coverage(sample_fleet_small):
    res = coverage(sample_fleet_small, "IE", time_grid("2026-05-07T00:00:00Z", "2h", "10m"), min_elevation_deg=25,
                   spacing_km=50, sets={"all": ["starlink", "oneweb", "qianfan"], "no-cn": ["starlink", "oneweb"]})
    assert (res.cells["no-cn"]["availability"] <= res.cells["all"]["availability"]).all()
    for op in ("starlink", "oneweb"):
        assert (res.cells[op]["availability"] <= res.cells["no-cn"]["availability"]).all()


def test_gap_statistics_on_a_known_pattern():
    from satsov.visibility.engine import _Accumulator, _accumulate
    a = _Accumulator(2, 1, False)
    met = np.array([[1, 0], [0, 0], [0, 1], [1, 1], [0, 1]], np.int32)  # two cells over five steps
    counts = met[:, :, None].astype(np.uint16)
    _accumulate(a, met, counts, [0], {}, 1, np.ones(2), np.ones(2), 2.0, 2.0)
    assert a.longest_gap.tolist() == [2, 2] and a.n_gaps.tolist() == [2, 1] and a.gap_steps.tolist() == [3, 2]


def test_step_check_warns_for_coarse_steps(sample_fleet_small):
    assert step_check(sample_fleet_small, 25, 30) == []
    msgs = step_check(sample_fleet_small, 25, 300)
    assert msgs and "starlink" in msgs[0] and "quarter of the longest pass" in msgs[0]


def test_bad_arguments(sample_fleet_small):
    t = time_grid("2026-05-07T00:00:00Z", "1h", "20m")
    with pytest.raises(satsov.InputError, match="min_elevation_deg"):
        coverage(sample_fleet_small, "IE", t, min_elevation_deg=95)
    with pytest.raises(satsov.UnknownNameError, match="did you mean 'oneweb'"):
        coverage(sample_fleet_small, "IE", t, sets={"x": ["onweb"]})
    with pytest.raises(satsov.InputError, match="case 'oneweb' is named twice"):
        coverage(sample_fleet_small, "IE", t, sets={"oneweb": ["oneweb"]})


def test_result_dataset_and_figures(sample_fleet_small):
    res = coverage(sample_fleet_small, "IE", time_grid("2026-05-07T00:00:00Z", "1h", "10m"), spacing_km=50)
    ds = res.to_dataset()
    assert set(ds["availability"].dims) == {"case", "cell"} and ds.sizes["time"] == 7
    f = res.figures("all")
    assert 0 <= f.time_coverage_area <= 1 and len(f.worst_cells) <= 10
    assert "all" in res.critical and set(res.critical["all"].columns) == set(sample_fleet_small)


@pytest.mark.filterwarnings("error::satsov.visibility.StepWarning")
def test_coverage_warns_when_the_step_is_coarse(sample_fleet_small):
    with pytest.warns(StepWarning, match="quarter of the longest pass"):
        res = coverage(sample_fleet_small, "IE", time_grid("2026-05-07T00:00:00Z", "1h", "10m"), spacing_km=50)
    assert res.warnings


def test_device_choice_errors(sample_fleet_small):
    t = time_grid("2026-05-07T00:00:00Z", "10m", "10m")
    with pytest.raises(satsov.UnknownNameError, match="did you mean 'cuda'"):
        coverage(sample_fleet_small, "IE", t, device="cudaa")
    if not has_cupy:
        with pytest.raises(satsov.MissingDependencyError, match=r"pip install 'satsov\[cuda\]'"):
            coverage(sample_fleet_small, "IE", t, device="cuda")


def test_refine_check_finds_what_a_coarse_step_hides():
    from satsov.visibility import refine_check
    fleets = as_flying(["kuiper"])  # 299 satellites: patchy coverage with short gaps
    coarse = refine_check(fleets, "PL", time_grid("2026-05-07T00:00:00Z", "2h", "5m"), spacing_km=50)
    assert coarse["cases"]["kuiper"]["gaps_missed"] > 0 and coarse["fine_step_s"] == 75.0
    fine = refine_check(fleets, "PL", time_grid("2026-05-07T00:00:00Z", "30m", "15s"), spacing_km=50)
    assert fine["cases"]["kuiper"]["cells_changed"] == 0


def _iceland_oneweb():
    fleets = as_flying(["oneweb"])
    return fleets, grid("IS", 100), time_grid("2026-05-07T00:00:00Z", "5h", "10m")


def test_overlapping_denials_of_one_operator_compose_as_their_union():
    # issue 10, case 1: 00:00-03:00 and 02:00-04:00 must equal one denial 00:00-04:00
    fleets, g, t = _iceland_oneweb()
    h = lambda x: np.datetime64(f"2026-05-07T{x:02d}:00")  # noqa: E731
    overlapping = (Denial("oneweb", None, h(0), h(3)), Denial("oneweb", None, h(2), h(4)))
    merged = (Denial("oneweb", None, h(0), h(4)),)
    res = coverage(fleets, g, t, cases=[Case("overlap", ("oneweb",), overlapping), Case("merged", ("oneweb",), merged)])
    np.testing.assert_array_equal(res.cells["overlap"].to_numpy(), res.cells["merged"].to_numpy())
    assert res.figures("overlap").mean_sats_in_view >= 0
    assert (res.series["overlap"]["mean_sats_in_view"] >= 0).all()


def test_a_denial_of_no_cell_or_no_step_changes_nothing_and_is_left_out(monkeypatch):
    # a licence refused in a country the region does not hold (the demo's every case had such denials, whose
    # empty masks each chunk built and tested): the same figures, and no mask reaches the tally
    import satsov.visibility.engine as engine
    fleets, g, t = _iceland_oneweb()
    h = lambda x: np.datetime64(f"2026-05-07T{x:02d}:00")  # noqa: E731
    nowhere = (Denial("oneweb", frozenset({"CA"})), Denial("oneweb", None, h(8), h(9)))  # no cell; no step
    seen = []
    real = engine.tally_case
    monkeypatch.setattr(engine, "tally_case", lambda a, counts, member, denied, *rest: (seen.append(denied),
                                                                                        real(a, counts, member, denied,
                                                                                             *rest))[1])
    res = coverage(fleets, g, t, cases=[Case("plain", ("oneweb",)), Case("nowhere", ("oneweb",), nowhere)])
    np.testing.assert_array_equal(res.cells["plain"].to_numpy(), res.cells["nowhere"].to_numpy())
    assert (res.series["plain"].to_numpy() == res.series["nowhere"].to_numpy()).all()
    assert seen and all(d == {} for d in seen)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 5), st.booleans()), min_size=1, max_size=4))
def test_any_composition_of_denials_keeps_counts_non_negative_and_gaps_within_the_window(spans):
    fleets, g, t = _iceland_oneweb()
    west = g.lon_deg < -19
    denials = tuple(Denial("oneweb", west if half else None, np.datetime64("2026-05-07T00:00") + np.timedelta64(a, "h"),
                           np.datetime64("2026-05-07T00:00") + np.timedelta64(a + n, "h")) for a, n, half in spans)
    res = coverage(fleets, g, t, cases=[Case("base", ("oneweb",)), Case("denied", ("oneweb",), denials)])
    cells = res.cells["denied"]
    assert (cells["mean_sats_in_view"] >= 0).all() and (res.series["denied"]["mean_sats_in_view"] >= 0).all()
    assert (cells["availability"] <= res.cells["base"]["availability"]).all()
    assert (cells["longest_gap_s"] <= t.duration_s).all() and (cells["mean_gap_s"] <= t.duration_s).all()


def test_a_gap_never_outlasts_the_window():
    # issue 10, case 2: a place never served for a 1 h window has a 3,600 s gap, not 3,660 s
    fleets, g, _ = _iceland_oneweb()
    t = time_grid("2026-05-07T00:00:00Z", "1h", "60s")
    res = coverage(fleets, g, t, cases=[Case("off", ("oneweb",), (Denial("oneweb"),))])
    assert res.figures("off").longest_gap_s == 3600.0
    assert res.cells["off"]["mean_gap_s"].max() == 3600.0


def test_a_denial_in_every_case_for_the_whole_window_gives_the_per_case_result(sample_fleet_small):
    """Landing rights deny an operator some cells in every case: the engine zeroes them once in the counts. The
    figures must equal the per-case path, forced by one more case whose denial is not for the whole window."""
    from satsov.visibility.engine import Case, Denial
    t = time_grid("2026-05-07T00:00:00Z", "2h", "5m")
    ops = tuple(sample_fleet_small)
    op = ops[0]
    deny = Denial(op, frozenset({"IE"}), None, None, "licence")
    part = Denial(op, frozenset({"IE"}), None, t.utc[3], "partial")
    cases = [Case("all", ops, (deny,), dependency=True), Case("one", (op,), (deny,)), Case("rest", ops[1:])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        fast = coverage(sample_fleet_small, "GB+IE", t, spacing_km=100, cases=cases)
        slow = coverage(sample_fleet_small, "GB+IE", t, spacing_km=100,
                        cases=cases + [Case("probe", (op,), (part,))])
    for key in ("all", "one", "rest"):
        for col in ("availability", "mean_sats_in_view", "longest_gap_s"):
            np.testing.assert_allclose(fast.cells[key][col].to_numpy(), slow.cells[key][col].to_numpy())
    np.testing.assert_allclose(fast.critical["all"].to_numpy(), slow.critical["all"].to_numpy())
    ie = np.asarray(fast.grid.country) == "IE"
    assert ie.any() and fast.cells["one"]["availability"].to_numpy()[ie].max() == 0.0


def test_frames_equal_the_availability_of_each_span_computed_on_its_own(sample_fleet_small):
    """Maps through time: the availability in each of n equal spans of the window equals a coverage pass over
    that span alone; the spans' step-weighted mean is the window's availability."""
    t = time_grid("2026-05-07T00:00:00Z", "90m", "60s")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        whole = coverage(sample_fleet_small, "IE", t, spacing_km=100, frames=4, frame_cases={"all"})
        assert set(whole.frames) == {"all"} and whole.frames["all"].shape[0] == 4
        first = (np.arange(5) * len(t) + 3) // 4
        for k in range(4):
            span = time_grid(str(t.utc[first[k]])[:19] + "Z", f"{(first[k + 1] - first[k] - 1) * 60}s", "60s")
            alone = coverage(sample_fleet_small, "IE", span, spacing_km=100)
            np.testing.assert_allclose(whole.frames["all"][k], alone.cells["all"]["availability"].to_numpy())


@settings(max_examples=30, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180))
def test_property_a_tile_gap_never_exceeds_the_angle_to_the_nearest_cell(lat, lon):
    """The kernel's early exit drops a satellite when its cap radius is below its tile's bound: the bound must
    never exceed the true angle (brute force over every cell) from any direction in the tile to the nearest cell."""
    g = grid("EU27", 200)  # cells scattered from the Caribbean to Réunion and Lapland
    gaps = _visibility.tile_gaps(g.ecef_km)
    unit = g.ecef_km / np.linalg.norm(g.ecef_km, axis=1)[:, None]
    la, lo = np.radians(lat), np.radians(lon)
    d = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    nearest = np.arccos(np.clip(unit @ d, -1, 1)).min()
    ti = min(179, int((lat + 90) // 1)), min(359, int((lon + 180) // 1))
    assert gaps[ti] <= nearest + 1e-12


@settings(max_examples=40, deadline=None)
@given(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0), st.integers(0, 5))
def test_property_a_cube_gap_never_exceeds_the_angle_to_the_nearest_cell(u, v, face):
    """The kernel's first exit reads a cube map of directions (no trigonometry): its bound must never exceed
    the true angle (brute force over every cell) from any direction in a cube cell to the nearest cell, its
    corners and edges included."""
    g = grid("EU27", 200)  # cells scattered from the Caribbean to Réunion and Lapland
    n = 16  # coarse, so that the cells are wide and the corners far from the centres
    cos_gap = _visibility.cube_gaps(g.ecef_km, n)
    unit = g.ecef_km / np.linalg.norm(g.ecef_km, axis=1)[:, None]
    d = _visibility._cube_directions(np.array(face), np.array(u), np.array(v))
    nearest = np.arccos(np.clip(unit @ d, -1, 1)).min()
    ci, cj = min(n - 1, int((u + 1) * n / 2)), min(n - 1, int((v + 1) * n / 2))
    assert np.arccos(np.clip(cos_gap[face, ci, cj], -1, 1)) <= nearest + 1e-12
    # and the kernel's face and (u, v) of that direction are the ones it was built from
    ax = np.abs(d)
    k = int(np.argmax(ax))
    if ax[k] > ax[[i for i in range(3) if i != k]].max() + 1e-12:
        assert 2 * k + (0 if d[k] > 0 else 1) == face


def test_counts_identical_to_brute_force_on_a_scattered_region(sample_fleet):
    """EU27 with its outermost regions: most satellites are dropped by the tile bound, none wrongly."""
    out, ref, _, _ = _kernel_counts(sample_fleet, grid("EU27", 100), time_grid("2026-05-07T00:00:00Z", "2h", "15m"), 25)
    assert (out == ref).all() and ref.sum() > 0


@pytest.mark.parametrize("n_fold", [1, 2])
def test_compiled_tally_equals_the_array_reductions(sample_fleet_small, monkeypatch, n_fold):
    """The compiled per-case reductions (the CPU path) against the array version (the GPU path, NumPy here):
    every per-cell figure, dependency count and frame identical, the series equal to rounding, with denials
    over part of the region and of the window, a whole-window licence, sets and small chunks (state carried
    across chunks)."""
    from satsov.visibility import engine
    t = time_grid("2026-05-07T00:00:00Z", "3h", "5m")
    ops = tuple(sample_fleet_small)
    east = Denial(ops[0], grid("GB+IE", 100).lon_deg > -5, t.utc[5], t.utc[20], "geofence")
    lic = Denial(ops[1], frozenset({"IE"}), None, None, "licence")
    cases = [Case("all", ops, (east, lic), dependency=True), Case("west", ops[:2], (east,), dependency=True),
             Case("one", (ops[2],))]
    kwargs = dict(spacing_km=100, cases=cases, n_fold=n_fold, chunk_steps=7, frames=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        compiled = coverage(sample_fleet_small, "GB+IE", t, **kwargs)
        monkeypatch.setattr(engine, "COMPILED_TALLY", False)
        array = coverage(sample_fleet_small, "GB+IE", t, **kwargs)
    for key in ("all", "west", "one"):
        assert compiled.cells[key].equals(array.cells[key])
        np.testing.assert_allclose(compiled.series[key].to_numpy(), array.series[key].to_numpy(), rtol=1e-12,
                                   atol=1e-15)
        np.testing.assert_array_equal(compiled.frames[key], array.frames[key])
    for key in ("all", "west"):
        assert compiled.critical[key].equals(array.critical[key]) and compiled.present[key].equals(array.present[key])
    assert compiled.cells["all"]["availability"].between(0, 1).all() and compiled.critical["all"].to_numpy().sum() > 0


def test_positions_propagated_once_give_the_same_result(sample_fleet_small):
    """Positions given (propagated once for several regions) or propagated chunk by chunk: the same result."""
    from satsov.errors import InputError
    t = time_grid("2026-05-07T00:00:00Z", "2h", "5m")
    elements = [e for f in sample_fleet_small.values() for e in f]
    pos, _ = satsov.propagate(elements, t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        here = coverage(sample_fleet_small, "IE", t, spacing_km=100, chunk_steps=5)
        given = coverage(sample_fleet_small, "IE", t, spacing_km=100, chunk_steps=5, positions=pos)
        for key in here.cells:
            assert here.cells[key].equals(given.cells[key]) and here.series[key].equals(given.series[key])
        with pytest.raises(InputError, match="positions: found shape"):
            coverage(sample_fleet_small, "IE", t, spacing_km=100, positions=pos[:, :3])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(0, 60), st.sampled_from([("WORLD", 500), ("NO", 50), ("EU27", 100)]),
       st.sampled_from([None, 0.5, 3.0]))
def test_property_kernel_counts_equal_brute_force_for_any_satellites(seed, eps, where, bin_deg):
    """Satellites anywhere from 200 km to beyond GEO, any mask, any bin height: the kernel's bounds (tile,
    outer and inner caps) never change a count."""
    rng = np.random.default_rng(seed)
    g = grid(*where)
    d = rng.normal(size=(300, 1, 3))
    pos = d / np.linalg.norm(d, axis=-1, keepdims=True) * rng.uniform(6578, 45000, size=(300, 1, 1))
    op = rng.integers(0, 2, 300).astype(np.int32)
    order, index = _visibility.index_cells(g.lat_deg, g.lon_deg, g.ecef_km, g.spacing_km, bin_deg=bin_deg)
    gs = g.subset(order)
    out = np.zeros((1, len(gs), 2), np.uint16)
    _visibility.count_visible(pos, op, np.ascontiguousarray(gs.ecef_km), np.ascontiguousarray(gs.up),
                              np.ascontiguousarray(gs.lon_deg), index, np.radians(eps), out)
    ref = _visibility.count_visible_brute_force(pos, op, 2, gs.ecef_km, gs.up, eps)
    assert (out == ref).all()
