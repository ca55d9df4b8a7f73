"""Defaults shared by the library, the scenario schema, the CLI and the server: each stated once.

Importing this module is cheap (no NumPy), so the CLI can show them in ``--help``.
"""

from __future__ import annotations

from satsov.data import BUILTIN_CATALOG_DATE, DEFAULT_START

__all__ = ["DEFAULT_START", "BUILTIN_CATALOG_DATE", "DEFAULT_MIN_ELEVATION_DEG", "DEFAULT_SPACING_KM", "DEFAULT_STEP",
           "DEFAULT_AVAILABILITY", "DEFAULT_ISL_RANGE_KM", "DEFAULT_MAX_EPOCH_AGE_DAYS", "MAJOR_FLEET_SATELLITES"]

#: User minimum elevation: Starlink's and Kuiper's filed 25° (FCC SAT-MOD-20181108-00083; REFERENCE.md).
DEFAULT_MIN_ELEVATION_DEG = 25.0
#: Distance between grid cell centres.
DEFAULT_SPACING_KM = 50.0
DEFAULT_STEP = "60s"
#: Share of the time a place must be served to count as available.
DEFAULT_AVAILABILITY = 0.99
#: Hypatia's Starlink ISL limit: 550 km shells with an 80 km grazing height (Kassing et al., IMC 2020).
DEFAULT_ISL_RANGE_KM = 5016.0
#: Warn when a window reaches further than this from a satellite's element epoch. SGP4's error grows by
#: about 1-3 km per day in LEO (Vallado et al. 2006, "Revisiting Spacetrack Report #3", AIAA 2006-6753).
DEFAULT_MAX_EPOCH_AGE_DAYS = 7.0
#: A "major" fleet (``kill_switch = "major"``, the atlas's operators shown alone): at least this many satellites.
MAJOR_FLEET_SATELLITES = 50
