"""Network: ISLs, routing and the jurisdiction audit, against Hypatia's satgenpy, networkx and closed forms."""

import importlib
import math

import numpy as np
import pytest

import satsov
from satsov.orbits.geometry import look_angles
from satsov.constants import SPEED_OF_LIGHT_KM_S
from satsov.testing import requires_networkx, requires_satgenpy
from satsov.network import Network, place_gateways, plus_grid_isls, route
from satsov.network.topology import max_isl_range_for_grazing_km
from satsov.world.sites import GroundSite, city
from satsov.times import Times, time_grid
from satsov.orbits.walker import Shell

SHELL = Shell("kuiper-630", altitude_km=630, inclination_deg=51.9, planes=34, sats_per_plane=34, phasing=0)


@requires_satgenpy
def test_plus_grid_isls_identical_to_satgenpy(tmp_path):
    satgen_isls = importlib.import_module("satgen.isls.generate_plus_grid_isls")
    for planes, per_plane, shift in ((34, 34, 0), (72, 22, 0), (12, 7, 3)):
        theirs = satgen_isls.generate_plus_grid_isls(str(tmp_path / "isls.txt"), planes, per_plane, isl_shift=shift)
        ours = plus_grid_isls(planes, per_plane, shift)
        assert [tuple(p) for p in ours.tolist()] == theirs


def _hypatia_constellation(tmp_path):
    tles_mod = importlib.import_module("satgen.tles.generate_tles_from_scratch")
    n = math.sqrt(398600.8 / (6378.135 + 630) ** 3) * 86400 / (2 * math.pi)
    tles_mod.generate_tles_from_scratch_with_sgp(str(tmp_path / "tles.txt"), "Kuiper", 34, 34, False, 51.9,
                                                 0.0000001, 0.0, n)
    from satsov.orbits.tle import parse_tle
    elements, rejected = parse_tle((tmp_path / "tles.txt").read_text().splitlines()[1:], "hypatia-tles.txt")
    assert not rejected
    return elements


@requires_satgenpy
def test_isl_lengths_agree_with_satgenpy(tmp_path):
    """satgenpy computes positions with PyEphem's SGP4, python-sgp4 (the reference) differs from it by metres."""
    read_tles = importlib.import_module("satgen.tles.read_tles")
    from astropy import units as u
    from satgen.distance_tools import distance_m_between_satellites
    elements = _hypatia_constellation(tmp_path)
    tles = read_tles.read_tles(str(tmp_path / "tles.txt"))
    isls = plus_grid_isls(34, 34)
    for t_s in (0, 600):
        pos, _ = satsov.propagate(elements, Times(np.datetime64("2000-01-01T00:00:00", "ns")
                                                  + np.array([t_s * 10**9], "timedelta64[ns]")))
        sample = isls[::37]
        ours = np.linalg.norm(pos[sample[:, 0], 0] - pos[sample[:, 1], 0], axis=1) * 1000
        epoch = tles["epoch"]
        theirs = np.array([distance_m_between_satellites(tles["satellites"][a], tles["satellites"][b], str(epoch),
                                                         str(epoch + t_s * u.s)) for a, b in sample])
        assert np.abs(ours - theirs).max() < 15.0  # metres; PyEphem vs python-sgp4


