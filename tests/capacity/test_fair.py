"""The unique fair allocation (issue 31, item 1): satsov.capacity.flow.lexicographic_shares / lexicographic_flow.

References, independent of the code under test:
- Fujishige's decomposition by brute force (Fujishige 1980, "Lexicographically optimal base of a polymatroid
  with respect to a weight vector", Math. Oper. Res. 5(2)): the served vectors of a flow network form a
  polymatroid with rank f(A) = the maximum flow into the cells of A; its lexicographically optimal base with
  weights d gives the cells of the largest minimiser of f(A)/d(A) that ratio, contracts them, and repeats. Here
  f is networkx's maximum flow and every subset is tried.
- the allocation depends on nothing but the network: permuting the arcs, or running a case beside others,
  gives bit-identical figures.
"""

from __future__ import annotations

import itertools
import warnings

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import satsov
from satsov.capacity import allocate, build_demand
from satsov.capacity.flow import Network, lexicographic_flow, lexicographic_shares

T0 = "2026-05-07T00:00:00Z"


def _random_network(seed: int, scale: int = 1000):
    """source -> satellites (capacity) -> (cell, operator) links (the operator's cap into the cell) -> cells ->
    sink (demand): the shape of satsov's capacity networks, at random, in whole Mbps."""
    rng = np.random.default_rng(seed)
    n_sat, n_cell, n_op = int(rng.integers(2, 8)), int(rng.integers(2, 8)), int(rng.integers(1, 4))
    sat_cap = rng.integers(0, 60, n_sat) * scale
    sat_op = rng.integers(0, n_op, n_sat)
    pairs = [(s, c) for s in range(n_sat) for c in range(n_cell) if rng.random() < 0.45]
    links = sorted({(c, int(sat_op[s])) for s, c in pairs})
    link_cap = {link: int(rng.integers(5, 80)) * scale for link in links}
    demand = rng.integers(0, 50, n_cell) * scale
    sat0, link0 = 1, 1 + n_sat
    cell0 = link0 + len(links)
    sink = cell0 + n_cell
    tail, head, cap = [], [], []
    for s in range(n_sat):
        tail.append(0), head.append(sat0 + s), cap.append(sat_cap[s])
    for s, c in pairs:
        tail.append(sat0 + s), head.append(link0 + links.index((c, int(sat_op[s])))), cap.append(sat_cap[s])
    for i, (c, _o) in enumerate(links):
        tail.append(link0 + i), head.append(cell0 + c), cap.append(link_cap[(c, _o)])
    cell_arc = np.arange(len(tail), len(tail) + n_cell)
    for c in range(n_cell):
        tail.append(cell0 + c), head.append(sink), cap.append(demand[c])
    net = Network(sink + 1, np.array(tail), np.array(head), np.array(cap, np.int64), cell_arc)
    return net, demand.astype(np.int64), rng


def _networkx_max_flow(net, sink_cap) -> int:
    """networkx's maximum flow of ``net`` with each cell's arc into the sink at ``sink_cap`` (per cell)."""
    g = nx.DiGraph()
    at = {int(a): int(sink_cap[i]) for i, a in enumerate(net.cell_arc)}
    for i, (t, h, c) in enumerate(zip(net.tail, net.head, net.cap)):
        c = at.get(i, int(c))
        if g.has_edge(int(t), int(h)):
            g[int(t)][int(h)]["capacity"] += c
        else:
            g.add_edge(int(t), int(h), capacity=c)
    return nx.maximum_flow_value(g, 0, net.n_nodes - 1)


def _rank(net, demand, cells) -> int:
    """f(A): networkx's maximum flow with only the cells of A asking (their demand)."""
    return _networkx_max_flow(net, [demand[i] if i in cells else 0 for i in range(len(demand))])


def _decompose(level, demand, live, rank) -> np.ndarray:
    """Fujishige's decomposition by brute force: the largest subset of the ``live`` cells not yet fixed that
    minimises (rank(fixed + A) - rank(fixed)) / demand(A) gets that ratio (at most 1), is fixed, and so on;
    ``level`` holds the other cells' values."""
    fixed: set[int] = set()
    while len(fixed) < len(live):
        rest = [i for i in live if i not in fixed]
        base = rank(fixed)
        best, best_set = None, ()
        for r in range(1, len(rest) + 1):
            for a in itertools.combinations(rest, r):
                ratio = (rank(fixed | set(a)) - base) / demand[list(a)].sum()
                if best is None or ratio < best - 1e-12 or (abs(ratio - best) <= 1e-12 and len(a) > len(best_set)):
                    best, best_set = ratio, a
        for i in best_set:
            level[i] = min(best, 1.0)
        fixed |= set(best_set)
    return level


