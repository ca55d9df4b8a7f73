"""A bounded pool of jobs: at most ``max_jobs`` run at once, each in its own process, the rest queued.

A job writes its results into a temporary folder and renames it into place when finished, so a result is
complete or absent; a job whose process dies (killed, crashed, out of memory) is marked failed. Progress
comes back over a pipe and is stored in the jobs table, where the server's event stream reads it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import shutil
import threading
import traceback
from pathlib import Path

from satsov.server.store import Store

__all__ = ["JobRunner", "run_job"]


def run_job(kind: str, request: dict, out_dir: str, conn) -> None:
    """The body of a job, in its own process: compute, write into ``<out_dir>.part``, rename to ``out_dir``."""
    out = Path(out_dir)
    part = out.with_name(out.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)

    def progress(label, done, total):
        conn.send(("progress", str(label), int(done), int(total)))
    try:
        from satsov.io import stamped, write_json
        if kind == "assess":
            from satsov.assessment.run import assess
            from satsov.assessment.scenario import scenario_from_dict
            from satsov.report.html import write_report
            from satsov.report.layers import region_layers
            a = assess(scenario_from_dict(request["scenario"], where="<submitted scenario>", files=False), progress=progress)
            write_report(a, part)
            write_json(stamped(region_layers(a), "satsov.view"), part / "view.json")
        elif kind == "atlas":
            from satsov.assessment.atlas import atlas
            result = atlas(**request["params"], progress=progress)
            write_json(stamped(result.to_dict(), "satsov.atlas"), part / "atlas.json")
        else:
            raise ValueError(f"unknown job kind {kind!r}")
        os.replace(part, out)
        conn.send(("done",))
    except BaseException as exc:  # noqa: BLE001 - everything a job raises ends as its error message
        from satsov.errors import SatsovError
        message = str(exc) if isinstance(exc, SatsovError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, SatsovError):
            message += "\n" + traceback.format_exc(limit=5)
        shutil.rmtree(part, ignore_errors=True)
        try:
            conn.send(("failed", message))
        except (BrokenPipeError, OSError):
            pass
    finally:
        conn.close()


class JobRunner:
    """Runs submitted jobs, ``max_jobs`` at a time, each in a fresh process (spawned: no state shared)."""

    def __init__(self, store: Store, max_jobs: int = 2):
        self.store = store
        self.max_jobs = max(1, int(max_jobs))
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._procs: dict[str, mp.Process] = {}
        self._lock = threading.Lock()
        self._ctx = mp.get_context("spawn")
        self._threads = [threading.Thread(target=self._worker, name=f"satsov-job-{i}", daemon=True)
                         for i in range(self.max_jobs)]
        for t in self._threads:
            t.start()

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def running(self) -> int:
        with self._lock:
            return len(self._procs)

    def pids(self) -> dict[str, int]:
        with self._lock:
            return {k: p.pid for k, p in self._procs.items() if p.pid}

    def shutdown(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        with self._lock:
            procs = list(self._procs.values())
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(5)

    def _worker(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            job = self.store.get(job_id)
            if job is None or job.status != "queued":
                continue
            self._run(job)

    def _run(self, job) -> None:
        recv, send = self._ctx.Pipe(duplex=False)
        out_dir = self.store.result_dir(job.id)
        proc = self._ctx.Process(target=run_job, args=(job.kind, job.request, str(out_dir), send),
                                 name=f"satsov job {job.id}", daemon=True)
        self.store.started(job.id)
        proc.start()
        send.close()
        with self._lock:
            self._procs[job.id] = proc
        error = "the job's process ended without a result (killed or crashed)"
        try:
            while True:
                try:
                    msg = recv.recv()
                except EOFError:
                    break
                if msg[0] == "progress":
                    self.store.progress(job.id, msg[1], msg[2], msg[3])
                elif msg[0] == "done":
                    error = ""
                elif msg[0] == "failed":
                    error = msg[1]
            proc.join()
            if proc.exitcode not in (0, None) and not error:
                error = f"the job's process exited with status {proc.exitcode}"
            if not error and not out_dir.is_dir():
                error = "the job finished without writing its results"
        finally:
            with self._lock:
                self._procs.pop(job.id, None)
            if error:
                shutil.rmtree(out_dir.with_name(out_dir.name + ".part"), ignore_errors=True)
            self.store.finished(job.id, error)
