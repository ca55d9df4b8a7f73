"""satsov.pools: workers forked from a server that has already imported what they need, ignoring Ctrl-C."""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import signal, sys
    from satsov.pools import prestart, process_pool, stop_pool

    def probe(module):
        return module in sys.modules, signal.getsignal(signal.SIGINT) == signal.SIG_IGN

    if __name__ == "__main__":
        prestart(["satsov.capacity.maxflow"])
        pool = process_pool(2, preload=["satsov.report.preload"])  # the server runs: its imports are fixed
        try:
            print(pool.submit(probe, "satsov.capacity.maxflow").result(),
                  pool.submit(probe, "satsov.report.preload").result(),
                  pool._mp_context.get_start_method())
        finally:
            stop_pool(pool)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows: workers are spawned there")
def test_workers_fork_from_a_server_that_imported_the_preload_and_ignore_sigint(tmp_path):
    path = tmp_path / "pool_probe.py"
    path.write_text(SCRIPT)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # preloaded by prestart: already imported when the work arrives; asked for after the server started: not
    assert done.stdout.split("\n")[0] == "(True, True) (False, True) forkserver"


def test_the_pool_stops_at_once_when_terminated():
    from satsov.pools import process_pool, stop_pool
    import time
    pool = process_pool(1)
    fut = pool.submit(time.sleep, 60)
    while not fut.running():
        time.sleep(0.01)
    t0 = time.perf_counter()
    stop_pool(pool, terminate=True)
    assert time.perf_counter() - t0 < 10 and fut.done()


def _check_a_spawned_pool():
    """A one-worker pool is spawned and does its work."""
    from satsov.pools import process_pool, stop_pool
    pool = process_pool(1)
    try:
        assert pool._mp_context.get_start_method() == "spawn"
        assert pool.submit(sum, [1, 2, 3]).result() == 6
    finally:
        stop_pool(pool)


def test_where_there_is_no_fork_server_workers_are_spawned(monkeypatch):
    """Windows has no fork server: the same pool, spawned (the path CI on Linux would otherwise never take)."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    _check_a_spawned_pool()


def test_a_fork_server_that_cannot_start_falls_back_to_spawned_workers(monkeypatch):
    """A sandbox without Unix sockets: the fork server fails to start, and the pool is spawned instead."""
    from multiprocessing import forkserver

    def refuse():
        raise PermissionError("no AF_UNIX sockets here")
    monkeypatch.setattr(forkserver, "ensure_running", refuse)
    _check_a_spawned_pool()
