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
             capacity_file: Optional[Path] = typer.Option(None, "--capacity-file",
                                                          help="YAML overriding data/capacity.yaml entries"),
             as_json: Json = False):
    """Demand served per case (policies, kill switches, operators), per operator, over snapshots."""
    from dataclasses import replace

    from satsov.capacity import CRITICAL, DemandModel, Param, allocate, build_demand, supply_table
    from satsov.times import time_grid
    from satsov.world.constellations import select_fleets
    from satsov.world.grids import grid
    from satsov.world.operators import operator_registry
    from satsov.world.policies import standard_policies
    from satsov.world.regions import region
    times = time_grid(start, duration, step)
    flying = operator or ("all" if catalog or not filed else "none")
    selection = select_fleets(flying=flying, filed=filed or (), catalog=catalog, epoch=start, services=["broadband"],
                              keys={"flying": "--operator", "filed": "--filed", "catalog": "--catalog"})
    fleets = selection.fleets
    model = CRITICAL if critical else DemandModel()
    for name, value in (("take_rate", take_rate), ("plan_mbps", plan_mbps), ("overbooking", overbooking)):
        if value is not None:
            model = replace(model, **{name: Param(value, value, value, "given on the command line", "H")})
    g = grid(region(region_query), spacing_km)
    demand = build_demand(g, model, level=level, background=background)
    sets = {"all": list(fleets)} | (parse_sets(operator_sets) or {})
    registry = operator_registry()
    known = {p.name: p for p in standard_policies()}
    for name in policy or []:
        if name not in known:
            from satsov.errors import UnknownNameError
            raise UnknownNameError("policy", name, list(known))
        sets[name] = [k for k in fleets if known[name].allows(registry[selection.owner[k]])]
    for name in kill_switch or []:
        if name not in fleets:
            from satsov.errors import UnknownNameError
            raise UnknownNameError("fleet for --kill-switch", name, list(fleets))
        sets[f"without {name}"] = [k for k in fleets if k != name]
    cases = {k: (k,) for k in fleets} | {k: tuple(v) for k, v in sets.items()}
    update, bar = progress_bar(f"capacity of {g.region_name}", not as_json)
    with bar:
        result = allocate(fleets, demand, times, cases=cases, owner=selection.owner,
                          supply=supply_table(capacity_file), level=level, progress=update)
    summary = result.summary()
    summary["warnings"] = list(selection.warnings)
    if as_json:
        emit_json(summary)
        return
    for note in list(selection.warnings) + result.notes:
        warn(note, "note")
    table = Table("case", "demand (Gbps)", "served (Gbps)", "served share", "worst hours (p5)", "carried by",
                  title=f"{g.region_name}: {len(times)} snapshots, {level} figures")
    for key, f in summary["cases"].items():
        by = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(f["by_operator_gbps"].items(), key=lambda kv: -kv[1]))
        table.add_row(key, f"{f['demand_gbps']:,.0f}", f"{f['served_gbps']:,.0f}", f"{f['served_share']:.1%}",
                      f"{f['served_share_p5']:.1%}", by)
    out.print(table)
