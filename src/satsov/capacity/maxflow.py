"""Maximum flow by push-relabel, compiled, that starts again from its last flow when capacities change.

:func:`satsov.capacity.flow.fair_flow` solves a sequence of maximum flows on one network whose only changes are
the capacities of the arcs into the sink (Newton's steps on the common share, then the completion to a
maximum flow). A library solver starts each from nothing; :class:`MaxFlow` keeps its residual network, its
flow and its labels between solves, so that a solve after a small change costs what the change costs.

Algorithm: the highest-label push-relabel method of Goldberg and Tarjan (J. ACM 35(4), 1988) in one phase
(labels up to 2n, so that excess that cannot reach the sink returns to the source and every solve ends
with a flow, not a preflow), with global relabelling by breadth-first search from the sink and from the source
(Cherkassky and Goldberg, Algorithmica 19, 1997), as in their ``hi_pr``. A solve starts with a global
relabelling and then saturates only the source arcs whose head can still reach the sink: on these networks
most satellites' spare capacity has nowhere to go, and flooding them only to return it would cost more than
the flow itself. Lowering the capacity of an arc into the sink below its flow leaves the difference as excess
at the arc's tail, which the next solve sends on or back.

Capacities are integers (int64); the network is given as arc lists (tail, head, capacity) with the source
and the sink named. Compiled with numba (``nogil``); written here rather than taken from a library because
no maintained Python max-flow library keeps its state between solves (OR-Tools', scipy's and networkx's each
start from nothing; PyMaxflow is GPL).

>>> import numpy as np
>>> mf = MaxFlow(4, np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]), np.array([3, 2, 2, 3]), source=0, sink=3)
>>> mf.solve(), [int(x) for x in mf.flows()]
(4, [2, 2, 2, 2])
>>> mf.set_capacity(np.array([3]), np.array([1])); mf.solve(), [int(x) for x in mf.flows()]
(3, [2, 1, 2, 1])
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["MaxFlow"]


@njit(cache=True, nogil=True)
def _build(n, tail, head, cap):
    """Residual network in compressed rows: node u's arcs are ``first[u]:first[u + 1]``; ``to``, ``rcap``
    (residual capacity), ``mate`` (the opposite arc) and ``back`` (whether it is an arc's reverse) per residual
    arc; ``fwd[i]`` is original arc i's; ``order`` the nodes in topological order (empty if there is a cycle)."""
    m = len(tail)
    first = np.zeros(n + 1, np.int64)
    indeg = np.zeros(n, np.int64)
    for i in range(m):
        first[tail[i] + 1] += 1
        first[head[i] + 1] += 1
        indeg[head[i]] += 1
    for u in range(n):
        first[u + 1] += first[u]
    fill = first[:n].copy()
    to = np.empty(2 * m, np.int32)  # half the memory traffic of int64
    rcap = np.empty(2 * m, np.int64)
    mate = np.empty(2 * m, np.int32)
    back = np.zeros(2 * m, np.bool_)
    fwd = np.empty(m, np.int64)
    for i in range(m):
        u, v = tail[i], head[i]
        a = fill[u]
        fill[u] += 1
        b = fill[v]
        fill[v] += 1
        to[a] = v
        rcap[a] = cap[i]
        mate[a] = b
        to[b] = u
        rcap[b] = 0
        mate[b] = a
        back[b] = True
        fwd[i] = a
    # Kahn's algorithm over the original arcs
    order = np.empty(n, np.int64)
    k = 0
    for u in range(n):
        if indeg[u] == 0:
            order[k] = u
            k += 1
    i = 0
    while i < k:
        u = order[i]
        i += 1
        for a in range(first[u], first[u + 1]):
            if not back[a]:
                v = to[a]
                indeg[v] -= 1
                if indeg[v] == 0:
                    order[k] = v
                    k += 1
    if k < n:
        order = order[:0]
    return first, to, rcap, mate, back, fwd, order


@njit(cache=True, nogil=True)
def _global_relabel(n, t, first, to, rcap, mate, label, queue):
    """Exact labels: the distance to the sink in the residual network, or n where the sink is out of reach."""
    for u in range(n):
        label[u] = n
    label[t] = 0
    queue[0] = t
    head, tail_ = 0, 1
    while head < tail_:
        u = queue[head]
        head += 1
        du = label[u] + 1
        for a in range(first[u], first[u + 1]):
            v = to[a]
            if label[v] == n and rcap[mate[a]] > 0:
                label[v] = du
                queue[tail_] = v
                tail_ += 1


@njit(cache=True, nogil=True)
def _link(u, d, lhead, lnext, lprev):
    """Put node ``u`` at the head of the list of nodes with label ``d`` (doubly linked, for the gap test)."""
    lprev[u] = -1
    lnext[u] = lhead[d]
    if lhead[d] >= 0:
        lprev[lhead[d]] = u
    lhead[d] = u


@njit(cache=True, nogil=True)
def _solve(n, s, t, first, to, rcap, mate, back, order, excess, label, current, abucket, anext, lhead, lnext,
           lprev, queue):
    """Push-relabel from the current (pre)flow to a maximum flow; returns the flow into the sink.

    Phase 1 (highest label first, global relabelling, gap heuristic) moves all the flow that can reach the
    sink there; phase 2 returns the excess left at nodes cut off from it along the flow's own arcs in reverse
    topological order (the network is acyclic, so the flow has no cycles to cancel)."""
    _global_relabel(n, t, first, to, rcap, mate, label, queue)
    label[s] = n
    # saturate the source arcs whose head can reach the sink (the others' would only come back)
    for a in range(first[s], first[s + 1]):
        v = to[a]
        if rcap[a] > 0 and label[v] < n:
            d = rcap[a]
            rcap[a] = 0
            rcap[mate[a]] += d
            excess[v] += d
            excess[s] -= d
    budget = 24 * n + 2 * first[n]  # relabelling work between global relabellings (measured best here)
    while True:
        # buckets by label below n: the active nodes (singly linked) and all nodes (doubly linked, for gaps)
        for d in range(n):
            abucket[d] = -1
            lhead[d] = -1
        top = -1
        amax = -1
        for u in range(n):
            current[u] = first[u]
            d = label[u]
            if u == s or u == t or d >= n:
                continue
            _link(u, d, lhead, lnext, lprev)
            if d > amax:
                amax = d
            if excess[u] > 0:
                anext[u] = abucket[d]
                abucket[d] = u
                if d > top:
                    top = d
        work = 0
        interrupted = False
        while top >= 0:
            u = abucket[top]
            if u < 0:
                top -= 1
                continue
            abucket[top] = anext[u]
            if label[u] != top or excess[u] == 0:  # lifted by a gap since it was queued
                continue
            while True:  # discharge u
                lu = label[u]
                a = current[u]
                end = first[u + 1]
                while a < end:
                    if rcap[a] > 0:
                        v = to[a]
                        if lu == label[v] + 1:
                            d = min(excess[u], rcap[a])
                            rcap[a] -= d
                            rcap[mate[a]] += d
                            if excess[v] == 0 and v != t:
                                anext[v] = abucket[label[v]]
                                abucket[label[v]] = v
                                if label[v] > top:
                                    top = label[v]
                            excess[v] += d
                            excess[u] -= d
                            if excess[u] == 0:
                                break
                    a += 1
                current[u] = a
                if excess[u] == 0:
                    break
                # relabel: one more than the lowest neighbour over a residual arc
                low = n
                for b in range(first[u], end):
                    if rcap[b] > 0 and label[to[b]] < low:
                        low = label[to[b]]
                work += 12 + end - first[u]
                p, q = lprev[u], lnext[u]
                if p >= 0:
                    lnext[p] = q
                else:
                    lhead[lu] = q
                if q >= 0:
                    lprev[q] = p
                if lhead[lu] < 0:  # a gap: nothing above this label can reach the sink any more
                    for j in range(lu + 1, amax + 1):
                        w = lhead[j]
                        while w >= 0:
                            label[w] = n
                            w = lnext[w]
                        lhead[j] = -1
                    amax = lu - 1
                    label[u] = n
                    break
                if low + 1 >= n:
                    label[u] = n
                    break
                lu = low + 1
                label[u] = lu
                _link(u, lu, lhead, lnext, lprev)
                if lu > amax:
                    amax = lu
                current[u] = first[u]
                if work > budget:
                    interrupted = True
                    break
            if interrupted:
                break
        if not interrupted:
            break
        _global_relabel(n, t, first, to, rcap, mate, label, queue)
        label[s] = n
    # phase 2: what could not reach the sink goes back along the arcs that brought it
    for k in range(len(order) - 1, -1, -1):
        u = order[k]
        if u == s or u == t or excess[u] <= 0:
            continue
        for b in range(first[u], first[u + 1]):
            if back[b] and rcap[b] > 0:
                d = min(excess[u], rcap[b])
                rcap[b] -= d
                rcap[mate[b]] += d
                excess[to[b]] += d
                excess[u] -= d
                if excess[u] == 0:
                    break
    return excess[t]


@njit(cache=True, nogil=True)
def _set_capacity(arcs, caps, fwd, to, rcap, mate, excess):
    """New capacities for original arcs ``arcs`` (each into the sink): flow above a new capacity stays as
    excess at the arc's tail."""
    for k in range(len(arcs)):
        a = fwd[arcs[k]]
        flow = rcap[mate[a]]
        c = caps[k]
        if c >= flow:
            rcap[a] = c - flow
        else:
            rcap[a] = 0
            rcap[mate[a]] = c
            excess[to[mate[a]]] += flow - c
            excess[to[a]] -= flow - c


@njit(cache=True, nogil=True)
def _source_side(n, s, first, to, rcap, queue):
    """The nodes the source reaches in the residual network (the smallest source side of a minimum cut)."""
    side = np.zeros(n, np.bool_)
    side[s] = True
    queue[0] = s
    head, tail_ = 0, 1
    while head < tail_:
        u = queue[head]
        head += 1
        for a in range(first[u], first[u + 1]):
            v = to[a]
            if not side[v] and rcap[a] > 0:
                side[v] = True
                queue[tail_] = v
                tail_ += 1
    return side


class MaxFlow:
    """A maximum-flow problem that keeps its flow between solves.

    ``n_nodes`` nodes; arcs ``tail[i] → head[i]`` of capacity ``cap[i]`` (non-negative integers);
    :meth:`set_capacity` changes the capacities of arcs into the sink, and :meth:`solve` then starts from the
    flow it had.
    """

    def __init__(self, n_nodes: int, tail, head, cap, *, source: int = 0, sink: int | None = None):
        n = int(n_nodes)
        self.n, self.source = n, int(source)
        self.sink = n - 1 if sink is None else int(sink)
        self._tail = np.ascontiguousarray(tail, np.int64)
        self._head = np.ascontiguousarray(head, np.int64)
        cap = np.ascontiguousarray(cap, np.int64)
        if len(self._tail) and (min(self._tail.min(), self._head.min()) < 0 or max(self._tail.max(), self._head.max()) >= n):
            raise ValueError(f"arc ends must be node numbers 0..{n - 1}")
        if len(cap) and cap.min() < 0:
            raise ValueError("capacities must be non-negative")
        if n >= 2**31 or 2 * len(cap) >= 2**31:
            raise ValueError(f"{n} nodes and {len(cap)} arcs: at most 2**31 nodes and 2**30 arcs")
        if len(cap) and cap[self._tail == self.source].astype(float).sum() >= 2.0 ** 62:
            raise ValueError("the source's arcs may carry at most 2**62 in all (excess is held in int64)")
        (self._first, self._to, self._rcap, self._mate, self._back, self._fwd,
         self._order) = _build(n, self._tail, self._head, cap)
        if len(self._order) < n:
            raise ValueError("the network has a cycle; MaxFlow solves acyclic networks")
        self._excess = np.zeros(n, np.int64)
        self._label = np.zeros(n, np.int64)
        self._work = np.zeros((7, n), np.int64)  # current arc, active and all-node buckets, BFS queue
        self.value = 0

    def set_capacity(self, arcs, caps) -> None:
        """New capacities for arcs ``arcs`` (indices into the arcs given), each of which must end at the sink."""
        arcs = np.ascontiguousarray(arcs, np.int64)
        caps = np.ascontiguousarray(caps, np.int64)
        if len(arcs) and np.any(self._head[arcs] != self.sink):
            raise ValueError("only the capacities of arcs into the sink can change between solves")
        if len(caps) and caps.min() < 0:
            raise ValueError("capacities must be non-negative")
        _set_capacity(arcs, caps, self._fwd, self._to, self._rcap, self._mate, self._excess)

    def solve(self) -> int:
        """Push the flow to a maximum; returns its value (the flow into the sink)."""
        w = self._work
        self.value = int(_solve(self.n, self.source, self.sink, self._first, self._to, self._rcap, self._mate,
                                self._back, self._order, self._excess, self._label, w[0], w[1], w[2], w[3], w[4],
                                w[5], w[6]))
        return self.value

    def flows(self) -> np.ndarray:
        """The flow on each arc, in the order given."""
        return self._rcap[self._mate[self._fwd]]

    def source_side(self) -> np.ndarray:
        """Per node, whether it is on the source side of the minimum cut nearest the source."""
        return _source_side(self.n, self.source, self._first, self._to, self._rcap, self._work[6])