@requires_networkx
def test_shortest_paths_equal_networkx_on_the_same_graph():
    """Same edges and weights in satgenpy's router (networkx Dijkstra) and ours: identical lengths."""
    import networkx as nx
    net = Network.from_shells([(SHELL, "kuiper")], "2026-05-07T00:00:00Z")
    sites = [city(n) for n in ("London", "Paris", "Madrid", "Berlin", "Rome", "Warsaw")]
    t = time_grid("2026-05-07T00:00:00Z", "0s", "60s")
    res = route(net, sites, t)
    pos = net.fleet.positions(t)[:, 0]
    g = nx.DiGraph()
    for a, b in net.isls_at(pos):
        d = float(np.linalg.norm(pos[a] - pos[b]))
        g.add_edge(a, b, weight=d)
        g.add_edge(b, a, weight=d)
    n = len(net.fleet)
    for i, s in enumerate(sites):
        az, el, rng = look_angles(s.lat_deg, s.lon_deg, 0.0, pos)
        for k in np.flatnonzero(el >= 25):
            g.add_edge(("up", i), int(k), weight=float(rng[k]))
            g.add_edge(int(k), ("down", i), weight=float(rng[k]))
    for i in range(len(sites)):
        lengths = nx.single_source_dijkstra_path_length(g, ("up", i))
        for j in range(len(sites)):
            if i == j:
                continue
            expected = 2 * lengths[("down", j)] / SPEED_OF_LIGHT_KM_S
            assert res.rtt_s[i, j, 0] == pytest.approx(expected, abs=1e-3 / SPEED_OF_LIGHT_KM_S)  # 1 m
    assert n == 1156


def test_ground_links_equal_testing_every_satellite_with_leo_meo_and_geo():
    # the candidates come from one k-d tree per orbit class, each searched within its own slant range: the
    # links, their order and their distances equal the exact test applied to every satellite (brute force)
    from satsov.network.topology import ground_links
    from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
    rng = np.random.default_rng(7)
    n = 3000
    alt = np.concatenate([rng.uniform(300, 2000, n - 300), rng.uniform(8000, 20000, 150),
                          rng.uniform(35700, 35900, 150)])
    lat, lon = np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.uniform(-180, 180, n)
    pos = geodetic_to_ecef(lat, lon, alt)
    ok_sat = rng.random(n) > 0.1
    g_lat, g_lon = rng.uniform(-80, 80, 60), rng.uniform(-180, 180, 60)
    g_xyz = geodetic_to_ecef(g_lat, g_lon, rng.uniform(0, 3, 60))
    g_up = up_vectors(g_lat, g_lon)
    sin_mask = np.sin(np.radians(rng.choice([-1.0, 0.0, 10.0, 25.0, 40.0], 60)))
    for max_range in (math.inf, 3000.0):
        gi, si, dist = ground_links(g_xyz, g_up, sin_mask, pos, ok_sat, max_range)
        want_g, want_s, want_d = [], [], []
        for g in range(60):
            s = np.flatnonzero(ok_sat)
            d = pos[s] - g_xyz[g]
            r = np.linalg.norm(d, axis=1)
            ok = ((d @ g_up[g]) >= sin_mask[g] * r) & (r <= max_range)
            want_g += [g] * int(ok.sum())
            want_s += list(s[ok])
            want_d += list(r[ok])
        np.testing.assert_array_equal(gi, want_g)
        np.testing.assert_array_equal(si, want_s)
        np.testing.assert_array_equal(dist, want_d)
        if max_range == math.inf:  # GEO satellites among the links
            assert len(set(si) & set(np.flatnonzero(alt > 30000))) > 0


def test_two_sites_under_one_satellite_bent_pipe_closed_form():
    shell = Shell("one", altitude_km=550, inclination_deg=53, planes=3, sats_per_plane=3)
    net = Network.from_shells([(shell, "starlink")], "2026-05-07T00:00:00Z", bent_pipe=True, min_elevation_deg=10)
    t = time_grid("2026-05-07T00:00:00Z", "0s", "60s")
    pos = net.fleet.positions(t)[:, 0]
    lat, lon, _ = satsov.subsatellite_points(pos[0])
    a = GroundSite("A", float(lat) + 2.0, float(lon))
    b = GroundSite("B", float(lat) - 2.0, float(lon) + 1.0)
    res = route(net, [a, b], t)
    up = look_angles(a.lat_deg, a.lon_deg, 0.0, pos[0])[2]
    down = look_angles(b.lat_deg, b.lon_deg, 0.0, pos[0])[2]
    assert res.rtt_s[0, 1, 0] == pytest.approx(2 * (up + down) / SPEED_OF_LIGHT_KM_S, rel=1e-12)
    assert res.paths[(0, 1)][0] == ("up:A", "sat:ONE-P00-S00", "down:B")


