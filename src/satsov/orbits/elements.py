"""Mean orbital elements of one satellite (the content of a TLE or an OMM record)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from sgp4.api import WGS72, Satrec

from satsov.constants import SECONDS_PER_DAY, WGS72_MU_KM3_S2, WGS72_RADIUS_KM

__all__ = ["ElementSet"]

_EPOCH0_1949 = np.datetime64("1949-12-31T00:00:00", "ns")
_DEG = math.pi / 180.0
_NDOT_UNITS = 1036800.0 / math.pi   # rev/day^2 -> rad/min^2 (as sgp4's OMM support)
_NDDOT_UNITS = 2985984000.0 / 2.0 / math.pi


@dataclass(frozen=True)
class ElementSet:
    """SGP4 mean elements of one satellite, in the units of the CCSDS OMM.

    ``mean_motion_dot`` and ``mean_motion_ddot`` follow the TLE/OMM convention
    (first derivative / 2 in rev/day², second derivative / 6 in rev/day³).
    ``source`` says where the record came from (``file:line`` or a filing).
    ``tle`` keeps the original two lines when the record was read from a TLE,
    so that SGP4 is initialised exactly as the reference implementation does.
    """

    norad_id: int
    name: str
    epoch: np.datetime64
    mean_motion_rev_per_day: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar: float = 0.0
    mean_motion_dot: float = 0.0
    mean_motion_ddot: float = 0.0
    classification: str = "U"
    intl_designator: str = ""
    element_set_no: int = 999
    rev_at_epoch: int = 0
    ephemeris_type: int = 0
    source: str = ""
    tle: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "epoch", np.datetime64(self.epoch, "ns"))

    @property
    def epoch_datetime(self) -> datetime:
        """Epoch as a timezone-aware UTC datetime."""
        from datetime import timezone
        return datetime.fromisoformat(str(self.epoch.astype("datetime64[us]"))).replace(tzinfo=timezone.utc)

    @property
    def epoch_days_since_1949(self) -> float:
        """Epoch as SGP4 wants it: days since 1949 December 31 00:00 UTC."""
        return float((self.epoch - _EPOCH0_1949) / np.timedelta64(1, "D"))

    @property
    def period_min(self) -> float:
        return 1440.0 / self.mean_motion_rev_per_day

    @property
    def semi_major_axis_km(self) -> float:
        """Semi-major axis from the mean motion (Kepler's third law, WGS-72 as SGP4)."""
        n_rad_s = self.mean_motion_rev_per_day * 2.0 * math.pi / SECONDS_PER_DAY
        return (WGS72_MU_KM3_S2 / n_rad_s**2) ** (1.0 / 3.0)

    @property
    def apogee_altitude_km(self) -> float:
        """Apogee height above the WGS-72 equatorial radius: the whole orbit stays below it."""
        return self.semi_major_axis_km * (1.0 + self.eccentricity) - WGS72_RADIUS_KM

    @property
    def is_deep_space(self) -> bool:
        """True when SGP4 uses its deep-space (SDP4) branch: period of 225 minutes or more."""
        return self.period_min >= 225.0

    def with_name(self, name: str) -> "ElementSet":
        return replace(self, name=name)

    def sgp4_arguments(self) -> tuple:
        """Positional arguments of ``Satrec.sgp4init`` after the gravity model and mode."""
        # SGP4 does not use the catalogue number; python-sgp4 refuses numbers past Alpha-5 ('Z9999'), which
        # OMM carries since five digits ran out, so those satellites are initialised with 0 here.
        satnum = self.norad_id if self.norad_id <= 339999 else 0
        return (satnum, self.epoch_days_since_1949, self.bstar,
                self.mean_motion_dot / _NDOT_UNITS, self.mean_motion_ddot / _NDDOT_UNITS,
                self.eccentricity, self.arg_perigee_deg * _DEG, self.inclination_deg * _DEG,
                self.mean_anomaly_deg * _DEG, self.mean_motion_rev_per_day / 720.0 * math.pi,
                self.raan_deg * _DEG)

    def satrec(self) -> Satrec:
        """A python-sgp4 ``Satrec`` (WGS-72, improved mode), the reference propagator."""
        if self.tle is not None:
            return Satrec.twoline2rv(self.tle[0], self.tle[1], WGS72)
        sat = Satrec()
        sat.sgp4init(WGS72, "i", *self.sgp4_arguments())
        return sat
