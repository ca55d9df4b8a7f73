"""The process pools of an assessment and its report: one way to start them and one way to stop them.

Workers are forked from a *fork server* where the platform has one (Linux, macOS): a clean single-threaded
process, started once, that has imported the modules the workers need, so that a worker starts in
milliseconds instead of importing NumPy, SciPy, numba and satsov again (about 1.5 s of CPU each on the
project's machine). :func:`prestart` starts that server early, so that its imports run while this process
sets up its work. Elsewhere (Windows) workers are spawned. Either way a worker shares no state with this
process: its work and results are pickled, as for any spawned pool.

Workers ignore Ctrl-C (SIGINT): it is the parent's to handle, and the parent then terminates them with
:func:`stop_pool` rather than waiting for their work.
"""

from __future__ import annotations

import contextlib

from collections.abc import Iterable

__all__ = ["Feeders", "cores", "process_pool", "prestart", "stop_pool", "managed_pool"]

# what the fork server imports, unless a caller of prestart() asked for more before it started
DEFAULT_PRELOAD = ("numpy", "scipy.spatial", "numba", "satsov.orbits.propagation")
_REQUESTED: list[str] = list(DEFAULT_PRELOAD)


def cores() -> int:
    """The cores this process may use (its affinity where the platform says, else the machine's)."""
    import os
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _start_worker(initializer=None, initargs=()) -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
    import gc
    gc.freeze()  # what the worker starts with (modules, the initializer's data) is never garbage: not traversed again


def _context(preload: Iterable[str] = ()):
    """The fork server's context (its preload set, if it has not started yet), else spawn's."""
    import multiprocessing
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    _REQUESTED.extend(m for m in preload if m not in _REQUESTED)
    ctx.set_forkserver_preload(list(_REQUESTED))  # no effect once the server runs
    return ctx


def _ensure_server(ctx):
    """Start the fork server if it is not running and return ``ctx``; where it cannot start (no Unix sockets
    in a sandbox, say), spawn's context instead.

    The server starts with SIGINT ignored: a process keeps an ignored signal ignored through ``exec``, so a
    Ctrl-C at the terminal (sent to the whole process group) never interrupts the server's imports, which
    would print a traceback. SIGINT is also blocked meanwhile, so that one arriving here is kept pending
    (Linux does not discard a blocked signal) and delivered afterwards."""
    if ctx.get_start_method() != "forkserver":
        return ctx
    import multiprocessing
    import signal
    import threading
    from multiprocessing import forkserver
    main = threading.current_thread() is threading.main_thread()  # only the main thread may set handlers
    if main:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    except OSError:
        return multiprocessing.get_context("spawn")
    finally:
        if main:
            signal.signal(signal.SIGINT, handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    return ctx


def prestart(preload: Iterable[str] = ()) -> None:
    """Start the fork server now, importing ``preload`` (module names) besides the defaults, so that the
    workers of pools started later fork from it at once. Does nothing where there is no fork server, or
    once it runs (its imports are fixed when it starts)."""
    _ensure_server(_context(preload))


def process_pool(workers: int, preload: Iterable[str] = (), initializer=None, initargs: tuple = ()):
    """A ``ProcessPoolExecutor`` of ``workers`` processes that ignore SIGINT, forked from the fork server
    (started here with ``preload`` if :func:`prestart` has not started it) or, where there is none, spawned.
    ``initializer(*initargs)`` runs in each worker as it starts, as for ``ProcessPoolExecutor``."""
    from concurrent.futures import ProcessPoolExecutor
    ctx = _ensure_server(_context(preload))
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start_worker, initargs=(initializer, initargs))


def stop_pool(pool, *, terminate: bool = False) -> None:
    """Shut ``pool`` down: work not yet started is dropped and the running work finishes; or at once (Ctrl-C,
    an error), its processes terminated.

    Terminating goes in this order because of two races in ``concurrent.futures`` (Python 3.11): a future
    cancelled before the pool breaks makes its manager thread fail (``InvalidStateError``), so nothing is
    cancelled here once processes are killed (the broken pool fails the pending futures itself); and the
    feeder thread can block for ever on the pipe of a killed worker, so it is told not to be waited for.
    Never cancel a future of a pool that may be terminated (measured: Ctrl-C hung 1 in 8 times).
    """
    if not terminate:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    procs = list((getattr(pool, "_processes", None) or {}).values())  # no public way before Python 3.14
    queue = getattr(pool, "_call_queue", None)
    if queue is not None:
        queue.cancel_join_thread()
    for proc in procs:
        proc.terminate()
    pool.shutdown(wait=True)


class Feeders:
    """The items of ``todo`` (a deque of ``(key, argument)``) handed to ``pool``'s workers one at a time each:
    ``n`` threads here take from the front and wait for ``fn(send(argument))`` there, so that a worker never
    holds queued work another could take, and the caller may take items itself (:meth:`take`, from either end)
    until none is left. ``done`` holds the results by key; a thread stops at an item that failed (the pool
    stopped, say: Ctrl-C here) and records it in ``failed`` as ``(key, error)``, leaving the rest to the other
    threads and the caller. With no pool (``n`` 0) it is a queue for the caller alone."""

    def __init__(self, todo, pool=None, fn=None, n: int = 0, name: str = "satsov-feeder", send=lambda a: a):
        import threading
        self.todo, self.done, self.failed = todo, {}, []
        self._lock = threading.Lock()

        def feed():
            while (item := self.take()) is not None:
                key, arg = item
                try:
                    self.done[key] = pool.submit(fn, send(arg)).result()
                except BaseException as exc:
                    self.failed.append((key, exc))
                    return

        self.threads = [threading.Thread(target=feed, name=f"{name}-{k}", daemon=True) for k in range(n)]
        for t in self.threads:
            t.start()

    def take(self, *, back: bool = False):
        """The next ``(key, argument)`` from the front (or the back), or None when none is left."""
        with self._lock:
            if not self.todo:
                return None
            return self.todo.pop() if back else self.todo.popleft()

    def wait(self, every_s: float | None = None, tick=None) -> None:
        """Until every thread has stopped; ``tick()`` every ``every_s`` seconds meanwhile."""
        for t in self.threads:
            while t.is_alive():
                t.join(every_s)
                if tick is not None:
                    tick()


@contextlib.contextmanager
def managed_pool(workers: int, **kwargs):
    """:func:`process_pool` for the block: on leaving it normally the pool finishes its running work and stops;
    on an error, Ctrl-C or SIGTERM its processes are terminated at once (:func:`stop_pool`) and the error goes
    on. The one way satsov's stages hold a pool."""
    pool = process_pool(workers, **kwargs)
    try:
        yield pool
    except BaseException:
        stop_pool(pool, terminate=True)
        raise
    stop_pool(pool)
