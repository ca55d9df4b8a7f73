"""The places a scenario names: its regions and its events' areas, as names, GeoJSON files read from the
scenario's folder (refused where the scenario may not name files: the server's) or inline GeoJSON."""

from __future__ import annotations

from satsov.assessment.scenario import Scenario
from satsov.world.grids import Grid, grid
from satsov.world.regions import names_file, region, region_from_geojson, region_from_geojson_data

__all__ = ["region_of", "region_grid", "event_region"]


def region_of(spec, sc: Scenario):
    """The region a scenario's region entry names: inline GeoJSON (``geometry``), a GeoJSON file (``geojson``,
    or a query that is a path; read from the scenario's folder, and refused where the scenario may not name
    files), else a name or query."""
    where = f"regions[{spec.name!r}]"
    if spec.geometry is not None:
        return region_from_geojson_data(spec.geometry, spec.name, where=f"{where}.geometry")
    if spec.geojson:
        return region_from_geojson(sc.path(spec.geojson, f"{where}.geojson"), spec.name)
    query = spec.query or spec.name
    if names_file(query) and "+" not in query:
        return region_from_geojson(sc.path(query, f"{where}.query"), spec.name)
    return region(query, spec.as_of, files=sc.names_files)


def region_grid(spec, sc: Scenario) -> Grid:
    """The grid of a scenario's region entry (by name: from the disk cache)."""
    query = spec.query or spec.name
    if spec.geometry is not None or spec.geojson or names_file(query):
        return grid(region_of(spec, sc), spec.spacing_km)
    return grid(query, spec.spacing_km, as_of=spec.as_of)


def event_region(sc: Scenario, text, where: str):
    """The cells an event covers: a region name or query, a GeoJSON file (read from the scenario's folder,
    refused where the scenario may not name files) or inline GeoJSON."""
    if isinstance(text, dict):
        return region_from_geojson_data(text, "event", where=where)
    if names_file(text) and "+" not in text:
        return region_from_geojson(sc.path(text, where))
    return region(text, files=sc.names_files)
