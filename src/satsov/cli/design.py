"""``satsov design``: the smallest constellation that meets a region's requirement (a thin layer over
:func:`satsov.synthesis.design`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from satsov.cli.options import (DEFAULT_AVAILABILITY, DEFAULT_MIN_ELEVATION_DEG, DEFAULT_START, Fold, Json, MinElevation,
                                Start)
from satsov.cli.output import emit_json, err, out, progress


def _range(text: str, option: str, *, step: float, integer: bool = False) -> tuple:
    """``A,B[,STEP]`` (or one value) into the values from A to B every STEP."""
    from satsov.errors import InputError
    try:
        parts = [float(x) for x in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) not in (1, 2, 3) or (len(parts) >= 2 and not (parts[0] <= parts[1])) or \
            (len(parts) == 3 and parts[2] <= 0):
        raise InputError(f"{option}: found {text!r}, expected A,B[,STEP] with A <= B (or one value)", found=text,
                         expected="A,B[,STEP]")
    if len(parts) == 1:
        vals = [parts[0]]
    else:
        st = parts[2] if len(parts) == 3 else step
        n = int((parts[1] - parts[0]) / st + 1e-9)
        vals = [parts[0] + k * st for k in range(n + 1)]
    return tuple(int(round(v)) for v in vals) if integer else tuple(float(v) for v in vals)


def design(region: str = typer.Option(..., "--region", help="country, group, A+B, WORLD or LAT:A..B"),
           fold: Fold = 1,
           min_elevation_deg: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
           altitude_km: list[float] = typer.Option(None, "--altitude-km", help="candidate altitude (repeat)"),
           altitude_km_range: str = typer.Option(None, "--altitude-km-range",
                                                 help="A,B[,STEP]: altitudes from A to B km (every 50 km)"),
           inclination_deg: list[float] = typer.Option(None, "--inclination-deg", help="candidate inclination "
                                                       "(repeat; default 53, 70, 87.9)"),
           inclination_deg_range: str = typer.Option(None, "--inclination-deg-range",
                                                     help="A,B[,STEP]: inclinations from A to B (every 5°)"),
           planes: str = typer.Option("2,24", "--planes", help="A,B: planes from A to B"),
           sats_per_plane: str = typer.Option("2,40", "--sats-per-plane", help="A,B: satellites per plane"),
           phasings: str = typer.Option("few", "--phasings", help="few (0, 1, P/2) or all"),
           pattern: list[str] = typer.Option(None, "--pattern", help="delta, star or streets (polar streets of coverage, planes spaced for --min-elevation-deg); repeat; default delta"),
           shells: int = typer.Option(1, "--shells", help="1, or 2 for two-shell designs"),
           spares_per_plane: int = typer.Option(0, "--spares-per-plane", help="in-orbit spares in every plane"),
           sats_per_launch: int = typer.Option(None, "--sats-per-launch", help="satellites one launch carries"),
           objective: str = typer.Option("satellites", "--objective",
                                         help="satellites, satellites+spares or launches"),
           availability: float = typer.Option(DEFAULT_AVAILABILITY, "--availability", help="share of population-time to meet"),
           max_gap_s: float = typer.Option(None, "--max-gap-s", help="longest outage a cell may have, seconds"),
           bent_pipe: bool = typer.Option(False, "--bent-pipe", help="no inter-satellite links: every serving "
                                          "satellite must see a gateway in the allowed jurisdictions"),
           gateway_country: list[str] = typer.Option(None, "--gateway-country",
                                                     help="allowed gateway jurisdiction (repeat; default the "
                                                          "region's countries)"),
           capacity_share: float = typer.Option(None, "--capacity-share", help="share of the region's busy-hour "
                                                "demand the design must serve (capacity model)"),
           capacity_as: str = typer.Option("iris2", "--capacity-as", help="operator whose per-satellite capacity "
                                           "figures the design's satellites take (data/capacity.yaml)"),
           max_rtt_ms: float = typer.Option(None, "--max-rtt-ms", help="latency requirement: round trip from the "
                                            "region's users to an in-territory point of presence, ms"),
           rtt_percentile: float = typer.Option(95.0, "--rtt-percentile", help="share of weight-time (percent) "
                                                "that must meet --max-rtt-ms"),
           latency_users: int = typer.Option(12, "--latency-users", help="users standing for equal shares of "
                                             "the region's weight in the latency check"),
           weight: str = typer.Option("population", "--weight", help="population or area"),
           spacing_km: float = typer.Option(200.0, "--spacing-km", help="grid spacing for screening and "
                                                                         "verification"),
           start: Start = DEFAULT_START,
           duration: str = typer.Option("6h", "--duration", help="verification window"),
           step: str = typer.Option("60s", "--step", help="verification step"),
           screen_duration: str = typer.Option("24h", "--screen-duration", help="window the screen samples"),
           max_satellites: int = typer.Option(2000, "--max-satellites"),
           verify_count: int = typer.Option(3, "--verify", help="candidates passing the screen to verify"),
           max_verify: int = typer.Option(12, "--max-verify", help="verify at most this many before giving up "
                                          "(capacity is not screened: raise it with --capacity-share)"),
           out_dir: Path = typer.Option(None, "--out", help="folder for the screen's Parquet results (a rerun "
                                                            "resumes)"),
           scheduler: str = typer.Option(None, "--scheduler", help="dask.distributed scheduler ADDRESS"),
           workers: int = typer.Option(None, "--workers", help="screen on a local Dask cluster of N workers"),
           compare: list[str] = typer.Option(None, "--compare", help="planned constellation to measure against the "
                                             "requirement (repeat; default iris2 and telesat; 'none' for none)"),
           export: Path = typer.Option(None, "--export", help="folder: the best design as TLE, OMM and a scenario"),
           report: Path = typer.Option(None, "--report", help="folder: design.html and design.json"),
           data_dir: Path = typer.Option(None, "--data-dir", help="also store the result for `satsov serve`"),
           as_json: Json = False):
    """Search Walker designs cheapest first: screen each, verify the best with the full engine."""
    from satsov.errors import InputError
    from satsov.synthesis import Requirement, SearchSpace
    from satsov.synthesis import design as run_design
    from satsov.times import parse_duration_s
    if altitude_km_range:
        altitudes = _range(altitude_km_range, "--altitude-km-range", step=50.0)
        if altitudes[0] <= 0:
            raise InputError(f"--altitude-km-range: found {altitude_km_range!r}, expected altitudes > 0",
                             found=altitude_km_range, expected="A > 0")
    elif altitude_km:
        altitudes = tuple(float(x) for x in altitude_km)
    else:
        raise InputError("give --altitude-km H (repeat) or --altitude-km-range A,B", found=None,
                         expected="--altitude-km or --altitude-km-range")
    inclinations = (_range(inclination_deg_range, "--inclination-deg-range", step=5.0) if inclination_deg_range
                    else tuple(inclination_deg or (53.0, 70.0, 87.9)))
    p_vals = _range(planes, "--planes", step=1, integer=True)
    s_vals = _range(sats_per_plane, "--sats-per-plane", step=1, integer=True)
    req = Requirement(region, fold, min_elevation_deg, availability, weight, spacing_km, max_gap_s, not bent_pipe,
                      tuple(c.upper() for c in gateway_country) if gateway_country else None,
                      capacity_share=capacity_share, capacity_as=capacity_as, max_rtt_ms=max_rtt_ms,
                      rtt_percentile=rtt_percentile, latency_users=latency_users)
    space = SearchSpace(altitudes_km=altitudes, inclinations_deg=inclinations, planes=tuple(range(p_vals[0], p_vals[-1] + 1)),
                        sats_per_plane=tuple(range(s_vals[0], s_vals[-1] + 1)), phasings=phasings,
                        max_satellites=max_satellites, patterns=tuple(pattern or ("delta",)), shells=shells,
                        spares_per_plane=spares_per_plane, sats_per_launch=sats_per_launch, objective=objective,
                        min_elevation_deg=min_elevation_deg)
    plans = () if compare and [c.lower() for c in compare] == ["none"] else tuple(compare or ("iris2", "telesat"))
    update, bar = progress(not as_json)
    with bar:
        result = run_design(req, space, start=start, duration_s=parse_duration_s(duration),
                            step_s=parse_duration_s(step), screen_duration_s=parse_duration_s(screen_duration),
                            verify_count=verify_count, max_verify=max_verify, out=out_dir, scheduler=scheduler, workers=workers,
                            compare=plans, progress=update)
    data = result.to_dict()
    if export and result.best is not None:
        from satsov.synthesis.export import export_design
        paths = export_design(result.best.design, export, region=region, epoch=start,
                              min_elevation_deg=min_elevation_deg, fold=fold, spacing_km=spacing_km,
                              summary=req.describe())
        data["exported"] = {k: str(v) for k, v in paths.items()}
        err.print(f"exported: {', '.join(str(p) for p in paths.values())}", markup=False)
    elif export:
        err.print("nothing exported: no design met the requirement", markup=False)
    if report:
        from satsov.report.design import write_design_report
        paths = write_design_report(result, report)
        data["report"] = {k: str(v) for k, v in paths.items()}
        err.print(f"report: {paths['html']}", markup=False)
    if data_dir:
        from datetime import datetime, timezone

        from satsov.io import stamped, write_json
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in region)[:40]
        stored = write_json(stamped({**data, "created_utc": stamp, "duration": duration}, "satsov.stored-design"),
                            Path(data_dir) / "designs" / f"{stamp}-{safe}.json")
        err.print(f"design stored: {stored}", markup=False)
    if as_json:
        emit_json(data)
        return
    for n in result.notes:
        err.print(n, markup=False)
    table = Table("design", "satellites", "screened", "verified", "longest gap", "meets",
                  title=req.describe())
    for c in result.verified:
        table.add_row(c.design.label(), str(c.design.satellites), f"{c.screened:.4f}", f"{c.verified:.4f}",
                      f"{c.check.longest_gap_s:.0f} s", "yes" if c.check.meets else "; ".join(c.check.reasons))
    out.print(table)
    if result.best is not None and result.best.check.gateways is not None:
        gp = result.best.check.gateways
        out.print(f"gateways: {len(gp.sites)} sites ({', '.join(s.name for s in gp.sites)}); {gp.status}")
    if result.best is not None and result.best.check.latency is not None:
        la = result.best.check.latency
        out.print(f"latency: {la['percentile']:g}th percentile round trip {la['rtt_ms']:.1f} ms, median "
                  f"{la['median_ms']:.1f} ms, unreachable {la['unreachable_share']:.1%} ({la['users']} users, "
                  f"{la['points_of_presence']} points of presence: {la['how']})")
    for c in result.comparison:
        out.print(f"{c['name']}: {c['leo_satellites']} LEO satellites, {c['availability']:.2%}, "
                  f"{'meets' if c['meets'] else 'does not meet'} the requirement ({c['missing']})")
    out.print(f"best: {result.best.design.label()} ({result.best.design.satellites} satellites)" if result.best
              else "no design met the requirement")
