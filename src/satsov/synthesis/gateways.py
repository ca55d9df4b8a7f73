"""The smallest set of gateway sites for a bent-pipe design, in allowed jurisdictions only.

A bent-pipe satellite carries a user's traffic only while it also sees a gateway. For every time step and
every satellite that serves the region (some cell of the region sees it above the user mask), at least one
chosen site must see it above the gateway mask. That is a set-cover problem; it is solved exactly as a 0-1
integer programme with HiGHS (:func:`scipy.optimize.milp`), after merging identical rows. Satellite-times that
no candidate site can see are reported, not dropped: they are the share of service that no gateway set in the
allowed jurisdictions can give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from satsov.errors import InputError

__all__ = ["GatewayPlan", "gateway_candidates", "smallest_gateway_set", "visible", "distinct_sites"]


@dataclass(frozen=True)
class GatewayPlan:
    """The chosen sites and what they give: ``served_share`` of the satellite-times that serve the region now
    have a gateway (1.0 unless some are out of every candidate's sight); ``candidates`` tried; the mask."""

    sites: tuple = ()
    candidates: int = 0
    countries: tuple[str, ...] = ()
    serving_satellite_steps: int = 0
    uncovered_satellite_steps: int = 0
    min_elevation_deg: float = 10.0
    status: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def served_share(self) -> float:
        n = self.serving_satellite_steps
        return 1.0 if n == 0 else 1.0 - self.uncovered_satellite_steps / n

    def to_dict(self) -> dict:
        return {"sites": [{"name": s.name, "country": s.country, "lat_deg": s.lat_deg, "lon_deg": s.lon_deg,
                           "source": s.source} for s in self.sites],
                "count": len(self.sites), "candidates": self.candidates, "countries": list(self.countries),
                "served_share": self.served_share, "serving_satellite_steps": self.serving_satellite_steps,
                "uncovered_satellite_steps": self.uncovered_satellite_steps,
                "min_elevation_deg": self.min_elevation_deg, "status": self.status, "notes": list(self.notes)}


def gateway_candidates(countries, *, per_country: int = 12, min_separation_km: float = 150.0,
                       grid_spacing_km: float | None = 250.0, region_grid=None, extra=()) -> list:
    """Candidate gateway sites in ``countries``: every published gateway or PoP site there (of any operator:
    teleports that exist), the most populous cities at least ``min_separation_km`` apart, the centres of an
    equal-area grid of the countries every ``grid_spacing_km`` (so that outlying parts, e.g. islands and
    overseas regions, have candidates too; both placed, and said so), and ``extra`` (a user list of
    :class:`~satsov.world.sites.GroundSite`). ``region_grid``: the served region's grid, when it lies in the
    allowed countries: its cells are binned too (a country's own grid can miss islands that a group keeps)."""
    from satsov.world.gateways import place_gateways
    from satsov.world.sites import GroundSite, published_sites
    allowed = {c.upper() for c in countries}
    out = [s for s in published_sites(kind="gateway") if s.country in allowed]
    out += [s for s in place_gateways(sorted(allowed), per_country=per_country, min_separation_km=min_separation_km)]
    if grid_spacing_km:
        # a 100 km grid of the countries, one cell kept per bin of about grid_spacing_km: small outlying parts
        # (islands, overseas regions) keep a candidate of their own
        from satsov.world.grids import grid
        g = grid("+".join(sorted(allowed)), 100.0, population=False)
        lat, lon, country = g.lat_deg, g.lon_deg, np.asarray(g.country, dtype=object)
        if region_grid is not None:
            lat = np.concatenate([lat, region_grid.lat_deg])
            lon = np.concatenate([lon, region_grid.lon_deg])
            country = np.concatenate([country, np.asarray(region_grid.country, dtype=object)])
        step = grid_spacing_km / 111.2
        keys = np.stack([np.floor(lat / step), np.floor(lon * np.cos(np.radians(lat)) / step)], axis=1)
        _, first = np.unique(keys, axis=0, return_index=True)
        out += [GroundSite(f"GW grid {lat[i]:.1f},{lon[i]:.1f}", float(lat[i]), float(lon[i]),
                           str(country[i]) or sorted(allowed)[0], "gateway", "", 0.0, 0,
                           f"placed by satsov at a grid point of {'+'.join(sorted(allowed))} (about one per "
                           f"{grid_spacing_km:g} km; not a published site)") for i in sorted(first)]
    for s in extra:
        if not isinstance(s, GroundSite):
            raise InputError(f"gateway candidates: found {s!r}, expected ground sites", found=s, expected="GroundSite")
        if s.country and s.country not in allowed:
            raise InputError(f"gateway candidate {s.name!r} is in {s.country}, outside the allowed jurisdictions "
                             f"{', '.join(sorted(allowed))}", found=s.country, expected=sorted(allowed))
        out.append(s)
    return distinct_sites(out, decimals=2)


def distinct_sites(sites, *, decimals: int = 2) -> list:
    """``sites`` without repeats of a place: the first site at each latitude/longitude rounded to ``decimals``."""
    seen, unique = set(), []
    for s in sites:
        k = (round(s.lat_deg, decimals), round(s.lon_deg, decimals))
        if k not in seen:
            seen.add(k)
            unique.append(s)
    return unique


def visible(sat_ecef_km: np.ndarray, ground_ecef_km: np.ndarray, ground_up: np.ndarray,
            min_elevation_deg: float) -> np.ndarray:
    """``(n_sats, n_ground)``: satellite above ``min_elevation_deg`` at each ground point (WGS-84 up vectors)."""
    d = sat_ecef_km[:, None, :] - ground_ecef_km[None, :, :]
    rng = np.linalg.norm(d, axis=2)
    sin_el = np.einsum("sgx,gx->sg", d, ground_up) / np.maximum(rng, 1e-9)
    return sin_el >= math.sin(math.radians(min_elevation_deg))


def smallest_gateway_set(positions_km: np.ndarray, grid, candidates, *, user_min_elevation_deg: float,
                         gateway_min_elevation_deg: float = 10.0, time_limit_s: float = 60.0) -> GatewayPlan:
    """The fewest ``candidates`` such that every satellite serving a cell of ``grid`` at a time step of
    ``positions_km`` (``(n_sats, n_times, 3)`` ITRS km) sees at least one chosen site."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    from satsov.orbits.geometry import geodetic_to_ecef, up_vectors
    if not candidates:
        raise InputError("gateway candidates: found none in the allowed jurisdictions, expected at least one site",
                         found=0, expected=">= 1 site")
    lat = np.array([s.lat_deg for s in candidates])
    lon = np.array([s.lon_deg for s in candidates])
    g_xyz = geodetic_to_ecef(lat, lon, np.zeros(len(lat)))
    g_up = up_vectors(lat, lon)
    c_xyz, c_up = np.asarray(grid.ecef_km), np.asarray(grid.up)
    rows = []
    serving = 0
    for t in range(positions_km.shape[1]):
        pos = positions_km[:, t, :]
        ok = np.isfinite(pos).all(axis=1)
        pos = pos[ok]
        serves = np.zeros(len(pos), bool)
        for a in range(0, len(c_xyz), 2000):
            serves |= visible(pos, c_xyz[a:a + 2000], c_up[a:a + 2000], user_min_elevation_deg).any(axis=1)
        if not serves.any():
            continue
        serving += int(serves.sum())
        rows.append(visible(pos[serves], g_xyz, g_up, gateway_min_elevation_deg))
    if not rows:
        return GatewayPlan((), len(candidates), tuple(sorted({s.country for s in candidates})), 0, 0,
                           gateway_min_elevation_deg, "no satellite serves the region")
    m = np.concatenate(rows)
    seen_by_none = ~m.any(axis=1)
    m = np.unique(m[~seen_by_none], axis=0)
    # a row implied by another (a superset of sites) adds nothing; unique rows are few enough to solve directly
    notes = []
    if len(m) == 0:
        chosen = []
        status = "no serving satellite is seen by any candidate"
    else:
        a = csr_matrix(m.astype(np.float64))
        res = milp(c=np.ones(m.shape[1]), constraints=[LinearConstraint(a, lb=1.0, ub=np.inf)],
                   integrality=np.ones(m.shape[1]), bounds=Bounds(0, 1), options={"time_limit": time_limit_s})
        if res.x is None:
            raise InputError(f"gateway set: HiGHS found no solution ({res.message})", found=res.status,
                             expected="a feasible set cover")
        chosen = list(np.flatnonzero(res.x > 0.5))
        status = "optimal" if res.status == 0 else f"best found in {time_limit_s:g} s (HiGHS: {res.message})"
    if seen_by_none.any():
        notes.append(f"{int(seen_by_none.sum())} of {serving} satellite-steps that serve the region see no candidate "
                     f"site above {gateway_min_elevation_deg:g}°: no gateway in the allowed jurisdictions can carry "
                     f"them (inter-satellite links, or gateways elsewhere, would)")
    return GatewayPlan(tuple(candidates[i] for i in chosen), len(candidates),
                       tuple(sorted({s.country for s in candidates})), serving, int(seen_by_none.sum()),
                       gateway_min_elevation_deg, status, tuple(notes))
