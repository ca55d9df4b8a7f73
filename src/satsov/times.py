"""UTC time grids.

All times in satsov are UTC. A :class:`Times` holds a 1-D array of
``datetime64[ns]`` instants and derives what the astrodynamics needs from it
(split Julian dates for SGP4, Greenwich sidereal angle).

>>> t = time_grid("2026-05-07T00:00:00Z", "90m", "30m")
>>> len(t), t.step_s
(4, 1800.0)
>>> str(t.utc[-1])
'2026-05-07T01:30:00.000000000'
>>> parse_duration_s("1h30m")
5400.0
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np

from satsov.errors import InputError

__all__ = ["Times", "time_grid", "parse_duration_s", "parse_utc", "parse_date"]

_UNITS_S = {"d": 86400.0, "h": 3600.0, "m": 60.0, "min": 60.0, "s": 1.0, "ms": 1e-3}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(ms|min|d|h|m|s)?", re.IGNORECASE)
_J2000_NS = np.datetime64("2000-01-01T12:00:00", "ns")


def parse_duration_s(text: str | float | int, *, name: str = "duration") -> float:
    """Parse ``24h``, ``90m``, ``60s``, ``1d``, ``1h30m`` or a number of seconds into seconds."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        s = str(text).strip().replace(" ", "")
        pos, value, ok = 0, 0.0, bool(s)
        while pos < len(s):
            m = _PART.match(s, pos)
            if not m or m.end() == pos:
                ok = False
                break
            unit = (m.group(2) or "s").lower()
            value += float(m.group(1)) * _UNITS_S[unit]
            pos = m.end()
        if not ok:
            raise InputError(
                f"{name}: found {text!r}, expected a duration such as '24h', '90m', '60s', '1d' or '1h30m'",
                found=text, expected="duration")
    if not np.isfinite(value) or value < 0:
        raise InputError(f"{name}: found {text!r}, expected a non-negative duration", found=text,
                         expected="duration >= 0")
    return value


#: The instants satsov computes for: from 1900 (before the first satellite) to 2200, well inside what
#: ``datetime64[ns]`` holds (1678 to 2262), so that no time wraps round silently.
EARLIEST_UTC = datetime(1900, 1, 1)
LATEST_UTC = datetime(2200, 1, 1)
_RANGE_TEXT = "1900-01-01 to 2200-01-01 UTC"


def _in_range(dt: datetime, text, name: str) -> datetime:
    if not (EARLIEST_UTC <= dt <= LATEST_UTC):
        raise InputError(f"{name}: found {str(text)[:40]!r}, outside the times satsov computes for ({_RANGE_TEXT})",
                         found=str(text)[:40], expected=_RANGE_TEXT)
    return dt


