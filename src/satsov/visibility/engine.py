"""Coverage: who can see whom, reduced on the fly into the figures of merit of coverage analysis.

``coverage(fleets, where, times, min_elevation_deg=25)`` counts, for every cell of a grid and every time
step, the satellites of each operator at or above the elevation mask (exactly: the WGS-84 elevation of
each candidate is tested, see :mod:`satsov.visibility.kernel`), streaming over time chunks so that memory holds
one chunk of positions and counts, never days × satellites × cells. From the same per-operator counts it
evaluates every *case*: an operator alone, a set of operators (the union of their satellites), optionally
with service denials (an operator switched off over some cells for some time).

Figures per case: time-averaged coverage (area- and population-weighted), the share of area and
population whose availability reaches a threshold, N-fold coverage, mean and maximum satellites in view,
gaps per cell (longest, count, mean), the worst cells, per-cell maps, and coverage time series.

Steps: availability is sampled at each step. A gap shorter than the step can be missed, and a gap's
length is known to ± one step. :func:`step_check` compares the step with the shortest pass of each shell
and the result carries a warning when the step is too coarse (more than a quarter of a pass).

>>> from satsov import time_grid
>>> from satsov.world.constellations import as_flying
>>> fleets = as_flying(["oneweb", "iridium"])
>>> t = time_grid("2026-05-07T00:00:00Z", "2h", "60s")
>>> result = coverage(fleets, "Iceland", t, min_elevation_deg=25, spacing_km=50)
>>> sorted(result.cases)
['all', 'iridium', 'oneweb']
>>> 0.9 < result.figures("all").time_coverage_area <= 1.0
True
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from satsov.defaults import (DEFAULT_AVAILABILITY, DEFAULT_MAX_EPOCH_AGE_DAYS, DEFAULT_MIN_ELEVATION_DEG,
                             DEFAULT_SPACING_KM)
from satsov.budget import check_memory
from satsov.errors import InputError, UnknownNameError
from satsov.orbits.earth import earth_orientation, resolve_ut1
from satsov.orbits.fleet import Fleet, stale_elements
from satsov.orbits.propagation import get_backend
from satsov.times import Times
from satsov.visibility import kernel
from satsov.visibility.checks import StepWarning, step_check
from satsov.visibility.results import CoverageResult
from satsov.visibility.tally import tally_case
from satsov.world.cases import Case, Denial, cases_from_sets, whole_window_denials
from satsov.world.grids import Grid, grid
from satsov.world.regions import Region

__all__ = ["coverage", "Case", "Denial"]

log = logging.getLogger(__name__)

COMPILED_TALLY = True  # False: the array reductions on the CPU too (the reference the tests compare with)


@dataclass
class _Accumulator:
    n_cells: int
    n_ops: int
    dependency: bool
    xp: object = np
    met_steps: np.ndarray = None
    sum_count: np.ndarray = None
    max_count: np.ndarray = None
    cur_gap: np.ndarray = None
    longest_gap: np.ndarray = None
    n_gaps: np.ndarray = None
    gap_steps: np.ndarray = None
    critical_steps: np.ndarray = None
    present_steps: np.ndarray = None
    frames: np.ndarray = None  # (n_frames, n_cells) met steps per frame, where asked for
    series_area: list = field(default_factory=list)
    series_pop: list = field(default_factory=list)
    series_mean_count: list = field(default_factory=list)

    def __post_init__(self):
        n, xp = self.n_cells, self.xp
        self.met_steps = xp.zeros(n, np.int64)
        self.sum_count = xp.zeros(n, np.float64)
        self.max_count = xp.zeros(n, np.int32)
        self.cur_gap = xp.zeros(n, np.int64)
        self.longest_gap = xp.zeros(n, np.int64)
        self.n_gaps = xp.zeros(n, np.int64)
        self.gap_steps = xp.zeros(n, np.int64)
        if self.dependency:
            self.critical_steps = xp.zeros((self.n_ops, n), np.int64)
            self.present_steps = xp.zeros((self.n_ops, n), np.int64)

    def to_host(self) -> "_Accumulator":
        """The same accumulator with NumPy arrays (a no-op on the CPU)."""
        if self.xp is np:
            return self
        get = self.xp.asnumpy
        out = _Accumulator.__new__(_Accumulator)
        out.n_cells, out.n_ops, out.dependency, out.xp = self.n_cells, self.n_ops, self.dependency, np
        for name in ("met_steps", "sum_count", "max_count", "cur_gap", "longest_gap", "n_gaps", "gap_steps",
                     "critical_steps", "present_steps"):
            value = getattr(self, name)
            setattr(out, name, None if value is None else get(value))
        for name in ("series_area", "series_pop", "series_mean_count"):
            setattr(out, name, [get(v) for v in getattr(self, name)])
        return out


def coverage(fleets: Mapping[str, Fleet] | Fleet, where: Grid | Region | str, times: Times, *,
             min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG, spacing_km: float = DEFAULT_SPACING_KM, sets=None, cases: Iterable[Case] | None = None,
             denials: Sequence[Denial] = (), n_fold: int = 1, availability_threshold: float = DEFAULT_AVAILABILITY,
             chunk_steps: int | None = None, backend="auto", device: str = "cpu", ut1_minus_utc_s="iers",
             max_epoch_age_days: float = DEFAULT_MAX_EPOCH_AGE_DAYS, frames: int = 0, frame_cases=None,
             progress: Callable[[int, int], None] | None = None, positions: np.ndarray | None = None) -> CoverageResult:
    """Coverage of a region by fleets, per operator and per set of operators.

    ``fleets``: ``{operator: Fleet}`` (or one Fleet). ``where``: a Grid, a Region or a region name (gridded at
    ``spacing_km``). ``sets``: ``{name: [operators]}`` evaluated from the same per-operator counts (default:
    every operator alone plus ``'all'``). ``cases``: explicit :class:`Case` objects (with denials) instead.
    ``frames``: also keep each cell's availability in that many equal spans of the window (for maps through
    time), for the cases in ``frame_cases`` (default: all). ``device``: ``"cpu"`` (numba, the default) or ``"cuda"`` (an NVIDIA GPU through CuPy: the
    visibility counts and every reduction run on the GPU, propagation stays on the CPU).
    ``positions``: the fleets' satellites (in the fleets' order) already propagated to ITRS km at ``times``,
    ``(n_sats, n_times, 3)``, e.g. once for several regions (:func:`satsov.assess` does); None: propagated here,
    chunk by chunk.
    """
    if device not in ("cpu", "cuda"):
        raise UnknownNameError("device", str(device), ["cpu", "cuda"])
    if isinstance(fleets, Fleet):
        fleets = {fleets.name: fleets}
    fleets = {k: v for k, v in fleets.items()}
    if not fleets:
        raise InputError("fleets: found none, expected at least one operator's fleet", found={}, expected="fleets")
    if not (0.0 <= min_elevation_deg < 90.0):
        raise InputError(f"min_elevation_deg: found {min_elevation_deg!r}, expected degrees in [0, 90)",
                         found=min_elevation_deg, expected="[0, 90)")
    if not (isinstance(availability_threshold, (int, float)) and 0.0 < availability_threshold <= 1.0):
        raise InputError(f"availability_threshold: found {availability_threshold!r}, expected a share of the time in "
                         f"(0, 1] such as 0.99", found=availability_threshold, expected="(0, 1]")
    if int(n_fold) < 1:
        raise InputError(f"n_fold: found {n_fold!r}, expected an integer >= 1", found=n_fold, expected=">= 1")
    if not isinstance(times, Times) or len(times) == 0:
        raise InputError("times: expected a non-empty satsov.Times (see satsov.time_grid)", found=times,
                         expected="Times")
    g = where if isinstance(where, Grid) else grid(where, spacing_km)
    if len(g) == 0:
        raise InputError(f"region {g.region_name!r} has no grid cell at {g.spacing_km:g} km; use a finer spacing",
                         found=g.spacing_km, expected="a smaller spacing_km")
    # the GPU kernel has 0.5° bins compiled in
    order, index = kernel.index_cells(g.lat_deg, g.lon_deg, g.ecef_km, g.spacing_km,
                                      bin_deg=kernel.BIN_DEG if device == "cuda" else None)
    given = g  # denials' cell masks refer to the grid as given; the engine works in binned order
    g = g.subset(order)
    cell_xyz = np.ascontiguousarray(g.ecef_km)
    cell_up = np.ascontiguousarray(g.up)
    cell_lon = np.ascontiguousarray(g.lon_deg)

    operators = tuple(fleets)
    op_index = {op: i for i, op in enumerate(operators)}
    all_cases = list(cases) if cases is not None else cases_from_sets(operators, sets, denials)
    seen: set = set()
    for c in all_cases:
        if c.key in seen:
            raise InputError(f"case {c.label!r} is named twice (each operator is a case of its own; give a set "
                             f"another name)", found=c.key, expected="distinct case names")
        seen.add(c.key)
    for c in all_cases:
        for op in c.operators:
            if op not in op_index:
                raise UnknownNameError(f"operator in case {c.label!r}", op, operators)
    elements = [e for f in fleets.values() for e in f]
    sat_op = np.concatenate([np.full(len(f), op_index[k], np.int32) for k, f in fleets.items()])
    step_warnings = step_check(fleets, min_elevation_deg, times.step_s) if len(times) > 1 else []
    for w in step_warnings:
        warnings.warn(w, StepWarning, stacklevel=2)
    step_warnings += stale_elements(fleets, times, max_epoch_age_days) + list(g.notes)

    n_ops, n_cells = len(operators), len(g)
    if device == "cuda":
        from satsov._optional import attempt_import
        xp = attempt_import("cupy", extra="cuda")
        from satsov.visibility import kernel_cuda as kernel_module
        count_dtype = np.int32  # CUDA atomics work on 32-bit words
        cell_xyz, cell_up, cell_lon = xp.asarray(cell_xyz), xp.asarray(cell_up), xp.asarray(cell_lon)
        index = index._replace(bin_start=xp.asarray(index.bin_start))
    else:
        xp, kernel_module, count_dtype = np, kernel, np.uint16
    acc = {c.key: _Accumulator(n_cells, n_ops, c.dependency, xp) for c in all_cases}
    n_frames = int(min(max(frames, 0), len(times)))
    if n_frames:  # per-cell availability in n_frames equal spans of the window (maps through time)
        for c in all_cases:
            if frame_cases is None or c.key in frame_cases:
                acc[c.key].frames = xp.zeros((n_frames, n_cells), np.int32)
    masks = {c.key: _denials_by_operator(c.denials, op_index, given, order, times, xp) for c in all_cases}
    masks, excluded = _static_exclusions(masks, all_cases, op_index, n_cells, xp)
    n_dep = sum(c.dependency for c in all_cases)
    check_memory(f"coverage of {n_cells:,} cells by {len(elements):,} satellites in {len(all_cases)} cases",
                 len(all_cases) * n_cells * 64.0 + n_dep * n_ops * n_cells * 16.0 + 500e6
                 + len(all_cases) * len(times) * 24.0,
                 "use a larger spacing_km, fewer cases or a smaller region")
    if chunk_steps is None:
        budget = 400e6  # bytes for one chunk of positions and counts
        chunk_steps = int(max(1, min(240, budget // (len(elements) * 24 + n_cells * n_ops * 2 + 1))))
    if positions is not None and np.shape(positions) != (len(elements), len(times), 3):
        raise InputError(f"positions: found shape {np.shape(positions)}, expected ({len(elements)}, {len(times)}, 3) "
                         f"(satellites of the fleets, times, xyz)", found=np.shape(positions),
                         expected=(len(elements), len(times), 3))
    engine = get_backend(backend)
    state = engine.prepare(elements) if positions is None else None
    area, pop = xp.asarray(g.area_km2), xp.asarray(g.population)
    total_area, total_pop = max(float(g.area_km2.sum()), 1e-300), max(float(g.population.sum()), 1e-300)
    sat_op_dev = xp.asarray(sat_op)
    members = {c.key: np.isin(np.arange(n_ops), [op_index[o] for o in c.operators]) for c in all_cases}
    min_el = math.radians(min_elevation_deg)
    shared = np.ascontiguousarray(positions, np.float64) if positions is not None and xp is np else None
    done = 0
    for sl, chunk in times.chunks(chunk_steps):
        counts = xp.zeros((len(chunk), n_cells, n_ops), count_dtype)
        if positions is None:
            pos, _status = engine.itrs(state, chunk, resolve_ut1(chunk, ut1_minus_utc_s))
            kernel_module.count_visible(xp.asarray(pos), sat_op_dev, cell_xyz, cell_up, cell_lon, index, min_el,
                                        counts)
            del pos
        elif xp is np:  # the CPU kernel reads the chunk's steps in place
            kernel_module.count_visible(shared, sat_op_dev, cell_xyz, cell_up, cell_lon, index, min_el, counts,
                                        sl.start)
        else:
            pos = xp.asarray(np.ascontiguousarray(positions[:, sl]))
            kernel_module.count_visible(pos, sat_op_dev, cell_xyz, cell_up, cell_lon, index, min_el, counts)
            del pos
        for op, cells in excluded:  # denied in every case that has the operator, for the whole window
            counts[:, cells, op] = 0
        frame_ids = (np.arange(sl.start, sl.stop) * n_frames) // len(times) if n_frames else None
        if xp is np and COMPILED_TALLY:  # one compiled pass over the counts per case
            for c in all_cases:
                tally_case(acc[c.key], counts, members[c.key], _denied_cells(masks[c.key], sl, xp), n_fold, area, pop,
                           total_area, total_pop, frame_ids)
        else:
            _accumulate_cases(all_cases, acc, counts, masks, op_index, n_ops, sl, n_fold, area, pop, total_area,
                              total_pop, xp, frame_ids)
        done += len(chunk)
        if progress is not None:
            progress(done, len(times))
    acc = {k: a.to_host() for k, a in acc.items()}
    result = _result(g, times, min_elevation_deg, n_fold, availability_threshold, operators, all_cases, acc,
                     step_warnings, {k: len(v) for k, v in fleets.items()})
    result.earth_orientation = earth_orientation(times, ut1_minus_utc_s)
    if n_frames:
        first = (np.arange(n_frames + 1) * len(times) + n_frames - 1) // n_frames  # each frame's first step
        steps = np.diff(first)
        result.frames = {k: a.frames / np.maximum(steps, 1)[:, None] for k, a in acc.items() if a.frames is not None}
        result.frame_start = times.utc[first[:-1]]
    return result


def _denied_cells(groups, sl, xp) -> dict:
    """Per operator with a denial in the chunk ``sl``: the union of its denials over the chunk's steps and cells."""
    out = {}
    for op, parts in groups:
        denied = None
        for cell_mask, time_mask in parts:
            tm = time_mask[sl]
            if tm.any():
                d = xp.asarray(tm)[:, None] & cell_mask[None, :]
                denied = d if denied is None else (denied | d)
        if denied is not None:
            out[op] = denied
    return out


