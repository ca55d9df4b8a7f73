"""Job sizes: estimate what a job needs before starting it, and refuse what cannot fit, saying the estimate
and the fix. Memory is measured against ``SATSOV_MAX_MEMORY_GB`` if set, else 75% of this machine's memory.

>>> check_memory("a test", 1e6, "nothing to fix")   # a megabyte always fits
>>> check_memory("a test", 1e18, "use less")
Traceback (most recent call last):
...
satsov.errors.JobTooLargeError: a test needs about 1000000000.0 GB of memory, more than the ... GB allowed here; use less
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from satsov.errors import JobTooLargeError

__all__ = ["memory_limit_bytes", "check_memory", "check_disk", "format_bytes"]


def memory_limit_bytes() -> float:
    """The memory one job may use: ``SATSOV_MAX_MEMORY_GB``, else 75% of physical memory."""
    env = os.environ.get("SATSOV_MAX_MEMORY_GB")
    if env:
        try:
            return float(env) * 1e9
        except ValueError:
            raise JobTooLargeError(f"SATSOV_MAX_MEMORY_GB: found {env!r}, expected a number of GB",
                                   needed=0, available=0) from None
    try:
        return 0.75 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8e9


def format_bytes(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.0f} MB"


def check_memory(what: str, needed_bytes: float, fix: str) -> None:
    """Refuse ``what`` if it needs more memory than allowed (:func:`memory_limit_bytes`)."""
    limit = memory_limit_bytes()
    if needed_bytes > limit:
        raise JobTooLargeError(f"{what} needs about {format_bytes(needed_bytes)} of memory, more than the "
                               f"{format_bytes(limit)} allowed here; {fix}", needed=needed_bytes, available=limit)


def check_disk(what: str, path: str | os.PathLike, needed_bytes: float, fix: str) -> None:
    """Refuse ``what`` if the file system holding ``path`` has less free space than it will write."""
    folder = Path(path).resolve().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    if needed_bytes > free:
        raise JobTooLargeError(f"{what} would write about {format_bytes(needed_bytes)} to {folder}, which has "
                               f"{format_bytes(free)} free; {fix}", needed=needed_bytes, available=free)