def parse_utc(value: str | datetime | np.datetime64, *, name: str = "time") -> np.datetime64:
    """Parse an ISO 8601 instant in UTC into ``datetime64[ns]``.

    Naive datetimes are refused (satsov never guesses a time zone); strings
    without an offset are read as UTC, as is usual for orbital data. Only ISO
    8601 text is read (not ``now``, ``today`` or ``NaT``), and only times from
    1900 to 2200 (:data:`EARLIEST_UTC`, :data:`LATEST_UTC`).

    >>> parse_utc("2300-01-01")
    Traceback (most recent call last):
    ...
    satsov.errors.InputError: time: found '2300-01-01', outside the times satsov computes for (1900-01-01 to 2200-01-01 UTC)
    """
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise InputError(f"{name}: found NaT, expected a time", found="NaT", expected="a time")
        ns = value.astype("datetime64[ns]")
        if ns.astype("datetime64[us]") != value.astype("datetime64[us]"):
            raise InputError(f"{name}: found {value}, outside the times satsov computes for ({_RANGE_TEXT})",
                             found=str(value), expected=_RANGE_TEXT)
        _in_range(ns.astype("datetime64[us]").item(), value, name)
        return ns
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InputError(
                f"{name}: found naive datetime {value!r}; satsov works in UTC and does not guess a time zone. "
                f"Fix: pass {value.replace(tzinfo=timezone.utc)!r}, i.e. datetime(..., tzinfo=timezone.utc)",
                found=value, expected="timezone-aware datetime")
        dt = value.astimezone(timezone.utc).replace(tzinfo=None)
        return np.datetime64(_in_range(dt, value, name), "ns")
    text = str(value).strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InputError(f"{name}: found {text[:40]!r}, expected an ISO 8601 UTC time such as "
                         f"'2026-05-07T00:00:00Z'", found=text[:40], expected="ISO 8601 time") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return np.datetime64(_in_range(dt, text, name), "ns")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str | date | None, *, name: str = "date") -> date | None:
    """A calendar date, strictly ``YYYY-MM-DD`` (``None`` passes through): the one place dates are read.

    >>> parse_date("2024-03-07")
    datetime.date(2024, 3, 7)
    >>> parse_date("2024-3-1")
    Traceback (most recent call last):
    ...
    satsov.errors.InputError: date: found '2024-3-1', expected a date as YYYY-MM-DD such as '2024-03-07'
    """
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    text = str(value).strip()
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise InputError(f"{name}: found {text!r}: {exc}; expected a real date as YYYY-MM-DD", found=text,
                             expected="YYYY-MM-DD") from None
    raise InputError(f"{name}: found {text!r}, expected a date as YYYY-MM-DD such as '2024-03-07'", found=text,
                     expected="YYYY-MM-DD")


@dataclass(frozen=True, eq=False)
class Times:
    """A sequence of UTC instants (``utc``: ``datetime64[ns]`` array, 1-D)."""

    utc: np.ndarray

    def __post_init__(self):
        utc = np.atleast_1d(np.asarray(self.utc, dtype="datetime64[ns]"))
        if utc.ndim != 1:
            raise InputError("times must be one-dimensional", found=utc.shape, expected="1-D")
        object.__setattr__(self, "utc", utc)

    def __len__(self) -> int:
        return len(self.utc)

    def __getitem__(self, index) -> "Times":
        return Times(self.utc[index])

    def __repr__(self) -> str:
        if len(self) == 0:
            return "Times([])"
        return f"Times({len(self)} instants, {self.utc[0]}Z .. {self.utc[-1]}Z)"

    @property
    def step_s(self) -> float:
        """Spacing of a regular grid in seconds (0 for a single instant)."""
        if len(self) < 2:
            return 0.0
        return float((self.utc[1] - self.utc[0]) / np.timedelta64(1, "s"))

    @property
    def duration_s(self) -> float:
        """Seconds from the first to the last instant: the window."""
        if len(self) < 2:
            return 0.0
        return float((self.utc[-1] - self.utc[0]) / np.timedelta64(1, "s"))

    def steps_to_seconds(self, steps):
        """The duration of a run of ``steps`` consecutive samples (each stands for one step), never longer
        than the window: a gap over every sample of a 1 h window lasts 1 h, not 1 h + one step.

        >>> t = time_grid("2026-05-07T00:00:00Z", "1h", "60s")
        >>> float(t.steps_to_seconds(61)), float(t.steps_to_seconds(3))
        (3600.0, 180.0)
        """
        return np.minimum(np.asarray(steps, dtype=float) * self.step_s, self.duration_s)

    @property
    def seconds(self) -> np.ndarray:
        """Seconds since the first instant."""
        return (self.utc - self.utc[0]) / np.timedelta64(1, "s")

    @property
    def seconds_since_j2000(self) -> np.ndarray:
        """UTC seconds since 2000-01-01T12:00 UTC (leap seconds not counted, as in UTC Julian dates)."""
        return (self.utc - _J2000_NS) / np.timedelta64(1, "s")

    def jd_split(self) -> tuple[np.ndarray, np.ndarray]:
        """UTC Julian date split in a whole part (ending in .5) and a fraction, as SGP4 wants."""
        days = (self.utc - np.datetime64("1970-01-01", "ns")) // np.timedelta64(1, "D")
        midnight = np.datetime64("1970-01-01", "ns") + days * np.timedelta64(1, "D")
        jd = 2440587.5 + days.astype(np.float64)
        fr = (self.utc - midnight) / np.timedelta64(1, "D")
        return jd, fr.astype(np.float64)

    def gmst_rad(self, ut1_minus_utc_s: float = 0.0) -> np.ndarray:
        """Greenwich mean sidereal angle (IAU 1982, as SGP4's TEME frame uses), radians.

        UT1 is taken as UTC + ``ut1_minus_utc_s`` (|UT1-UTC| < 0.9 s by definition).
        """
        jd, fr = self.jd_split()
        fr = fr + ut1_minus_utc_s / 86400.0
        tut1 = ((jd - 2451545.0) + fr) / 36525.0
        theta_s = (-6.2e-6 * tut1**3 + 0.093104 * tut1**2 + (876600.0 * 3600.0 + 8640184.812866) * tut1
                   + 67310.54841)
        return np.mod(theta_s * (np.pi / 43200.0), 2 * np.pi)

    def chunks(self, size: int) -> Iterator[tuple[slice, "Times"]]:
        """Yield ``(slice, Times)`` pieces of at most ``size`` instants, in order."""
        if size < 1:
            raise InputError(f"chunk size: found {size}, expected >= 1", found=size, expected=">= 1")
        for start in range(0, len(self), size):
            sl = slice(start, min(start + size, len(self)))
            yield sl, Times(self.utc[sl])

    def to_datetimes(self) -> list[datetime]:
        """The instants as timezone-aware ``datetime`` objects (microsecond precision)."""
        return [datetime.fromisoformat(str(t.astype("datetime64[us]"))).replace(tzinfo=timezone.utc)
                for t in self.utc]

    def isoformat(self) -> list[str]:
        """ISO 8601 strings with a trailing Z."""
        return [str(t) + "Z" for t in self.utc.astype("datetime64[s]")]


