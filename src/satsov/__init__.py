"""satsov: satellite sovereignty.

How much of a territory's satellite connectivity does it really control?
Read public catalogues and filings, propagate whole constellations, and
measure coverage and dependency per operator and policy.

>>> import satsov
>>> from satsov.data import sample_catalog_path
>>> fleet = satsov.load_fleet(sample_catalog_path())
>>> times = satsov.time_grid("2026-05-07T00:00:00Z", "1h", "60s")
>>> fleet.positions(times).shape[1:]
(61, 3)
"""

from satsov.orbits.catalog import Catalog, read_catalog, write_catalog
from satsov.orbits.elements import ElementSet
from satsov.errors import CatalogError, InputError, RecordError, SatsovError, ScenarioError, UnknownNameError
from satsov.orbits.fleet import Fleet, load_fleet
from satsov.orbits.geometry import (
    ecef_to_geodetic,
    footprint_half_angle_deg,
    footprint_radius_km,
    geodetic_to_ecef,
    look_angles,
    subsatellite_points,
)
from satsov.orbits.propagation import propagate, propagate_chunks
from satsov.times import Times, parse_duration_s, time_grid
from satsov.orbits.walker import Pattern, Shell
from satsov.world.regions import Region, region, region_from_geojson
from satsov.world.grids import Grid, grid
from satsov.world.operators import Operator, OperatorRegistry, operator_registry
from satsov.world.constellations import as_filed, as_flying, filed_constellations
from satsov.world.sites import GroundSite, city, load_sites
from satsov.visibility.engine import Case, CoverageResult, Denial, coverage
from satsov.world.policies import Policy, standard_policies
from satsov.assessment.scenario import Scenario, load_scenario
from satsov.assessment.run import Assessment, assess
from satsov.report.html import write_report
from satsov.network.routing import Network, RouteResult, place_gateways, plus_grid_isls, route

__version__ = "0.1.0"

__all__ = [
    "Catalog", "read_catalog", "write_catalog", "ElementSet",
    "SatsovError", "InputError", "RecordError", "CatalogError", "UnknownNameError", "ScenarioError",
    "Fleet", "load_fleet",
    "ecef_to_geodetic", "footprint_half_angle_deg", "footprint_radius_km", "geodetic_to_ecef", "look_angles",
    "subsatellite_points",
    "propagate", "propagate_chunks",
    "Times", "time_grid", "parse_duration_s",
    "Shell", "Pattern",
    "Region", "region", "region_from_geojson", "Grid", "grid",
    "Operator", "OperatorRegistry", "operator_registry", "as_flying", "as_filed", "filed_constellations",
    "GroundSite", "city", "load_sites",
    "coverage", "Case", "Denial", "CoverageResult",
    "Policy", "standard_policies", "Scenario", "load_scenario", "assess", "Assessment", "write_report",
    "Network", "RouteResult", "route", "plus_grid_isls", "place_gateways",
]
