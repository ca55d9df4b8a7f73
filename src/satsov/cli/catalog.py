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
    from satsov.orbits.fleet import convert_catalog
    check_writable(dst)
    catalog, written = convert_catalog(src, dst, names=names, strict=strict)
    if as_json:
        emit_json({"src": str(src), "dst": str(dst), "satellites": written, "rejected": len(catalog.rejected),
                   "rejected_records": [str(r) for r in catalog.rejected], "duplicates": len(catalog.duplicates),
                   "duplicate_records": catalog.duplicates})
        return
    warn_rejected(catalog)
    err.print(f"wrote {written} satellites to {dst}", markup=False)


@app.command("fetch")
def fetch(group: str = typer.Option(None, "--group", help="CelesTrak group, e.g. starlink, oneweb, active"),
          name: str = typer.Option(None, "--name", help="satellites whose name contains this"),
          catnr: str = typer.Option(None, "--catnr", help="one catalogue number"),
          supplemental: str = typer.Option(None, "--supplemental",
                                           help="CelesTrak supplemental GP file (operator data), e.g. starlink"),
          fmt: str = typer.Option("json", "--format", help="OMM json or csv"),
          cache: Path = typer.Option(None, "--cache-dir", help="cache folder (default: SATSOV_CACHE_DIR or the "
                                                               "user cache folder)"),
          base_url: str = typer.Option(None, "--base-url", help="CelesTrak or a mirror (default: "
                                                                "SATSOV_CELESTRAK_URL or https://celestrak.org)"),
          space_track: bool = typer.Option(False, "--space-track",
                                           help="from Space-Track instead (opt in; credentials from "
                                                "SPACETRACK_IDENTITY/SPACETRACK_PASSWORD or ~/.netrc): --catnr "
                                                "N,N,... or every object on orbit"),
          as_json: Json = False):
    """Fetch a CelesTrak catalogue into the cache (at most once per query every 2 hours; never retried)."""
    from satsov.fetch import fetch_catalog, fetch_spacetrack
    if space_track:
        if group or name or supplemental:
            from satsov.errors import InputError
            raise InputError("--space-track takes --catnr N,N,... (or nothing: every object on orbit), not "
                             "--group, --name or --supplemental", found=[group, name, supplemental],
                             expected="--catnr")
        snap = fetch_spacetrack(catnr, base_url=base_url, cache=cache)
    else:
        snap = fetch_catalog(group=group, name=name, catnr=catnr, supplemental=supplemental, format=fmt,
                             base_url=base_url, cache=cache)
    if as_json:
        emit_json(snap.to_dict())
        return
    err.print(snap.message, markup=False)
    out.print(f"[bold]{snap.path}[/]: {snap.objects} objects ({snap.rejected} rejected), newest epoch "
              f"{snap.newest_epoch}, fetched {snap.fetched_at} ({snap.age_hours():.1f} h ago) from {snap.url}")


@app.command("snapshots")
def snapshots_command(cache: Path = typer.Option(None, "--cache-dir", help="cache folder"), as_json: Json = False):
    """The cached catalogue snapshots, newest first, with their age (use the path as --catalog)."""
    from satsov.fetch import snapshots
    snaps = snapshots(cache)
    if as_json:
        emit_json([s.to_dict() | {"age_hours": s.age_hours()} for s in snaps])
        return
    table = Table("query", "objects", "newest epoch", "fetched (UTC)", "age (h)", "path")
    for s in snaps:
        table.add_row(s.query, str(s.objects), s.newest_epoch, s.fetched_at, f"{s.age_hours():.1f}", s.path)
    out.print(table)
