"""One snapshot's allocation: satellites' capacity to cells' demand through per-operator cell caps, as a
maximum flow, shared fairly.

The network: source → satellite (its capacity) → (cell, operator) → cell (the operator's capacity into that
cell) → sink (the cell's demand); only satellites above their operator's minimum elevation link to a cell.
All capacities are integer Mbps and the flow is scipy's compiled Dinic (``maximum_flow``).

Fairness: among maximum flows, satsov picks one that gives every cell the largest common *share* of its demand
first (max-min fair in served share: the largest λ such that every cell can get min(λ, b) × its demand, b the
share it could get alone through its own links, so that a cell no allowed satellite sees does not pull every
other cell down to nothing; λ is found by bisection over maximum flows with the sink edges capped at those
targets), then completes it to a maximum flow on
the residual network (which never takes flow away from a sink edge); shares are fair to within
``tolerance`` × demand. Why shares: a cell with more people asks
for more, and an analyst reads "served share"; max-min in absolute Mbps would starve dense cells, and an
arbitrary maximum flow would serve one cell fully and its neighbour not at all.

>>> import numpy as np
>>> # one satellite (10 Gbps) over two cells of 6 Gbps demand each, operator cap 8 Gbps per cell
>>> a = allocate_snapshot(np.array([10_000]), np.array([0, 0]), np.array([0, 1]), np.array([0, 0]),
...                       np.array([8_000, 8_000]), np.array([6_000, 6_000]))
>>> [round(int(x), -2) for x in a.served_mbps], a.total_mbps   # fair to within the bisection's tolerance
([5000, 5000], 10000)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

__all__ = ["Allocation", "allocate_snapshot"]


@dataclass(frozen=True)
class Allocation:
    """What one snapshot delivered: per cell, per (cell, operator) link, and in total (Mbps)."""

    served_mbps: np.ndarray        # per cell
    link_cell: np.ndarray          # per (cell, operator) link: its cell
    link_op: np.ndarray            # ... its operator
    link_mbps: np.ndarray          # ... the flow through it
    total_mbps: int
    fair_share: float              # λ: every cell got at least min(λ, its bound) of its demand
    cell_bound: np.ndarray | None = None  # per cell: the share it could get alone (1 if it asks nothing)


def _graph(sat_cap, pair_sat, pair_link, link_cell, link_cap, demand, sink_cap):
    """CSR capacities of the network. Nodes: 0 source, 1..S satellites, then links, then cells, then sink."""
    n_sat, n_link, n_cell = len(sat_cap), len(link_cap), len(demand)
    sat0, link0, cell0 = 1, 1 + n_sat, 1 + n_sat + n_link
    sink = cell0 + n_cell
    rows = np.concatenate([np.zeros(n_sat, np.int64), sat0 + pair_sat, link0 + np.arange(n_link),
                           cell0 + np.arange(n_cell)])
    cols = np.concatenate([sat0 + np.arange(n_sat), link0 + pair_link, cell0 + link_cell,
                           np.full(n_cell, sink)])
    caps = np.concatenate([sat_cap, sat_cap[pair_sat], link_cap, sink_cap]).astype(np.int64)
    keep = caps > 0
    n = sink + 1
    graph = csr_matrix((caps[keep].astype(np.int32), (rows[keep], cols[keep])), shape=(n, n))
    graph.sum_duplicates()
    return graph, sink, cell0, link0


def _flow_on(flow: csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Flow values on the edges (rows[i], cols[i]) of a flow matrix (0 where there is no entry)."""
    if not len(rows):
        return np.zeros(0, np.int64)
    sub = flow[rows, cols]
    return np.asarray(sub).ravel().astype(np.int64)


