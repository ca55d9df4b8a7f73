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

from .catalog import Catalog, read_catalog, write_catalog
from .elements import ElementSet
from .errors import CatalogError, InputError, RecordError, SatsovError, ScenarioError, UnknownNameError
from .fleet import Fleet, load_fleet
from .geometry import (
    ecef_to_geodetic,
    footprint_half_angle_deg,
    footprint_radius_km,
    geodetic_to_ecef,
    look_angles,
    subsatellite_points,
)
from .propagation import propagate, propagate_chunks
from .times import Times, parse_duration_s, time_grid
from .walker import Pattern, Shell

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
]
