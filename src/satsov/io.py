"""Output, done one way everywhere: atomic files (complete or absent, never half-written, with the
permissions a plain ``open()`` would give), one JSON encoding, and tables to Parquet or CSV.

>>> to_jsonable({"n": np.int64(3), "x": np.array([1.5, np.nan]), "when": np.datetime64("2026-05-07T00:00", "ns")})
{'n': 3, 'x': [1.5, None], 'when': '2026-05-07T00:00:00Z'}
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import enum
import json
import math
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = ["atomic_path", "atomic_open", "check_writable", "to_jsonable", "dumps_json", "write_json", "write_table",
           "describe_yaml_error", "TABLE_SUFFIXES"]

TABLE_SUFFIXES = (".parquet", ".csv")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _kind(mode: int) -> str:
    return ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "not a regular file")


def output_target(path: str | os.PathLike) -> Path:
    """The regular file a write to ``path`` replaces: ``path`` itself, or the file a symbolic link there points
    to (followed deliberately: the link stays, its target is replaced). Refused with one
    :class:`~satsov.errors.OutputError`: a device, a FIFO, a socket or a folder there (or at the link's
    target), and a read-only file (its permissions say it is not to be replaced)."""
    from satsov.errors import OutputError
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        where = "" if target == path else f" (the link's target {target})"
        raise OutputError(path, f"{_kind(st.st_mode)} is there{where}; expected a regular file (or nothing) to "
                                f"write the output to")
    if not st.st_mode & 0o222:
        raise OutputError(path, f"the file there is read-only (mode {stat.S_IMODE(st.st_mode):04o}); expected a "
                                f"writable file: remove it or make it writable to replace it")
    return target


def check_writable(path: str | os.PathLike, *, folder: bool = False) -> Path:
    """Make sure ``path`` (a file, or with ``folder=True`` a folder to write files into) can be written,
    before any long computation: its folder exists or can be made and accepts files, and nothing of the
    wrong kind stands in the way. Raises :class:`~satsov.errors.OutputError` with one line."""
    from satsov.errors import OutputError
    path = Path(path)
    target_dir = path if folder else path.parent
    if folder and path.exists() and not path.is_dir():
        raise OutputError(path, "a file is there; expected a folder (or nothing) for the outputs")
    if not folder and path.is_dir():
        raise OutputError(path, "a folder is there; expected a file name")
    if not folder:
        target_dir = output_target(path).parent
    existing = target_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(path, f"{existing} is a file, not a folder")
    try:  # the real test: a file in the folder (or, where it is still to be made, in the folder it goes in),
        # as the write will; a folder is made only when something is written into it, so a run refused later
        # leaves no empty folder behind
        fd, probe = tempfile.mkstemp(prefix=".satsov-probe.", dir=target_dir if target_dir.is_dir() else existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    On any exception (Ctrl-C and, in the CLI, SIGTERM included) the temporary file is removed and ``path`` is
    untouched. Only a regular file is replaced (a symbolic link is followed to its target; a device, FIFO,
    socket or read-only file is refused: :func:`output_target`). The file keeps the permissions of the one it
    replaces, else gets those ``open(path, "w")`` would give (0666 less the umask), not ``mkstemp``'s 0600. An
    operating-system error becomes one :class:`~satsov.errors.OutputError`.
    """
    from satsov.errors import OutputError
    given = Path(path)
    path = output_target(given)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        output_target(given)   # nothing of another kind took its place meanwhile
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(path, _reason(exc)) from None
        raise


