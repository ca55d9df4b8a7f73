"""Scheduling an assessment's work, apart from its domain story: numba's threads for the coverage passes,
positions propagated once for every region, and the capacity runs shared between this process and a pool of
worker processes (:class:`CapacityRuns`). The figures never depend on where a run ran (tested)."""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager

import numpy as np

from satsov.errors import InputError

__all__ = ["numba_threads", "shared_positions", "CapacityRuns"]


@contextmanager
def numba_threads(n: int | None):
    """numba's threads for this thread's parallel kernels within the block (None: as they are)."""
    if n is None:
        yield
        return
    import numba
    before = numba.get_num_threads()
    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def shared_positions(fleets, times, n_regions: int) -> np.ndarray | None:
    """The fleets' ITRS positions at every step, propagated once for all regions when there are several and they
    fit in a quarter of the memory allowed (else None: each region propagates its own chunks)."""
    from satsov.budget import memory_limit_bytes
    from satsov.orbits.propagation import propagate
    n_sats = sum(len(f) for f in fleets.values())
    if n_regions < 2 or n_sats == 0 or n_sats * len(times) * 24.0 > 0.25 * memory_limit_bytes():
        return None
    return propagate([e for f in fleets.values() for e in f], times)[0]


class CapacityRuns:
    """The capacity allocations of an assessment (each region's base run and its sensitivity runs), each a
    separate :func:`satsov.capacity.allocate` call, so that the figures do not depend on where it ran (tested).

    With ``workers`` above 1 they are shared between this process and a pool of ``workers - 1`` worker
    processes, as the report's figures are: the pool starts on the front of the list (the longest runs) as soon
    as they are planned, while this process makes the coverage passes on the cores the pool leaves
    (:meth:`coverage_threads`), and this process then takes runs from the back until none is left. Running the
    workers beside passes that used every core put two threads on each core, whose time-slicing cost more than
    the overlap gained (docs/benchmarks.md). With ``workers`` 1, every run is made here, after the passes.
    """

    def __init__(self, workers: int):
        from satsov.pools import Feeders
        self.workers = max(1, int(workers))
        self._pool = None
        self._feed = Feeders(deque())  # this process alone until start() gives it a pool
        self._total = 0
        self._fleets = None

    def start(self, runs: list) -> None:
        """Queue ``runs`` (``(key, allocate arguments)``, longest first) and start the pool on them."""
        import pickle

        from satsov.assessment import CAPACITY_PRELOAD
        from satsov.pools import Feeders, process_pool
        self._total = len(runs)
        n = min(self.workers - 1, len(runs))
        if n < 1:
            self._feed.todo.extend(runs)
            return
        # the fleets (every run's: 12,074 satellites in the demo) go to each worker once, as it starts, pickled
        # once here: sent with each run they cost 0.5 s of CPU per run to pickle and unpickle
        fleets = self._fleets = runs[0][1]["fleets"]
        self._pool = process_pool(n, preload=CAPACITY_PRELOAD, initializer=_receive_fleets,
                                  initargs=(pickle.dumps(fleets, protocol=pickle.HIGHEST_PROTOCOL),))
        self._feed = Feeders(deque(runs), self._pool, _allocate_run, n, "satsov-capacity",
                             send=lambda kw: {**kw, "fleets": _SHARED_FLEETS} if kw["fleets"] is fleets else kw)

    def coverage_threads(self) -> int | None:
        """numba threads for the coverage passes while the pool runs (the cores it leaves), else None (all)."""
        if self._pool is None:
            return None
        from satsov.pools import cores
        return max(1, cores() - len(self._feed.threads))

    def finish(self, progress) -> dict:
        """Every run's result by key: this process makes the runs left, from the back, and then waits for the
        pool's (with progress as they finish). Raises a worker's error here."""
        from concurrent.futures.process import BrokenProcessPool

        from satsov.capacity import allocate
        feed, total = self._feed, self._total
        results = {}
        while (item := feed.take(back=True)) is not None:
            key, kwargs = item
            cb = (lambda d, n, key=key: progress(f"capacity of {key[0]} (run {key[1] + 1})", d, n)) if progress else None
            results[key] = allocate(**kwargs, progress=cb)

        def tick():
            progress(f"capacity ({total} runs on {len(feed.threads) + 1} processes)", len(results) + len(feed.done),
                     total)

        feed.wait(0.2, tick if feed.threads and progress else None)
        if feed.failed:
            exc = feed.failed[0][1]
            if isinstance(exc, (BrokenProcessPool, BrokenPipeError)):  # a worker that could not start
                raise InputError("capacity: the worker processes for the capacity runs stopped before they could "
                                 "run them; a script that calls assess() with workers > 1 must guard its entry point "
                                 "(if __name__ == '__main__':) and run from a file, or use workers=1",
                                 found=f"{self.workers} workers", expected="a guarded script") from None
            raise exc
        return {**feed.done, **results}

    def map(self, fn, items: dict, what: str, progress=None) -> dict:
        """``fn(argument)`` for each of ``items`` (``{key: keyword arguments}``), shared between this process and
        the pool as the runs were (each item whole in one process, so the results do not depend on where it ran);
        after :meth:`finish`. ``fn`` is a module-level function (sent to the workers by name)."""
        from satsov.pools import Feeders
        if not items:
            return {}
        todo = deque(items.items())
        n = min(len(self._feed.threads) or (self.workers - 1), len(todo)) if self._pool is not None else 0
        fleets = self._fleets
        feed = Feeders(todo, self._pool, _call, n, "satsov-" + what.replace(" ", "-"),
                       send=lambda kw: (fn, {**kw, "fleets": _SHARED_FLEETS} if kw.get("fleets") is fleets else kw))
        results = {}
        while (item := feed.take(back=True)) is not None:
            key, kwargs = item
            results[key] = fn(kwargs)
            if progress:
                progress(what, len(results) + len(feed.done), len(items))
        feed.wait(0.2, (lambda: progress(what, len(results) + len(feed.done), len(items)))
                  if feed.threads and progress else None)
        if feed.failed:
            raise feed.failed[0][1]
        return {**feed.done, **results}

    def close(self, *, terminate: bool = False) -> None:
        """Stop the pool: after its runs, or at once (Ctrl-C, an error), its processes terminated."""
        from satsov.pools import stop_pool
        pool, self._pool = self._pool, None
        if pool is not None:
            stop_pool(pool, terminate=terminate)


_SHARED_FLEETS = "fleets sent to the worker as it started"
_WORKER_FLEETS = None


def _receive_fleets(blob: bytes) -> None:
    import pickle
    global _WORKER_FLEETS
    _WORKER_FLEETS = pickle.loads(blob)


def _with_fleets(kwargs: dict) -> dict:
    """A job's arguments in a worker, with the fleets it received as it started where the job names them."""
    if isinstance(kwargs.get("fleets"), str) and kwargs["fleets"] == _SHARED_FLEETS:
        return {**kwargs, "fleets": _WORKER_FLEETS}
    return kwargs


def _call(job):
    """``fn(kwargs)`` in a worker."""
    fn, kwargs = job
    return fn(_with_fleets(kwargs))


def _allocate_run(kwargs: dict):
    from satsov.capacity import allocate
    return allocate(**_with_fleets(kwargs))
