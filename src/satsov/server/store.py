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

__all__ = ["Job", "Store", "JOB_ID"]

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


class Store:
    """The jobs table. Safe to share between threads (one connection, one lock)."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "jobs").mkdir(exist_ok=True)
        self.path = self.data_dir / "satsov.db"
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

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
