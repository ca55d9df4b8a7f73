"""``satsov capacity``: can the operators carry a region's traffic, under each set of operators?"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from satsov.cli.options import (DEFAULT_SPACING_KM, DEFAULT_START, CatalogOpt, Filed, Json, OperatorOpt, Region,
                                SpacingKm, Start, parse_sets)
from satsov.cli.output import emit_json, out, progress_bar, warn


def capacity(region_query: Region = ..., start: Start = DEFAULT_START,
             duration: str = typer.Option("24h", "--duration", help="window length, e.g. 24h"),
             step: str = typer.Option("1h", "--step", help="time between snapshots, e.g. 1h"),
             catalog: CatalogOpt = None, filed: Filed = None, operator: OperatorOpt = None,
             operator_sets: Optional[list[str]] = typer.Option(None, "--operators", help="a set NAME=op1,op2 (repeat)"),
             policy: Optional[list[str]] = typer.Option(None, "--policy", help="a standard policy (repeat)"),
             kill_switch: Optional[list[str]] = typer.Option(None, "--kill-switch",
                                                             help="all operators but this one (repeat)"),
             spacing_km: SpacingKm = DEFAULT_SPACING_KM,
             take_rate: Optional[float] = typer.Option(None, "--take-rate", help="share of people subscribed"),
             plan_mbps: Optional[float] = typer.Option(None, "--plan-mbps", help="plan rate per subscriber, Mbps"),
             overbooking: Optional[float] = typer.Option(None, "--overbooking", help="contention ratio"),
             critical: bool = typer.Option(False, "--critical", help="failover demand: no overbooking"),
             background: bool = typer.Option(True, "--background/--no-background",
                                             help="the rest of the world competes for the satellites"),
             level: str = typer.Option("base", "--level", help="low, base or high supply and demand figures"),
             bounds: bool = typer.Option(False, "--bounds", help="also the world-first and region-first bounds of "
                                         "any maximum flow keeping the world's first fair level (twice the work)"),
             capacity_file: Optional[Path] = typer.Option(None, "--capacity-file",
                                                          help="YAML overriding data/capacity.yaml entries"),
             spectrum: str = typer.Option("shared", "--spectrum",
                                          help="shared: operators of one user band share it in each cell (47 CFR "
                                               "25.261); separate: their caps add up (optimistic)"),
             gateway_capacity: bool = typer.Option(True, "--gateway-capacity/--no-gateway-capacity",
                                                   help="gateways as capacity: antennas x rate per site (default); "
                                                        "--no-gateway-capacity: unlimited (optimistic)"),
             isl_reach_km: float = typer.Option(4000.0, "--isl-reach-km",
                                                help="how far an ISL operator's mesh carries traffic to a gateway"),
             elevation_efficiency: bool = typer.Option(True, "--elevation-efficiency/--no-elevation-efficiency",
                                                       help="a cell's caps at the elevation of each operator's "
                                                            "best-placed satellite (default); --no-elevation-"
                                                            "efficiency: every channel at its zenith rate "
                                                            "(optimistic)"),
             as_json: Json = False):
    """Demand served per case (policies, kill switches, operators), per operator, over snapshots.

    The same cases and landing rights as ``satsov assess`` (an operator serves only where it is licensed,
    data/licences.yaml), so the same served share for the same region, window, step and policy."""
    from pathlib import Path as _Path

    from satsov.assessment.capacity import region_capacity
    from satsov.assessment.scenario import scenario_from_dict
    from satsov.errors import ScenarioError
    from satsov.io import stamped
    flying = operator or ("all" if catalog or not filed else "none")
    demand = {"profile": "critical" if critical else "consumer", "background": background,
              **{k: v for k, v in (("take_rate", take_rate), ("plan_mbps", plan_mbps), ("overbooking", overbooking))
                 if v is not None}}
    try:
        sc = scenario_from_dict({
            "name": f"capacity of {region_query}", "standard_policies": True,
            "regions": [{"name": region_query, "query": region_query, "spacing_km": spacing_km}],
            "window": {"start": start, "duration": duration, "step": step},
            "fleets": {"flying": flying, "filed": list(filed or ()), "services": ["broadband"],
                       **({"catalog": str(_Path(catalog).resolve())} if catalog else {})},
            "kill_switch": list(kill_switch or ()) or "none", "demand": demand,
            "capacity": {"step": step, "sensitivity": False, "spectrum": spectrum,
                         "gateway_capacity": gateway_capacity, "isl_reach_km": isl_reach_km,
                         "elevation_efficiency": elevation_efficiency,
                         **({"file": str(_Path(capacity_file).resolve())} if capacity_file else {})}})
    except ScenarioError as exc:
        raise ScenarioError(_as_options(str(exc), region_query), found=exc.found, expected=exc.expected) from None
    update, bar = progress_bar(f"capacity of {region_query}", not as_json)
    try:
        with bar:
            result = region_capacity(sc, policies=list(policy or ()), sets=parse_sets(operator_sets) or {},
                                     level=level, bounds=bounds, progress=update)
    except ScenarioError as exc:  # the scenario's keys are this command's options
        raise ScenarioError(_as_options(str(exc), region_query), found=exc.found, expected=exc.expected) from None
    g, times = result.demand.grid, result.times
    summary = stamped(result.summary(), "satsov.capacity-summary")
    summary["warnings"] = [n for n in result.notes]
    if as_json:
        emit_json(summary)
        return
    for note in result.notes:
        warn(note, "note")
    table = Table("case", "demand (Gbps)", "served (Gbps)", "served share", "worst hours (p5)",
                  *(["bounds (world first - region first)"] if bounds else []), "carried by",
                  title=f"{g.region_name}: {len(times)} snapshots, {level} figures")
    for _, f in summary["cases"].items():
        key = f["id"]
        by = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(f["by_operator_gbps"].items(), key=lambda kv: -kv[1]))
        span = ([f"{f['served_share_world_first']:.1%} - {f['served_share_region_first']:.1%}"]
                if bounds and f.get("served_share_world_first") is not None else [""] if bounds else [])
        table.add_row(key, f"{f['demand_gbps']:,.0f}", f"{f['served_gbps']:,.0f}", f"{f['served_share']:.1%}",
                      f"{f['served_share_p5']:.1%}", *span, by)
    out.print(table)


_OPTIONS = (("fleets.flying", "--operator"), ("fleets.filed", "--filed"), ("fleets.catalog", "--catalog"),
            ("kill_switch", "--kill-switch"), ("capacity.file", "--capacity-file"), ("capacity.step", "--step"),
            ("capacity.spectrum", "--spectrum"), ("capacity.isl_reach_km", "--isl-reach-km"),
            ("window.", "--"), ("demand.", "--"), ("regions[0].spacing_km", "--spacing-km"))


def _as_options(text: str, region_query: str) -> str:
    """A scenario error about the scenario this command built, in the command's own options."""
    text = text.replace(f"regions[{region_query!r}]", "--region")
    for key, option in _OPTIONS:
        text = text.replace(key, option)
    import re
    return re.sub(r"--[a-z_]+", lambda m: m.group(0).replace("_", "-"), text)
