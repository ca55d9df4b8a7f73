"""Walker constellations from filed parameters.

A Walker shell i:T/P/F places T satellites in P equally spaced circular
planes at inclination i; F (0 ≤ F < P) sets the phase offset between
adjacent planes, 360°·F/T. A *delta* pattern spreads the planes' ascending
nodes over 360°, a *star* pattern (polar constellations) over 180°. A
*streets* pattern (streets of coverage, Adams & Rider 1987) places
co-rotating polar planes ``plane_spacing_deg`` apart (λ + c for a coverage
half-angle λ and street half-width c), leaves the rest of 180° as the seam
between counter-rotating planes, and offsets adjacent planes by half the
in-plane spacing (180°/S), so that their coverage diamonds interleave.

>>> shell = Shell("starlink-550", altitude_km=550.0, inclination_deg=53.0, planes=72, sats_per_plane=22,
...               phasing=17, source="FCC SAT-MOD-20181108-00083")
>>> elements = shell.elements("2026-05-07T00:00:00Z")
>>> len(elements), elements[23].raan_deg, round(elements[23].mean_anomaly_deg, 4)
(1584, 5.0, 20.2273)
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

from satsov.constants import SECONDS_PER_DAY, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from satsov.errors import InputError
from satsov.orbits.elements import ElementSet
from satsov.times import parse_utc

__all__ = ["Shell", "Pattern", "mean_motion_rev_per_day", "altitude_from_mean_motion_km"]



class Pattern(str, enum.Enum):
    DELTA = "delta"
    STAR = "star"
    STREETS = "streets"


def mean_motion_rev_per_day(altitude_km: float) -> float:
    """Circular-orbit mean motion (rev/day) at ``altitude_km`` above SGP4's Earth radius."""
    a = WGS72_RADIUS_KM + altitude_km
    return math.sqrt(WGS72_MU_KM3_S2 / a**3) * SECONDS_PER_DAY / (2 * math.pi)


def altitude_from_mean_motion_km(mean_motion_rev_per_day_: float) -> float:
    n = mean_motion_rev_per_day_ * 2 * math.pi / SECONDS_PER_DAY
    return (WGS72_MU_KM3_S2 / n**2) ** (1.0 / 3.0) - WGS72_RADIUS_KM


@dataclass(frozen=True)
class Shell:
    """One Walker shell as filed: altitude, inclination, planes × satellites per plane, phasing F."""

    name: str
    altitude_km: float
    inclination_deg: float
    planes: int
    sats_per_plane: int
    phasing: int = 0
    pattern: Pattern = Pattern.DELTA
    raan_offset_deg: float = 0.0
    min_elevation_deg: float | None = None
    source: str = ""
    confidence: str = ""
    plane_spacing_deg: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "pattern", Pattern(self.pattern))
        checks = [
            ("altitude_km", self.altitude_km, 100.0 <= self.altitude_km <= 50000.0, "a value in [100, 50000] km"),
            ("inclination_deg", self.inclination_deg, 0.0 <= self.inclination_deg <= 180.0, "degrees in [0, 180]"),
            ("planes", self.planes, isinstance(self.planes, int) and self.planes >= 1, "an integer >= 1"),
            ("sats_per_plane", self.sats_per_plane, isinstance(self.sats_per_plane, int) and self.sats_per_plane >= 1,
             "an integer >= 1"),
            ("phasing", self.phasing, isinstance(self.phasing, int) and 0 <= self.phasing < max(self.planes, 1),
             f"an integer F with 0 <= F < planes ({self.planes})"),
        ]
        if self.pattern is Pattern.STREETS:
            sp = self.plane_spacing_deg
            checks += [
                ("plane_spacing_deg", sp, sp is not None and 0.0 < sp and (self.planes - 1) * sp < 180.0,
                 f"degrees > 0 with (planes - 1) x spacing < 180 for a streets pattern of {self.planes} planes"),
                ("phasing", self.phasing, self.phasing == 0,
                 "0 for a streets pattern (adjacent planes are offset by half the in-plane spacing)")]
        for field, value, ok, expected in checks:
            if not ok:
                raise InputError(f"shell {self.name!r}: {field}: found {value!r}, expected {expected}",
                                 found=value, expected=expected)

    @property
    def size(self) -> int:
        return self.planes * self.sats_per_plane

    def layout_deg(self) -> tuple[np.ndarray, np.ndarray]:
        """``(raan_deg, anomaly_deg)`` of every satellite at epoch, in the order of :meth:`elements` (plane by
        plane): the one place the pattern's geometry is written down."""
        p, s = self.plane_and_slot().T
        if self.pattern is Pattern.STREETS:
            raan = self.raan_offset_deg + self.plane_spacing_deg * p
            anomaly = 360.0 * s / self.sats_per_plane + 180.0 * p / self.sats_per_plane
        else:
            spread = 360.0 if self.pattern is Pattern.DELTA else 180.0
            raan = self.raan_offset_deg + spread * p / self.planes
            anomaly = 360.0 * s / self.sats_per_plane + 360.0 * self.phasing * p / self.size
        return np.mod(raan, 360.0), np.mod(anomaly, 360.0)

    def elements(self, epoch, *, first_norad_id: int = 100000, name_prefix: str | None = None) -> list[ElementSet]:
        """Element sets of every satellite at ``epoch`` (circular orbits, no drag)."""
        t0 = parse_utc(epoch, name="epoch")
        n = mean_motion_rev_per_day(self.altitude_km)
        prefix = name_prefix or self.name.upper()
        raans, anomalies = self.layout_deg()
        out = []
        for k, (p, s) in enumerate(self.plane_and_slot()):
            out.append(ElementSet(
                norad_id=first_norad_id + k, name=f"{prefix}-P{p:02d}-S{s:02d}", epoch=t0,
                mean_motion_rev_per_day=n, eccentricity=0.0, inclination_deg=self.inclination_deg,
                raan_deg=float(raans[k]), arg_perigee_deg=0.0, mean_anomaly_deg=float(anomalies[k]),
                intl_designator="WALKER", source=f"walker:{self.name}" + (f" ({self.source})" if self.source else "")))
        return out

    def plane_and_slot(self) -> np.ndarray:
        """``(size, 2)`` array of (plane, slot) per satellite, in the order of :meth:`elements`."""
        p, s = np.divmod(np.arange(self.size), self.sats_per_plane)
        return np.stack([p, s], axis=1)
