"""What a user downlink carries at a given elevation: spectral efficiency from the link's geometry.

A cell's cap is its channels times a channel's rate (``data/capacity.yaml``: Starlink's 8 × 1.28 Gbps per
~379 km² cell), a rate that a satellite overhead achieves. Lower in the sky the same channel carries less: the
path is longer (free-space loss grows with the square of the slant range: +6.2 dB at 25° from 550 km against
zenith) and crosses more atmosphere, so the signal-to-noise ratio falls and adaptive coding and modulation
picks a less efficient mode. Here a cell's cap from an operator at one snapshot is scaled by

    factor = η(Es/N0 at the elevation of the operator's best-placed satellite) / η(Es/N0 at zenith),

η the spectral efficiency of the best DVB-S2 mode that closes at that Es/N0 (ETSI EN 302 307-1 V1.4.1,
Table 13: the ideal Es/N0 for quasi-error-free reception in AWGN, normal frames), and

    Es/N0(ε) = Es/N0(zenith) − 20 log₁₀(d(ε) / h) − A_z (1 / sin ε − 1),

d(ε) the slant range at elevation ε from altitude h (closed form), A_z the clear-sky atmospheric loss at zenith
of the operator's user band (gases and clouds; rain is an availability question, left out). Es/N0 at zenith is
not published by any operator: it is a labelled assumption with a range (:data:`ESN0_ZENITH_DB`). The
satellite antenna's scan loss away from nadir is not modelled (the factor is optimistic at low elevation).

>>> print(round(float(slant_range_km(90.0, 550.0)), 1), round(float(slant_range_km(25.0, 550.0)), 1))
550.0 1123.4
>>> [round(float(x), 3) for x in efficiency_bps_hz([-3.0, 1.0, 16.1])]
[0.0, 0.989, 4.453]
>>> # Starlink's 550 km at its 25° minimum: 8.6 dB instead of 15 dB, 8PSK 3/4 instead of 32APSK 5/6
>>> round(float(elevation_factor(25.0, 550.0, 15.0, "Ku")), 3)
0.541
"""

from __future__ import annotations

import numpy as np

from satsov.capacity.supply import Param

__all__ = ["DVB_S2", "ESN0_ZENITH_DB", "ATMOSPHERE_ZENITH_DB", "slant_range_km", "efficiency_bps_hz",
           "atmosphere_zenith_db", "path_loss_db", "elevation_factor"]

EARTH_RADIUS_KM = 6378.137

#: DVB-S2 modes: (ideal Es/N0 in dB for quasi-error-free reception, spectral efficiency in bit/s/Hz), normal
#: frames without pilots; ETSI EN 302 307-1 V1.4.1 (2014), Table 13.
DVB_S2 = (
    (-2.35, 0.490243), (-1.24, 0.656448), (-0.30, 0.789412), (1.00, 0.988858), (2.23, 1.188304),
    (3.10, 1.322253), (4.03, 1.487473), (4.68, 1.587196), (5.18, 1.654663), (6.20, 1.766451),
    (6.42, 1.788612),                                                    # QPSK 1/4 .. 9/10
    (5.50, 1.779991), (6.62, 1.980636), (7.91, 2.228124), (9.35, 2.478562), (10.69, 2.646012),
    (10.98, 2.679207),                                                   # 8PSK 3/5 .. 9/10
    (8.97, 2.637201), (10.21, 2.966728), (11.03, 3.165623), (11.61, 3.300184), (12.89, 3.523143),
    (13.13, 3.567342),                                                   # 16APSK 2/3 .. 9/10
    (12.73, 3.703295), (13.64, 3.951571), (14.28, 4.119540), (15.69, 4.397854), (16.05, 4.453027),
)                                                                        # 32APSK 3/4 .. 9/10
DVB_S2_SOURCE = "ETSI EN 302 307-1 V1.4.1 (2014-11), Table 13 (ideal Es/N0 for QEF, normal frames, no pilots)"