def test_rtt_is_never_below_the_straight_line_bound():
    net = Network.from_shells([(SHELL, "kuiper")], "2026-05-07T00:00:00Z")
    sites = [city(n) for n in ("Tokyo", "Sydney", "Lagos", "Lima", "Toronto")]
    res = route(net, sites, time_grid("2026-05-07T00:00:00Z", "30m", "5m"), keep_paths=False)
    for i, a in enumerate(sites):
        for j, b in enumerate(sites):
            if i != j:
                chord = np.linalg.norm(a.ecef_km - b.ecef_km)
                rtt = res.rtt_s[i, j]
                assert (rtt[np.isfinite(rtt)] >= 2 * chord / SPEED_OF_LIGHT_KM_S).all()


def test_isl_range_and_grazing_limits():
    assert max_isl_range_for_grazing_km(550) == pytest.approx(5016, abs=2)  # Hypatia's Starlink value
    net = Network.from_shells([(SHELL, "kuiper")], "2026-05-07T00:00:00Z", max_isl_range_km=100.0)
    pos = net.fleet.positions(time_grid("2026-05-07T00:00:00Z", "0s", "60s"))[:, 0]
    assert len(net.isls_at(pos)) == 0


def test_policy_routing_and_jurisdiction_audit():
    net = Network.from_shells([(SHELL, "kuiper"), (Shell("ow", 1200, 87.9, 12, 20, pattern="star"), "oneweb")],
                              "2026-05-07T00:00:00Z", gateway_min_elevation_deg=10)
    net.gateways = place_gateways(["CA", "US", "GB"], per_country=2)
    t = time_grid("2026-05-07T00:00:00Z", "20m", "5m")
    users = [city("Ottawa"), city("Toronto")]
    free = route(net, users, t, to_internet=True)
    canada = route(net, users, t, to_internet=True, gateway_countries={"CA"}, policy_name="land-in-canada")
    for entry in canada.summary(allied={"CA"}):
        assert set(entry["gateway_countries_share"]) <= {"CA"}
        assert entry["share_leaving_allied_jurisdiction"] == 0.0
    # a restriction never shortens a route nor adds reachability
    assert (canada.rtt_s >= free.rtt_s - 1e-12).all()
    only_oneweb = route(net, users, t, to_internet=True, allowed_operators={"oneweb"})
    assert (only_oneweb.rtt_s >= free.rtt_s - 1e-12).all()
    for ops in only_oneweb.operators[(0, 0)]:
        assert ops is None or set(ops) <= {"oneweb"}
    none = route(net, users, t, to_internet=True, gateway_countries={"FR"})
    s = none.summary()[0]
    # unreachable for the whole window: 20 min, not 5 samples x 300 s (a gap never outlasts the window)
    assert s["reachable_share"] == 0.0 and s["unreachable_periods"][0]["duration_s"] == 20 * 60


def test_nearest_neighbour_isls_for_catalogue_fleets(sample_fleet):
    from satsov.world.operators import operator_registry
    split = operator_registry().split(sample_fleet)
    net = Network.from_fleets({"oneweb": split["oneweb"]}, max_isl_range_km=8000)
    pos = net.fleet.positions(time_grid("2026-05-07T00:00:00Z", "0s", "60s"))[:, 0]
    pairs = net.isls_at(pos)
    assert len(pairs) > 0 and (pairs[:, 0] < pairs[:, 1]).all()


def test_route_cli(capsys):
    import json
    from satsov.cli import main
    try:
        main(["route", "--from", "London", "--to", "New York City", "--filed", "kuiper", "--duration", "10m",
              "--json"])
    except SystemExit as exc:
        assert exc.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["routes"][0]["reachable_share"] == 1.0 and data["routes"][0]["rtt_ms_min"] > 35.9


