"""Look angles from one ground site to a fleet over time, as a table.

>>> from satsov import load_fleet, time_grid
>>> from satsov.data import sample_catalog_path
>>> fleet = load_fleet(sample_catalog_path(), names="ONEWEB*")
>>> table = look_table(fleet, 45.42, -75.69, 0.07, time_grid("2026-05-07T00:00:00Z", "20m", "60s"),
...                    min_elevation_deg=10)
>>> bool((table.elevation_deg >= 10).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from satsov.budget import check_memory, memory_limit_bytes
from satsov.errors import InputError
from satsov.orbits.geometry import look_angles
from satsov.orbits.propagation import PropagationFailure, failures, propagate_chunks
from satsov.times import Times

__all__ = ["LookTable", "look_table", "look_chunks", "write_look", "MIN_SITE_ALT_KM", "MAX_SITE_ALT_KM"]

#: Ground sites from the Dead Sea shore to the edge of space (the Kármán line).
MIN_SITE_ALT_KM = -0.5
MAX_SITE_ALT_KM = 100.0


@dataclass(frozen=True, eq=False)
class LookTable:
    """Rows (time-major) of satellites at or above the mask: indices into ``fleet`` and ``times``, angles in
    degrees and range in km."""

    fleet: object
    times: Times
    site_lat_deg: float
    site_lon_deg: float
    site_alt_km: float
    min_elevation_deg: float
    sat_index: np.ndarray
    time_index: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    range_km: np.ndarray
    failures: tuple[PropagationFailure, ...] = ()

    def __len__(self) -> int:
        return len(self.sat_index)

    def to_dict(self) -> dict:
        """Per satellite in view: its times, azimuths, elevations and ranges."""
        iso = self.times.isoformat()
        sats = []
        for i in np.unique(self.sat_index):
            rows = self.sat_index == i
            e = self.fleet[int(i)]
            sats.append({"norad_id": e.norad_id, "name": e.name,
                         "time": [iso[k] for k in self.time_index[rows]],
                         "azimuth_deg": np.round(self.azimuth_deg[rows], 6).tolist(),
                         "elevation_deg": np.round(self.elevation_deg[rows], 6).tolist(),
                         "range_km": np.round(self.range_km[rows], 6).tolist()})
        return {"site": {"lat_deg": self.site_lat_deg, "lon_deg": self.site_lon_deg,
                         "alt_m": self.site_alt_km * 1000.0},
                "start": iso[0], "step_s": self.times.step_s, "min_elevation_deg": self.min_elevation_deg,
                "satellites": sats, "failures": [str(f) for f in self.failures]}


#: Memory one row of a look table holds (indices and three angles), for the budget.
BYTES_PER_LOOK_ROW = 40.0


def look_chunks(fleet, site_lat_deg: float, site_lon_deg: float, site_alt_km: float, times: Times, *,
                min_elevation_deg: float = -90.0, backend="auto", chunk_steps: int | None = None):
    """Yield ``(sat_index, time_index, azimuth_deg, elevation_deg, range_km, status)`` per time chunk, rows at
    or above the mask only: memory stays bounded by one chunk of positions."""
    if not (-90.0 <= min_elevation_deg <= 90.0):
        raise InputError(f"min_elevation_deg: found {min_elevation_deg!r}, expected degrees in [-90, 90]",
                         found=min_elevation_deg, expected="[-90, 90]")
    if not (MIN_SITE_ALT_KM <= site_alt_km <= MAX_SITE_ALT_KM):
        raise InputError(f"site altitude: found {site_alt_km * 1000:g} m, expected a ground site between "
                         f"{MIN_SITE_ALT_KM * 1000:g} and {MAX_SITE_ALT_KM * 1000:g} m", found=site_alt_km,
                         expected=f"[{MIN_SITE_ALT_KM * 1000:g}, {MAX_SITE_ALT_KM * 1000:g}] m")
    for sl, chunk, r, status in propagate_chunks(fleet, times, chunk_steps=chunk_steps, backend=backend):
        az, el, rng = look_angles(site_lat_deg, site_lon_deg, site_alt_km, r)
        with np.errstate(invalid="ignore"):
            keep = el >= min_elevation_deg
        t_idx, s_idx = np.nonzero(keep.T)  # time-major rows
        yield s_idx, t_idx + sl.start, az[s_idx, t_idx], el[s_idx, t_idx], rng[s_idx, t_idx], sl, status


def look_table(fleet, site_lat_deg: float, site_lon_deg: float, site_alt_km: float, times: Times, *,
               min_elevation_deg: float = -90.0, backend="auto") -> LookTable:
    """Azimuth, elevation and range of every satellite of ``fleet`` at or above ``min_elevation_deg``.

    The rows are held in memory: a table that would not fit is refused as it grows, with the fix (write the
    rows to a file with :func:`write_look`, select satellites, raise the mask, shorten the window).
    """
    parts, n_rows, failed = [], 0, []
    limit = memory_limit_bytes()
    for s_idx, t_idx, az, el, rng, sl, status in look_chunks(
            fleet, site_lat_deg, site_lon_deg, site_alt_km, times, min_elevation_deg=min_elevation_deg,
            backend=backend):
        parts.append((s_idx, t_idx, az, el, rng))
        n_rows += len(s_idx)
        if n_rows * BYTES_PER_LOOK_ROW > limit / 2:
            check_memory(f"a look table of more than {n_rows:,} rows", n_rows * BYTES_PER_LOOK_ROW * 2 *
                         len(times) / max(sl.stop, 1), "write the rows to a file (satsov look --out FILE.parquet), "
                         "select satellites (--names), raise the mask or shorten the window")
        failed += failures(fleet, times, status, sl.start)
    cat = (lambda k: np.concatenate([p[k] for p in parts])) if parts else (lambda k: np.empty(0))
    return LookTable(fleet, times, site_lat_deg, site_lon_deg, site_alt_km, min_elevation_deg,
                     cat(0).astype(np.intp), cat(1).astype(np.intp), cat(2), cat(3), cat(4), tuple(failed))


def write_look(fleet, site_lat_deg: float, site_lon_deg: float, site_alt_km: float, times: Times, path, *,
               min_elevation_deg: float = -90.0, backend="auto", progress=None) -> tuple[int, tuple]:
    """Stream the rows of :func:`look_table` to ``.parquet`` or ``.csv`` (norad_id, name, time, azimuth_deg,
    elevation_deg, range_km), atomically, holding one chunk at a time. Returns ``(rows, failures)``."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from satsov.io import atomic_path
    path = Path(path)
    if path.suffix.lower() not in (".parquet", ".csv"):
        raise InputError(f"{path}: found suffix {path.suffix or '(none)'!r}, expected .parquet or .csv",
                         found=str(path), expected=".parquet or .csv")
    schema = pa.schema([("norad_id", pa.int64()), ("name", pa.string()), ("time", pa.timestamp("ns", tz="UTC")),
                        ("azimuth_deg", pa.float64()), ("elevation_deg", pa.float64()), ("range_km", pa.float64())])
    ids, names = fleet.norad_ids, np.array(fleet.names, dtype=object)
    rows, failed = 0, []
    with atomic_path(path) as tmp:
        writer = (pq.ParquetWriter(tmp, schema) if path.suffix.lower() == ".parquet" else pacsv.CSVWriter(tmp, schema))
        try:
            for s_idx, t_idx, az, el, rng, sl, status in look_chunks(
                    fleet, site_lat_deg, site_lon_deg, site_alt_km, times, min_elevation_deg=min_elevation_deg,
                    backend=backend):
                writer.write_table(pa.table({"norad_id": ids[s_idx], "name": names[s_idx],
                                             "time": pa.array(times.utc[t_idx], type=pa.timestamp("ns", tz="UTC")),
                                             "azimuth_deg": az, "elevation_deg": el, "range_km": rng}, schema=schema))
                rows += len(s_idx)
                failed += failures(fleet, times, status, sl.start)
                if progress is not None:
                    progress(sl.stop, len(times))
        finally:
            writer.close()
    return rows, tuple(failed)
