"""The per-case reductions of a chunk of visibility counts, compiled (numba), one pass over the counts.

For one case (a set of operators, some of them denied over some cell-steps) and one chunk of counts
``(steps, cells, operators)``, :func:`tally_case` adds up, per cell: the steps with ``n_fold`` or more
satellites, the satellites in view (sum and maximum), the gaps (count, steps, longest run, the run going on at
the end of the chunk), the frames of a map through time, and for a dependency case the steps where each
operator alone keeps the requirement or is present; per step: the weighted shares of area and population
covered and the area-weighted mean count. It is the CPU path of :func:`satsov.visibility.coverage`; the same
reductions written with array operations (:func:`_accumulate` in the engine) run on a GPU and are the
reference the tests hold it to.

Cells are cut into blocks run in parallel; each block keeps its own partial sums for the per-step series,
added in block order afterwards (so the series are the same from run to run, and equal to the array version
up to the order of a floating-point sum).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["tally_case"]

BLOCK_CELLS = 256


@njit(parallel=True, cache=True)
def _tally(counts, ops, deny_index, deny, n_fold, frame_ids, area, pop,
           met_steps, sum_count, max_count, cur_gap, longest_gap, n_gaps, gap_steps, frames, dependency,
           critical_steps, present_steps, partial):
    n_t, n_c, n_o = counts.shape
    n_m = ops.shape[0]
    n_blocks = partial.shape[0]
    has_frames = frames.shape[0] > 0
    any_denied = deny.shape[0] > 0
    for blk in prange(n_blocks):
        c0 = blk * BLOCK_CELLS
        c1 = min(n_c, c0 + BLOCK_CELLS)
        own = np.zeros(n_m, np.int64)
        part = partial[blk]
        deny_of = np.full(n_m, -1, np.int64)  # each member's row in ``deny``, -1 where it has none
        if any_denied:
            for m in range(n_m):
                deny_of[m] = deny_index[ops[m]]
        # step by step over the block's cells, which lie side by side in ``counts``: each cell's running
        # state (gaps, maxima) stays in its arrays; the per-step sums add the cells in the same order as ever
        for t in range(n_t):
            s_area = 0.0
            s_pop = 0.0
            s_count = 0.0
            for c in range(c0, c1):
                cnt = 0
                for m in range(n_m):
                    v = np.int64(counts[t, c, ops[m]])
                    k = deny_of[m]
                    if k >= 0 and deny[k, t, c]:
                        v = 0
                    own[m] = v
                    cnt += v
                sum_count[c] += cnt
                if cnt > max_count[c]:
                    max_count[c] = cnt
                a_c = area[c]
                s_count += cnt * a_c
                if cnt >= n_fold:
                    met_steps[c] += 1
                    cur_gap[c] = 0
                    s_area += a_c
                    s_pop += pop[c]
                    if has_frames:
                        frames[frame_ids[t], c] += 1
                    if dependency:
                        for m in range(n_m):
                            if cnt - own[m] < n_fold:
                                critical_steps[ops[m], c] += 1
                            if own[m] > 0:
                                present_steps[ops[m], c] += 1
                else:
                    if cur_gap[c] == 0:
                        n_gaps[c] += 1
                    cur_gap[c] += 1
                    gap_steps[c] += 1
                    if cur_gap[c] > longest_gap[c]:
                        longest_gap[c] = cur_gap[c]
            part[t, 0] += s_area
            part[t, 1] += s_pop
            part[t, 2] += s_count


def tally_case(a, counts: np.ndarray, member: np.ndarray, denied: dict, n_fold: int, area: np.ndarray,
               pop: np.ndarray, total_area: float, total_pop: float, frame_ids=None) -> None:
    """Add one chunk of ``counts`` ``(steps, cells, operators)`` to the accumulator ``a`` (the engine's
    ``_Accumulator``, NumPy arrays) for a case of the operators in ``member`` (bool per operator), with
    ``denied`` ``{operator index: bool (steps, cells)}`` the cell-steps where that operator's satellites do
    not count."""
    n_t, n_c, n_o = counts.shape
    deny_index = np.full(n_o, -1, np.int64)
    if denied:
        ops = sorted(denied)
        deny = np.ascontiguousarray(np.stack([np.asarray(denied[o], bool) for o in ops]))
        deny_index[ops] = np.arange(len(ops))
    else:
        deny = np.zeros((0, n_t, n_c), bool)
    n_blocks = max(1, -(-n_c // BLOCK_CELLS))
    partial = np.zeros((n_blocks, n_t, 3))
    frames = a.frames if a.frames is not None else np.zeros((0, n_c), np.int32)
    fid = np.asarray(frame_ids, np.int64) if frame_ids is not None else np.zeros(n_t, np.int64)
    crit = a.critical_steps if a.dependency else np.zeros((n_o, 0), np.int64)
    pres = a.present_steps if a.dependency else np.zeros((n_o, 0), np.int64)
    _tally(np.ascontiguousarray(counts), np.flatnonzero(np.asarray(member, bool)).astype(np.int64), deny_index, deny, np.int64(n_fold), fid,
           np.asarray(area, np.float64), np.asarray(pop, np.float64), a.met_steps, a.sum_count, a.max_count,
           a.cur_gap, a.longest_gap, a.n_gaps, a.gap_steps, frames, bool(a.dependency), crit, pres, partial)
    sums = partial.sum(axis=0)
    a.series_area.append(sums[:, 0] / total_area)
    a.series_pop.append(sums[:, 1] / total_pop)
    a.series_mean_count.append(sums[:, 2] / total_area)
