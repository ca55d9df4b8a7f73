"""Visibility in blocks and the flow network built on them: the same pairs as the brute-force elevation test
and the same maximum flow as the pairwise network (networkx, built independently here)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import satsov
from satsov.capacity.blocks import block_network, block_tree, expand, visible_blocks
from satsov.capacity.flow import fair_flow
from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
from satsov.testing import requires_networkx

T0 = "2026-05-07T00:00:00Z"


def _brute(pos, min_el_deg, xyz, up):
    d = pos[:, None, :] - xyz[None]
    el = np.degrees(np.arcsin(np.clip(np.einsum("scx,cx->sc", d, up) / np.linalg.norm(d, axis=2), -1, 1)))
    return {(int(a), int(b)) for a, b in zip(*np.nonzero(el >= np.asarray(min_el_deg)[:, None]))}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([400.0, 550.0, 1200.0, 8000.0, 35786.0]),
       st.sampled_from([0.0, 10.0, 25.0, 55.0]))
def test_blocks_hold_exactly_the_visible_cells(seed, altitude_km, min_el):
    # random cells (clustered and spread, poles included) and satellites: the blocks, expanded, are the pairs
    # that pass the exact elevation test on the WGS-84 normal, no more and no fewer
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 900))
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon = rng.uniform(-180, 180, n)
    if seed % 2:  # a dense cluster, as a fine region grid
        lat[: n // 2] = rng.uniform(40, 70, n // 2)
        lon[: n // 2] = rng.uniform(-10, 30, n // 2)
    xyz, up = geodetic_to_ecef(lat, lon, 0.0), up_vectors(lat, lon)
    region = rng.random(n) < 0.5
    use = rng.random(n) < 0.9
    tree = block_tree(xyz, up, use, region)
    m = 60
    sat = geodetic_to_ecef(np.degrees(np.arcsin(rng.uniform(-1, 1, m))), rng.uniform(-180, 180, m),
                           np.full(m, altitude_km))
    sat[0] = np.nan  # a satellite that failed to propagate sees nothing
    mel = np.full(m, min_el)
    s, lv, b = visible_blocks(tree, sat, mel)
    ps, pc = expand(tree, s, lv, b)
    got = set(zip(ps.tolist(), pc.tolist()))
    assert len(got) == len(ps)  # no pair twice
    brute = {(a, c) for a, c in _brute(np.nan_to_num(sat, nan=0.0), mel, xyz, up) if use[c] and a != 0}
    assert got == brute
    # no block mixes region and background
    arc, cell = expand(tree, np.arange(len(s)), lv, b)
    mixed = np.bincount(arc, weights=region[cell], minlength=len(s))
    sizes = np.bincount(arc, minlength=len(s))
    assert ((mixed == 0) | (mixed == sizes)).all()


def test_blocks_are_far_fewer_than_pairs_on_a_fine_grid():
    g = satsov.grid("PL", 25)
    xyz, up = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0), up_vectors(g.lat_deg, g.lon_deg)
    tree = block_tree(xyz, up, np.ones(len(g), bool), np.ones(len(g), bool))
    fleet = satsov.as_flying(["starlink"])["starlink"]
    pos = fleet.positions(satsov.time_grid(T0, "0s", "1h"))[:, 0]
    s, lv, b = visible_blocks(tree, pos, 25.0)
    ps, _ = expand(tree, s, lv, b)
    assert len(s) * 5 < len(ps)


def irish_network(rng, near_km, sat_cap_range):
    """Ireland at 50 km with random demand (half the cells the region) and OneWeb (0) and Starlink (1) within
    ``near_km`` of it at one instant, with random capacities: (grid, cell xyz, up, demand, region, block tree,
    positions, operator and capacity per satellite)."""
    g = satsov.grid("IE", 50)
    xyz, up = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0), up_vectors(g.lat_deg, g.lon_deg)
    demand = rng.integers(0, 3000, len(g)) * (rng.random(len(g)) < 0.8)
    region = np.arange(len(g)) < len(g) // 2
    tree = block_tree(xyz, up, demand >= 1, region)
    fleets = satsov.as_flying(["oneweb", "starlink"])
    pos = np.concatenate([f.positions(satsov.time_grid(T0, "0s", "1h"))[:, 0] for f in fleets.values()])
    sat_op = np.concatenate([np.full(len(f), i) for i, f in enumerate(fleets.values())])
    near = np.flatnonzero(np.linalg.norm(pos - xyz.mean(axis=0), axis=1) < near_km)
    pos, sat_op = pos[near], sat_op[near]
    return g, xyz, up, demand, region, tree, pos, sat_op, rng.integers(*sat_cap_range, len(pos))


def _networkx_total(sat_cap, sat_op, pairs, density, area, demand, shared=False, joint=None):
    """networkx's maximum flow on the pairwise network; ``shared``: every operator in one band, their deliveries
    into a cell passing through a (cell, band) node capped at the largest cap of the operators there."""
    import networkx as nx
    g = nx.DiGraph()
    for s, c in enumerate(sat_cap):
        g.add_edge("src", ("sat", s), capacity=int(c))
    there: dict[int, set] = {}
    for s, cell in pairs:
        op = int(sat_op[s])
        there.setdefault(cell, set()).add(op)
        g.add_edge(("sat", s), ("link", cell, op), capacity=int(sat_cap[s]))
        g.add_edge(("link", cell, op), ("band", cell) if shared else ("cell", cell),
                   capacity=int(np.floor(density[op] * area[cell])))
    for cell, ops in there.items():
        if shared:
            g.add_edge(("band", cell), ("cell", cell), capacity=max(int(np.floor(density[o] * area[cell])) for o in ops))
    for c, d in enumerate(demand):
        if joint is not None:   # every operator together into the cell through one more node
            for u, v, data in list(g.in_edges(("cell", c), data=True)):
                g.remove_edge(u, v)
                g.add_edge(u, ("joint", c), capacity=data["capacity"])
            g.add_edge(("joint", c), ("cell", c), capacity=int(joint[c]))
        g.add_edge(("cell", c), "sink", capacity=int(d))
    return nx.maximum_flow_value(g, "src", "sink")


@requires_networkx
@pytest.mark.parametrize("seed,shared,joint", [(1, False, False), (2, False, False), (3, False, False),
                                               (1, True, False), (4, True, False), (5, False, True), (6, True, True)])
def test_the_block_network_carries_the_pairwise_maximum_flow(seed, shared, joint):
    # random demand and capacities on a real grid and real positions, with caps that bind in some cells and
    # not in others, and one operator denied over part of the grid: networkx on the pairs from the brute-force
    # test gives the same maximum flow as the block network
    rng = np.random.default_rng(seed)
    g, xyz, up, demand, region, tree, pos, sat_op, sat_cap = irish_network(rng, 3000, (0, 4000))
    density = np.array([0.6, 0.5] if shared else [0.5, 1.5])  # Mbps per km² (shared: the band binds in places)
    mel = np.where(sat_op == 0, 55.0, 25.0)
    s, lv, b = visible_blocks(tree, pos, mel)
    denied = np.zeros((2, len(g)), bool)
    denied[1, g.lat_deg > 53.5] = True
    # joint: a cap on both operators together in each cell, below what their caps add up to in places
    together = (np.floor(0.3 * (density[0] + density[1]) * g.area_km2)).astype(np.int64) if joint else None
    bn = block_network(tree, s, lv, b, sat_op, sat_cap, density, g.area_km2, demand, 2, denied,
                       op_band=np.array([0, 0]) if shared else None,   # shared: one band for both (issue 31)
                       joint_mbps=together)
    cap = bn.network.cap.copy()
    cap[bn.link_arc[denied[bn.link_op, tree.cells[bn.link_slot]]]] = 0
    from satsov.capacity.flow import Network
    net = Network(bn.network.n_nodes, bn.network.tail, bn.network.head, cap, bn.network.cell_arc)
    flows, _ = fair_flow(net, np.where(tree.cells >= 0, demand[np.maximum(tree.cells, 0)], 0), fair=False)
    pairs = [(a, c) for a, c in _brute(pos, mel, xyz, up) if demand[c] >= 1 and not denied[sat_op[a], c]]
    assert int(flows[bn.network.cell_arc].sum()) == _networkx_total(sat_cap, sat_op, pairs, density, g.area_km2,
                                                                     demand, shared, together)
    if joint:    # the joint cap binds somewhere
        assert _networkx_total(sat_cap, sat_op, pairs, density, g.area_km2, demand, shared) > \
            _networkx_total(sat_cap, sat_op, pairs, density, g.area_km2, demand, shared, together)
    if shared:   # the band binds somewhere: without it the two operators' caps would add up to more
        assert _networkx_total(sat_cap, sat_op, pairs, density, g.area_km2, demand) > \
            _networkx_total(sat_cap, sat_op, pairs, density, g.area_km2, demand, True)


def test_sees_any_is_the_pairwise_test():
    from satsov.capacity.allocate import sees_any, visible_pairs
    g = satsov.grid("FR", 200)
    xyz, up = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0), up_vectors(g.lat_deg, g.lon_deg)
    pos = satsov.as_flying(["oneweb"])["oneweb"].positions(satsov.time_grid(T0, "0s", "1h"))[:, 0]
    pos[3] = np.nan
    s, _ = visible_pairs(pos, np.full(len(pos), 10.0), xyz, up)
    expected = np.zeros(len(pos), bool)
    expected[s] = True
    np.testing.assert_array_equal(sees_any(pos, xyz, up, 10.0, chunk=100), expected)
