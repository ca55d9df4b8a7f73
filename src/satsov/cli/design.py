"""``satsov design``: the smallest Walker constellation that meets a region's coverage requirement."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from satsov.cli.options import Json
from satsov.cli.output import emit_json, err, out, progress


def design(region: str = typer.Option(..., "--region", help="country, group, WORLD or LAT:A..B"),
           fold: int = typer.Option(1, "--fold", help="satellites needed in view at once"),
           min_elevation_deg: float = typer.Option(25.0, "--min-elevation-deg", help="user minimum elevation"),
           altitude_km: list[float] = typer.Option(None, "--altitude-km", help="candidate altitude (repeat)"),
           altitude_km_range: str = typer.Option(None, "--altitude-km-range",
                                                 help="A,B: altitudes from A to B km every 50 km"),
           inclination_deg: list[float] = typer.Option(None, "--inclination-deg", help="candidate inclination "
                                                       "(repeat; default 53, 70, 87.9)"),
           availability: float = typer.Option(0.99, "--availability", help="share of population-time to meet"),
           weight: str = typer.Option("population", "--weight", help="population or area"),
           spacing_km: float = typer.Option(200.0, "--spacing-km", help="grid spacing for screening and "
                                                                         "verification"),
           duration: str = typer.Option("6h", "--duration", help="window for screening and verification"),
           max_satellites: int = typer.Option(2000, "--max-satellites"),
           data_dir: Path = typer.Option(None, "--data-dir", help="also store the result for `satsov serve`"),
           as_json: Json = False):
    """Search Walker shells smallest first: screen each, verify the best with the full engine."""
    from satsov.errors import InputError
    from satsov.synthesis import Requirement, SearchSpace
    from satsov.synthesis import design as run_design
    from satsov.times import parse_duration_s
    if altitude_km_range:
        try:
            a, b = (float(x) for x in altitude_km_range.split(","))
        except ValueError:
            raise InputError(f"--altitude-km-range: found {altitude_km_range!r}, expected A,B in km",
                             found=altitude_km_range, expected="A,B") from None
        if not (0 < a <= b):
            raise InputError(f"--altitude-km-range: found {a:g},{b:g}, expected 0 < A <= B", found=(a, b),
                             expected="0 < A <= B")
        altitudes = tuple(float(x) for x in range(int(a), int(b) + 1, 50)) or (a,)
    elif altitude_km:
        altitudes = tuple(float(x) for x in altitude_km)
    else:
        raise InputError("give --altitude-km H (repeat) or --altitude-km-range A,B", found=None,
                         expected="--altitude-km or --altitude-km-range")
    req = Requirement(region, fold, min_elevation_deg, availability, weight, spacing_km)
    space = SearchSpace(altitudes_km=altitudes, inclinations_deg=tuple(inclination_deg or (53.0, 70.0, 87.9)),
                        max_satellites=max_satellites)
    update, bar = progress(not as_json)
    with bar:
        result = run_design(req, space, duration_s=parse_duration_s(duration),
                            progress=None if update is None else lambda d, n: update("screening", d, n))
    if data_dir:
        from datetime import datetime, timezone

        from satsov.io import write_json
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in region)[:40]
        stored = write_json({**result.to_dict(), "created_utc": stamp, "duration": duration},
                            Path(data_dir) / "designs" / f"{stamp}-{safe}.json")
        err.print(f"design stored: {stored}", markup=False)
    if as_json:
        emit_json(result.to_dict())
        return
    for n in result.notes:
        err.print(n, markup=False)
    table = Table("satellites", "planes x per plane", "phasing", "inclination", "altitude", "screened", "verified",
                  title=f"{region}: {fold}-fold above {min_elevation_deg:g}° for {availability:.1%} of {weight}-time")
    for c in result.verified:
        sh = c.shell
        table.add_row(str(sh.size), f"{sh.planes} x {sh.sats_per_plane}", str(sh.phasing),
                      f"{sh.inclination_deg:g}°", f"{sh.altitude_km:g} km", f"{c.screened:.3f}", f"{c.verified:.3f}")
    out.print(table)
    out.print(f"best: {result.best.shell.size} satellites" if result.best else "no design met the requirement")
