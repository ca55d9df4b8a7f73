"""The network's topology: satellites, inter-satellite links, ground links and gateways.

Per time step the topology is a graph whose nodes are satellites and ground points (city endpoints and
gateways) and whose edges are

- inter-satellite links: ``+Grid`` within each Walker shell (the next satellite in the plane and the same
  slot, shifted by ``isl_shift``, in the next plane; Hypatia's definition) or, for catalogue fleets whose
  planes are unknown, each satellite's nearest neighbours of the same operator; every ISL must be
  shorter than ``max_isl_range_km`` and its line of sight must pass above ``min_isl_grazing_km``;
- ground links: a ground point and a satellite at or above ``min_elevation_deg`` (users) or
  ``gateway_min_elevation_deg`` (gateways);
- in *bent-pipe* mode there are no ISLs: traffic goes up and down at once, and only gateways may relay.

Edge weights are straight-line distances (km); round-trip time is ``2 × length / c``. City endpoints never
relay traffic (each is split into an uplink and a downlink node); routing is scipy's compiled Dijkstra
from every source at once.

>>> from satsov import Shell, Fleet, time_grid
>>> shell = Shell("s", altitude_km=550, inclination_deg=53, planes=72, sats_per_plane=22, phasing=17)
>>> net = Network.from_shells([(shell, "starlink")], "2026-05-07T00:00:00Z")
>>> len(net.static_isls)     # 2 links per satellite
3168
>>> net.gateway_min_elevation_deg   # the users' 25° mask, capped at DEFAULT_GATEWAY_MIN_ELEVATION_DEG
25.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from satsov.constants import WGS72_RADIUS_KM, WGS84_A_KM
from satsov.defaults import DEFAULT_ISL_RANGE_KM, DEFAULT_MIN_ELEVATION_DEG
from satsov.errors import InputError
from satsov.orbits.fleet import Fleet
from satsov.orbits.geometry import WGS84_B_KM
from satsov.world.gateways import ROUTE_GATEWAY_MIN_ELEVATION_DEG
from satsov.world.sites import GroundSite

__all__ = ["Network", "plus_grid_isls", "max_isl_range_for_grazing_km", "ground_links",
           "DEFAULT_GATEWAY_MIN_ELEVATION_DEG"]

#: Gateways track satellites lower than users do; their mask is the users' mask, capped at this value.
DEFAULT_GATEWAY_MIN_ELEVATION_DEG = ROUTE_GATEWAY_MIN_ELEVATION_DEG



def plus_grid_isls(planes: int, sats_per_plane: int, isl_shift: int = 0, offset: int = 0) -> np.ndarray:
    """+Grid ISL pairs ``(n, 2)`` (low index first), in Hypatia's order: for every satellite, the next in
    its plane, then the same slot (+ ``isl_shift``) in the next plane."""
    if planes < 3 or sats_per_plane < 3:
        raise InputError(f"+Grid needs at least 3 planes and 3 satellites per plane; found {planes} x "
                         f"{sats_per_plane}", found=(planes, sats_per_plane), expected=">= 3 x 3")
    i, j = np.divmod(np.arange(planes * sats_per_plane), sats_per_plane)
    sat = i * sats_per_plane + j
    same = i * sats_per_plane + (j + 1) % sats_per_plane
    cross = ((i + 1) % planes) * sats_per_plane + (j + isl_shift) % sats_per_plane
    pairs = np.empty((2 * len(sat), 2), np.int64)
    pairs[0::2, 0], pairs[0::2, 1] = np.minimum(sat, same), np.maximum(sat, same)
    pairs[1::2, 0], pairs[1::2, 1] = np.minimum(sat, cross), np.maximum(sat, cross)
    return pairs + offset


def max_isl_range_for_grazing_km(altitude_km: float, grazing_km: float = 80.0, radius_km: float = WGS72_RADIUS_KM):
    """The longest ISL between two satellites at ``altitude_km`` whose line of sight stays above ``grazing_km``."""
    return 2.0 * math.sqrt((radius_km + altitude_km) ** 2 - (radius_km + grazing_km) ** 2)


@dataclass(eq=False)
class Network:
    """Satellites (with their operators), their ISL rule, and the gateways."""

    fleet: Fleet
    sat_operator: np.ndarray
    static_isls: np.ndarray | None = None      # (m, 2) +Grid pairs, or None for nearest-neighbour ISLs
    nearest_isls: int = 4                       # neighbours per satellite when static_isls is None
    gateways: list[GroundSite] = field(default_factory=list)
    max_isl_range_km: float = DEFAULT_ISL_RANGE_KM  # Hypatia's Starlink value (550 km, 80 km grazing)
    min_isl_grazing_km: float = 80.0
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG
    gateway_min_elevation_deg: float | None = None  # None: min(min_elevation_deg, the default cap)
    bent_pipe: bool = False
    max_gsl_range_km: float = math.inf          # optional range limit on ground links (Hypatia's criterion)
    isl_operators: frozenset | None = None      # operators whose satellites have ISLs (None: every operator)

    def __post_init__(self):
        if self.gateway_min_elevation_deg is None:
            self.gateway_min_elevation_deg = min(self.min_elevation_deg, DEFAULT_GATEWAY_MIN_ELEVATION_DEG)

    @classmethod
    def from_shells(cls, shells_with_operators, epoch, *, isl_shift: int = 0, **kwargs) -> "Network":
        """A network of Walker shells ``[(Shell, operator), ...]`` with +Grid ISLs inside each shell."""
        elements, ops, pairs = [], [], []
        for shell, operator in shells_with_operators:
            pairs.append(plus_grid_isls(shell.planes, shell.sats_per_plane, isl_shift, offset=len(elements)))
            elements += shell.elements(epoch, first_norad_id=100000 + len(elements))
            ops += [operator] * shell.size
        return cls(Fleet(elements, "network"), np.array(ops, dtype=object), np.concatenate(pairs), **kwargs)

    @classmethod
    def from_fleets(cls, fleets: dict[str, Fleet], *, nearest_isls: int = 4, **kwargs) -> "Network":
        """A network of catalogue fleets ``{operator: Fleet}``: ISLs to the nearest satellites of the same operator
        (``nearest_isls=0`` for none)."""
        elements = [e for f in fleets.values() for e in f]
        ops = np.array([k for k, f in fleets.items() for _ in range(len(f))], dtype=object)
        return cls(Fleet(elements, "network"), ops, None, nearest_isls, **kwargs)

    def subset(self, keep: np.ndarray) -> tuple["Network", np.ndarray]:
        """The network restricted to the satellites in ``keep`` (bool mask); also returns the index map."""
        idx = np.flatnonzero(keep)
        new_index = -np.ones(len(self.fleet), np.int64)
        new_index[idx] = np.arange(len(idx))
        isls = None
        if self.static_isls is not None:
            ok = keep[self.static_isls[:, 0]] & keep[self.static_isls[:, 1]]
            isls = new_index[self.static_isls[ok]]
        return (Network(self.fleet[idx], self.sat_operator[idx], isls, self.nearest_isls, self.gateways,
                        self.max_isl_range_km, self.min_isl_grazing_km, self.min_elevation_deg,
                        self.gateway_min_elevation_deg, self.bent_pipe, self.max_gsl_range_km,
                        self.isl_operators), idx)

    def isls_at(self, pos: np.ndarray) -> np.ndarray:
        """ISL pairs usable at one step, given positions ``(n_sats, 3)`` km: range and grazing limits applied."""
        ok_sat = np.isfinite(pos[:, 0])
        if self.bent_pipe:
            return np.empty((0, 2), np.int64)
        if self.static_isls is not None:
            pairs = self.static_isls
        else:
            pairs = self._nearest_pairs(pos, ok_sat)
        if self.isl_operators is not None and len(pairs):  # no ISL hop on an operator that has none
            has = np.isin(self.sat_operator, list(self.isl_operators))
            pairs = pairs[has[pairs[:, 0]] & has[pairs[:, 1]]]
        if not len(pairs):
            return pairs
        pairs = pairs[ok_sat[pairs[:, 0]] & ok_sat[pairs[:, 1]]]
        a, b = pos[pairs[:, 0]], pos[pairs[:, 1]]
        d = np.linalg.norm(b - a, axis=1)
        # closest approach of the segment a-b to the Earth's centre
        ab = b - a
        s = np.clip(-np.einsum("ij,ij->i", a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-12), 0.0, 1.0)
        closest = np.linalg.norm(a + s[:, None] * ab, axis=1)
        keep = (d <= self.max_isl_range_km) & (closest >= WGS84_B_KM + self.min_isl_grazing_km)
        return pairs[keep]

    def _nearest_pairs(self, pos, ok_sat):
        if self.nearest_isls <= 0:
            return np.empty((0, 2), np.int64)
        out = []
        for op in np.unique(self.sat_operator):
            if self.isl_operators is not None and op not in self.isl_operators:
                continue
            idx = np.flatnonzero((self.sat_operator == op) & ok_sat)
            if len(idx) < 2:
                continue
            k = min(self.nearest_isls + 1, len(idx))
            _, nb = cKDTree(pos[idx]).query(pos[idx], k=k)
            a = np.repeat(idx, k - 1)
            b = idx[nb[:, 1:].ravel()]
            out.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
        if not out:
            return np.empty((0, 2), np.int64)
        return np.unique(np.concatenate(out), axis=0)


def ground_links(ground_xyz, ground_up, sin_mask, pos, ok_sat, max_range_km=math.inf):
    """(ground index, satellite index, distance km) of every satellite at or above each ground point's mask.

    Candidates come from a k-d tree per orbit class (LEO, MEO, the rest), searched within the slant range at
    which the class's highest satellite sits on the point's mask: one radius for all, set by the highest
    satellite (GEO), made every satellite a candidate of every point. The range is taken on a sphere through
    the point, with the mask lowered by 0.25° (the ellipsoid's normal is within 0.2° of the radial), so it
    bounds the exact test that follows; each point's candidates are then taken in satellite order, as before."""
    sat_idx = np.flatnonzero(ok_sat)
    p = pos[ok_sat]
    if not len(p):
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    r = np.linalg.norm(p, axis=1)
    r_ground = np.linalg.norm(ground_xyz, axis=1)
    eps = np.arcsin(np.clip(np.asarray(sin_mask, float), -1.0, 1.0)) - math.radians(0.25)
    groups = []
    for lo, hi in ((0.0, WGS84_A_KM + 2_500.0), (WGS84_A_KM + 2_500.0, WGS84_A_KM + 30_000.0),
                   (WGS84_A_KM + 30_000.0, math.inf)):
        members = np.flatnonzero((r >= lo) & (r < hi))
        if not len(members):
            continue
        r_max = float(r[members].max())
        cos_e = np.minimum(r_ground * np.cos(eps), r_max)
        reach = np.sqrt(r_max ** 2 - cos_e ** 2) - r_ground * np.sin(eps) + 1.0
        groups.append((members, cKDTree(p[members]).query_ball_point(ground_xyz, np.minimum(reach, max_range_km + 1.0))))
    gi, si, dist = [], [], []
    for g in range(len(ground_xyz)):
        parts = [members[np.asarray(found[g], np.int64)] for members, found in groups if found[g]]
        if not parts:
            continue
        s = sat_idx[np.sort(np.concatenate(parts))]
        d = pos[s] - ground_xyz[g]
        rng = np.linalg.norm(d, axis=1)
        ok = ((d @ ground_up[g]) >= sin_mask[g] * rng) & (rng <= max_range_km)
        gi.append(np.full(ok.sum(), g))
        si.append(s[ok])
        dist.append(rng[ok])
    if not gi:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return np.concatenate(gi), np.concatenate(si), np.concatenate(dist)