@contextlib.contextmanager
def deferred_signals():
    """Hold SIGINT and SIGTERM while the block runs, then deliver them (to the handlers there were before): a
    set of outputs replaced inside is replaced as a unit. Outside the main thread (where Python cannot set
    handlers) it defers nothing."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    old = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in old:
        signal.signal(sig, lambda s, _frame: got.append(s))
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for sig in dict.fromkeys(got):
            signal.raise_signal(sig)


def write_together(texts: Mapping) -> None:
    """Write each ``{path: text or bytes}`` atomically and replace them as a unit: every file is written to
    its temporary first, then all are renamed, with SIGINT and SIGTERM held throughout (:func:`deferred_signals`:
    the texts are ready, so that is the time to write them), so that an interruption leaves either every old file
    or every new one."""
    with deferred_signals(), contextlib.ExitStack() as stack:
        files = {Path(p): stack.enter_context(atomic_path(p)) for p in texts}
        for (path, tmp), text in zip(files.items(), texts.values()):
            if isinstance(text, bytes):
                tmp.write_bytes(text)
            else:
                tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8", newline=None):
    """Open a temporary file for writing that replaces ``path`` only when closed without error."""
    if "b" in mode:
        encoding = None
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=encoding, newline=newline) as f:
            yield f


def _iso(value: np.datetime64) -> str:
    return str(np.datetime_as_string(value.astype("datetime64[s]"), unit="s")) + "Z"


def to_jsonable(value):
    """Plain JSON types from satsov's results: numpy scalars and arrays, datetimes (ISO UTC with ``Z``),
    paths, enums, sets, dataclasses and objects with ``to_dict()``; non-finite floats become ``None``.

    Anything else raises ``TypeError``: nothing is silently turned into a string.
    """
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return to_jsonable(value.item()) if not isinstance(value, np.datetime64) else _iso(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "M":
            return [_iso(v) for v in value.ravel()]
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, str) else k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [to_jsonable(v) for v in sorted(value, key=str)]
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps_json(data, *, indent: int | None = 1) -> str:
    """The JSON text satsov writes everywhere (files, ``--json``, the server)."""
    return json.dumps(to_jsonable(data), indent=indent, allow_nan=False, ensure_ascii=False)


def write_json(data, path: str | os.PathLike) -> Path:
    """Write ``data`` as JSON to ``path`` atomically; return the path."""
    with atomic_open(path) as f:
        f.write(dumps_json(data) + "\n")
    return Path(path)


def write_table(frame, path: str | os.PathLike) -> Path:
    """Write a pandas DataFrame to ``.parquet`` or ``.csv`` (by the suffix) atomically, without its index."""
    from satsov.errors import InputError
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(f"{path}: found suffix {suffix or '(none)'!r}, expected .parquet or .csv",
                         found=str(path), expected=".parquet or .csv")
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
    return path


def load_yaml(text_or_stream):
    """``yaml.safe_load`` by libyaml's C parser where PyYAML was built with it (the same safe constructors, so
    the same documents and errors with their line, several times faster), else by PyYAML's own."""
    import yaml
    return yaml.load(text_or_stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def describe_yaml_error(path, exc) -> str:
    """``'FILE: line N: not valid YAML (problem)'`` for a PyYAML error."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark else ""
    return f"{path}: {where}not valid YAML ({getattr(exc, 'problem', None) or exc})"


#: Every JSON document satsov writes, with the version of its layout. A reader refuses a newer version (and
#: says which satsov wrote it); a version's layout only grows within it. Bump the version when a key changes
#: meaning or goes, and say so in CHANGELOG.md.
FORMATS = {"satsov.report": 1, "satsov.design": 1, "satsov.stored-design": 1, "satsov.view": 1, "satsov.atlas": 1,
           "satsov.coverage-summary": 1, "satsov.capacity-summary": 1}


def stamped(data: Mapping, name: str) -> dict:
    """``data`` with its format name and version and the satsov version that wrote it, first.

    >>> stamped({"x": 1}, "satsov.atlas")["format"]
    {'name': 'satsov.atlas', 'version': 1, 'satsov': '...'}
    """
    from satsov import __version__
    if name not in FORMATS:
        raise KeyError(f"format: found {name!r}, expected one of {sorted(FORMATS)}")
    return {"format": {"name": name, "version": FORMATS[name], "satsov": __version__},
            **{k: v for k, v in data.items() if k != "format"}}


def check_stamp(data: Mapping, name: str, where: str) -> int:
    """The format version of a document satsov wrote (0 for one written before stamps), refusing another
    format or a newer version with :class:`~satsov.errors.InputError` naming ``where``."""
    from satsov.errors import InputError
    stamp = data.get("format") if isinstance(data, Mapping) else None
    if stamp is None:
        return 0
    if not isinstance(stamp, Mapping) or stamp.get("name") != name:
        raise InputError(f"{where}: found format {stamp!r}, expected {name!r}", found=stamp, expected=name)
    version = stamp.get("version")
    if not isinstance(version, int) or version > FORMATS[name]:
        raise InputError(f"{where}: format {name} version {version!r} (written by satsov {stamp.get('satsov')}) is "
                         f"newer than this satsov reads (version {FORMATS[name]}): upgrade satsov",
                         found=version, expected=f"<= {FORMATS[name]}")
    return version