def _fujishige(net, demand) -> np.ndarray:
    return _decompose(np.where(demand > 0, np.nan, 0.0), demand, [i for i in range(len(demand)) if demand[i] > 0],
                      lambda cells: _rank(net, demand, cells))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_the_allocation_is_fujishiges_lexicographically_optimal_base(seed):
    net, demand, _rng = _random_network(seed)
    expected = _fujishige(net, demand) * demand
    flows, level = lexicographic_flow(net, demand)
    served = flows[net.cell_arc]
    assert np.allclose(np.minimum(level, 1) * demand, expected, atol=2 + 1e-3 * demand.max())
    assert np.allclose(served, expected, atol=2 + 1e-3 * demand.max())  # routed as computed, to whole Mbps


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_allocation_does_not_depend_on_the_order_of_the_arcs(seed):
    net, demand, rng = _random_network(seed, scale=int(np.random.default_rng(seed).integers(1, 1000)))
    wanted = rng.random(len(demand)) < 0.6
    perm = rng.permutation(len(net.tail))
    inv = np.argsort(perm)
    other = Network(net.n_nodes, net.tail[perm], net.head[perm], net.cap[perm], inv[net.cell_arc])
    a = lexicographic_shares(net, demand, None, wanted)
    b = lexicographic_shares(other, demand, None, wanted)
    assert np.array_equal(a, b, equal_nan=True)
    fa = lexicographic_flow(net, demand, None, wanted)[0][net.cell_arc]
    fb = lexicographic_flow(other, demand, None, wanted)[0][other.cell_arc]
    assert np.array_equal(fa[wanted], fb[wanted])


def test_a_cell_out_of_reach_gets_nothing_and_holds_no_one_back():
    # two cells share one satellite of 30; a third asks 10 but nothing reaches it
    net = Network(6, np.array([0, 1, 1, 2, 3, 4]), np.array([1, 2, 3, 5, 5, 5]),
                  np.array([30, 30, 30, 20, 20, 10]), np.array([3, 4, 5]))
    demand = np.array([20, 20, 10])
    flows, level = lexicographic_flow(net, demand)
    assert list(flows[net.cell_arc]) == [15, 15, 0] and level[2] == 0


@pytest.fixture(scope="module")
def snapshot_run():
    warnings.simplefilter("ignore")
    fleets = satsov.as_flying(["starlink", "oneweb", "kuiper"])
    d = build_demand(satsov.grid("IS+IE", 100), background_spacing_km=400)
    t = satsov.time_grid(T0, "1h", "1h")
    return fleets, d, t


def test_a_cases_figures_do_not_depend_on_the_other_cases_of_the_run(snapshot_run):
    """Issue 31: adding an unrelated case to the run moved Canada's share without SpaceX by 4 pp."""
    fleets, d, t = snapshot_run
    alone = allocate(fleets, d, t, cases={"no-spacex": ("oneweb", "kuiper")}, gateways=None)
    crowd = allocate(fleets, d, t, cases={"all": tuple(fleets), "kuiper": ("kuiper",), "oneweb": ("oneweb",),
                                          "no-spacex": ("oneweb", "kuiper"), "starlink": ("starlink",)},
                     gateways=None)
    assert np.array_equal(alone.served_cells_mbps["no-spacex"], crowd.served_cells_mbps["no-spacex"])
    assert alone.figures("no-spacex").served_share == crowd.figures("no-spacex").served_share