def _accumulate_cases(all_cases, acc, counts, masks, op_index, n_ops, sl, n_fold, area, pop, total_area,
                      total_pop, xp, frame_ids):
    """The reductions of :mod:`satsov.visibility.tally` with array operations (the GPU path, and the reference
    the compiled path is tested against)."""
    total = counts.sum(axis=2, dtype=np.int32)
    for c in all_cases:
        idx = [op_index[o] for o in c.operators]
        if len(idx) == n_ops:
            cnt = total.copy()
        elif len(idx) > n_ops // 2:
            rest = [i for i in range(n_ops) if i not in idx]
            cnt = total - counts[:, :, rest].sum(axis=2, dtype=np.int32)
        else:
            cnt = counts[:, :, idx].sum(axis=2, dtype=np.int32)
        per_op = {}
        for op, denied in _denied_cells(masks[c.key], sl, xp).items():
            full = counts[:, :, op].astype(np.int32)
            sub = xp.where(denied, full, 0)
            cnt -= sub
            per_op[op] = full - sub
        _accumulate(acc[c.key], cnt, counts, idx, per_op, n_fold, area, pop, total_area, total_pop, xp, frame_ids)


def _static_exclusions(masks, all_cases, op_index, n_cells, xp):
    """The cells :func:`whole_window_denials` finds, zeroed once in the counts: the per-case masks without them,
    and the (operator, cells) pairs."""
    dropped = whole_window_denials({c.key: {op_index[o] for o in c.operators} for c in all_cases},
                                   {k: [(o, cm, tm) for o, parts in g for cm, tm in parts] for k, g in masks.items()},
                                   n_cells, xp)
    if not dropped:
        return masks, []
    out = {}
    for key, groups in masks.items():
        kept = []
        for o, parts in groups:
            if o in dropped:
                parts = [(cm & ~dropped[o], tm) for cm, tm in parts if bool((cm & ~dropped[o]).any())]
            if parts:
                kept.append((o, parts))
        out[key] = kept
    return out, [(op, xp.flatnonzero(m)) for op, m in dropped.items()]


