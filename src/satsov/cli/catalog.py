"""``satsov catalog inspect|convert``: read, check and convert catalogue files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from satsov.cli.options import Json, Names, Strict
from satsov.cli.output import emit_json, err, out, warn_rejected

app = typer.Typer(no_args_is_help=True, help="Read, check and convert catalogue files.")


@app.command("inspect")
def inspect(file: Path = typer.Argument(..., help="TLE/3LE or OMM (JSON, CSV, XML) file, optionally .gz"),
            as_json: Json = False, strict: Strict = False):
    """Count satellites and rejected records, epoch range and satellites by name prefix."""
    from satsov.orbits.catalog import read_catalog
    catalog = read_catalog(file, strict=strict)
    summary = catalog.summary()
    if as_json:
        emit_json(summary)
        return
    warn_rejected(catalog)
    out.print(f"[bold]{file}[/]  format {summary['format']}: {summary['satellites']} satellites, "
              f"{summary['rejected']} rejected")
    out.print(f"epochs {summary['epoch_min']} .. {summary['epoch_max']}")
    table = Table("name prefix", "satellites")
    for prefix, n in list(summary["by_prefix"].items())[:25]:
        table.add_row(prefix, str(n))
    out.print(table)


@app.command("convert")
def convert(src: Path = typer.Argument(..., help="input catalogue"),
            dst: Path = typer.Argument(..., help="output: .tle (3-line), .2le, .json or .csv (OMM)"),
            names: Names = None, strict: Strict = False, as_json: Json = False):
    """Convert between TLE and OMM formats."""
    from satsov.io import check_writable
    from satsov.orbits.catalog import convert_catalog
    check_writable(dst)
    catalog, written = convert_catalog(src, dst, names=names, strict=strict)
    if as_json:
        emit_json({"src": str(src), "dst": str(dst), "satellites": written, "rejected": len(catalog.rejected),
                   "rejected_records": [str(r) for r in catalog.rejected], "duplicates": len(catalog.duplicates),
                   "duplicate_records": catalog.duplicates})
        return
    warn_rejected(catalog)
    err.print(f"wrote {written} satellites to {dst}", markup=False)
