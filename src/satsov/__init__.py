"""satsov: satellite sovereignty.

How much of a territory's satellite connectivity does it really control?
Read public catalogues and filings, propagate whole constellations, and
measure coverage and dependency per operator and policy.

The facade is lazy: ``import satsov`` loads none of NumPy's heavy
companions (numba, pandas, pyarrow, scipy, pydantic); each name is imported
from its subpackage on first use. The subpackages follow the pipeline, each
depending only on those before it: ``orbits`` → ``world`` → ``visibility`` /
``network`` → ``assessment`` → ``report`` → ``cli``.

>>> import satsov
>>> from satsov.data import sample_catalog_path
>>> fleet = satsov.load_fleet(sample_catalog_path())
>>> times = satsov.time_grid("2026-05-07T00:00:00Z", "1h", "60s")
>>> fleet.positions(times).shape[1:]
(61, 3)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING

# Public name -> the module that defines it.
_LOCATIONS = {
    "satsov.orbits.catalog": ["Catalog", "read_catalog", "write_catalog"],
    "satsov.orbits.elements": ["ElementSet"],
    "satsov.errors": ["SatsovError", "InputError", "RecordError", "CatalogError", "UnknownNameError",
                      "ScenarioError", "MissingDependencyError"],
    "satsov.orbits.fleet": ["Fleet", "load_fleet"],
    "satsov.orbits.geometry": ["ecef_to_geodetic", "footprint_half_angle_deg", "footprint_radius_km",
                               "geodetic_to_ecef", "look_angles", "subsatellite_points"],
    "satsov.orbits.propagation": ["propagate", "propagate_chunks"],
    "satsov.times": ["Times", "time_grid", "parse_duration_s"],
    "satsov.orbits.walker": ["Shell", "Pattern"],
    "satsov.world.regions": ["Region", "region", "region_from_geojson"],
    "satsov.world.grids": ["Grid", "grid"],
    "satsov.world.operators": ["Operator", "OperatorRegistry", "operator_registry"],
    "satsov.world.constellations": ["as_flying", "as_filed", "as_planned", "filed_constellations", "plans"],
    "satsov.world.sites": ["GroundSite", "city", "load_sites"],
    "satsov.world.policies": ["Policy", "standard_policies"],
    "satsov.visibility.engine": ["coverage", "Case", "Denial"],
    "satsov.visibility.results": ["CoverageResult", "Figures"],
    "satsov.visibility.checks": ["StepWarning"],
    "satsov.capacity.allocate": ["allocate", "CapacityResult"],
    "satsov.capacity.demand": ["DemandModel", "build_demand"],
    "satsov.assessment.scenario": ["Scenario", "load_scenario"],
    "satsov.assessment.run": ["assess"],
    "satsov.assessment.results": ["Assessment"],
    "satsov.report.html": ["write_report"],
    "satsov.network.topology": ["Network", "plus_grid_isls"],
    "satsov.network.routing": ["RouteResult", "route"],
    "satsov.network.gateways": ["place_gateways"],
}
_MODULE_OF = {name: module for module, names in _LOCATIONS.items() for name in names}

__all__ = [name for names in _LOCATIONS.values() for name in names] + ["__version__"]


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version
        try:
            value = version("satsov")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
            value = "0+unknown"
        globals()[name] = value
        return value
    raise AttributeError(f"module 'satsov' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if _TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from satsov.assessment.results import Assessment
    from satsov.assessment.run import assess
    from satsov.assessment.scenario import Scenario, load_scenario
    from satsov.capacity.allocate import CapacityResult, allocate
    from satsov.capacity.demand import DemandModel, build_demand
    from satsov.errors import (CatalogError, InputError, MissingDependencyError, RecordError, SatsovError,
                               ScenarioError, UnknownNameError)
    from satsov.world.gateways import place_gateways
    from satsov.network.routing import RouteResult, route
    from satsov.network.topology import Network, plus_grid_isls
    from satsov.orbits.catalog import Catalog, read_catalog, write_catalog
    from satsov.orbits.elements import ElementSet
    from satsov.orbits.fleet import Fleet, load_fleet
    from satsov.orbits.geometry import (ecef_to_geodetic, footprint_half_angle_deg, footprint_radius_km,
                                        geodetic_to_ecef, look_angles, subsatellite_points)
    from satsov.orbits.propagation import propagate, propagate_chunks
    from satsov.orbits.walker import Pattern, Shell
    from satsov.report.html import write_report
    from satsov.times import Times, parse_duration_s, time_grid
    from satsov.visibility.checks import StepWarning
    from satsov.visibility.engine import Case, Denial, coverage
    from satsov.visibility.results import CoverageResult, Figures
    from satsov.world.constellations import as_filed, as_flying, as_planned, filed_constellations, plans
    from satsov.world.grids import Grid, grid
    from satsov.world.operators import Operator, OperatorRegistry, operator_registry
    from satsov.world.policies import Policy, standard_policies
    from satsov.world.regions import Region, region, region_from_geojson
    from satsov.world.sites import GroundSite, city, load_sites