def _denials_by_operator(denials, op_index, g, order, times, xp) -> list[tuple[int, list]]:
    """Denials grouped by operator as ``[(op, [(cell_mask, time_mask), ...])]``: an operator's denials are
    applied as one union, so overlapping denials never subtract the same satellites twice. A denial of no cell
    of the grid or no step of the window (a licence refused in a country the region does not hold) is left
    out: it would deny nothing, and each chunk would build and test its empty masks for every case."""
    grouped: dict[int, list] = {}
    for d in denials:
        cell_mask, time_mask = d.cell_mask(g)[order], d.time_mask(times)
        if not (np.any(cell_mask) and np.any(time_mask)):
            continue
        grouped.setdefault(op_index[d.operator], []).append((xp.asarray(cell_mask), time_mask))
    return list(grouped.items())


def _accumulate(a: _Accumulator, cnt, counts, idx, per_op, n_fold, area, pop, total_area, total_pop, xp=np,
                frame_ids=None):
    met = cnt >= n_fold
    a.met_steps += met.sum(axis=0)
    if a.frames is not None:
        xp.add.at(a.frames, frame_ids, met.astype(np.int32))
    a.sum_count += cnt.sum(axis=0)
    xp.maximum(a.max_count, cnt.max(axis=0), out=a.max_count)
    metf = met.astype(np.float64)
    a.series_area.append(metf @ area / total_area)
    a.series_pop.append(metf @ pop / total_pop)
    a.series_mean_count.append(cnt.astype(np.float64) @ area / total_area)
    for t in range(met.shape[0]):
        gap = ~met[t]
        opening = gap & (a.cur_gap == 0)
        a.n_gaps += opening
        a.cur_gap = xp.where(gap, a.cur_gap + 1, 0)
        a.gap_steps += gap
        xp.maximum(a.longest_gap, a.cur_gap, out=a.longest_gap)
    if a.dependency:
        for op in idx:
            own = per_op.get(op)
            if own is None:
                own = counts[:, :, op]
            critical = met & ((cnt - own) < n_fold)
            a.critical_steps[op] += critical.sum(axis=0)
            a.present_steps[op] += (met & (own > 0)).sum(axis=0)