def test_geofences_that_change_nothing_or_leave_nothing_need_no_flow_of_their_own(snapshot_run):
    """A geofence of operators that may not serve the region anyway (no landing rights there) is its baseline (one
    flow problem); one that leaves no allowed operator able to reach the region serves the region nothing and the
    world what it holds, answered without the maximum flows. Both equal the full computation's (made with the
    bounds, which take the full path for every geofence)."""
    from satsov.world.cases import REGION, Case, Denial
    fleets, d, t = snapshot_run
    every = tuple(fleets)
    fence = lambda ops: tuple(Denial(o, REGION, None, None, "fence") for o in ops)   # noqa: E731
    fleets = {**fleets, "qianfan": satsov.as_flying(["qianfan"])["qianfan"]}
    every = tuple(fleets)
    rights = (Denial("qianfan", frozenset({"IS", "IE"}), None, None, "no landing rights"),)
    cases = {"all": Case("all", every, rights), "none": Case("none", every, rights + fence(every)),
             "no-spacex": Case("no-spacex", every, rights + fence(["starlink"])),
             "unlicensed": Case("unlicensed", every, rights + fence(["qianfan"]))}
    import importlib
    module = importlib.import_module("satsov.capacity.allocate")   # the module (the package exports the function)
    solve, calls = module._solve_case, []
    module._solve_case = lambda *a, **k: calls.append(1) or solve(*a, **k)
    try:
        quick = allocate(fleets, d, t, cases=cases, gateways=None)
        n_quick = len(calls)
        full = allocate(fleets, d, t, cases=cases, gateways=None, bounds=True)
    finally:
        module._solve_case = solve
    assert n_quick == len(calls) - n_quick - len(t)   # per snapshot: "none" without the flows
    for key in cases:
        assert np.array_equal(quick.served_cells_mbps[key], full.served_cells_mbps[key]), key
        a, b = quick.figures(key), full.figures(key)
        assert (a.served_share, a.served_gbps, a.by_operator_gbps) == (b.served_share, b.served_gbps,
                                                                        b.by_operator_gbps), key
    assert quick.figures("none").served_share == 0.0
    assert quick.figures("unlicensed").served_share == quick.figures("all").served_share


def test_the_region_gets_its_fair_share_and_no_more_than_any_maximum_flow_allows(snapshot_run):
    fleets, d, t = snapshot_run
    fair = allocate(fleets, d, t, cases={"all": tuple(fleets)}, gateways=None)
    plain = allocate(fleets, d, t, cases={"all": tuple(fleets)}, gateways=None, fair=False)
    # every cell of the region is served at least its fair floor and the world's total is no more than a
    # maximum flow's
    assert (fair.total_served_mbps["all"] <= plain.total_served_mbps["all"] + 1e-6).all()
    demand = np.floor(fair.demand.mbps[fair.demand.in_region])   # the demand laid out on beam cells
    share = fair.served_cells_mbps["all"] / np.maximum(demand, 1)
    assert (share[:, demand > 0] >= fair.fair_share["all"][:, None] - 1e-3 - 1 / np.maximum(demand[demand > 0], 1)).all()


