"""Earth orientation: UT1 − UTC from the IERS, for the sidereal angle that turns TEME into ITRS.

UT1 − UTC reaches ±0.9 s; neglecting it moves a LEO satellite by up to ~25 m and a GEO satellite by up to
~130 m along the equator (Earth turns 465 m/s at the equator, 3 km/s at GEO radius). satsov takes it from the
IERS Bulletin A series ``finals2000A.all`` shipped by the maintained ``astropy-iers-data`` package (measured
values, then about a year of predictions), interpolated linearly in time. Before the series, UT1 = UTC;
after its predictions, the last predicted value is held, and :func:`earth_orientation` says so.

>>> t = time_grid("2026-05-07T00:00:00Z", "1d", "12h")
>>> values = ut1_minus_utc_s(t)
>>> bool(abs(values).max() < 0.9)
True
>>> earth_orientation(t)["kind"]
'measured'
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from satsov.errors import InputError
from satsov.times import Times, time_grid  # noqa: F401 - time_grid for the doctest

__all__ = ["ut1_minus_utc_s", "resolve_ut1", "earth_orientation", "IERS_SOURCE"]

_MJD_UNIX_EPOCH = 40587.0


@lru_cache(maxsize=1)
def _series():
    """(mjd, ut1_minus_utc_s, predicted flag, source) from finals2000A.all (fixed columns, IERS format)."""
    import astropy_iers_data
    from importlib.metadata import version
    mjd, dut, predicted = [], [], []
    with open(astropy_iers_data.IERS_A_FILE, encoding="ascii") as f:
        for line in f:
            value = line[58:68].strip()  # columns 59-68: UT1-UTC in seconds; column 58: I (IERS) or P (prediction)
            if not value:
                continue
            mjd.append(float(line[7:15]))
            dut.append(float(value))
            predicted.append(line[57] == "P")
    source = (f"IERS Bulletin A finals2000A.all (astropy-iers-data {version('astropy-iers-data')}): "
              f"UT1-UTC measured to MJD {max(m for m, p in zip(mjd, predicted) if not p):.0f}, predicted to "
              f"MJD {mjd[-1]:.0f}")
    return np.array(mjd), np.array(dut), np.array(predicted), source


def IERS_SOURCE() -> str:  # noqa: N802 - reads like the constant it stands for, but needs the file
    """Where UT1 − UTC comes from, with the package version and the span of measured and predicted values."""
    return _series()[3]


def _mjd(times: Times) -> np.ndarray:
    return times.utc.astype("datetime64[ns]").astype(np.int64) / 86_400e9 + _MJD_UNIX_EPOCH


def ut1_minus_utc_s(times: Times) -> np.ndarray:
    """UT1 − UTC in seconds at each time (IERS, interpolated; held constant past the predictions)."""
    mjd, dut, _, _ = _series()
    x = _mjd(times)
    values = np.interp(x, mjd, dut)
    # a leap second makes UT1-UTC jump by 1 s between two daily values: interpolate across it without the jump
    i = np.clip(np.searchsorted(mjd, x) - 1, 0, len(mjd) - 2)
    jump = np.round(dut[i + 1] - dut[i])
    frac = np.clip((x - mjd[i]) / (mjd[i + 1] - mjd[i]), 0.0, 1.0)
    values = np.where(jump != 0, dut[i] + frac * (dut[i + 1] - jump - dut[i]), values)
    values[x < mjd[0]] = 0.0
    return values


def resolve_ut1(times: Times, setting="iers"):
    """The UT1 − UTC to use: ``"iers"`` (the default everywhere) or a number of seconds given by the caller."""
    if isinstance(setting, str):
        if setting != "iers":
            raise InputError(f"ut1_minus_utc_s: found {setting!r}, expected 'iers' or a number of seconds",
                             found=setting, expected="'iers' or seconds")
        return ut1_minus_utc_s(times)
    value = np.asarray(setting, dtype=float)
    if not np.isfinite(value).all() or (np.abs(value) > 1.0).any():
        raise InputError(f"ut1_minus_utc_s: found {setting!r}, expected seconds in [-1, 1] (|UT1-UTC| < 0.9 s)",
                         found=setting, expected="[-1, 1] s")
    return value


def earth_orientation(times: Times, setting="iers") -> dict:
    """What a result used for UT1 − UTC, for its outputs: source, range, and whether it is measured,
    predicted or held past the predictions."""
    if not isinstance(setting, str):
        value = np.atleast_1d(resolve_ut1(times, setting))
        return {"source": "given by the caller", "kind": "given", "min_s": float(value.min()),
                "max_s": float(value.max())}
    mjd, _, predicted, source = _series()
    x = _mjd(times)
    values = ut1_minus_utc_s(times)
    last_measured = mjd[~predicted].max()
    kind = ("held past the predictions" if x.max() > mjd[-1] else "predicted" if x.max() > last_measured
            else "before the series: UT1 = UTC" if x.max() < mjd[0] else "measured")
    return {"source": source, "kind": kind, "min_s": float(values.min()), "max_s": float(values.max())}
