"""The compiled push-relabel maximum flow (satsov.capacity.maxflow) against networkx's, cold and warm-started.

Reference: networkx.maximum_flow (preflow-push, an independent implementation) on the same arcs; the smallest
source side of a minimum cut is computed here from networkx's flow by a breadth-first search of its residual
network (it is the same set for every maximum flow)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satsov.capacity.maxflow import MaxFlow


def _random_dag(seed: int, n_mid: int, n_arcs: int, max_cap: int):
    """Source 0, sink n-1, middle nodes in a random topological order; arcs only go forward (parallel arcs
    allowed), and every sink arc is its own arc so that its capacity can change."""
    rng = np.random.default_rng(seed)
    n = n_mid + 2
    rank = np.concatenate([[0], 1 + rng.permutation(n_mid), [n - 1]])  # node -> position
    node_at = np.argsort(rank)
    a = rng.integers(0, n - 1, n_arcs)
    b = rng.integers(1, n, n_arcs)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    ok = lo < hi
    tail, head = node_at[lo[ok]], node_at[hi[ok]]
    cap = rng.integers(0, max_cap + 1, len(tail))
    cap[rng.random(len(tail)) < 0.1] = 10**15  # some "unbounded" arcs, as inside the block tree
    cap[tail == 0] = np.minimum(cap[tail == 0], max_cap)
    return n, tail.astype(np.int64), head.astype(np.int64), cap.astype(np.int64)


def _reference(n, tail, head, cap):
    """networkx's maximum flow value and the source side reachable in its residual network."""
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    # networkx has no parallel arcs: merge them (the value and the cut do not change)
    for u, v, c in zip(tail.tolist(), head.tolist(), cap.tolist()):
        if g.has_edge(u, v):
            g[u][v]["capacity"] += c
        else:
            g.add_edge(u, v, capacity=c)
    value, flow = nx.maximum_flow(g, 0, n - 1)
    side = {0}
    todo = [0]
    while todo:
        u = todo.pop()
        for v in g.successors(u):
            if v not in side and flow[u][v] < g[u][v]["capacity"]:
                side.add(v)
                todo.append(v)
        for v in g.predecessors(u):
            if v not in side and flow[v][u] > 0:
                side.add(v)
                todo.append(v)
    mask = np.zeros(n, bool)
    mask[list(side)] = True
    return value, mask


def _check_flow(mf: MaxFlow, n, tail, head, cap):
    f = mf.flows()
    assert np.all(f >= 0) and np.all(f <= cap)
    balance = np.bincount(head, f, minlength=n) - np.bincount(tail, f, minlength=n)
    assert np.all(balance[1:-1] == 0)  # a flow, not a preflow
    assert balance[-1] == mf.value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_mid=st.integers(1, 40), n_arcs=st.integers(1, 200),
       max_cap=st.sampled_from([1, 5, 1000, 10**9]))
def test_cold_solve_equals_networkx(seed, n_mid, n_arcs, max_cap):
    n, tail, head, cap = _random_dag(seed, n_mid, n_arcs, max_cap)
    mf = MaxFlow(n, tail, head, cap)
    value, side = _reference(n, tail, head, cap)
    assert mf.solve() == value
    _check_flow(mf, n, tail, head, cap)
    assert np.array_equal(mf.source_side(), side)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_mid=st.integers(2, 30), steps=st.integers(1, 6))
def test_warm_solves_equal_cold_ones(seed, n_mid, steps):
    """Capacities into the sink changed up and down between solves: every solve is a maximum flow of the
    network as it then is; raising them only never takes flow back from the sink."""
    n, tail, head, cap = _random_dag(seed, n_mid, 6 * n_mid, 100)
    rng = np.random.default_rng(seed + 1)
    into = np.flatnonzero(head == n - 1)
    mf = MaxFlow(n, tail, head, cap)
    mf.solve()
    cap = cap.copy()
    for _ in range(steps):
        before = mf.flows()[into]
        raise_only = rng.random() < 0.5
        new = cap[into] + rng.integers(0, 50, len(into)) if raise_only else rng.integers(0, 150, len(into))
        cap[into] = new
        mf.set_capacity(into, new)
        value, side = _reference(n, tail, head, cap)
        assert mf.solve() == value
        _check_flow(mf, n, tail, head, cap)
        assert np.array_equal(mf.source_side(), side)
        if raise_only:
            assert np.all(mf.flows()[into] >= before)


def test_bad_networks_are_refused():
    with pytest.raises(ValueError, match="cycle"):
        MaxFlow(3, np.array([0, 1, 2]), np.array([1, 2, 1]), np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="node numbers"):
        MaxFlow(2, np.array([0]), np.array([2]), np.array([1]))
    with pytest.raises(ValueError, match="non-negative"):
        MaxFlow(2, np.array([0]), np.array([1]), np.array([-1]))
    mf = MaxFlow(3, np.array([0, 1]), np.array([1, 2]), np.array([1, 1]))
    with pytest.raises(ValueError, match="into the sink"):
        mf.set_capacity(np.array([0]), np.array([3]))


def test_empty_network():
    mf = MaxFlow(2, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert mf.solve() == 0 and len(mf.flows()) == 0
    assert mf.source_side().tolist() == [True, False]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_mid=st.integers(2, 30), keep_source_side=st.booleans())
def test_a_contracted_side_inherits_a_flow(seed, n_mid, keep_source_side):
    """The lexicographic allocation's subproblems start from their parent's maximum flow: contracted at the
    smallest minimum cut, either side keeps a conserved flow within its capacities (no flow crosses the cut
    backwards), and a solve from it gives networkx's maximum flow of the contracted network."""
    from satsov.capacity.flow import _contract, _inherit, _start_from
    from satsov.capacity.maxflow import _build, _solve
    n, tail, head, cap = _random_dag(seed, n_mid, 6 * n_mid, 100)
    mf = MaxFlow(n, tail, head, cap)
    mf.solve()
    side = mf.source_side()
    cn, ct, ch, cc, _cells, pos = _contract(n, tail, head, cap, np.zeros(0, np.int64), side, keep_source_side)
    flow = _inherit(pos, mf.flows(), len(ct))
    first, to, rcap, mate, back, fwd, order = _build(cn, ct, ch, cc)
    excess = np.zeros(cn, np.int64)
    assert _start_from(cn, ct, ch, cc, flow, fwd, mate, rcap, excess)
    assert excess[-1] == flow[ch == cn - 1].sum()
    w = np.zeros((8, cn), np.int64)
    value = _solve(cn, 0, cn - 1, first, to, rcap, mate, back, order, excess, w[0], w[1], w[2], w[3], w[4], w[5],
                   w[6], w[7])
    assert value == _reference(cn, ct, ch, cc)[0]
    # a flow that is not conserved is refused, and nothing is changed
    if len(ct) and (ct > 0).any() and (cc[ct > 0] > 0).any():
        bad = np.zeros(len(ct), np.int64)
        i = int(np.flatnonzero((ct > 0) & (cc > 0))[0])
        bad[i] = 1   # out of a middle node that nothing feeds
        first, to, rcap, mate, back, fwd, order = _build(cn, ct, ch, cc)
        before = rcap.copy()
        assert not _start_from(cn, ct, ch, cc, bad, fwd, mate, rcap, np.zeros(cn, np.int64))
        assert np.array_equal(rcap, before)
