"""SGP4 for whole fleets, to Earth-fixed (ITRS) positions in km.

Shape convention (as python-sgp4's ``SatrecArray``): positions are
``(n_sats, n_times, 3)``, status codes ``(n_sats, n_times)``. A satellite
SGP4 cannot propagate at a time (decayed, eccentricity out of range) gets NaN
there and a non-zero status (python-sgp4's error codes), never an exception.

Frames: SGP4 gives TEME; ITRS is TEME rotated by the Greenwich mean sidereal
angle (IAU 1982) about z, with UT1 = UTC + ``ut1_minus_utc_s`` (default: the IERS
values, :mod:`satsov.orbits.earth`; a backend's ``itrs`` takes seconds) and polar motion
neglected (~10 m). This is the TEME → ITRS convention of Vallado (2006) and
of Skyfield without polar motion.

Two backends sit behind one interface: :class:`Sgp4Backend` (python-sgp4's
``SatrecArray``, the reference) and :class:`NumbaBackend` (a parallel port of
the near-earth propagation fused with the frame rotation, its loop over a
satellite's times vectorised (SIMD), about 12x python-sgp4 per core and
within 10 micrometres of it; set-up compiled for all satellites at once;
deep-space satellites go through python-sgp4).

>>> from satsov import load_fleet, time_grid
>>> from satsov.data import sample_catalog_path
>>> fleet = load_fleet(sample_catalog_path()).select("ONEWEB*")
>>> t = time_grid("2026-05-07T00:00:00Z", "10m", "60s")
>>> r, status = propagate(fleet.elements, t)
>>> r.shape[1:], bool((status == 0).all())
((11, 3), True)
>>> 7300 < float(np.linalg.norm(r[0, 0])) < 7700   # OneWeb flies at about 1,200 km
True
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sgp4.api import SatrecArray

from satsov.orbits.earth import resolve_ut1
from satsov.orbits.elements import ElementSet
from satsov.errors import InputError
from satsov.times import Times

__all__ = ["propagate", "propagate_chunks", "Backend", "Sgp4Backend", "NumbaBackend", "get_backend",
           "PropagationFailure", "failures", "SGP4_ERRORS", "teme_to_itrs"]

log = logging.getLogger(__name__)

SGP4_ERRORS = {
    1: "mean eccentricity out of range [0, 1)",
    2: "mean motion below zero",
    3: "perturbed eccentricity out of range [0, 1]",
    4: "semi-latus rectum below zero",
    5: "epoch elements are sub-orbital",
    6: "satellite has decayed",
    7: "position outside any Earth orbit (radius below 6,000 km or above 1,000,000 km): elements too far from "
       "their epoch or corrupt",
}


class Backend(Protocol):
    """A propagator: ``prepare`` once per fleet, then ``itrs`` per block of times."""

    name: str

    def prepare(self, elements: Sequence[ElementSet]) -> object: ...

    def itrs(self, state: object, times: Times, ut1_minus_utc_s: float = 0.0) -> tuple[np.ndarray, np.ndarray]: ...


def teme_to_itrs(r_teme: np.ndarray, gmst_rad: np.ndarray) -> np.ndarray:
    """Rotate TEME vectors ``(..., n_times, 3)`` into ITRS by the sidereal angle of each time."""
    c, s = np.cos(gmst_rad), np.sin(gmst_rad)
    out = np.empty_like(r_teme)
    out[..., 0] = c * r_teme[..., 0] + s * r_teme[..., 1]
    out[..., 1] = -s * r_teme[..., 0] + c * r_teme[..., 1]
    out[..., 2] = r_teme[..., 2]
    return out


class Sgp4Backend:
    """python-sgp4's vectorised C++ ``SatrecArray``: the reference implementation."""

    name = "sgp4"

    def prepare(self, elements):
        return SatrecArray([e.satrec() for e in elements]) if len(elements) else None

    def teme(self, state, times: Times):
        n = len(times)
        if state is None:
            return np.empty((0, n, 3)), np.empty((0, n), np.uint8)
        jd, fr = times.jd_split()
        err, r, _v = state.sgp4(jd, fr)
        r[err != 0] = np.nan
        return r, err.astype(np.uint8)

    def itrs(self, state, times: Times, ut1_minus_utc_s: float = 0.0):
        r, err = self.teme(state, times)
        err = _flag_insane(r, err)  # NaN where insane, before the rotation
        return teme_to_itrs(r, times.gmst_rad(ut1_minus_utc_s)), err