def test_route_cli_with_the_cited_gateways_only(capsys):
    """OneWeb (bent pipe) from Whitehorse to the Internet: with every published site, the notes count those known
    from community lists only; with --cited-gateways-only it lands only where a site's own source was read
    (Yellowknife, Inuvik, Talkeetna...)."""
    import json

    from satsov.cli import main
    from satsov.world.sites import published_sites

    def run(*extra):
        try:
            main(["route", "--from", "Whitehorse,CA", "--to-internet", "--operator", "oneweb", "--duration", "10m",
                  "--json", *extra])
        except SystemExit as exc:
            assert exc.code == 0
        return json.loads(capsys.readouterr().out)
    every, cited = run(), run("--cited-gateways-only")
    assert any("known from community lists only" in n for n in every["warnings"])
    assert not any("known from community lists only" in n for n in cited["warnings"])
    have = {g.country for g in published_sites(["oneweb"], cited_only=True)}
    assert cited["routes"][0]["reachable_share"] > 0
    assert set(cited["routes"][0]["gateway_countries_share"]) <= have


def test_published_bent_pipe_latency_seattle_new_york():
    """Handley's simulation of Starlink phase 1 (1,584 satellites, 550 km, 53°) without laser links gives a
    six-hop bent-pipe route Seattle–New York with an RTT of 36 ms (M. Handley, UCL, simulation video of
    2019, as reported by L. Press, CircleID, 30 Dec 2019). Our model: ground relays at populous cities of
    the US and Canada, 25° mask. Tolerance ±5 ms: Handley's relay sites and step are not published."""
    shell = Shell("s", altitude_km=550, inclination_deg=53, planes=72, sats_per_plane=22, phasing=17)
    net = Network.from_shells([(shell, "starlink")], "2026-05-07T00:00:00Z", bent_pipe=True)
    net.gateways = place_gateways(["US", "CA"], per_country=60, min_separation_km=150)
    res = route(net, [city("Seattle"), city("New York City")], time_grid("2026-05-07T00:00:00Z", "1h", "5m"),
                keep_paths=False)
    rtt = res.rtt_ms("Seattle", "New York City")
    assert np.isfinite(rtt).all() and abs(float(rtt.median()) - 36.0) < 5.0
    # on this route, laser links beat the bent pipe (as in Handley's two videos)
    net.bent_pipe = False
    isl = route(net, [city("Seattle"), city("New York City")], time_grid("2026-05-07T00:00:00Z", "1h", "5m"),
                keep_paths=False).rtt_ms("Seattle", "New York City")
    assert (isl <= rtt + 1e-9).all()


def test_no_isl_hop_on_an_operator_without_links():
    # OneWeb Gen1 has no inter-satellite links (FCC DA 23-362, in data/capacity.yaml): its satellites relay only
    # through gateways, while Starlink's keep theirs; GEO satellites of an operator whose LEO system has links
    # (Telesat's Anik vs Lightspeed) relay through gateways too
    from satsov.capacity import supply_table
    fleets = {k: f[:60] for k, f in satsov.as_flying(["starlink", "oneweb", "telesat"]).items()}
    isl, notes = supply_table().isl_fleets(fleets)
    assert isl == {"starlink"} and any("oneweb" in n and "DA 23-362" in n for n in notes)
    net = Network.from_fleets(fleets, isl_operators=isl)
    pos = net.fleet.positions(time_grid("2026-05-07T00:00:00Z", "0s", "1h"))[:, 0]
    pairs = net.isls_at(pos)
    ops = net.sat_operator
    assert len(pairs) and (ops[pairs[:, 0]] == "starlink").all() and (ops[pairs[:, 1]] == "starlink").all()
    every = Network.from_fleets(fleets).isls_at(pos)  # without the capability, OneWeb would get links
    assert (ops[every[:, 0]] == "oneweb").any()
    sub, _ = net.subset(np.ones(len(ops), bool))
    assert sub.isl_operators == isl
