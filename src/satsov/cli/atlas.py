"""``satsov atlas``: the world atlas of dependency (every country, one coverage pass)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from satsov.cli.options import DEFAULT_MIN_ELEVATION_DEG, DEFAULT_START, Json, MinElevation, Start
from satsov.cli.output import emit_json, err, out, progress


def atlas(spacing_km: float = typer.Option(200.0, "--spacing-km", help="world grid spacing"),
          start: Start = DEFAULT_START,
          duration: str = typer.Option("6h", "--duration"),
          step: str = typer.Option("10m", "--step"),
          min_elevation_deg: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
          operator: Optional[list[str]] = typer.Option(None, "--operator", help="operators (repeat; default: every "
                                                       "broadband fleet of 50 satellites or more)"),
          ignore_licences: bool = typer.Option(False, "--ignore-licences", help="what if every operator were licensed"),
          out_file: Optional[Path] = typer.Option(None, "--out", help="write the atlas JSON here"),
          data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="store it for `satsov serve` too"),
          max_seconds: Optional[float] = typer.Option(None, "--max-seconds", help="refuse a job estimated longer"),
          scheduler: Optional[str] = typer.Option(None, "--scheduler", help="a Dask scheduler's address (or 'local'): "
                                                  "the window in time chunks on its workers (extra 'atlas')"),
          chunks: Optional[int] = typer.Option(None, "--chunks", help="time chunks (default: 2 per Dask worker)"),
          as_json: Json = False):
    """Every country's dependency on each operator and its served share under each policy (one coverage pass)."""
    from satsov.assessment.atlas import atlas as run, atlas_key
    from satsov.io import check_writable, stamped, write_json
    if out_file:
        check_writable(out_file)
    update, bar = progress(not as_json)
    with bar:
        result = run(spacing_km=spacing_km, start=start, duration=duration, step=step,
                     min_elevation_deg=min_elevation_deg, operators=operator or None, licences=not ignore_licences,
                     max_seconds=max_seconds, scheduler=scheduler, chunks=chunks, progress=update)
    data = stamped(result.to_dict(), "satsov.atlas")
    written = []
    if out_file:
        written.append(write_json(data, out_file))
    if data_dir:
        written.append(write_json(data, Path(data_dir) / "atlas" / f"{atlas_key(result.params)}.json"))
    if as_json:
        emit_json(data)
        return
    for w in result.warnings:
        err.print(w, markup=False)
    from rich.table import Table
    pols = [p["name"] for p in result.policies]
    table = Table("group", *pols, title="served share of people by policy (visibility, licences respected)")
    for name, g in result.groups.items():
        table.add_row(name, *[f"{g['policies'][p]:.0%}" for p in pols])
    out.print(table)
    for p in written:
        out.print(f"atlas: {p}")
