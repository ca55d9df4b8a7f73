"""The ground segment as capacity (issue 31, item 5): gateways feed the satellites with their antennas' capacity,
and a landing rule makes a satellite serve the region only while it can land its traffic in the rule's countries.

Checked against independent references: the brute-force elevation test for which gateway sees which satellite,
the great circle for the mesh's reach, and networkx's maximum flow on a network assembled here from those pairs
(gateway → satellite → cell), with and without a landing rule."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import satsov
from satsov.capacity import build_demand
from satsov.capacity.allocate import allocate
from satsov.capacity.blocks import block_network, block_tree, visible_blocks
from satsov.capacity.flow import fair_flow
from satsov.capacity.ground import GroundSites, feed
from satsov.constants import WGS84_A_KM
from satsov.errors import InputError
from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
from satsov.testing import requires_networkx
from satsov.world.cases import Case
from satsov.world.sites import GroundSite

T0 = "2026-05-07T00:00:00Z"


def _elevation_pairs(pos, xyz, up, min_el_deg):
    """(satellite, site) pairs at or above ``min_el_deg``: the textbook test, every pair."""
    d = pos[:, None, :] - xyz[None]
    el = np.degrees(np.arcsin(np.clip(np.einsum("scx,cx->sc", d, up) / np.linalg.norm(d, axis=2), -1, 1)))
    return {(int(a), int(b)) for a, b in zip(*np.nonzero(el >= min_el_deg))}


def _sites(lat, lon, country):
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    return geodetic_to_ecef(lat, lon, 0.0).reshape(-1, 3), up_vectors(lat, lon).reshape(-1, 3), np.array(country)


def _feed_value(fd, sat_cap, rule=None, sats=None):
    """networkx's maximum flow from the source through a feed's arcs (those a case under ``rule`` keeps) into the
    satellites (``sats``: these only), each to the sink at its capacity."""
    import networkx as nx
    g = nx.DiGraph()
    keep = fd.keep(rule)
    for t, h, hs, c in zip(fd.tail[keep], fd.head[keep], fd.head_sat[keep], fd.cap[keep]):
        u = "src" if t < 0 else ("node", int(t))
        v = ("sat", int(hs)) if hs >= 0 else ("node", int(h))
        g.add_edge(u, v, capacity=int(c) + (g.edges[u, v]["capacity"] if g.has_edge(u, v) else 0))
    for s in (range(len(sat_cap)) if sats is None else sats):
        g.add_edge(("sat", int(s)), "sink", capacity=int(sat_cap[s]))
    return nx.maximum_flow_value(g, "src", "sink") if g.has_node("src") and g.has_node("sink") else 0


def _textbook_value(pairs, site_cap, rate, sat_cap, sats=None):
    """The same from the (satellite, site) pairs: source → site (its capacity) → satellite (one antenna's rate)."""
    import networkx as nx
    g = nx.DiGraph()
    for s, i in pairs:
        if sats is None or s in sats:
            g.add_edge("src", ("site", i), capacity=int(site_cap))
            g.add_edge(("site", i), ("sat", s), capacity=int(min(rate, sat_cap[s])))
            g.add_edge(("sat", s), "sink", capacity=int(sat_cap[s]))
    return nx.maximum_flow_value(g, "src", "sink") if g.number_of_nodes() else 0


@requires_networkx
@pytest.mark.parametrize("antennas", [1, 4, 100])
def test_a_bent_pipe_satellite_is_fed_by_the_gateways_that_see_it_and_no_more(antennas):
    # five gateways of one, four or a hundred antennas: the feed gives every set of satellites exactly what the
    # textbook network of the pairs in sight gives (gateways that cannot bind folded into one arc per satellite)
    fleet = satsov.as_flying(["oneweb"])["oneweb"]
    pos = fleet.positions(satsov.time_grid(T0, "0s", "1h"))[:, 0]
    pos[5] = np.nan   # a satellite that failed to propagate is fed by nothing
    xyz, up, country = _sites([64.1, 51.5, 60.2, 48.9, -33.9], [-21.9, -0.1, 24.9, 2.4, 18.4],
                              ["IS", "GB", "FI", "FR", "ZA"])
    rate = 3000
    gs = GroundSites(0, False, xyz, up, country, antennas, rate)
    rng = np.random.default_rng(antennas)
    cap = rng.integers(1000, 9000, len(pos))
    fd = feed([gs], pos, np.zeros(len(pos), np.int64), cap, 10.0, rules=[("IS",)])
    pairs = _elevation_pairs(np.nan_to_num(pos, nan=0.0), xyz, up, 10.0) - {(5, g) for g in range(5)}
    seen = sorted({s for s, _g in pairs})
    np.testing.assert_array_equal(fd.reaches, np.isin(np.arange(len(pos)), seen))
    assert fd.fed.all()
    for sats in (None, set(seen[::2]), set(seen[:3])):
        assert _feed_value(fd, cap, None, sats) == _textbook_value(pairs, antennas * rate, rate, cap, sats)
    # the rule: the satellites that see Iceland's gateway may serve the region, fed from it alone
    sees_is = {s for s, g in pairs if g == 0}
    np.testing.assert_array_equal(fd.serves[0], np.isin(np.arange(len(pos)), sorted(sees_is)))
    assert _feed_value(fd, cap, ("IS",), sees_is) == _textbook_value(
        {(s, g) for s, g in pairs if g == 0}, antennas * rate, rate, cap, sees_is)
    others = set(seen) - sees_is   # the others keep every gateway
    assert _feed_value(fd, cap, ("IS",), others) == _textbook_value(pairs, antennas * rate, rate, cap, others)


def test_an_isl_operator_reaches_the_satellites_whose_tile_is_within_reach_of_a_gateway():
    fleet = satsov.as_flying(["starlink"])["starlink"]
    pos = fleet.positions(satsov.time_grid(T0, "0s", "1h"))[:, 0]
    xyz, up, country = _sites([45.4, 49.3, 64.1], [-75.7, -123.1, -21.9], ["CA", "CA", "IS"])
    reach_km = 2500.0
    gs = GroundSites(0, True, xyz, up, country, 10, 20000, reach_km)
    fd = feed([gs], pos, np.zeros(len(pos), np.int64), np.full(len(pos), 20000, np.int64), 10.0)
    # the great circle from each gateway to each satellite's sub-satellite point
    u = pos / np.linalg.norm(pos, axis=1)[:, None]
    v = xyz / np.linalg.norm(xyz, axis=1)[:, None]
    km = WGS84_A_KM * np.arccos(np.clip(u @ v.T, -1, 1)).min(axis=1)
    # the tiles: a fifth of the reach a side, so a satellite is within reach at that resolution
    slack = WGS84_A_KM * math.radians(math.degrees(reach_km / WGS84_A_KM) / 5.0) * 0.75
    assert fd.reaches[km <= reach_km - slack].all()
    assert not fd.reaches[km > reach_km + slack].any()
    assert fd.reaches.sum() > 100
    # a gateway's capacity: its antennas, but no more than the satellites it sees
    seen = np.array([sum(1 for s, g in _elevation_pairs(pos, xyz, up, 10.0) if g == i) for i in range(3)])
    np.testing.assert_array_equal(fd.cap[fd.tail < 0], np.minimum(10, seen) * 20000)


def _networkx_total(feed_pairs, site_cap, arc_cap, sat_cap, sat_op, pairs, density, area, demand, fed):
    """networkx's maximum flow: source → site → satellite (its capacity, through one node) → (cell, operator) →
    cell → sink, assembled here from the (site, satellite) and (satellite, cell) pairs."""
    import networkx as nx
    g = nx.DiGraph()
    for i, c in enumerate(site_cap):
        g.add_edge("src", ("site", i), capacity=int(c))
    for (i, s), c in zip(feed_pairs, arc_cap):
        g.add_edge(("site", i), ("in", s), capacity=int(c))
    for s, c in enumerate(sat_cap):
        if not fed[s]:
            g.add_edge("src", ("in", s), capacity=int(c))
        g.add_edge(("in", s), ("sat", s), capacity=int(c))
    for s, cell in pairs:
        op = int(sat_op[s])
        g.add_edge(("sat", s), ("link", cell, op), capacity=int(sat_cap[s]))
        g.add_edge(("link", cell, op), ("cell", cell), capacity=int(np.floor(density[op] * area[cell])))
    for c, d in enumerate(demand):
        g.add_edge(("cell", c), "sink", capacity=int(d))
    return nx.maximum_flow_value(g, "src", "sink")


@requires_networkx
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_block_network_with_gateways_carries_the_pairwise_maximum_flow(seed):
    # OneWeb bent pipe through three gateways of small capacity, Starlink fed from the source: the gateways bind
    # in places; the same maximum flow as networkx on the pairs, with and without a landing rule in Ireland
    from tests.capacity.test_blocks import _brute, irish_network
    rng = np.random.default_rng(seed)
    g, xyz, up, demand, region, tree, pos, sat_op, sat_cap = irish_network(rng, 3500, (1000, 8000))
    density = np.array([0.5, 1.5])
    mel = np.where(sat_op == 0, 55.0, 25.0)
    s, lv, b = visible_blocks(tree, pos, mel)
    sx, su, sc = _sites([53.3, 51.9, 54.6], [-6.3, -8.5, -5.9], ["IE", "IE", "GB"])
    rate = int(rng.integers(500, 3000))
    gs = GroundSites(0, False, sx, su, sc, 2, rate)
    rule = ("IE",)
    fd = feed([gs], pos, sat_op, sat_cap, 10.0, rules=[rule])
    bn = block_network(tree, s, lv, b, sat_op, sat_cap, density, g.area_km2, demand, 2, feed=fd)
    slot_demand = np.where(tree.cells >= 0, demand[np.maximum(tree.cells, 0)], 0)
    seen = sorted((gi, si) for si, gi in _elevation_pairs(pos, sx, su, 10.0) if sat_op[si] == 0)
    pairs = [(a, c) for a, c in _brute(pos, mel, xyz, up) if demand[c] >= 1]
    fed = sat_op == 0
    for with_rule in (False, True):
        keep = bn.rule_keep(rule if with_rule else None)
        net = bn.network.subset(keep)
        flows, _ = fair_flow(net, slot_demand, fair=False)
        fp, use = seen, pairs
        if with_rule:   # a satellite that sees Ireland's gateways: fed by them only; the others: no region cell
            lands = {si for gi, si in seen if sc[gi] == "IE"}
            fp = [(gi, si) for gi, si in seen if sc[gi] == "IE" or si not in lands]
            use = [(a, c) for a, c in pairs if sat_op[a] == 1 or a in lands or not region[c]]
        expected = _networkx_total(fp, [2 * rate] * 3, [min(rate, sat_cap[si]) for _g, si in fp], sat_cap, sat_op,
                                   use, density, g.area_km2, demand, fed)
        assert int(flows[net.cell_arc].sum()) == expected
    assert bn.rule_keep(None).all()
    # OneWeb geofenced over the region under the same rule: it serves none of the region, so the rule leaves its
    # feed alone (its arcs as without the rule), while the same rule on OneWeb not geofenced drops some
    from satsov.capacity.allocate import _case_arcs
    region_slot = np.arange(tree.n_slots) < tree.region_slots
    args = (bn, np.array([True, True]), np.zeros((2, len(g)), bool), np.maximum(tree.cells, 0), region_slot)
    feed_arcs = np.zeros(len(bn.arc_op), bool)
    feed_arcs[bn.feed_first:bn.feed_first + len(bn.feed.tail)] = True
    fenced_keep = _case_arcs(*args, fenced=np.array([True, False]), rule=rule)[0]
    open_keep = _case_arcs(*args, fenced=np.array([False, False]), rule=rule)[0]
    assert fenced_keep[feed_arcs].all()
    assert not open_keep[feed_arcs].all()


def test_gateways_cap_what_a_bent_pipe_operator_delivers():
    d = build_demand(satsov.grid("IS", 100), background=False)
    t = satsov.time_grid(T0, "2h", "1h")
    fleets = satsov.as_flying(["oneweb"])
    site = [GroundSite("GW Reykjavik", 64.1, -21.9, "IS", "gateway", "oneweb")]
    tiny = {"oneweb": {**_entry("oneweb"), "gateway_antennas_per_site": _p(1), "gateway_antenna_gbps": _p(0.5)}}
    supply = satsov.capacity.supply_table(overrides=tiny)
    free = allocate(fleets, d, t, gateways=site, gateway_capacity=False, supply=supply)
    capped = allocate(fleets, d, t, gateways=site, supply=supply)
    assert (free.total_served_mbps["oneweb"] > 500).all()         # the satellites alone carry more
    # one antenna of 0.5 Gbps: whatever the satellites and the cells could take, no more than it reaches the ground
    assert (capped.total_served_mbps["oneweb"] <= 500).all() and capped.total_served_mbps["oneweb"].max() >= 499
    assert any("ground segment" in n and "oneweb 1 sites × 1 antennas × 0.5 Gbps" in n for n in capped.notes)
    assert any("unlimited capacity" in n for n in free.notes)


def test_a_landing_rule_serves_the_region_only_through_gateways_in_its_countries():
    d = build_demand(satsov.grid("IS", 100), background=False)
    t = satsov.time_grid(T0, "2h", "1h")
    fleets = satsov.as_flying(["oneweb", "starlink"])
    abroad = [GroundSite("GW Scotland", 57.5, -4.2, "GB", "gateway", "oneweb"),
              GroundSite("GW Norway", 59.9, 10.7, "NO", "gateway", "starlink")]
    home = [GroundSite("GW Reykjavik", 64.1, -21.9, "IS", "gateway", "oneweb"),
            GroundSite("GW Keflavik", 64.0, -22.6, "IS", "gateway", "starlink")]
    cases = {"anywhere": Case("anywhere", ("oneweb", "starlink")),
             "land in IS": Case("land in IS", ("oneweb", "starlink"), land_in=("IS",))}
    only_abroad = allocate(fleets, d, t, cases=cases, gateways=abroad)
    assert only_abroad.figures("anywhere").served_share > 0.05
    assert only_abroad.figures("land in IS").served_share == 0.0   # no gateway in Iceland: nothing may serve it
    assert any("landing rules (land in IS: land_in IS)" in n for n in only_abroad.notes)
    both = allocate(fleets, d, t, cases=cases, gateways=abroad + home)
    assert both.figures("land in IS").served_share > 0.05
    # what lands in Iceland is no more than its gateways carry
    ruled = both.served_cells_mbps["land in IS"].sum(axis=1)
    assert (ruled <= 15 * 20000 + 10 * 3600).all()
    with pytest.raises(InputError, match="needs the gateways as capacity"):
        allocate(fleets, d, t, cases=cases, gateways=home, gateway_capacity=False)


def _entry(key):
    import yaml

    from satsov.data import data_path
    with open(data_path("capacity.yaml")) as f:
        return yaml.safe_load(f)[key]


def _p(x):
    return {"low": x, "base": x, "high": x, "source": "test"}


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 20), st.integers(1, 20))
def test_more_antennas_never_carry_less_and_never_more_than_the_gateways(seed, a1, a2):
    # a property of the network, whatever the pairs: the total is monotone in every gateway's antennas and
    # bounded by what a bent-pipe operator's gateways carry together
    rng = np.random.default_rng(seed)
    g = satsov.grid("IE", 100)
    xyz, up = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0), up_vectors(g.lat_deg, g.lon_deg)
    demand = rng.integers(0, 20000, len(g))
    tree = block_tree(xyz, up, demand >= 1, np.ones(len(g), bool))
    pos = _oneweb_positions()
    sat_op = np.zeros(len(pos), np.int64)
    sat_cap = rng.integers(1000, 8000, len(pos))
    s, lv, b = visible_blocks(tree, pos, np.full(len(pos), 55.0))
    sx, su, sc = _sites([53.3, 51.9, 54.6], [-6.3, -8.5, -5.9], ["IE", "IE", "GB"])
    slot_demand = np.where(tree.cells >= 0, demand[np.maximum(tree.cells, 0)], 0)
    totals = []
    for antennas in sorted((a1, a2)):
        fd = feed([GroundSites(0, False, sx, su, sc, antennas, 1500)], pos, sat_op, sat_cap, 10.0)
        bn = block_network(tree, s, lv, b, sat_op, sat_cap, np.array([1.0]), g.area_km2, demand, 1, feed=fd)
        flows, _ = fair_flow(bn.network, slot_demand, fair=False)
        totals.append(int(flows[bn.network.cell_arc].sum()))
        assert totals[-1] <= 3 * antennas * 1500
    assert totals[0] <= totals[1]


