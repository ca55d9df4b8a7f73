"""Physical and geodetic constants, each once, with its source. SI-derived units in the names (km, s).

>>> round(WGS84_B_KM, 4)
6356.7523
>>> SPEED_OF_LIGHT_KM_S
299792.458
"""

from __future__ import annotations

__all__ = [
    "WGS72_MU_KM3_S2", "WGS72_RADIUS_KM", "WGS72_J2",
    "WGS84_A_KM", "WGS84_F", "WGS84_B_KM", "WGS84_E2", "MEAN_EARTH_RADIUS_KM",
    "SPEED_OF_LIGHT_KM_S", "SIDEREAL_DAY_S", "EARTH_ROTATION_REV_PER_DAY", "SECONDS_PER_DAY",
]

# WGS-72: the gravity model SGP4 is defined with (Hoots & Roehrich 1980, Spacetrack Report #3; Vallado et al. 2006).
WGS72_MU_KM3_S2 = 398600.8
WGS72_RADIUS_KM = 6378.135
WGS72_J2 = 0.001082616

# WGS-84 ellipsoid (NIMA TR8350.2, 3rd edition, 2000).
WGS84_A_KM = 6378.137
WGS84_F = 1.0 / 298.257223563
WGS84_B_KM = WGS84_A_KM * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
MEAN_EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius R1 (Moritz, Geodetic Reference System 1980)

# Exact by definition of the metre (SI, 1983).
SPEED_OF_LIGHT_KM_S = 299_792.458

SECONDS_PER_DAY = 86_400.0
SIDEREAL_DAY_S = 86_164.0905  # mean sidereal day (IERS Conventions 2010)
EARTH_ROTATION_REV_PER_DAY = SECONDS_PER_DAY / SIDEREAL_DAY_S  # ≈ 1.0027379 revolutions per solar day
