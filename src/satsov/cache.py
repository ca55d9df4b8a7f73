"""A disk cache of what satsov derives from its own data files, so that the next run does not build it again.

What goes in: grids of named regions with their people (:func:`satsov.world.grids.grid`), a second or more
each for a country group or the world's background; parsed catalogues without rejected records; the country
outlines decoded from their TopoJSON (as WKB bytes, 0.3-0.5 s to decode in each process that draws a map).
Entries live in ``$SATSOV_CACHE_DIR/derived``, else in
the platform's user cache folder (platformdirs) under ``satsov/derived``; ``SATSOV_NO_CACHE=1`` turns the
cache off.

An entry's key covers its arguments, the day (a group's membership changes with the date), satsov's version
and the size and modification time of every source and data file the result depends on, so that editing any
of them (or installing another version) makes a new entry rather than reading a stale one. An entry is a
``.npz`` of plain arrays (no pickle), written to a temporary file and renamed into place, so that a reader
never sees half an entry; one that cannot be read is built again and replaced, and a folder that cannot be
written is not used (the result is simply not kept). Entries unused for ``KEEP_DAYS`` days are deleted when
another is stored.

Written here rather than with ``joblib.Memory`` because joblib keys an entry on the decorated function's own
code only, not on the helpers and data files the result depends on.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date
from pathlib import Path

import numpy as np

__all__ = ["derived_dir", "entry_key", "load", "store", "cached"]


def derived_dir() -> Path | None:
    """The cache folder for derived data, or None where ``SATSOV_NO_CACHE`` is set."""
    if os.environ.get("SATSOV_NO_CACHE", "").strip() not in ("", "0"):
        return None
    base = os.environ.get("SATSOV_CACHE_DIR")
    if not base:
        import platformdirs
        base = platformdirs.user_cache_dir("satsov", appauthor=False)
    return Path(base) / "derived"


def _stamps(paths) -> list:
    out = []
    for p in sorted(str(p) for p in paths):
        try:
            st = os.stat(p)
            out.append((p, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((p, None, None))
    return out


def entry_key(kind: str, args: dict, depends) -> str:
    """The entry name for ``kind`` (``"grid"``) with these arguments and dependencies (file paths)."""
    from satsov import __version__
    text = json.dumps([kind, __version__, np.__version__, date.today().isoformat(), args, _stamps(depends)],
                      sort_keys=True, default=str)
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:40]}"


def load(key: str) -> dict[str, np.ndarray] | None:
    """The arrays of entry ``key``, or None where there is none (or it cannot be read)."""
    folder = derived_dir()
    if folder is None:
        return None
    path = folder / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: build it again (store replaces it)
        return None
    try:
        os.utime(path)  # used: kept by the pruning in store()
    except OSError:
        pass
    return arrays


def store(key: str, arrays: dict[str, np.ndarray]) -> Path | None:
    """Keep ``arrays`` as entry ``key``; returns its path, or None where the cache is off or not writable."""
    folder = derived_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".npz", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
            os.chmod(tmp, 0o644)
            os.replace(tmp, folder / f"{key}.npz")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return None
    _prune(folder)
    return folder / f"{key}.npz"


#: Entries not used for this many days are deleted when another is stored (keys change with the day, the
#: version and every edit, so old entries would otherwise pile up).
KEEP_DAYS = 30


def _prune(folder: Path) -> None:
    import time
    cutoff = time.time() - KEEP_DAYS * 86400.0
    for p in folder.glob("*.npz"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            pass


def cached(key: str, build, to_arrays, from_arrays, keep=lambda value: True):
    """``build()``'s value through entry ``key``: read back with ``from_arrays`` where the entry exists (an entry
    of another layout is built again), else built and, where ``keep(value)``, stored with ``to_arrays``."""
    hit = load(key)
    if hit is not None:
        try:
            return from_arrays(hit)
        except (KeyError, ValueError, TypeError):
            pass
    value = build()
    if keep(value):
        store(key, to_arrays(value))
    return value


def array_digest(*arrays) -> bytes:
    """A digest of arrays' types, shapes and bytes: a key for what is kept in memory between calls on the same
    inputs (positions, cells)."""
    h = hashlib.blake2b(digest_size=20)
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.data)
    return h.digest()

