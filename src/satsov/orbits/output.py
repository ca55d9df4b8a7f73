"""Writing propagated positions to Parquet or CSV, streamed over time chunks and atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from satsov.budget import check_disk
from satsov.io import atomic_path
from satsov.orbits.propagation import propagate_chunks

__all__ = ["write_positions", "BYTES_PER_ROW"]

#: Bytes per position row as written (measured on the sample catalogue: Parquet compresses the repeated names).
BYTES_PER_ROW = {".parquet": 30.0, ".csv": 110.0}

SCHEMA = pa.schema([("norad_id", pa.int64()), ("name", pa.string()), ("time", pa.timestamp("ns", tz="UTC")),
                    ("x_km", pa.float64()), ("y_km", pa.float64()), ("z_km", pa.float64())])


def write_positions(fleet, times, path, *, backend="auto", on_failures=None, progress=None,
                    chunk_steps: int | None = None) -> tuple[int, int]:
    """Write ITRS positions of ``fleet`` at ``times`` to ``path`` (.parquet or .csv).

    Rows with a failed propagation are left out (reported through ``on_failures``); ``progress(done, total)``
    is called after each chunk.
    Returns ``(rows written, satellites with failures)``.
    """
    path = Path(path)
    rows_estimate = float(len(fleet)) * len(times)
    check_disk(f"positions of {len(fleet):,} satellites at {len(times):,} times ({rows_estimate:,.0f} rows)", path,
               rows_estimate * BYTES_PER_ROW[path.suffix.lower()],
               "select satellites (--names), shorten the window or lengthen the step")
    ids = fleet.norad_ids
    names = np.array(fleet.names, dtype=object)
    rows = 0
    failed: set[int] = set()
    with atomic_path(path) as tmp:
        writer = None
        try:
            chunks = propagate_chunks(fleet, times, chunk_steps=chunk_steps, backend=backend)
            for sl, chunk, r, status in chunks:
                if on_failures is not None and (status != 0).any():
                    on_failures(fleet, times, status, sl.start)
                failed.update(np.flatnonzero((status != 0).any(axis=1)).tolist())
                ok = status == 0
                sat_idx, t_idx = np.nonzero(ok)
                table = pa.table({
                    "norad_id": ids[sat_idx], "name": names[sat_idx],
                    "time": pa.array(chunk.utc[t_idx], type=pa.timestamp("ns", tz="UTC")),
                    "x_km": r[sat_idx, t_idx, 0], "y_km": r[sat_idx, t_idx, 1], "z_km": r[sat_idx, t_idx, 2],
                }, schema=SCHEMA)
                if writer is None:
                    writer = (pq.ParquetWriter(tmp, SCHEMA) if path.suffix.lower() == ".parquet"
                              else pacsv.CSVWriter(tmp, SCHEMA))
                writer.write_table(table)
                rows += table.num_rows
                if progress is not None:
                    progress(sl.stop, len(times))
            if writer is None:
                writer = (pq.ParquetWriter(tmp, SCHEMA) if path.suffix.lower() == ".parquet"
                          else pacsv.CSVWriter(tmp, SCHEMA))
        finally:
            if writer is not None:
                writer.close()
    return rows, len(failed)

