"""Option definitions shared by the commands: declared once, with their help and units.

Defaults that matter to results (the window's start, the mask) come from the library
(:data:`satsov.data.DEFAULT_START`, the scenario schema), never from here alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from satsov.defaults import (DEFAULT_AVAILABILITY, DEFAULT_ISL_RANGE_KM, DEFAULT_MAX_EPOCH_AGE_DAYS,
                             DEFAULT_MIN_ELEVATION_DEG, DEFAULT_SPACING_KM, DEFAULT_START, DEFAULT_STEP)

__all__ = ["DEFAULT_START", "DEFAULT_STEP", "DEFAULT_MIN_ELEVATION_DEG", "DEFAULT_SPACING_KM", "DEFAULT_AVAILABILITY",
           "DEFAULT_ISL_RANGE_KM", "DEFAULT_MAX_EPOCH_AGE_DAYS", "MaxEpochAge", "Json", "Strict", "Names", "Start", "Duration", "Step", "CatalogOpt", "Filed",
           "OperatorOpt", "within", "MinElevation", "Fold", "Licences", "SpacingKm", "Region", "AsOf"]

def within(option: str, lo: float | None = None, hi: float | None = None, *, lo_open: bool = False):
    """A typer callback refusing a value outside [lo, hi] (``lo_open``: (lo, hi]) with one line naming the
    option (:class:`~satsov.errors.InputError`, exit 2), the bounds the library and the scenario hold to."""
    import math

    def check(value):
        from satsov.errors import InputError
        if value is None:
            return value
        bad = (isinstance(value, float) and not math.isfinite(value)) or \
            (lo is not None and (value <= lo if lo_open else value < lo)) or (hi is not None and value > hi)
        if bad:
            span = (f"{'(' if lo_open else '['}{lo:g}, {hi:g}]" if lo is not None and hi is not None else
                    f"{'>' if lo_open else '>='} {lo:g}" if lo is not None else f"<= {hi:g}")
            raise InputError(f"{option}: found {value:g}, expected a value in {span}", found=value, expected=span)
        return value
    return check


Json = Annotated[bool, typer.Option("--json", help="print machine-readable JSON on stdout")]
Strict = Annotated[bool, typer.Option("--strict", help="exit non-zero on any bad catalogue record")]
Names = Annotated[Optional[str], typer.Option("--names", help="only satellites matching PATTERN ('ONEWEB*')")]
Start = Annotated[str, typer.Option("--start", help="ISO UTC start, e.g. 2026-05-07T00:00:00Z")]
Duration = Annotated[str, typer.Option("--duration", help="window length, e.g. 24h, 90m")]
Step = Annotated[str, typer.Option("--step", help="time step, e.g. 60s")]
CatalogOpt = Annotated[Optional[Path], typer.Option("--catalog", help="catalogue file (default: the built-in snapshot)")]
Filed = Annotated[Optional[list[str]], typer.Option("--filed", help="a constellation as filed (repeat)")]
OperatorOpt = Annotated[Optional[list[str]], typer.Option("--operator", help="only these operators (repeat)")]
MinElevation = Annotated[float, typer.Option("--min-elevation-deg", "--min-elevation",
                                             help="user minimum elevation, degrees",
                                             callback=within("--min-elevation-deg", 0, 90))]
Fold = Annotated[int, typer.Option("--fold", "--n-fold", help="satellites needed in view at once (1 to 100)",
                                   callback=within("--fold", 1, 100))]
Licences = Annotated[bool, typer.Option("--licences/--ignore-licences",
                                        help="an operator serves only where it holds landing rights "
                                             "(data/licences.yaml)")]
SpacingKm = Annotated[float, typer.Option("--spacing-km", help="distance between grid cell centres, km",
                                           callback=within("--spacing-km", 1, 2000))]
Region = Annotated[str, typer.Option("--region", help="country, group, A+B or GeoJSON file")]
MaxEpochAge = Annotated[float, typer.Option("--max-epoch-age-days",
                                            help="warn when the window is further than this from an element epoch",
                                            callback=within("--max-epoch-age-days", 0, 36525))]
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="membership date for groups (YYYY-MM-DD)")]


def parse_sets(items) -> dict[str, list[str]] | None:
    """``--operators NAME=a,b`` (repeatable) into ``{NAME: [a, b]}``."""
    from satsov.errors import InputError
    sets = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(f"--operators: found {item!r}, expected NAME=op1,op2 (e.g. western=starlink,oneweb)",
                             found=item, expected="NAME=op1,op2")
        name, members = item.split("=", 1)
        sets[name.strip()] = [m.strip() for m in members.split(",") if m.strip()]
    return sets or None


def parse_site(text: str) -> tuple[float, float, float]:
    """``--site LAT,LON[,ALT_M]`` into ``(lat_deg, lon_deg, alt_m)``."""
    from satsov.errors import InputError
    try:
        parts = [float(p) for p in text.split(",")]
        if len(parts) not in (2, 3) or not (-90 <= parts[0] <= 90) or not (-180 <= parts[1] <= 360):
            raise ValueError
    except ValueError:
        raise InputError(f"--site: found {text!r}, expected LAT,LON[,ALT_M] such as 45.42,-75.69,70",
                         found=text, expected="LAT,LON[,ALT_M]") from None
    return parts[0], parts[1], parts[2] if len(parts) == 3 else 0.0
