"""Look angles from one ground site to a fleet over time, as a table.

>>> from satsov import load_fleet, time_grid
>>> from satsov.data import sample_catalog_path
>>> fleet = load_fleet(sample_catalog_path(), names="ONEWEB*")
>>> table = look_table(fleet, 45.42, -75.69, 0.07, time_grid("2026-05-07T00:00:00Z", "20m", "60s"),
...                    min_elevation_deg=10)
>>> bool((table.elevation_deg >= 10).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from satsov.orbits.geometry import look_angles
from satsov.orbits.propagation import PropagationFailure, failures, propagate
from satsov.times import Times

__all__ = ["LookTable", "look_table"]


@dataclass(frozen=True, eq=False)
class LookTable:
    """Rows (time-major) of satellites at or above the mask: indices into ``fleet`` and ``times``, angles in
    degrees and range in km."""

    fleet: object
    times: Times
    site_lat_deg: float
    site_lon_deg: float
    site_alt_km: float
    min_elevation_deg: float
    sat_index: np.ndarray
    time_index: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    range_km: np.ndarray
    failures: tuple[PropagationFailure, ...] = ()

    def __len__(self) -> int:
        return len(self.sat_index)

    def to_dict(self) -> dict:
        """Per satellite in view: its times, azimuths, elevations and ranges."""
        iso = self.times.isoformat()
        sats = []
        for i in np.unique(self.sat_index):
            rows = self.sat_index == i
            e = self.fleet[int(i)]
            sats.append({"norad_id": e.norad_id, "name": e.name,
                         "time": [iso[k] for k in self.time_index[rows]],
                         "azimuth_deg": np.round(self.azimuth_deg[rows], 6).tolist(),
                         "elevation_deg": np.round(self.elevation_deg[rows], 6).tolist(),
                         "range_km": np.round(self.range_km[rows], 6).tolist()})
        return {"site": {"lat_deg": self.site_lat_deg, "lon_deg": self.site_lon_deg,
                         "alt_m": self.site_alt_km * 1000.0},
                "start": iso[0], "step_s": self.times.step_s, "min_elevation_deg": self.min_elevation_deg,
                "satellites": sats, "failures": [str(f) for f in self.failures]}


def look_table(fleet, site_lat_deg: float, site_lon_deg: float, site_alt_km: float, times: Times, *,
               min_elevation_deg: float = -90.0, backend="auto") -> LookTable:
    """Azimuth, elevation and range of every satellite of ``fleet`` at or above ``min_elevation_deg``."""
    r, status = propagate(fleet, times, backend=backend)
    az, el, rng = look_angles(site_lat_deg, site_lon_deg, site_alt_km, r)
    with np.errstate(invalid="ignore"):
        keep = el >= min_elevation_deg
    t_idx, s_idx = np.nonzero(keep.T)  # time-major rows
    return LookTable(fleet, times, site_lat_deg, site_lon_deg, site_alt_km, min_elevation_deg, s_idx, t_idx,
                     az[s_idx, t_idx], el[s_idx, t_idx], rng[s_idx, t_idx], tuple(failures(fleet, times, status)))
