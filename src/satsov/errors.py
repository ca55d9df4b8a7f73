"""Exceptions raised by satsov for caller mistakes and bad input.

Every exception subclasses a built-in (``ValueError``, ``LookupError``) so
callers can catch it broadly, and carries the attributes a program needs to
react: the file, line and field, what was found and what was expected.
Per-satellite propagation failures are *not* exceptions: they are data (NaN
positions plus a status array), see :mod:`satsov.propagation`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "SatsovError",
    "InputError",
    "RecordError",
    "CatalogError",
    "UnknownNameError",
    "ScenarioError",
    "MissingDependencyError",
    "JobTooLargeError",
    "OutputError",
    "FetchError",
]


class SatsovError(Exception):
    """Base class of every satsov error."""


class InputError(SatsovError, ValueError):
    """A value given by the caller is malformed: says what was found and what was expected."""

    def __init__(self, message: str, *, found: object = None, expected: str | None = None):
        self.found = found
        self.expected = expected
        super().__init__(message)


class RecordError(InputError):
    """One record of a catalogue file is bad.

    Attributes: ``path`` (file), ``line`` (1-based line or record number),
    ``field`` (name of the bad field or None), ``found``, ``expected``.
    """

    def __init__(self, path: str, line: int | None, field: str | None, found: object, expected: str,
                 detail: str | None = None, *, record: int | None = None):
        self.path = str(path)
        self.line = line
        self.record = record
        self.field = field
        if line is not None:
            where = f"{self.path}:{line}"
        elif record is not None:
            where = f"{self.path}: record {record}"
        else:
            where = self.path
        what = f"field {field!r}: " if field else ""
        message = f"{where}: {what}found {found!r}, expected {expected}"
        if detail:
            message += f"\n{detail}"
        super().__init__(message, found=found, expected=expected)


class CatalogError(InputError):
    """A whole catalogue file cannot be read (empty, unknown format, unreadable, --strict)."""

    def __init__(self, path: str, message: str):
        self.path = str(path)
        super().__init__(f"{path}: {message}")


class UnknownNameError(SatsovError, LookupError):
    """A name (operator, region, city, fleet, policy) is not known.

    The message suggests close matches: ``unknown region 'Canda'; did you mean 'Canada'?``
    """

    def __init__(self, kind: str, name: str, known: Iterable[str]):
        self.kind = kind
        self.name = name
        known = list(known)
        self.suggestions = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        if not self.suggestions:
            lowered = {k.lower(): k for k in known}
            self.suggestions = [lowered[k] for k in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)]
        hint = f"; did you mean {' or '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # LookupError would quote the message
        return self.args[0]


class ScenarioError(InputError):
    """A scenario file is invalid; the message names the file and key."""


class MissingDependencyError(SatsovError, ImportError):
    """An optional dependency is not installed; the message says which extra installs it."""

    def __init__(self, module: str, install: str, detail: str = ""):
        self.module = module
        self.install = install
        self.detail = detail
        super().__init__(f"this needs the optional package {module!r}; install it with: {install}")

    def __str__(self) -> str:
        return self.args[0]


class JobTooLargeError(InputError):
    """A job would need more memory or disk than there is: the message gives the estimate and the fix."""

    def __init__(self, message: str, *, needed: float, available: float):
        self.needed = needed
        self.available = available
        super().__init__(message, found=needed, expected=f"<= {available:.0f} bytes")


class OutputError(SatsovError, OSError):
    """An output cannot be written (read-only folder, no such device, a file where a folder should be)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: cannot write here: {reason}")

    def __str__(self) -> str:
        return self.args[0]


class FetchError(SatsovError, OSError):
    """A download was refused or failed: the service's answer is shown, nothing is retried and the previous
    snapshot is kept."""

    def __init__(self, url: str, message: str, *, status: int | None = None):
        self.url = url
        self.status = status
        self.reason = message
        super().__init__(f"{url}: {message}")
