"""The spawned process pools of an assessment and its report: one way to start them and one way to stop them.

Workers ignore Ctrl-C (SIGINT): it is the parent's to handle, and the parent then terminates them with
:func:`stop_pool` rather than waiting for their work.
"""

from __future__ import annotations

__all__ = ["spawned_pool", "stop_pool"]


def _ignore_sigint() -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def spawned_pool(workers: int):
    """A ``ProcessPoolExecutor`` of ``workers`` spawned processes that ignore SIGINT."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint)


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
