"""Stored jobs and results: a SQLite database in the data directory (one row per job), results as files under
``jobs/<id>/`` written by renaming a finished folder into place, so a result is complete or absent."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["Job", "Store", "JOB_ID", "DataDirLock"]

JOB_ID = r"^[0-9a-f]{32}$"
STATES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    started_utc TEXT,
    finished_utc TEXT,
    request TEXT NOT NULL,
    progress_label TEXT DEFAULT '',
    progress_done INTEGER DEFAULT 0,
    progress_total INTEGER DEFAULT 0,
    error TEXT DEFAULT ''
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    name: str
    status: str
    created_utc: str
    started_utc: str | None
    finished_utc: str | None
    request: dict
    progress_label: str
    progress_done: int
    progress_total: int
    error: str

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "name": self.name, "status": self.status,
                "created_utc": self.created_utc, "started_utc": self.started_utc,
                "finished_utc": self.finished_utc, "error": self.error,
                "progress": {"label": self.progress_label, "done": self.progress_done, "total": self.progress_total}}


class DataDirLock:
    """One server per data directory: an exclusive lock on ``<data_dir>/server.lock`` (``flock``), held while
    the server runs and released by the operating system if it dies. A second server on the same directory is
    refused with a message naming the holder, instead of marking the first's running jobs failed."""

    def __init__(self, data_dir: str | Path):
        import fcntl
        import os

        from satsov.errors import InputError
        self.path = Path(data_dir) / "server.lock"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot lock the data directory ({exc.strerror or exc}); expected a "
                             f"folder this user can write", found=str(self.path), expected="a writable folder") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(self._fd, 64, 0).decode(errors="replace").strip() or "?"
            os.close(self._fd)
            raise InputError(f"{Path(data_dir)}: another satsov server (pid {holder}) is using this data directory; "
                             f"expected one server per data directory: stop it, or give --data-dir another folder",
                             found=str(data_dir), expected="a data directory no other server uses") from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, str(os.getpid()).encode(), 0)

    def release(self) -> None:
        import os
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Store:
    """The jobs table. Safe to share between threads (one connection, one lock). A database that is not
    SQLite, or that cannot be written, is refused with one message naming the file."""

    def __init__(self, data_dir: str | Path):
        from satsov.errors import InputError
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / "satsov.db"
        self._lock = threading.Lock()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            (self.data_dir / "jobs").mkdir(exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._db.execute("SELECT id, kind, name, status, created_utc, started_utc, finished_utc, request, "
                             "progress_label, progress_done, progress_total, error FROM jobs LIMIT 1").fetchall()
            self._db.execute("BEGIN IMMEDIATE")   # writable? (a read-only file or folder fails here)
            self._db.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.path}: {exc}; expected satsov's job database, writable by this user (move the "
                             f"file away to start a new one)", found=str(self.path), expected="satsov.db") from None
        except OSError as exc:
            raise InputError(f"{self.data_dir}: {exc.strerror or exc}; expected a folder this user can write",
                             found=str(self.data_dir), expected="a writable folder") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _row(self, row) -> Job:
        d = dict(zip(("id", "kind", "name", "status", "created_utc", "started_utc", "finished_utc", "request",
                      "progress_label", "progress_done", "progress_total", "error"), row))
        d["request"] = json.loads(d["request"])
        return Job(**d)

    def add(self, kind: str, name: str, request: dict) -> Job:
        job_id = uuid.uuid4().hex
        with self._lock:
            self._db.execute("INSERT INTO jobs (id, kind, name, status, created_utc, request) VALUES (?, ?, ?, ?, ?, ?)",
                             (job_id, kind, name, "queued", _now(), json.dumps(request)))
        return self.get(job_id)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return self._row(row) if row else None

    def list(self, limit: int = 200) -> list[Job]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM jobs ORDER BY created_utc DESC, rowid DESC LIMIT ?",
                                    (limit,)).fetchall()
        return [self._row(r) for r in rows]

    def started(self, job_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET status = 'running', started_utc = ? WHERE id = ?", (_now(), job_id))

    def progress(self, job_id: str, label: str, done: int, total: int) -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET progress_label = ?, progress_done = ?, progress_total = ? WHERE id = ?",
                             (label, int(done), int(total), job_id))

    def finished(self, job_id: str, error: str = "") -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET status = ?, finished_utc = ?, error = ? WHERE id = ?",
                             ("failed" if error else "done", _now(), error, job_id))

    def fail_unfinished(self, reason: str) -> int:
        """Mark every queued or running job failed (the server stopped while they ran); returns how many."""
        with self._lock:
            cur = self._db.execute("UPDATE jobs SET status = 'failed', finished_utc = ?, error = ? "
                                   "WHERE status IN ('queued', 'running')", (_now(), reason))
        return cur.rowcount

    def result_dir(self, job_id: str) -> Path:
        return self.data_dir / "jobs" / job_id