def allocate_snapshot(sat_cap_mbps, pair_sat, pair_cell, pair_op, cell_op_cap_mbps, demand_mbps, *,
                      fair: bool = True, tolerance: float = 1 / 256) -> Allocation:
    """Allocate one snapshot.

    ``sat_cap_mbps`` (n_sats,): each satellite's capacity; ``pair_sat``, ``pair_cell``, ``pair_op``: the visible
    (satellite, cell) pairs and the satellite's operator index; ``cell_op_cap_mbps``: per pair, what its
    operator can deliver into that cell (the same for every pair of a (cell, operator)); ``demand_mbps``
    (n_cells,). Integer Mbps throughout.
    """
    sat_cap = np.asarray(sat_cap_mbps, np.int64)
    demand = np.asarray(demand_mbps, np.int64)
    pair_sat, pair_cell, pair_op = (np.asarray(a, np.int64) for a in (pair_sat, pair_cell, pair_op))
    n_cell = len(demand)
    n_ops = int(pair_op.max()) + 1 if len(pair_op) else 1
    # one link node per (cell, operator)
    link_key = pair_cell * n_ops + pair_op
    keys, pair_link = np.unique(link_key, return_inverse=True)
    link_cell, link_op = keys // n_ops, keys % n_ops
    link_cap = np.zeros(len(keys), np.int64)
    np.maximum.at(link_cap, pair_link, np.asarray(cell_op_cap_mbps, np.int64))
    if not len(keys) or demand.sum() == 0 or sat_cap.sum() == 0:
        z = np.zeros(len(keys), np.int64)
        return Allocation(np.zeros(n_cell, np.int64), link_cell, link_op, z, 0, 0.0 if demand.sum() else 1.0,
                          np.where(demand > 0, 0.0, 1.0))

    def run(sink_cap):
        graph, sink, cell0, link0 = _graph(sat_cap, pair_sat, pair_link, link_cell, link_cap, demand, sink_cap)
        return maximum_flow(graph, 0, sink, method="dinic"), graph, sink, cell0, link0

    # what each cell could get if it were alone: its links' caps, each no more than the satellites behind it
    link_sats = np.zeros(len(keys), np.int64)
    np.add.at(link_sats, pair_link, sat_cap[pair_sat])
    reach = np.zeros(n_cell, np.int64)
    np.add.at(reach, link_cell, np.minimum(link_cap, link_sats))
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.where(demand > 0, np.minimum(1.0, reach / np.maximum(demand, 1)), 1.0)

    def target(lam_):
        return np.floor(np.minimum(lam_, bound) * demand).astype(np.int64)
    lam = 0.0
    if fair:
        full, *_ = run(demand)
        if full.flow_value == demand.sum():
            lam = 1.0
        else:
            lo, hi = 0.0, 1.0
            while hi - lo > tolerance:
                mid = 0.5 * (lo + hi)
                goal = target(mid)
                if run(goal)[0].flow_value >= goal.sum():
                    lo = mid
                else:
                    hi = mid
            lam = lo
    first, graph, sink, cell0, link0 = run(target(lam))
    flow = first.flow
    if lam < 1.0:
        # complete to a maximum flow on the residual network of the fair flow, with the sink edges at demand
        full_graph, *_ = _graph(sat_cap, pair_sat, pair_link, link_cell, link_cap, demand, demand)
        residual = (full_graph - flow.maximum(0).astype(np.int32)).tocsr()
        residual = residual + flow.maximum(0).T.astype(np.int32)  # flow can be pushed back
        residual.data = np.maximum(residual.data, 0)
        residual.eliminate_zeros()
        second = maximum_flow(residual.astype(np.int32).tocsr(), 0, sink, method="dinic")
        flow = (flow + second.flow).tocsr()
    cells = np.arange(n_cell)
    served = _flow_on(flow, cell0 + cells, np.full(n_cell, sink))
    link_flow = _flow_on(flow, link0 + np.arange(len(keys)), cell0 + link_cell)
    return Allocation(served, link_cell, link_op, link_flow, int(served.sum()), float(lam), bound)
