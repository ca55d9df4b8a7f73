"""``satsov operators``, ``satsov regions`` and ``satsov grid``: the world model."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from satsov.cli.options import AsOf, CatalogOpt, Json
from satsov.cli.output import emit_json, out, warn


def operators(catalog: CatalogOpt = None,
              operators_file: Optional[Path] = typer.Option(None, "--operators-file",
                                                            help="YAML adding or overriding operators"),
              unassigned: bool = typer.Option(False, "--unassigned",
                                              help="list the satellites no operator rule matches"),
              as_json: Json = False):
    """Operators with their jurisdiction, satellites assigned from a catalogue, and sources."""
    from satsov.world.constellations import operator_assignment
    data = operator_assignment(catalog, operators_file)
    if as_json:
        emit_json(data)
        return
    for w in data["warnings"]:
        warn(w)
    if unassigned:
        table = Table("NORAD", "name", title=f"{data['unassigned']} satellites of {data['catalog']} match no operator")
        for s in data["unassigned_satellites"]:
            table.add_row(str(s["norad_id"]), s["name"])
        out.print(table)
        return
    table = Table("operator", "jurisdiction", "satellites", "brand", "source", title=f"operators in {data['catalog']}")
    for r in sorted(data["operators"], key=lambda r: -r["satellites"]):
        j = r["jurisdiction"] + (f" ({r['parent_jurisdiction']})" if r["parent_jurisdiction"] else "")
        table.add_row(r["key"], j, str(r["satellites"]), r["brand"], r["source"][:70])
    out.print(table)
    out.print(f"{data['assigned']} of {data['satellites']} satellites assigned; unassigned by prefix: "
              + ", ".join(f"{k} {v}" for k, v in list(data["unassigned_by_prefix"].items())[:12]))


def regions(query: Optional[str] = typer.Argument(None, help="a country, group, union A+B or GeoJSON file"),
            as_of: AsOf = None, as_json: Json = False):
    """List countries and groups, or describe one region (members, area, source)."""
    from satsov.world.regions import describe_region, describe_regions
    if query is None:
        data = describe_regions(as_of)
        if as_json:
            emit_json(data)
            return
        table = Table("group", "name", "members")
        for k, v in data["groups"].items():
            table.add_row(k, v["name"], " ".join(v["members"]))
        out.print(table)
        out.print(f"{len(data['countries'])} countries by ISO alpha-2, alpha-3, numeric code or name")
        return
    data = describe_region(query, as_of)
    if as_json:
        emit_json(data)
    else:
        out.print(f"[bold]{data['name']}[/]: {len(data['codes'])} countries, {data['area_km2']:,.0f} km² "
                  f"(geodesic, WGS-84)")
        out.print(" ".join(data["codes"]))
        out.print(f"source: {data['source']}")


def grid(region_query: str = typer.Argument(..., metavar="REGION"),
         spacing_km: float = typer.Option(..., "--spacing-km", help="distance between cell centres, km"),
         as_of: AsOf = None,
         out_path: Optional[Path] = typer.Option(None, "--out", help="write cells to .parquet or .csv"),
         as_json: Json = False):
    """Equal-area grid of a region: cells, total area and population."""
    from satsov.io import check_writable
    from satsov.world.grids import grid as make_grid
    from satsov.world.regions import region
    if out_path:
        check_writable(out_path)
    r = region(region_query, as_of)
    g = make_grid(r, spacing_km)
    data = g.summary()
    data["region_area_km2"] = r.area_km2
    if out_path:
        data["out"] = str(g.write(out_path))
    if not as_json:
        for note in g.notes:
            warn(note)
    if as_json:
        emit_json(data)
    else:
        out.print(f"{g}; region area {data['region_area_km2']:,.0f} km²")