def time_grid(start, duration, step, *, snapshots: bool = False) -> Times:
    """A regular grid from ``start`` (ISO UTC) over ``duration`` every ``step``, both ends included.

    ``duration`` and ``step`` accept ``'24h'``, ``'90m'``, ``'60s'`` or seconds. A step longer than a window
    of some length is refused (the window would silently be one instant), unless ``snapshots``: snapshots of
    the window (capacity, routes) every ``step``, where one snapshot at the start is what a long step means.
    """
    t0 = parse_utc(start, name="start")
    duration_s = parse_duration_s(duration, name="duration")
    step_s = parse_duration_s(step, name="step")
    if step_s <= 0:
        raise InputError(f"step: found {step!r}, expected a positive duration such as '60s'", found=step,
                         expected="step > 0")
    if step_s > duration_s > 0 and not snapshots:
        raise InputError(f"step: found {step!r}, longer than the duration {duration!r}: the window would be one "
                         f"instant; expected a step at most the duration (or duration 0 for one instant)",
                         found=step, expected=f"<= {duration}")
    try:
        end = t0.astype("datetime64[us]").item() + timedelta(seconds=min(duration_s, 1e11))
    except OverflowError:
        end = datetime.max
    _in_range(end, f"{start} + {duration}", "the window's end")
    n = int(np.floor(duration_s / step_s + 1e-9)) + 1
    from satsov.budget import check_memory
    check_memory(f"a time grid of {n:,} steps ({duration} every {step})", n * 8.0 * 3,
                 "use a shorter duration or a longer step")
    if float(step_s * 1e9).is_integer():   # whole nanoseconds: exact integers, no float temporaries
        offsets_ns = (np.arange(n, dtype=np.int64) * np.int64(step_s * 1e9)).view("timedelta64[ns]")
    else:
        offsets_ns = np.round(np.arange(n) * step_s * 1e9).astype("int64").astype("timedelta64[ns]")
    return Times(t0 + offsets_ns)