def _flag_insane(r: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Mark positions outside any Earth orbit as failures (code 7, NaN), as the numba kernel does."""
    from satsov.orbits._sgp4_numba import INSANE_POSITION, SANE_RADIUS_MAX_KM, SANE_RADIUS_MIN_KM
    with np.errstate(invalid="ignore"):
        r2 = np.einsum("...i,...i->...", r, r)
        bad = (status == 0) & ~((r2 >= SANE_RADIUS_MIN_KM ** 2) & (r2 <= SANE_RADIUS_MAX_KM ** 2))
    if bad.any():
        r[bad] = np.nan
        status = status.copy()
        status[bad] = INSANE_POSITION
    return status


@dataclass
class _NumbaState:
    near_index: np.ndarray
    coeffs: np.ndarray
    deep_index: np.ndarray
    deep: object
    n: int


_DEEP = object()  # marks elements that python-sgp4 propagates with its deep-space model
_PREPARED: dict = {}  # elements (TLE lines or sgp4init arguments) -> SGP4 coefficients: set up once per process
_PREPARED_MAX = 200_000


def _initialise(elements: Sequence[ElementSet]) -> list:
    """SGP4 coefficient rows (or ``_DEEP``) for elements: python-sgp4's C++ reader takes the elements from the TLE
    (or its ``sgp4init`` from the OMM's values), and ``init_near`` computes every near-earth coefficient at once,
    equal to the bit to python-sgp4's pure-Python initialisation (tested; 5x faster on the built-in catalogue)."""
    from sgp4.api import WGS72, Satrec
    from sgp4.propagation import getgravconst

    from satsov.orbits import _sgp4_numba
    sats = []
    for e in elements:
        if e.tle is not None:
            sats.append(Satrec.twoline2rv(e.tle[0], e.tle[1], WGS72))
        else:
            sat = Satrec()
            sat.sgp4init(WGS72, "i", *e.sgp4_arguments())
            sats.append(sat)
    _tumin, _mu, radius_km, xke, j2, _j3, j4, j3oj2 = getgravconst("wgs72")
    table = _sgp4_numba.element_table(sats)
    out = np.empty((len(sats), len(_sgp4_numba.FIELDS) + len(_sgp4_numba.DERIVED)))
    deep = np.empty(len(sats), np.bool_)
    _sgp4_numba.init_near(table, xke, j2, j3oj2, j4, radius_km, out, deep)
    return [_DEEP if d else row for row, d in zip(out, deep)]


class NumbaBackend:
    """Parallel numba SGP4 (near-earth) fused with the TEME → ITRS rotation."""

    name = "numba"

    def prepare(self, elements):
        from satsov.orbits import _sgp4_numba
        width = len(_sgp4_numba.FIELDS) + len(_sgp4_numba.DERIVED)
        keys = [None if e.is_deep_space else (e.tle if e.tle is not None else e.sgp4_arguments()) for e in elements]
        new = {k: e for k, e in zip(keys, elements) if k is not None and k not in _PREPARED}
        if new:
            if len(_PREPARED) + len(new) > _PREPARED_MAX:
                _PREPARED.clear()
            _PREPARED.update(zip(new, _initialise(list(new.values()))))
        near, deep, rows = [], [], []
        for i, key in enumerate(keys):
            row = _DEEP if key is None else _PREPARED[key]
            if row is _DEEP:
                deep.append(i)
                continue
            near.append(i)
            rows.append(row)
        coeffs = np.array(rows) if rows else np.empty((0, width))
        deep_state = Sgp4Backend().prepare([elements[i] for i in deep])
        return _NumbaState(np.array(near, dtype=np.intp), np.ascontiguousarray(coeffs),
                           np.array(deep, dtype=np.intp), deep_state, len(elements))

    def _run(self, state, times, rotate, ut1_minus_utc_s):
        from satsov.orbits import _sgp4_numba
        n_t = len(times)
        jd, fr = times.jd_split()
        near_out = np.empty((len(state.near_index), n_t, 3))
        near_status = np.empty((len(state.near_index), n_t), np.uint8)
        if rotate:
            theta = times.gmst_rad(ut1_minus_utc_s)
            _sgp4_numba.propagate_itrs(state.coeffs, jd, fr, np.cos(theta), np.sin(theta), near_out, near_status)
        else:
            _sgp4_numba.propagate_teme(state.coeffs, jd, fr, near_out, near_status)
        if len(state.near_index) == state.n:
            return near_out, near_status
        out = np.empty((state.n, n_t, 3))
        status = np.zeros((state.n, n_t), np.uint8)
        out[state.near_index] = near_out
        status[state.near_index] = near_status
        if len(state.deep_index):
            backend = Sgp4Backend()
            if rotate:
                r, err = backend.itrs(state.deep, times, ut1_minus_utc_s)
            else:
                r, err = backend.teme(state.deep, times)
            out[state.deep_index] = r
            status[state.deep_index] = err
        return out, status

    def teme(self, state, times: Times):
        return self._run(state, times, False, 0.0)

    def itrs(self, state, times: Times, ut1_minus_utc_s: float = 0.0):
        return self._run(state, times, True, ut1_minus_utc_s)


_BACKENDS = {"sgp4": Sgp4Backend, "numba": NumbaBackend}


def get_backend(backend: str | Backend | None = "auto") -> Backend:
    """``'auto'`` (numba when importable), ``'numba'``, ``'sgp4'``, or a Backend object."""
    if backend is None or backend == "auto":
        try:
            import numba  # noqa: F401
            return NumbaBackend()
        except ImportError:  # pragma: no cover - numba is a dependency
            return Sgp4Backend()
    if isinstance(backend, str):
        if backend not in _BACKENDS:
            from satsov.errors import UnknownNameError
            raise UnknownNameError("propagation backend", backend, list(_BACKENDS) + ["auto"])
        return _BACKENDS[backend]()
    return backend


def _elements_of(fleet) -> list[ElementSet]:
    return list(getattr(fleet, "elements", fleet))


def propagate(fleet, times: Times, *, backend: str | Backend = "auto",
              ut1_minus_utc_s="iers") -> tuple[np.ndarray, np.ndarray]:
    """ITRS positions ``(n_sats, n_times, 3)`` in km and SGP4 status codes ``(n_sats, n_times)``.

    ``ut1_minus_utc_s``: ``"iers"`` (IERS values, see :mod:`satsov.orbits.earth`) or seconds.
    """
    if not isinstance(times, Times):
        raise InputError(f"times: found {type(times).__name__}, expected satsov.Times (see satsov.time_grid)",
                         found=times, expected="Times")
    engine = get_backend(backend)
    state = engine.prepare(_elements_of(fleet))
    return engine.itrs(state, times, resolve_ut1(times, ut1_minus_utc_s))


def default_chunk_steps(n_sats: int, budget_bytes: float = 256e6) -> int:
    """Time steps per chunk such that one chunk of positions stays within ``budget_bytes``."""
    return int(max(1, min(1440, budget_bytes // max(1, n_sats * 3 * 8))))


def propagate_chunks(fleet, times: Times, *, chunk_steps: int | None = None, backend: str | Backend = "auto",
                     ut1_minus_utc_s="iers") -> Iterator[tuple[slice, Times, np.ndarray, np.ndarray]]:
    """Yield ``(slice, times_chunk, positions_itrs_km, status)`` over consecutive time chunks.

    Memory stays bounded by one chunk: ``n_sats × chunk_steps × 3`` floats.
    """
    elements = _elements_of(fleet)
    engine = get_backend(backend)
    state = engine.prepare(elements)
    steps = chunk_steps or default_chunk_steps(len(elements))
    for sl, chunk in times.chunks(steps):
        r, status = engine.itrs(state, chunk, resolve_ut1(chunk, ut1_minus_utc_s))
        yield sl, chunk, r, status


@dataclass(frozen=True)
class PropagationFailure:
    """A satellite SGP4 could not propagate for some of the times."""

    norad_id: int
    name: str
    code: int
    reason: str
    first_time: np.datetime64
    n_times: int

    def __str__(self) -> str:
        return (f"{self.name} (NORAD {self.norad_id}): {self.reason} (SGP4 error {self.code}) from "
                f"{str(self.first_time.astype('datetime64[s]'))}Z, excluded at {self.n_times} time(s)")


def failures(fleet, times: Times, status: np.ndarray, offset: int = 0) -> list[PropagationFailure]:
    """One :class:`PropagationFailure` per satellite with a non-zero status."""
    elements = _elements_of(fleet)
    out = []
    for i in np.flatnonzero((status != 0).any(axis=1)):
        bad = np.flatnonzero(status[i] != 0)
        code = int(status[i, bad[0]])
        e = elements[i]
        out.append(PropagationFailure(e.norad_id, e.name, code, SGP4_ERRORS.get(code, "unknown error"),
                                      times.utc[offset + bad[0]], len(bad)))
    return out
