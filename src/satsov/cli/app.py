"""The ``satsov`` command line: a thin layer over the library.

Every command accepts ``--json`` for machine-readable output. Errors in the
input print one clear message (file, line, field, found, expected) and exit
with status 2; Ctrl-C exits with 130 and leaves no half-written file.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from satsov.errors import SatsovError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="satsov: how much of a territory's satellite connectivity does it really control?")
catalog_app = typer.Typer(no_args_is_help=True, help="Read, check and convert catalogue files.")
app.add_typer(catalog_app, name="catalog")

out = Console()
err = Console(stderr=True, soft_wrap=True)


def _emit_json(data) -> None:
    from satsov.io import dumps_json
    sys.stdout.write(dumps_json(data) + "\n")


def _warn_rejected(catalog) -> None:
    if catalog.rejected:
        err.print(f"[yellow]warning:[/] {len(catalog.rejected)} bad record(s) in {catalog.path} were skipped:")
        for r in catalog.rejected[:20]:
            err.print(f"  {r}", markup=False, highlight=False)
        if len(catalog.rejected) > 20:
            err.print(f"  ... and {len(catalog.rejected) - 20} more (satsov catalog inspect lists them all)")


# ----------------------------------------------------------------------------------------------- catalog
@catalog_app.command("inspect")
def catalog_inspect(file: Path = typer.Argument(..., help="TLE/3LE or OMM (JSON, CSV, XML) file, optionally .gz"),
                    as_json: bool = typer.Option(False, "--json", help="print JSON"),
                    strict: bool = typer.Option(False, "--strict", help="exit non-zero on any bad record")):
    """Count satellites and rejected records, epoch range and satellites by name prefix."""
    from satsov.orbits.catalog import read_catalog
    catalog = read_catalog(file, strict=strict)
    summary = catalog.summary()
    if as_json:
        _emit_json(summary)
        return
    _warn_rejected(catalog)
    out.print(f"[bold]{file}[/]  format {summary['format']}: {summary['satellites']} satellites, "
              f"{summary['rejected']} rejected")
    out.print(f"epochs {summary['epoch_min']} .. {summary['epoch_max']}")
    table = Table("name prefix", "satellites")
    for prefix, n in list(summary["by_prefix"].items())[:25]:
        table.add_row(prefix, str(n))
    out.print(table)


@catalog_app.command("convert")
def catalog_convert(src: Path = typer.Argument(..., help="input catalogue"),
                    dst: Path = typer.Argument(..., help="output: .tle (3-line), .2le, .json or .csv (OMM)"),
                    names: Optional[str] = typer.Option(None, "--names", help="only satellites matching PATTERN"),
                    strict: bool = typer.Option(False, "--strict")):
    """Convert between TLE and OMM formats."""
    from satsov.orbits.catalog import read_catalog, write_catalog
    from satsov.orbits.fleet import Fleet
    catalog = read_catalog(src, strict=strict)
    _warn_rejected(catalog)
    fleet = Fleet.from_catalog(catalog)
    if names:
        fleet = fleet.select(names)
    write_catalog(fleet.elements, dst)
    err.print(f"wrote {len(fleet)} satellites to {dst}")


# ----------------------------------------------------------------------------------------------- propagate
def _load_selected(file: Path, names: Optional[str], strict: bool):
    from satsov.orbits.catalog import read_catalog
    from satsov.errors import InputError
    from satsov.orbits.fleet import Fleet
    catalog = read_catalog(file, strict=strict)
    _warn_rejected(catalog)
    fleet = Fleet.from_catalog(catalog)
    if names:
        fleet = fleet.select(names)
        if not len(fleet):
            raise InputError(f"--names: no satellite of {file} matches {names!r}", found=names,
                             expected="a name pattern such as 'STARLINK*'")
    return fleet


def _report_failures(fleet, times, status, offset=0):
    from satsov.orbits.propagation import failures
    for f in failures(fleet, times, status, offset):
        err.print(f"[yellow]warning:[/] {f}", markup=True, highlight=False)


@app.command()
def propagate(file: Path = typer.Argument(..., help="catalogue file"),
              start: str = typer.Option(..., "--start", help="ISO UTC start, e.g. 2026-05-07T00:00:00Z"),
              duration: str = typer.Option(..., "--duration", help="e.g. 24h, 90m"),
              step: str = typer.Option(..., "--step", help="e.g. 60s"),
              out_path: Path = typer.Option(..., "--out", help="output .parquet or .csv"),
              names: Optional[str] = typer.Option(None, "--names", help="only satellites matching PATTERN"),
              backend: str = typer.Option("auto", "--backend", help="auto, numba or sgp4"),
              strict: bool = typer.Option(False, "--strict"),
              as_json: bool = typer.Option(False, "--json", help="print a JSON summary")):
    """Propagate satellites and write ITRS positions (norad_id, name, time, x_km, y_km, z_km)."""
    from satsov.errors import InputError
    from satsov.orbits.output import write_positions
    from satsov.times import time_grid
    suffix = out_path.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise InputError(f"--out: found {str(out_path)!r}, expected a path ending in .parquet or .csv",
                         found=str(out_path), expected=".parquet or .csv")
    fleet = _load_selected(file, names, strict)
    times = time_grid(start, duration, step)
    rows, failed = write_positions(fleet, times, out_path, backend=backend, on_failures=_report_failures,
                                   progress=not as_json)
    summary = {"out": str(out_path), "satellites": len(fleet), "times": len(times), "rows": rows,
               "failed_satellites": failed}
    if as_json:
        _emit_json(summary)
    else:
        err.print(f"wrote {rows} rows ({len(fleet)} satellites × {len(times)} times) to {out_path}")


@app.command()
def look(file: Path = typer.Argument(..., help="catalogue file"),
         site: str = typer.Option(..., "--site", help="LAT,LON[,ALT_M] in degrees and metres"),
         start: str = typer.Option(..., "--start"), duration: str = typer.Option(..., "--duration"),
         step: str = typer.Option(..., "--step"),
         names: Optional[str] = typer.Option(None, "--names", help="only satellites matching PATTERN"),
         min_elevation_deg: float = typer.Option(-90.0, "--min-elevation",
                                                 help="only rows at or above this elevation (deg)"),
         strict: bool = typer.Option(False, "--strict"),
         as_json: bool = typer.Option(False, "--json")):
    """Azimuth, elevation and range of satellites from a ground site."""
    from satsov.errors import InputError
    from satsov.orbits.geometry import look_angles
    from satsov.orbits.propagation import propagate as _propagate
    from satsov.times import time_grid
    try:
        parts = [float(p) for p in site.split(",")]
        if len(parts) not in (2, 3) or not (-90 <= parts[0] <= 90) or not (-180 <= parts[1] <= 360):
            raise ValueError
    except ValueError:
        raise InputError(f"--site: found {site!r}, expected LAT,LON[,ALT_M] such as 45.42,-75.69,70",
                         found=site, expected="LAT,LON[,ALT_M]") from None
    lat, lon, alt_m = parts[0], parts[1], parts[2] if len(parts) == 3 else 0.0
    fleet = _load_selected(file, names, strict)
    times = time_grid(start, duration, step)
    r, status = _propagate(fleet, times)
    _report_failures(fleet, times, status)
    az, el, rng = look_angles(lat, lon, alt_m / 1000.0, r)
    iso = times.isoformat()
    if as_json:
        sats = []
        for i, e in enumerate(fleet):
            keep = el[i] >= min_elevation_deg
            if not keep.any():
                continue
            sats.append({"norad_id": e.norad_id, "name": e.name,
                         "time": [iso[k] for k in np.flatnonzero(keep)],
                         "azimuth_deg": np.round(az[i][keep], 6).tolist(),
                         "elevation_deg": np.round(el[i][keep], 6).tolist(),
                         "range_km": np.round(rng[i][keep], 6).tolist()})
        _emit_json({"site": {"lat_deg": lat, "lon_deg": lon, "alt_m": alt_m}, "start": iso[0],
                    "step_s": times.step_s, "min_elevation_deg": min_elevation_deg, "satellites": sats})
        return
    table = Table("time (UTC)", "satellite", "azimuth °", "elevation °", "range km")
    shown = 0
    for k in range(len(times)):
        for i in np.flatnonzero(el[:, k] >= min_elevation_deg):
            if shown < 200:
                table.add_row(iso[k], fleet[int(i)].name, f"{az[i, k]:.2f}", f"{el[i, k]:.2f}", f"{rng[i, k]:.1f}")
            shown += 1
    out.print(table)
    if shown > 200:
        out.print(f"... {shown - 200} more rows (use --json for all)")


# ----------------------------------------------------------------------------------------------- world
@app.command()
def operators(catalog: Optional[Path] = typer.Option(None, "--catalog",
                                                     help="catalogue to assign (default: the built-in snapshot)"),
              operators_file: Optional[Path] = typer.Option(None, "--operators-file",
                                                            help="YAML adding or overriding operators"),
              as_json: bool = typer.Option(False, "--json")):
    """Operators with their jurisdiction, satellites assigned from a catalogue, and sources."""
    from satsov.world.constellations import BUILTIN_CATALOG_DATE, builtin_catalog_path
    from satsov.orbits.fleet import load_fleet
    from satsov.world.operators import operator_registry
    registry = operator_registry(operators_file)
    path = catalog or builtin_catalog_path()
    fleet = load_fleet(path)
    keys = registry.assign(fleet)
    rows = []
    for op in registry:
        rows.append({"key": op.key, "name": op.name, "brand": op.brand, "parent": op.parent,
                     "jurisdiction": op.jurisdiction, "parent_jurisdiction": op.parent_jurisdiction or None,
                     "satellites": int((keys == op.key).sum()), "confidence": op.confidence,
                     "service": op.service, "source": op.source, "date": op.date})
    unassigned = registry.unassigned(fleet)
    data = {"catalog": str(path), "catalog_date": BUILTIN_CATALOG_DATE if catalog is None else None,
            "satellites": len(fleet), "assigned": int((keys != "").sum()), "unassigned": int((keys == "").sum()),
            "unassigned_by_prefix": unassigned, "operators": rows}
    if as_json:
        _emit_json(data)
        return
    table = Table("operator", "jurisdiction", "satellites", "brand", "source", title=f"operators in {path}")
    for r in sorted(rows, key=lambda r: -r["satellites"]):
        j = r["jurisdiction"] + (f" ({r['parent_jurisdiction']})" if r["parent_jurisdiction"] else "")
        table.add_row(r["key"], j, str(r["satellites"]), r["brand"], r["source"][:70])
    out.print(table)
    out.print(f"{data['assigned']} of {data['satellites']} satellites assigned; unassigned by prefix: "
              + ", ".join(f"{k} {v}" for k, v in list(unassigned.items())[:12]))


@app.command()
def regions(query: Optional[str] = typer.Argument(None, help="a country, group, union A+B or GeoJSON file"),
            as_of: Optional[str] = typer.Option(None, "--as-of", help="membership date for groups (YYYY-MM-DD)"),
            as_json: bool = typer.Option(False, "--json")):
    """List countries and groups, or describe one region (members, area, source)."""
    from satsov.world.regions import countries, group_members, groups, region
    if query is None:
        data = {"groups": {k: {"name": v["name"], "members": list(group_members(k, as_of)), "source": v["source"]}
                           for k, v in groups().items()},
                "countries": [{"alpha2": c.alpha2, "alpha3": c.alpha3, "numeric": c.numeric, "name": c.name}
                              for c in countries().values()]}
        if as_json:
            _emit_json(data)
            return
        table = Table("group", "name", "members")
        for k, v in data["groups"].items():
            table.add_row(k, v["name"], " ".join(v["members"]))
        out.print(table)
        out.print(f"{len(data['countries'])} countries by ISO alpha-2, alpha-3, numeric code or name")
        return
    r = region(query, as_of)
    data = {"name": r.name, "codes": list(r.codes), "area_km2": r.area_km2, "bounds_deg": list(r.bounds),
            "source": r.source}
    if as_json:
        _emit_json(data)
    else:
        out.print(f"[bold]{r.name}[/]: {len(r.codes)} countries, {r.area_km2:,.0f} km² (geodesic, WGS-84)")
        out.print(" ".join(r.codes))
        out.print(f"source: {r.source}")


@app.command("grid")
def grid_cmd(region_query: str = typer.Argument(..., metavar="REGION"),
             spacing_km: float = typer.Option(..., "--spacing-km", help="distance between cell centres, km"),
             as_of: Optional[str] = typer.Option(None, "--as-of"),
             out_path: Optional[Path] = typer.Option(None, "--out", help="write cells to .parquet or .csv"),
             as_json: bool = typer.Option(False, "--json")):
    """Equal-area grid of a region: cells, total area and population."""
    from satsov.io import atomic_path
    from satsov.world.grids import grid
    from satsov.world.regions import region
    g = grid(region(region_query, as_of), spacing_km)
    data = g.summary()
    data["region_area_km2"] = region(region_query, as_of).area_km2
    if out_path:
        frame = g.to_frame()
        with atomic_path(out_path) as tmp:
            if out_path.suffix.lower() == ".parquet":
                frame.to_parquet(tmp, index=False)
            else:
                frame.to_csv(tmp, index=False)
        data["out"] = str(out_path)
    if as_json:
        _emit_json(data)
    else:
        out.print(f"{g}; region area {data['region_area_km2']:,.0f} km²")


# ----------------------------------------------------------------------------------------------- coverage
def _progress(enabled: bool):
    """Rich progress bars as ``(update(label, done, total), context manager)``, one bar per label;
    ``(None, a null context)`` when disabled."""
    import contextlib
    from rich.progress import BarColumn, Progress, TimeElapsedColumn, TimeRemainingColumn
    if not enabled:
        return None, contextlib.nullcontext()
    bar = Progress("[progress.description]{task.description}", BarColumn(), "{task.completed}/{task.total} steps",
                   TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True)
    tasks = {}

    def update(label, done, total):
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done, total=total)
    return update, bar


def _progress_bar(description: str, enabled: bool):
    """One progress bar as ``(update(done, total), context manager)``."""
    update, bar = _progress(enabled)
    return (None if update is None else lambda done, total: update(description, done, total)), bar


def _select_fleets(catalog, filed, operator, start):
    """Fleets by key: filed constellations as '<key> (filed)', flying fleets by operator (all, or --operator)."""
    from satsov.world.constellations import as_filed, as_flying
    fleets = {f"{key} (filed)": as_filed(key, start) for key in filed or []}
    if catalog or operator or not filed:
        fleets.update(as_flying(operator or None, catalog=catalog))
    return fleets


def _parse_sets(items, known):
    from satsov.errors import InputError
    sets = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(f"--operators: found {item!r}, expected NAME=op1,op2 (e.g. western=starlink,oneweb)",
                             found=item, expected="NAME=op1,op2")
        name, members = item.split("=", 1)
        sets[name.strip()] = [m.strip() for m in members.split(",") if m.strip()]
    return sets or None


@app.command("coverage")
def coverage_cmd(region_query: str = typer.Option(..., "--region", help="country, group, A+B or GeoJSON"),
                 start: str = typer.Option("2026-05-07T00:00:00Z", "--start"),
                 duration: str = typer.Option("6h", "--duration"), step: str = typer.Option("60s", "--step"),
                 catalog: Optional[Path] = typer.Option(None, "--catalog", help="catalogue file (default: built-in)"),
                 filed: Optional[list[str]] = typer.Option(None, "--filed", help="a constellation as filed (repeat)"),
                 operator: Optional[list[str]] = typer.Option(None, "--operator", help="only these operators (repeat)"),
                 operator_sets: Optional[list[str]] = typer.Option(None, "--operators",
                                                                   help="a set NAME=op1,op2 (repeat)"),
                 min_elevation_deg: float = typer.Option(25.0, "--min-elevation"),
                 spacing_km: float = typer.Option(50.0, "--spacing-km"),
                 n_fold: int = typer.Option(1, "--n-fold", help="satellites needed in view"),
                 threshold: float = typer.Option(0.99, "--availability", help="availability threshold"),
                 out_dir: Optional[Path] = typer.Option(None, "--out", help="write cells, series and summary here"),
                 check_step: bool = typer.Option(False, "--check-step",
                                                 help="also rerun a sample 4x finer and report what the step hides"),
                 as_json: bool = typer.Option(False, "--json")):
    """Coverage of a region per operator and per set of operators, with figures of merit."""
    import warnings as _warnings
    from satsov.visibility.checks import StepWarning
    from satsov.visibility.engine import coverage
    from satsov.world.grids import grid
    from satsov.world.regions import region
    from satsov.times import time_grid
    times = time_grid(start, duration, step)
    fleets = _select_fleets(catalog, filed, operator, start)
    sets = _parse_sets(operator_sets, list(fleets))
    if sets is not None and len(fleets) > 1:
        sets = {"all": list(fleets), **sets}
    g = grid(region(region_query), spacing_km)
    update, bar = _progress_bar(f"coverage of {g.region_name}", not as_json)
    with bar, _warnings.catch_warnings():
        _warnings.simplefilter("ignore", StepWarning)  # reported below and in the summary
        result = coverage(fleets, g, times, min_elevation_deg=min_elevation_deg, sets=sets, n_fold=n_fold,
                          availability_threshold=threshold, progress=update)
    summary = result.summary()
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)
    if check_step:
        from satsov.visibility.checks import refine_check
        summary["step_check"] = refine_check(fleets, g, times, min_elevation_deg=min_elevation_deg, n_fold=n_fold)
        for case, c in summary["step_check"]["cases"].items():
            if c["cells_changed"]:
                err.print(f"[yellow]step check:[/] {case}: at {times.step_s:g} s, {c['gaps_missed']} gap(s) missed and "
                          f"longest gaps off by up to {c['max_longest_gap_error_s']:.0f} s on "
                          f"{c['cells_changed']} of {summary['step_check']['cells']} sampled cells (first "
                          f"{summary['step_check']['steps']} steps, 4x finer)", highlight=False)
    if out_dir:
        from satsov.visibility.output import write_coverage
        write_coverage(result, out_dir)
        summary["out"] = str(out_dir)
    if as_json:
        _emit_json(summary)
        return
    table = Table("case", "operators", "coverage (area)", "coverage (pop.)", f"area ≥ {threshold:g}",
                  "mean in view", "longest gap", title=f"{g.region_name}, {len(g)} cells, {len(times)} steps, "
                                                      f"≥{n_fold} sat(s) at ≥{min_elevation_deg:g}°")
    for name, f in summary["cases"].items():
        table.add_row(name, ",".join(f["operators"]), f"{f['time_coverage_area']:.2%}",
                      f"{f['time_coverage_population']:.2%}", f"{f['area_share_available']:.2%}",
                      f"{f['mean_sats_in_view']:.1f}", f"{f['longest_gap_s'] / 60:.0f} min")
    out.print(table)


# ----------------------------------------------------------------------------------------------- assessment
def _run_assessment(sc, out_dir: Path, as_json: bool):
    from satsov.assessment.run import assess
    from satsov.report.html import write_report
    update, bar = _progress(not as_json)
    with bar:
        a = assess(sc, progress=None if update is None else
                   lambda region_name, done, total: update(f"assessing {region_name}", done, total))
    paths = write_report(a, out_dir)
    data = {"report_html": str(paths["html"]), "report_json": str(paths["json"]), "regions": a.headline()}
    if as_json:
        _emit_json(data)
        return
    for w in a.warnings:
        err.print(f"[yellow]note:[/] {w}", highlight=False)
    for name, r in a.regions.items():
        table = Table("policy", "served", "loss (pp)", "sovereignty index", title=name)
        for k, v in r.policies.items():
            table.add_row(k, f"{v.served_share:.1%}", f"{v.loss_vs_all_pp:.2f}", f"{v.sovereignty_index:.1%}")
        out.print(table)
    out.print(f"report: [bold]{paths['html']}[/] (figures: {paths['json']})")


@app.command()
def assess(scenario: Path = typer.Argument(..., help="scenario file (.toml or .yaml)"),
           out_dir: Path = typer.Option(..., "--out", help="folder for report.html and report.json"),
           as_json: bool = typer.Option(False, "--json", help="print the headline figures as JSON")):
    """Assess a scenario: dependency on each operator, policies, denial events; writes the report."""
    from satsov.assessment.scenario import load_scenario
    _run_assessment(load_scenario(scenario), out_dir, as_json)


@app.command()
def demo(out_dir: Path = typer.Option(Path("satsov-demo"), "--out", help="folder for the report"),
         duration: Optional[str] = typer.Option(None, "--duration", help="shorten the window, e.g. 2h"),
         as_json: bool = typer.Option(False, "--json")):
    """Assess Canada and the EU27 on the built-in real catalogue (2026-05-07) and write the report."""
    from satsov.data import data_path
    from satsov.assessment.scenario import load_scenario
    sc = load_scenario(data_path("scenarios", "demo.toml"))
    if duration:
        sc = sc.model_copy(update={"window": sc.window.model_copy(update={"duration": duration})})
    _run_assessment(sc, out_dir, as_json)


# ----------------------------------------------------------------------------------------------- network
@app.command()
def route(from_: str = typer.Option(..., "--from", help="city name, optionally 'NAME,CC'"),
          to: Optional[str] = typer.Option(None, "--to", help="city name, optionally 'NAME,CC'"),
          to_internet: bool = typer.Option(False, "--to-internet", help="route to the nearest allowed gateway"),
          start: str = typer.Option("2026-05-07T00:00:00Z", "--start"),
          duration: str = typer.Option("1h", "--duration"), step: str = typer.Option("60s", "--step"),
          catalog: Optional[Path] = typer.Option(None, "--catalog", help="catalogue file (default: built-in)"),
          filed: Optional[list[str]] = typer.Option(None, "--filed", help="a constellation as filed (+Grid ISLs)"),
          operator: Optional[list[str]] = typer.Option(None, "--operator", help="only these operators (repeat)"),
          policy: str = typer.Option("all-operators", "--policy", help="a standard policy (satsov assess)"),
          gateways: Optional[Path] = typer.Option(None, "--gateways", help="CSV of gateways (satsov.sites format)"),
          gateway_country: Optional[list[str]] = typer.Option(None, "--gateway-country",
                                                              help="place 2 gateways in COUNTRY (repeat)"),
          land_in: Optional[str] = typer.Option(None, "--land-in", help="only gateways in this country or group"),
          bent_pipe: bool = typer.Option(False, "--bent-pipe", help="no inter-satellite links"),
          min_elevation_deg: float = typer.Option(25.0, "--min-elevation"),
          isl_range_km: float = typer.Option(5016.0, "--isl-range-km"),
          as_json: bool = typer.Option(False, "--json")):
    """Shortest paths, RTTs and the jurisdiction audit between two cities or from a city to the Internet."""
    from satsov.errors import InputError
    from satsov.world.constellations import as_flying, filed_constellations
    from satsov.network.routing import Network, place_gateways, route as _route
    from satsov.world.operators import operator_registry
    from satsov.world.policies import expand_jurisdictions, standard_policies
    from satsov.errors import UnknownNameError
    from satsov.world.sites import city_from_text, load_sites
    from satsov.times import time_grid
    if (to is None) == (not to_internet):
        raise InputError("give exactly one of --to CITY or --to-internet", found=(to, to_internet),
                         expected="--to or --to-internet")
    times = time_grid(start, duration, step)
    registry = operator_registry()
    policies = {p.name: p for p in standard_policies()}
    if policy not in policies:
        raise UnknownNameError("policy", policy, list(policies))
    pol = policies[policy]
    kwargs = dict(min_elevation_deg=min_elevation_deg, gateway_min_elevation_deg=min(min_elevation_deg, 25.0),
                  max_isl_range_km=isl_range_km, bent_pipe=bent_pipe)
    if filed:
        table = filed_constellations()
        shells = []
        for key in filed:
            if key not in table:
                raise UnknownNameError("filed constellation", key, list(table))
            shells += [(s, table[key].operator) for s in table[key].shells]
        net = Network.from_shells(shells, start, **kwargs)
    else:
        fleets = as_flying(operator or None, registry=registry, catalog=catalog)
        net = Network.from_fleets(fleets, **kwargs)
    gws = load_sites(gateways) if gateways else []
    if gateway_country:
        gws += place_gateways(gateway_country, per_country=2)
    if to_internet and not gws:
        raise InputError("--to-internet needs gateways: give --gateways FILE or --gateway-country CC",
                         found=None, expected="gateways")
    net.gateways = gws
    allowed = {op for op in set(net.sat_operator) if pol.allows(registry[op])}
    land = set(expand_jurisdictions([land_in])) if land_in else None
    src = city_from_text(from_)
    targets = None if to_internet else [city_from_text(to)]
    update, bar = _progress_bar(f"routing {src.name}", not as_json)
    with bar:
        res = _route(net, [src], times, targets=targets, to_internet=to_internet, allowed_operators=allowed,
                     gateway_countries=land, policy_name=policy, pairs=[(0, 0)], progress=update)
    summary = res.summary(allied=land)
    data = {"from": src.name, "to": "internet" if to_internet else targets[0].name, "policy": policy,
            "satellites": len(net.fleet), "gateways": len(gws), "routes": summary,
            "rtt_ms": [None if not np.isfinite(v) else float(v) for v in res.rtt_s[0, 0] * 1e3],
            "time": times.isoformat()}
    if as_json:
        _emit_json(data)
        return
    r = summary[0]
    out.print(f"[bold]{r['from']} → {r['to']}[/] under {policy}: reachable {r['reachable_share']:.0%} of the time")
    if r["rtt_ms_min"] is not None:
        out.print(f"RTT min {r['rtt_ms_min']:.1f} ms, median {r['rtt_ms_median']:.1f} ms, max {r['rtt_ms_max']:.1f} ms; "
                  f"{r['path_changes']} path changes")
    out.print("operators carrying the traffic: " + ", ".join(f"{k} {v:.0%}" for k, v in r["operators_share"].items()))
    if r["gateway_countries_share"]:
        out.print("gateway countries: " + ", ".join(f"{k} {v:.0%}" for k, v in r["gateway_countries_share"].items()))
    for p in r["unreachable_periods"][:10]:
        out.print(f"[yellow]unreachable[/] from {p['start']} for {p['duration_s']:.0f} s")


# ----------------------------------------------------------------------------------------------- entry point
def main(argv=None) -> None:
    """Console entry point: clear errors without tracebacks, exit 2 on bad input, 130 on Ctrl-C."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        rv = app(args=argv, standalone_mode=False)
        if isinstance(rv, int) and not isinstance(rv, bool) and rv != 0:
            if rv == 130:  # typer turns Ctrl-C into an exit code of 130 in this mode
                err.print("[yellow]interrupted[/]: no output was left half-written")
            raise SystemExit(rv)
    except SatsovError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: no output was left half-written")
        raise SystemExit(130) from None
    except Exception as exc:  # click's usage errors (typer vendors its own click: match by shape, not class)
        name = type(exc).__name__
        if name == "Exit":
            raise SystemExit(getattr(exc, "exit_code", 0)) from None
        if name == "Abort":
            err.print("[yellow]interrupted[/]")
            raise SystemExit(130) from None
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