#: The user downlink's clear-sky Es/N0 with the satellite at zenith: no operator publishes it. Base: enough for
#: the top DVB-S2 modes (32APSK 4/5 closes at 13.6 dB) with a small margin, as a LEO Ku link to a ~0.5 m
#: terminal is designed; the range ±3 dB.
ESN0_ZENITH_DB = Param(12.0, 15.0, 18.0, "assumed: a LEO user downlink's clear-sky Es/N0 at zenith, enough for "
                       "32APSK 4/5 (13.6 dB, ETSI EN 302 307-1 Table 13) with ~1.4 dB margin; range ±3 dB", "L",
                       True, "2026-12-08")

#: Clear-sky atmospheric loss at zenith (gases and cloud) per user band, dB: about 0.1 dB at 12 GHz and 0.5 dB
#: near 20 GHz (the 22 GHz water-vapour line) for a mid-latitude atmosphere (ITU-R P.676 and P.840 orders of
#: magnitude, rounded up); a band not listed takes the Ka figure.
ATMOSPHERE_ZENITH_DB = {"Ku": 0.15, "Ka": 0.5}
ATMOSPHERE_SOURCE = ("ITU-R P.676 (gases) and P.840 (clouds), clear sky, mid-latitude: orders of magnitude at "
                     "zenith, 0.15 dB at Ku (12 GHz) and 0.5 dB at Ka (20 GHz); scaled by 1 / sin(elevation)")

_THRESHOLD, _EFFICIENCY = (np.array(x) for x in zip(*sorted(DVB_S2)))
_BEST = np.maximum.accumulate(_EFFICIENCY)   # the best mode that closes at or below each threshold


def slant_range_km(elevation_deg, altitude_km: float):
    """Distance from a ground point to a satellite at ``altitude_km`` seen at ``elevation_deg`` (spherical
    Earth): √((R + h)² − (R cos ε)²) − R sin ε."""
    e = np.radians(np.asarray(elevation_deg, float))
    r = EARTH_RADIUS_KM
    return np.sqrt((r + altitude_km) ** 2 - (r * np.cos(e)) ** 2) - r * np.sin(e)


def efficiency_bps_hz(esn0_db):
    """The spectral efficiency of the best DVB-S2 mode that closes at ``esn0_db`` (0 below the lowest)."""
    x = np.asarray(esn0_db, float)
    i = np.searchsorted(_THRESHOLD, x, side="right") - 1
    return np.where(i >= 0, _BEST[np.maximum(i, 0)], 0.0)


def atmosphere_zenith_db(band: str | None) -> float:
    """The clear-sky atmospheric loss at zenith of a user band (:data:`ATMOSPHERE_ZENITH_DB`; no band: Ku's; a band
    not listed: Ka's)."""
    return ATMOSPHERE_ZENITH_DB.get(band or "Ku", ATMOSPHERE_ZENITH_DB["Ka"])


def path_loss_db(slant_km, altitude_km, sin_elevation, atmosphere_zenith_db):
    """What a link loses against the same satellite at zenith, dB: the free-space loss of its slant range over
    the altitude, and the atmosphere's zenith loss times the air mass (1 / sin ε) less one; 0 at zenith (not a
    rounding error's worth)."""
    ratio = np.maximum(np.asarray(slant_km, float) / np.asarray(altitude_km, float), 1.0)
    loss = 20.0 * np.log10(ratio) + atmosphere_zenith_db * (1.0 / np.asarray(sin_elevation, float) - 1.0)
    return np.where(loss < 1e-6, 0.0, loss)


def elevation_factor(elevation_deg, altitude_km, esn0_zenith_db: float, band: str | None = "Ku"):
    """What a channel carries at ``elevation_deg`` as a fraction of what it carries at zenith (0-1), for a
    satellite at ``altitude_km`` (scalar or per element), a clear-sky Es/N0 at zenith of ``esn0_zenith_db`` and
    the atmosphere of ``band``."""
    e = np.clip(np.asarray(elevation_deg, float), 1.0, 90.0)
    h = np.asarray(altitude_km, float)
    loss = path_loss_db(slant_range_km(e, h), h, np.sin(np.radians(e)), atmosphere_zenith_db(band))
    top = efficiency_bps_hz(esn0_zenith_db)
    return np.where(top > 0, efficiency_bps_hz(esn0_zenith_db - loss) / np.maximum(top, 1e-12), 0.0)
