"""The screen over a whole search space, in batches, serial or on a ``dask.distributed`` cluster.

Candidates are cut into batches of about ``batch_satellites`` satellites (a few seconds of work each) in the
order of the objective; each batch is screened by :func:`satsov.synthesis.screen.screen_batch` (one kernel call
for the whole batch). Results stream to a Parquet dataset as batches finish (one file per batch, written
atomically, beside a ``sweep.json`` that names what was screened); a rerun with the same parameters reads the
files back and skips what is done. The sweep stops once the contiguous prefix of finished batches holds
``stop_after`` candidates that pass: results never depend on whether Dask ran them or in what order batches
finished, because only that prefix is returned.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from satsov.errors import InputError
from satsov.synthesis.space import Design
from satsov.world.grids import grid

__all__ = ["ScreenSpec", "sweep", "screen_rows", "estimate_sweep", "dask_client"]

SATELLITE_SAMPLES_PER_S = 2.0e6  # measured order of the screen (benchmarks/design.py): satellite-samples per second
COLUMNS = ["key", "cost", "satellites", "planes", "screened", "longest_gap_s", "worst_cell", "passed", "design"]


@dataclass(frozen=True)
class ScreenSpec:
    """What a screen needs to evaluate a candidate anywhere (picklable, rebuilt on each worker)."""

    region: str
    spacing_km: float
    weight: str
    fold: int
    min_elevation_deg: float
    availability: float
    max_gap_s: float | None
    start: str
    duration_s: float
    samples: int = 256
    seed: int = 0
    margin_deg: float = 0.5
    objective: str = "satellites"

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True, default=str).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _grid_and_weights(region: str, spacing_km: float, weight: str):
    g = grid(region, spacing_km)
    w = g.population if weight == "population" and g.population.sum() > 0 else g.area_km2
    return g, np.asarray(w, float)


_MALLOC_TUNED = False


def _tune_malloc_in_dask_worker() -> bool:
    """Undo, in a Dask worker process, what Dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` does to this
    workload: an explicit trim threshold switches off glibc's adaptive mmap threshold, so every temporary
    array above 128 KiB is mapped and unmapped afresh and its pages faulted in again (measured on a sweep's
    batches: 13-20x the page faults, about 3 s of system time in 15 s, 30-40% slower). The mmap threshold is
    set to glibc's adaptive maximum (32 MiB) and the trim threshold to 128 MiB, once per process. True when
    applied (a Dask worker on glibc)."""
    global _MALLOC_TUNED
    if _MALLOC_TUNED:
        return True
    import sys
    if "distributed" not in sys.modules:  # not a Dask worker (and no second of importing distributed to find out)
        return False
    try:
        from distributed import get_worker
        get_worker()
    except (ImportError, ValueError):
        return False
    import ctypes
    import ctypes.util
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:  # not glibc (macOS, musl): nothing to undo
        _MALLOC_TUNED = True
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    mallopt(M_TRIM_THRESHOLD, 128 << 20)
    mallopt(M_MMAP_THRESHOLD, 32 << 20)
    _MALLOC_TUNED = True
    return True


def screen_rows(spec: ScreenSpec, designs: list[dict], threads: int | None = None,
                grid_and_weights=None) -> pd.DataFrame:
    """Screen designs (as :meth:`Design.to_dict`) and return one row each: the unit of work of a sweep.
    ``grid_and_weights``: the spec's ``(grid, weights)`` when the caller has them (a Dask sweep sends them to
    every worker once), else they are built here (and kept for the next call)."""
    from satsov.synthesis.screen import screen_batch
    _tune_malloc_in_dask_worker()
    if threads:
        import numba
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    g, w = grid_and_weights or _grid_and_weights(spec.region, spec.spacing_km, spec.weight)
    ds = [Design.from_dict(d) for d in designs]
    res = screen_batch(ds, g, w, min_elevation_deg=spec.min_elevation_deg, start=spec.start,
                       duration_s=spec.duration_s, fold=spec.fold, samples=spec.samples, seed=spec.seed,
                       margin_deg=spec.margin_deg)
    rows = []
    for d, raw, r in zip(ds, designs, res):
        ok = r.time_coverage >= spec.availability - 1e-12 and (spec.max_gap_s is None or r.longest_gap_s <= spec.max_gap_s)
        rows.append({"key": d.key, "cost": int(raw.get("cost", d.satellites)), "satellites": d.satellites,
                     "planes": d.planes, "screened": r.time_coverage, "longest_gap_s": r.longest_gap_s,
                     "worst_cell": r.worst_cell, "passed": bool(ok), "design": json.dumps(raw)})
    return pd.DataFrame(rows, columns=COLUMNS)


def _batches(designs: list[Design], batch_satellites: int) -> list[list[Design]]:
    out, cur, n = [], [], 0
    for d in designs:
        cur.append(d)
        n += d.satellites
        if n >= batch_satellites:
            out.append(cur)
            cur, n = [], 0
    if cur:
        out.append(cur)
    return out


def estimate_sweep(designs: list[Design], spec: ScreenSpec) -> dict:
    """Satellite-samples and seconds (on one core, at the measured rate) to screen ``designs``."""
    sat_samples = sum(d.satellites for d in designs) * spec.samples
    return {"candidates": len(designs), "satellite_samples": sat_samples,
            "seconds_one_core": sat_samples / SATELLITE_SAMPLES_PER_S}


def _load_done(folder: Path, spec: ScreenSpec) -> pd.DataFrame:
    manifest = folder / "sweep.json"
    if manifest.exists():
        old = json.loads(manifest.read_text(encoding="utf-8"))
        if old.get("digest") != spec.digest():
            raise InputError(f"{folder}: holds a sweep of other parameters ({old.get('spec')}); give another --out "
                             f"folder or remove it to start again", found=old.get("spec"), expected=spec.__dict__)
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True).drop_duplicates("key")


def _write_part(folder: Path, index: int, frame: pd.DataFrame) -> None:
    from satsov.io import atomic_path
    digest = hashlib.sha256("\n".join(frame["key"]).encode()).hexdigest()[:10]
    with atomic_path(folder / f"part-{index:06d}-{digest}.parquet") as tmp:
        frame.to_parquet(tmp, index=False)


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, client=None):
    """A ``distributed.Client``: ``client`` itself when given (left open), else one connected to ``scheduler``
    or to a local cluster of ``workers`` single-threaded processes, closed (with its cluster) on exit."""
    if client is not None:
        yield client
        return
    from satsov._optional import attempt_import
    attempt_import("distributed", extra="design")
    import logging

    from distributed import Client, LocalCluster
    # one numba thread per worker process: each task runs on one core, so numba's own thread pool would only
    # add threads that compete with the other workers
    # and no statistical profiler: it samples each task's stack every 10 ms, under the GIL (measured: tasks ran
    # 88% of their wall time with it, 92% without)
    cluster = None
    if not scheduler:
        import dask
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.WARNING, env={"NUMBA_NUM_THREADS": "1"})
    cl = Client(cluster if cluster is not None else scheduler)
    try:
        yield cl
    finally:
        cl.close()
        if cluster is not None:
            cluster.close()


def sweep(spec: ScreenSpec, designs: list[Design], *, stop_after: int | None = None, out: str | os.PathLike | None = None,
          scheduler: str | None = None, workers: int | None = None, batch_satellites: int = 20_000,
          known: pd.DataFrame | None = None, progress=None, client=None) -> tuple[pd.DataFrame, dict]:
    """Screen ``designs`` (in their order) and return ``(rows, info)``: one row per screened design of the
    finished prefix, in order, and what was done (batches, resumed, where the rows were written).

    ``stop_after``: stop once the prefix holds that many passing designs (None: screen all). ``out``: a folder
    for the Parquet dataset (resumed when it exists). ``scheduler``: a ``dask.distributed`` scheduler address;
    ``workers``: a local cluster of that many single-threaded worker processes; neither: serial, in this
    process. ``known``: rows already screened in this session (skipped like resumed ones). ``client``: a
    ``distributed.Client`` to use (and leave open), e.g. from :func:`dask_client` kept across several sweeps."""
    folder = Path(out) if out else None
    done = pd.DataFrame(columns=COLUMNS)
    if folder is not None:
        from satsov.io import check_writable, write_json
        check_writable(folder, folder=True)
        done = _load_done(folder, spec)
        write_json({"digest": spec.digest(), "spec": spec.__dict__, "format": "satsov design sweep 1"},
                   folder / "sweep.json")
    if known is not None and len(known):
        done = pd.concat([done, known], ignore_index=True).drop_duplicates("key")
    by_key = {k: i for i, k in enumerate(done["key"])} if len(done) else {}
    batches = _batches(designs, batch_satellites)
    results: list[pd.DataFrame | None] = [None] * len(batches)
    todo = []
    for b, batch in enumerate(batches):
        if all(d.key in by_key for d in batch):
            results[b] = done.iloc[[by_key[d.key] for d in batch]].reset_index(drop=True)
        else:
            todo.append(b)
    resumed = len(batches) - len(todo)
    if progress is not None:
        progress(0, len(todo))

    def payload(b):
        return [{**d.to_dict(), "cost": d.cost(spec.objective)} for d in batches[b]]

    def prefix_done() -> int:
        """Batches finished from the start without a hole, and whether the passes there are enough."""
        n = passes = 0
        for r in results:
            if r is None:
                break
            n += 1
            passes += int(r["passed"].sum())
            if stop_after is not None and passes >= stop_after:
                return n
        return n if n == len(results) else -n

    def finished(b, frame, k):
        results[b] = frame
        if folder is not None:
            _write_part(folder, b, frame)
        if progress is not None:
            progress(k, len(todo))

    if prefix_done() > 0:
        todo = []
    if todo and (scheduler or workers or client is not None):
        with dask_client(scheduler, workers, client) as cl:
            n_workers = max(1, len(cl.scheduler_info().get("workers", {})))
            # the grid once to every worker (building it there costs each worker about as much as a batch)
            gw = cl.scatter(_grid_and_weights(spec.region, spec.spacing_km, spec.weight), broadcast=True)
            from distributed import as_completed
            queue = list(todo)
            inflight = {}
            ac = as_completed()
            for _ in range(min(len(queue), 2 * n_workers)):
                b = queue.pop(0)
                fut = cl.submit(screen_rows, spec, payload(b), 1, gw, pure=False)
                inflight[fut.key] = b
                ac.add(fut)
            k = 0
            for fut in ac:
                b = inflight.pop(fut.key)
                k += 1
                finished(b, fut.result(), k)
                if prefix_done() > 0:
                    for other in list(ac.futures):
                        other.cancel()
                    break
                if queue:
                    nb = queue.pop(0)
                    nf = cl.submit(screen_rows, spec, payload(nb), 1, gw, pure=False)
                    inflight[nf.key] = nb
                    ac.add(nf)
    else:
        for k, b in enumerate(todo, start=1):
            finished(b, screen_rows(spec, payload(b)), k)
            if prefix_done() > 0:
                break
    n = abs(prefix_done())
    frames = [r for r in results[:n] if r is not None]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    info = {"batches": len(batches), "batches_used": n, "batches_resumed": resumed,
            "out": str(folder) if folder else None, "scheduler": scheduler or (f"local:{workers}" if workers else None)}
    return rows, info