@functools.lru_cache(maxsize=1)
def _oneweb_positions():
    return satsov.as_flying(["oneweb"])["oneweb"].positions(satsov.time_grid(T0, "0s", "1h"))[:, 0]


def test_a_landing_rule_leaves_the_feed_of_an_operator_geofenced_over_the_region_alone():
    # Starlink geofenced over Iceland serves none of it, so a rule that Iceland's traffic lands in Iceland must
    # not take its Norwegian gateway from the satellites in reach of Keflavik: the world gets the same
    from satsov.world.cases import REGION, Denial
    d = build_demand(satsov.grid("IS", 100), background=True, background_spacing_km=800)
    t = satsov.time_grid(T0, "1h", "1h")
    fleets = satsov.as_flying(["starlink"])
    sites = [GroundSite("GW Norway", 59.9, 10.7, "NO", "gateway", "starlink"),
             GroundSite("GW Keflavik", 64.0, -22.6, "IS", "gateway", "starlink")]
    fence = (Denial("starlink", REGION, None, None, "policy"),)
    # the rule's case computes every cell's allocation again: the same as Iceland denied to Starlink outright
    # (a standing denial, part of the case's own network), where the world is allocated afresh too
    denied = (Denial("starlink", frozenset({"IS"}), None, None, "licence"),)
    cases = {"denied": Case("denied", ("starlink",), denied),
             "fenced, land in IS": Case("fenced, land in IS", ("starlink",), fence, land_in=("IS",))}
    r = allocate(fleets, d, t, cases=cases, gateways=sites)
    np.testing.assert_array_equal(r.total_served_mbps["fenced, land in IS"], r.total_served_mbps["denied"])
    assert r.figures("fenced, land in IS").served_share == 0.0