def _result(g, times, min_elevation_deg, n_fold, thr, operators, cases, acc, step_warnings, satellites):
    n = len(times)
    cells, series, critical, present = {}, {}, {}, {}
    for c in cases:
        a = acc[c.key]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_gap = times.steps_to_seconds(np.where(a.n_gaps > 0, a.gap_steps / np.maximum(a.n_gaps, 1), 0.0))
        cells[c.key] = pd.DataFrame({
            "availability": a.met_steps / n,
            "mean_sats_in_view": a.sum_count / n,
            "max_sats_in_view": a.max_count,
            "longest_gap_s": times.steps_to_seconds(a.longest_gap),
            "n_gaps": a.n_gaps,
            "mean_gap_s": mean_gap,
        })
        series[c.key] = pd.DataFrame({"coverage_area": np.concatenate(a.series_area),
                                       "coverage_population": np.concatenate(a.series_pop),
                                       "mean_sats_in_view": np.concatenate(a.series_mean_count)},
                                      index=pd.DatetimeIndex(times.utc, name="time"))
        if a.dependency:
            critical[c.key] = pd.DataFrame({operators[i]: a.critical_steps[i] / n for i in range(len(operators))
                                             if operators[i] in c.operators})
            present[c.key] = pd.DataFrame({operators[i]: a.present_steps[i] / n for i in range(len(operators))
                                            if operators[i] in c.operators})
    return CoverageResult(g, times, min_elevation_deg, n_fold, thr, operators, {c.key: c for c in cases}, cells,
                          series, critical, present, step_warnings, satellites)


