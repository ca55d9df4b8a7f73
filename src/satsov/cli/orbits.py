"""``satsov propagate`` and ``satsov look``: positions and look angles from a catalogue."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from satsov.cli.options import (DEFAULT_MAX_EPOCH_AGE_DAYS, Duration, Json, MaxEpochAge, Names, Start, Step,
                                Strict, parse_site)
from satsov.cli.output import emit_json, err, out, progress_bar, report_failures, warn, warn_rejected


def _notes(fleet, times, max_epoch_age_days: float, as_json: bool) -> list[str]:
    """What the output must carry: the catalogue's notes and stale elements; printed unless --json."""
    from satsov.orbits.fleet import stale_elements
    notes = list(fleet.notes) + stale_elements({fleet.name: fleet}, times, max_epoch_age_days)
    if not as_json:
        for n in notes[len(fleet.notes):]:  # the catalogue's own notes were printed when it was read
            warn(n)
    return notes


def _load(file: Path, names, strict: bool, as_json: bool):
    from satsov.orbits.catalog import read_catalog
    from satsov.orbits.fleet import Fleet
    catalog = read_catalog(file, strict=strict)
    if not as_json:
        warn_rejected(catalog)
    fleet = Fleet.from_catalog(catalog)
    return fleet.select(names, required=True) if names else fleet


def propagate(file: Path = typer.Argument(..., help="catalogue file"), start: Start = ..., duration: Duration = ...,
              step: Step = ...,
              out_path: Path = typer.Option(..., "--out", help="output .parquet or .csv"),
              names: Names = None,
              backend: str = typer.Option("auto", "--backend", help="auto, numba or sgp4"),
              max_epoch_age_days: MaxEpochAge = DEFAULT_MAX_EPOCH_AGE_DAYS,
              strict: Strict = False, as_json: Json = False):
    """Propagate satellites and write ITRS positions (norad_id, name, time, x_km, y_km, z_km)."""
    from satsov.errors import InputError
    from satsov.io import TABLE_SUFFIXES, check_writable
    from satsov.orbits.earth import earth_orientation
    from satsov.orbits.output import write_positions
    from satsov.orbits.propagation import failures
    from satsov.times import time_grid
    if out_path.suffix.lower() not in TABLE_SUFFIXES:
        raise InputError(f"--out: found {str(out_path)!r}, expected a path ending in .parquet or .csv",
                         found=str(out_path), expected=".parquet or .csv")
    check_writable(out_path)
    fleet = _load(file, names, strict, as_json)
    times = time_grid(start, duration, step)
    notes = _notes(fleet, times, max_epoch_age_days, as_json)
    update, bar = progress_bar("propagating", not as_json)
    with bar:
        rows, failed = write_positions(
            fleet, times, out_path, backend=backend, progress=update,
            on_failures=lambda fl, t, status, offset: report_failures(failures(fl, t, status, offset)))
    summary = {"out": str(out_path), "satellites": len(fleet), "times": len(times), "rows": rows,
               "failed_satellites": failed, "warnings": notes,
               "ut1_minus_utc": earth_orientation(times)}
    if as_json:
        emit_json(summary)
    else:
        err.print(f"wrote {rows} rows ({len(fleet)} satellites × {len(times)} times) to {out_path}", markup=False)


def look(file: Path = typer.Argument(..., help="catalogue file"),
         site: str = typer.Option(..., "--site", help="LAT,LON[,ALT_M] in degrees and metres"),
         start: Start = ..., duration: Duration = ..., step: Step = ..., names: Names = None,
         min_elevation_deg: float = typer.Option(-90.0, "--min-elevation-deg", "--min-elevation",
                                                 help="only rows at or above this elevation (deg)"),
         out_path: Path = typer.Option(None, "--out", help="stream the rows to .parquet or .csv (any size)"),
         max_epoch_age_days: MaxEpochAge = DEFAULT_MAX_EPOCH_AGE_DAYS,
         strict: Strict = False, as_json: Json = False):
    """Azimuth, elevation and range of satellites from a ground site."""
    from satsov.io import check_writable
    from satsov.orbits.look import look_table, write_look
    from satsov.times import time_grid
    lat, lon, alt_m = parse_site(site)
    if out_path:
        check_writable(out_path)
    fleet = _load(file, names, strict, as_json)
    times = time_grid(start, duration, step)
    notes = _notes(fleet, times, max_epoch_age_days, as_json)
    if out_path:
        update, bar = progress_bar("look angles", not as_json)
        with bar:
            rows, fails = write_look(fleet, lat, lon, alt_m / 1000.0, times, out_path,
                                     min_elevation_deg=min_elevation_deg, progress=update)
        report_failures(fails)
        summary = {"out": str(out_path), "rows": rows, "satellites": len(fleet), "times": len(times),
                   "warnings": notes}
        emit_json(summary) if as_json else err.print(f"wrote {rows} rows to {out_path}", markup=False)
        return
    table = look_table(fleet, lat, lon, alt_m / 1000.0, times, min_elevation_deg=min_elevation_deg)
    report_failures(table.failures)
    if as_json:
        emit_json({**table.to_dict(), "warnings": notes})
        return
    iso = table.times.isoformat()
    shown = Table("time (UTC)", "satellite", "azimuth °", "elevation °", "range km")
    shown.columns[0].no_wrap = True
    for k in range(min(len(table), 200)):
        shown.add_row(iso[table.time_index[k]], fleet[int(table.sat_index[k])].name, f"{table.azimuth_deg[k]:.2f}",
                      f"{table.elevation_deg[k]:.2f}", f"{table.range_km[k]:.1f}")
    out.print(shown)
    if len(table) > 200:
        out.print(f"... {len(table) - 200} more rows (use --json for all)")
