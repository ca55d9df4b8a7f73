"""``satsov route``: shortest paths, RTTs and the jurisdiction audit."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from satsov.cli.options import (DEFAULT_ISL_RANGE_KM, DEFAULT_MAX_EPOCH_AGE_DAYS, DEFAULT_MIN_ELEVATION_DEG,
                                DEFAULT_START, DEFAULT_STEP, CatalogOpt, Duration, Filed, Json, MinElevation,
                                OperatorOpt, Start, Step)
from satsov.cli.output import emit_json, out, progress, warn


def route(from_: str = typer.Option(..., "--from", help="city name, optionally 'NAME,CC'"),
          to: Optional[str] = typer.Option(None, "--to", help="city name, optionally 'NAME,CC'"),
          to_internet: bool = typer.Option(False, "--to-internet", help="route to the nearest allowed gateway"),
          start: Start = DEFAULT_START, duration: Duration = "1h", step: Step = DEFAULT_STEP,
          catalog: CatalogOpt = None, filed: Filed = None, operator: OperatorOpt = None,
          policy: str = typer.Option("all-operators", "--policy", help="a standard policy (satsov assess)"),
          gateways: Optional[Path] = typer.Option(None, "--gateways", help="CSV of gateways (satsov.world.sites format)"),
          gateway_country: Optional[list[str]] = typer.Option(None, "--gateway-country",
                                                              help="place 2 gateways in COUNTRY (repeat) for "
                                                                   "operators without published ones"),
          published: bool = typer.Option(True, "--published-gateways/--no-published-gateways",
                                         help="use the operators' published gateways (data/world/gateways.csv)"),
          planned: bool = typer.Option(False, "--planned-gateways", help="include announced, not yet operating sites"),
          cited_only: bool = typer.Option(False, "--cited-gateways-only",
                                          help="leave out published sites known from community lists only"),
          land_in: Optional[str] = typer.Option(None, "--land-in", help="only gateways in this country or group"),
          bent_pipe: bool = typer.Option(False, "--bent-pipe", help="no inter-satellite links"),
          min_elevation_deg: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
          isl_range_km: float = typer.Option(DEFAULT_ISL_RANGE_KM, "--isl-range-km"),
          as_json: Json = False):
    """Shortest paths, RTTs and the jurisdiction audit between two cities or from a city to the Internet."""
    from satsov.errors import InputError, UnknownNameError
    from satsov.network import Network, audit_routes
    from satsov.orbits.fleet import stale_elements
    from satsov.times import time_grid
    from satsov.world.constellations import filed_constellations, select_fleets
    from satsov.world.operators import operator_registry
    from satsov.world.policies import expand_jurisdictions, standard_policies
    from satsov.world.gateways import gateway_sites
    from satsov.world.licences import landing_rule, licences
    from satsov.world.sites import city_from_text, load_sites
    if (to is None) == (not to_internet):
        raise InputError("give exactly one of --to CITY or --to-internet", found=(to, to_internet),
                         expected="--to or --to-internet")
    times = time_grid(start, duration, step)
    registry = operator_registry()
    policies = {p.name: p for p in standard_policies()}
    if policy not in policies:
        raise UnknownNameError("policy", policy, list(policies))
    options = dict(min_elevation_deg=min_elevation_deg, max_isl_range_km=isl_range_km, bent_pipe=bent_pipe)
    notes: list[str] = []
    owner = None
    if filed:
        table = filed_constellations()
        shells = []
        for key in filed:
            if key not in table:
                raise UnknownNameError("filed constellation", key, list(table))
            shells += [(s, table[key].operator) for s in table[key].shells]
        net = Network.from_shells(shells, start, **options)
    else:
        selection = select_fleets(flying=operator or "all", catalog=catalog, registry=registry,
                                  keys={"flying": "--operator", "catalog": "--catalog"})
        notes = list(selection.warnings) + stale_elements(selection.fleets, times, DEFAULT_MAX_EPOCH_AGE_DAYS)
        from satsov.capacity import supply_table
        isl, isl_notes = supply_table().isl_fleets(selection.fleets, registry=registry)
        notes += isl_notes
        net = Network.from_fleets(selection.fleets, isl_operators=isl, **options)
        owner = selection.owner
    operators = sorted({(owner or {}).get(k, k) for k in set(net.sat_operator)})
    chosen = gateway_sites(operators, published=published, planned=planned, cited_only=cited_only,
                           extra=load_sites(gateways) if gateways else [], place_in=gateway_country or (),
                           cited_hint="--cited-gateways-only")
    gws = list(chosen.sites)
    notes += chosen.notes
    if to_internet and not gws:
        raise InputError("--to-internet needs gateways: none published for these operators; give --gateways FILE "
                         "or --gateway-country CC",
                         found=None, expected="gateways")
    net.gateways = gws
    land = set(expand_jurisdictions([land_in])) if land_in else None
    src = city_from_text(from_)
    dst = None if to_internet else city_from_text(to)
    update, bar = progress(not as_json)
    with bar:
        entry = audit_routes(net, [(src, dst)], times, [policies[policy]], registry, land_in=land,
                             progress=update, owner=owner, licensed=landing_rule(licences()))[0]
    rtt_ms = entry.pop("rtt_ms")
    entry.pop("time")
    data = {"from": src.name, "to": "internet" if to_internet else dst.name, "policy": policy,
            "satellites": len(net.fleet), "gateways": len(gws), "routes": [entry], "rtt_ms": rtt_ms,
            "time": times.isoformat(), "warnings": notes}
    if as_json:
        emit_json(data)
        return
    for w in notes:
        warn(w)
    r = entry
    out.print(f"[bold]{r['from']} → {r['to']}[/] under {policy}: reachable {r['reachable_share']:.0%} of the time")
    if r["rtt_ms_min"] is not None:
        out.print(f"RTT min {r['rtt_ms_min']:.1f} ms, median {r['rtt_ms_median']:.1f} ms, max {r['rtt_ms_max']:.1f} ms; "
                  f"{r['path_changes']} path changes")
    out.print("operators carrying the traffic: " + ", ".join(f"{k} {v:.0%}" for k, v in r["operators_share"].items()))
    if r["gateway_countries_share"]:
        out.print("gateway countries: " + ", ".join(f"{k} {v:.0%}" for k, v in r["gateway_countries_share"].items()))
    for p in r["unreachable_periods"][:10]:
        out.print(f"[yellow]unreachable[/] from {p['start']} for {p['duration_s']:.0f} s")