def _lp_max(net, lower, upper, objective):
    """max objective·served subject to lower <= served <= upper per cell and the flow's capacities and
    conservation (HiGHS through scipy's linprog): an independent solve of the bounds."""
    from scipy.optimize import linprog
    m, n = len(net.tail), net.n_nodes
    a_eq = np.zeros((n - 2, m))
    for v in range(1, n - 1):
        a_eq[v - 1, net.head == v] = 1
        a_eq[v - 1, net.tail == v] = -1
    bounds = [(0, float(c)) for c in net.cap]
    for i, a in enumerate(net.cell_arc):
        bounds[a] = (float(lower[i]), float(upper[i]))
    c = np.zeros(m)
    c[net.cell_arc] = -np.asarray(objective, float)
    res = linprog(c, A_eq=a_eq, b_eq=np.zeros(n - 2), bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return -res.fun


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_two_bounds_are_the_linear_programs_and_bracket_the_fair_allocation(seed):
    from satsov.capacity.flow import fair_bounds
    net, demand, rng = _random_network(seed)
    region = rng.random(len(demand)) < 0.5
    b = fair_bounds(net, demand, None, region)
    floor = b["floor"]
    region_first = _lp_max(net, floor, demand, region)
    background_most = _lp_max(net, floor, demand, ~region)
    total = _lp_max(net, floor, demand, np.ones(len(demand)))
    assert b["region_first"] == pytest.approx(region_first, abs=1e-6)
    assert b["world_first"] == pytest.approx(total - background_most, abs=1e-6)
    assert b["total"] == pytest.approx(total, abs=1e-6)
    fair = lexicographic_flow(net, demand, None, region)[0][net.cell_arc][region].sum()
    slack = 2 * len(demand)  # whole Mbps
    assert b["world_first"] - slack <= fair <= b["region_first"] + slack


# ---- who carries the fair allocation (issue 31, item 3): a range, not one flow's split -------------------------
def _network_with_operators(seed: int):
    """As :func:`_random_network`, with each arc's operator (-1 for the source's and the sink's arcs), whether it
    delivers into a cell, and a random region."""
    rng = np.random.default_rng(seed)
    n_sat, n_cell, n_op = int(rng.integers(2, 8)), int(rng.integers(2, 8)), int(rng.integers(1, 4))
    sat_cap = rng.integers(0, 60, n_sat) * 100
    sat_op = rng.integers(0, n_op, n_sat)
    pairs = [(s, c) for s in range(n_sat) for c in range(n_cell) if rng.random() < 0.45]
    links = sorted({(c, int(sat_op[s])) for s, c in pairs})
    sat0, link0 = 1, 1 + n_sat
    cell0 = link0 + len(links)
    sink = cell0 + n_cell
    arcs = [(0, sat0 + s, int(sat_cap[s]), -1, -1) for s in range(n_sat)]
    arcs += [(sat0 + s, link0 + links.index((c, int(sat_op[s]))), int(sat_cap[s]), int(sat_op[s]), -1) for s, c in pairs]
    arcs += [(link0 + i, cell0 + c, int(rng.integers(5, 80)) * 100, o, c) for i, (c, o) in enumerate(links)]
    cell_arc = np.arange(len(arcs), len(arcs) + n_cell)
    demand = rng.integers(0, 50, n_cell) * 100
    arcs += [(cell0 + c, sink, int(demand[c]), -1, -1) for c in range(n_cell)]
    tail, head, cap, op, cell = (np.array(x) for x in zip(*arcs))
    net = Network(sink + 1, tail, head, cap.astype(np.int64), cell_arc)
    region = rng.random(n_cell) < 0.6
    into_region = (cell >= 0) & region[np.maximum(cell, 0)]
    return net, demand.astype(np.int64), op, into_region, region, n_op


def _carried_by_networkx(net, goal, region, into_region, mine, sign: int) -> int:
    """The operator's flow into the region, made as large (sign -1) or as small (+1) as a minimum-cost maximum
    flow (networkx) allows with every region cell asking its goal and the others nothing."""
    g = nx.DiGraph()
    sink_cap = {int(a): (int(goal[i]) if region[i] else 0) for i, a in enumerate(net.cell_arc)}
    for i, (t, h, c) in enumerate(zip(net.tail, net.head, net.cap)):
        g.add_edge(int(t), int(h), capacity=sink_cap.get(i, int(c)), weight=sign if (into_region[i] and mine[i]) else 0)
    flow = nx.max_flow_min_cost(g, 0, net.n_nodes - 1)
    return sum(flow[int(t)][int(h)] for i, (t, h) in enumerate(zip(net.tail, net.head)) if into_region[i] and mine[i])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_what_an_operator_carries_is_a_range_of_minimum_cost_flows_and_the_fair_flow_lies_in_it(seed):
    from satsov.capacity.flow import carried_range
    net, demand, op, into_region, region, n_op = _network_with_operators(seed)
    flows, _level = lexicographic_flow(net, demand, None, region & (demand > 0))
    goal = flows[net.cell_arc]
    lows = []
    for k in range(n_op):
        mine = op == k
        lo, hi = carried_range(net, goal, region, into_region, mine)
        assert (lo, hi) == (_carried_by_networkx(net, goal, region, into_region, mine, +1),
                            _carried_by_networkx(net, goal, region, into_region, mine, -1))
        carried = int(flows[into_region & mine].sum())
        assert 0 <= lo <= carried <= hi <= int(goal[region].sum())
        lows.append(lo)
    assert sum(lows) <= int(goal[region].sum())      # each must carry its least in any one flow: they add up


# ---- geofences with guarantees (issue 31, item 3): the world held at its allocation ----------------------------
def _held_rank(net, demand, region, held, cells) -> int:
    """The contracted polymatroid's rank: networkx's maximum flow with the region's cells of ``cells`` asking
    their demand and every other cell its ``held`` amount, less the held amounts (feasible by construction)."""
    sink_cap = [(demand[i] if i in cells else 0) if region[i] else held[i] for i in range(len(demand))]
    return _networkx_max_flow(net, sink_cap) - int(held[~region].sum())


def _fujishige_held(net, demand, region, held) -> np.ndarray:
    """Fujishige's decomposition (as :func:`_fujishige`) of the region's polymatroid with the world held."""
    return _decompose(np.full(len(demand), np.nan), demand,
                      [i for i in range(len(demand)) if region[i] and demand[i] > 0],
                      lambda cells: _held_rank(net, demand, region, held, cells))


def _geofenced(net, op, into_region, ops):
    """The network without the arcs of operators ``ops`` into the region's cells (a geofence)."""
    cap = np.where(into_region & np.isin(op, list(ops)), 0, net.cap)
    return Network(net.n_nodes, net.tail, net.head, cap, net.cell_arc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_a_geofence_holds_the_world_and_the_region_shares_the_rest_fairly(seed):
    """The region's allocation under a geofence is the lexicographically optimal base of the region's polymatroid
    with the rest of the world held at its fair allocation without the geofence (brute-force Fujishige with
    networkx), and its total is the linear program's most with the world held (HiGHS)."""
    net, demand, op, into_region, region, n_op = _network_with_operators(seed)
    base = lexicographic_flow(net, demand)[0][net.cell_arc]
    held = np.where(region, 0, base)
    k = int(np.random.default_rng(seed).integers(0, n_op))
    fenced = _geofenced(net, op, into_region, [k])
    flows, level = lexicographic_flow(fenced, demand, None, region & (demand > 0), held=held)
    served = flows[net.cell_arc]
    assert np.array_equal(served[~region], held[~region])              # the world keeps exactly its allocation
    expected = np.nan_to_num(_fujishige_held(fenced, demand, region, held)) * demand
    tol = 2 + 1e-3 * demand.max()
    assert np.allclose(served[region], expected[region], atol=tol)
    lp = _lp_max(fenced, np.where(region, 0, held), np.where(region, demand, held), region)
    assert served[region].sum() == pytest.approx(lp, abs=tol * region.sum())
    # nothing removed: the same allocation as every cell's fair allocation
    same = lexicographic_flow(net, demand, None, region & (demand > 0), held=held)[0][net.cell_arc]
    assert np.allclose(same[region], base[region], atol=tol)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_lost_is_never_negative_never_more_than_carried_and_never_more_than_served_in_all(seed):
    """Issue 31, item 3: lost_k = S(A) - S(A with k geofenced) >= 0; lost_k <= the least k carries into the region
    (over every flow giving each cell its allocation); the losses add up to no more than what is served; a
    geofence of more operators never gives the region more; the bounds bracket the geofenced allocation."""
    from satsov.capacity.flow import carried_ranges, fair_bounds
    net, demand, op, into_region, region, n_op = _network_with_operators(seed)
    wanted = region & (demand > 0)
    base = lexicographic_flow(net, demand, None, None, fill=wanted)[0][net.cell_arc]
    held = np.where(region, 0, base)
    s_all = int(base[region].sum())
    ranges = carried_ranges(net, base, region, into_region, op, range(n_op), held=held)
    lost = []
    for k in range(n_op):
        fenced = _geofenced(net, op, into_region, [k])
        s_k = int(lexicographic_flow(fenced, demand, None, wanted, held=held, fill=wanted)[0][net.cell_arc][region].sum())
        least, most = ranges[k]
        lost.append(s_all - s_k)     # exact, in whole Mbps: no slack
        assert 0 <= lost[-1] <= least <= most
        b = fair_bounds(fenced, demand, None, region, held=held)
        assert b["world_first"] <= s_k <= b["region_first"]
        for j in range(n_op):   # a second operator geofenced as well: never more
            both = _geofenced(net, op, into_region, [k, j])
            s_kj = int(lexicographic_flow(both, demand, None, wanted, held=held, fill=wanted)[0][net.cell_arc][region].sum())
            assert s_kj <= s_k
    assert sum(lost) <= s_all


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_compiled_subtrees_take_the_same_steps_as_the_python_loop(seed):
    """lexicographic_shares hands each subtree below its first split to a compiled driver; with any other solver
    class it runs the same steps in Python. The two give bit-identical levels."""
    from satsov.capacity.maxflow import MaxFlow

    class Plain(MaxFlow):
        pass
    net, demand, rng = _random_network(seed, scale=int(np.random.default_rng(seed).integers(1, 1000)))
    wanted = rng.random(len(demand)) < 0.7
    assert np.array_equal(lexicographic_shares(net, demand, None, wanted),
                          lexicographic_shares(net, demand, None, wanted, Plain), equal_nan=True)
