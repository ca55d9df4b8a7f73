"""The ground segment as capacity: gateways with antennas, and where the traffic may land.

Traffic to users leaves the internet at a gateway, goes up to a satellite and down to the user. Each fleet's
gateways (``GroundSites``: its sites, their antennas and what one antenna carries, from the capacity table) feed
its satellites in the flow network of each snapshot (:func:`feed`), between the source and the satellites:

- **bent pipe** (no inter-satellite links): source → gateway (antennas × rate per antenna) → each satellite the
  gateway sees at or above the gateway mask (at most one antenna's rate, and the satellite's capacity). A
  satellite seen by several gateways gets a feed node whose arc to it carries the satellite's capacity, so that
  its gateways together give it no more. The flow may spread one gateway's rate over more satellites than it has
  antennas: the antennas are shared fractionally, the relaxation of assigning whole antennas to satellites (an
  upper bound on what the gateway carries). A gateway whose antennas carry all its arcs can carry cannot bind;
  a satellite seen only by such gateways gets one arc from the source instead, with what their arcs add up to
  (the same flows, without their nodes: most GEO operators' placed gateways).
- **inter-satellite links**: source → gateway (its antennas × rate, but no more antennas than satellites of its
  operator it sees; nothing when it sees none) → each *tile* of the sky within ``reach_km`` of it → the
  operator's satellites in the tile (each its capacity). The mesh carries the traffic from the satellites over
  the gateway to those within reach, its own capacity not limited. ``reach_km`` is the stated bound of the mesh
  path, the great circle from the gateway to the satellite's sub-satellite point (the default, 4,000 km, is about
  13 ms one way at the speed of light, a handful of hops), applied at the resolution of the tiles (bands of
  latitude cut into near-square tiles of a fifth of the reach: a satellite is within reach when its tile's
  centre is), so that a gateway needs some forty arcs rather than one per satellite.

A **landing rule** (a case's ``land_in``: countries where its traffic must reach the ground) is applied per case
through :attr:`Feed.drops` and :attr:`Feed.serves`: a satellite may serve the region's cells only while it can
land in those countries (bent pipe: it sees a gateway there; ISL: one is within reach of its tile), and such a
satellite then draws all its feed from the gateways there (a satellite's feed is not split by destination in
this model: conservative, it may then serve fewer of the world's cells than it could). The other satellites keep
their feed and lose their arcs towards the region, and an operator the case geofences over the region keeps its
feed (:func:`satsov.capacity.allocate._case_arcs`). The rule thus changes the world's network too, so such a case
computes every cell's allocation again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from satsov.cache import array_digest as _digest
from satsov.capacity.flow import INT_CAP
from satsov.constants import WGS84_A_KM

__all__ = ["GroundSites", "Feed", "feed", "DEFAULT_REACH_KM"]

DEFAULT_REACH_KM = 4000.0
_EARTH_KM = WGS84_A_KM
TILES_PER_REACH = 5.0   # tiles across the reach: a satellite counts as within reach at this resolution
TILE_MAX_DEG = 10.0


@dataclass(frozen=True, eq=False)
class GroundSites:
    """One fleet's gateways: positions (ECEF km), up vectors, countries, antennas per site and Mbps per antenna."""

    fleet: int
    isl: bool
    xyz: np.ndarray
    up: np.ndarray
    country: np.ndarray
    antennas: float
    rate_mbps: int
    reach_km: float = DEFAULT_REACH_KM
    sized: bool = True   # False: the gateways only decide which satellites carry (and land), at no capacity

    @property
    def site_mbps(self) -> int:
        return int(math.floor(self.antennas * self.rate_mbps))


@dataclass(frozen=True, eq=False)
class Feed:
    """The arcs that feed the satellites at one snapshot. Arcs: ``tail`` (a ground node, -1 for the source),
    ``head`` (a ground node, or -1 where ``head_sat`` names the satellite), ``cap`` (Mbps), ``op`` (fleet).
    ``fed``: satellites fed here (no arc from the source); ``gated``: those whose fleet has gateways;
    ``reaches``: those with some gateway (the gated others carry nothing). ``rules``: the landing rules (tuples of countries); ``drops[i]``: the arcs rule i's cases leave
    out; ``serves[i]``: per satellite, whether it may serve the region's cells under rule i; ``only``: per arc,
    the rule whose cases alone use it (-1: every case)."""

    n_nodes: int
    tail: np.ndarray
    head: np.ndarray
    head_sat: np.ndarray
    cap: np.ndarray
    op: np.ndarray
    fed: np.ndarray
    reaches: np.ndarray
    rules: tuple = ()
    drops: tuple = ()
    serves: tuple = ()
    only: np.ndarray | None = None
    gated: np.ndarray | None = None

    def keep(self, rule) -> np.ndarray:
        """Per feed arc: whether a case under ``rule`` (None: no rule) uses it."""
        i = -1 if rule is None else self.rules.index(rule)
        keep = np.ones(len(self.tail), bool) if self.only is None else (self.only < 0) | (self.only == i)
        if i >= 0:
            keep[self.drops[i]] = False
        return keep


def _unit(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1)
    return x / np.where(n > 0, n, 1.0)[:, None]


@lru_cache(maxsize=8)
def _tiles(reach_km: float):
    """The sky's tiles for ``reach_km``: (side in degrees, first tile of each latitude band, tiles per band, the
    unit vectors of all tile centres)."""
    side = min(TILE_MAX_DEG, max(1.0, math.degrees(reach_km / _EARTH_KM) / TILES_PER_REACH))
    n_bands = int(math.ceil(180.0 / side))
    lat_c = -90.0 + (np.arange(n_bands) + 0.5) * 180.0 / n_bands
    per = np.maximum(1, np.round(360.0 * np.cos(np.radians(lat_c)) / side)).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(per)[:-1]])
    lat = np.repeat(lat_c, per)
    lon = np.concatenate([-180.0 + (np.arange(n) + 0.5) * 360.0 / n for n in per])
    la, lo = np.radians(lat), np.radians(lon)
    centre = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)
    return side, first, per, centre


def _tile_of(unit: np.ndarray, reach_km: float) -> np.ndarray:
    _side, first, per, _c = _tiles(reach_km)
    n_bands = len(per)
    lat = np.degrees(np.arcsin(np.clip(unit[:, 2], -1.0, 1.0)))
    lon = np.degrees(np.arctan2(unit[:, 1], unit[:, 0]))
    band = np.clip(((lat + 90.0) / 180.0 * n_bands).astype(np.int64), 0, n_bands - 1)
    k = np.clip(((lon + 180.0) / 360.0 * per[band]).astype(np.int64), 0, per[band] - 1)
    return first[band] + k


_GEOMETRY: dict = {}   # (positions digest, sites digest) -> the geometry of one fleet's feed at one snapshot
_GEOMETRY_MAX = 256


def _geometry(gs: GroundSites, pos: np.ndarray, idx: np.ndarray, min_elevation_deg: float, pos_key):
    """What does not depend on capacities: the (satellite, site) pairs in sight, and for ISL fleets each
    satellite's tile and each site's tiles within reach. Kept per positions and sites (an assessment's runs and
    its gap curve share them)."""
    key = None if pos_key is None else (pos_key, _digest(gs.xyz, idx, np.array([gs.isl, gs.reach_km,
                                                                                 min_elevation_deg])))
    hit = _GEOMETRY.get(key) if key is not None else None
    if hit is not None:
        return hit
    from satsov.capacity.blocks import visible_pairs
    sat_l, site = visible_pairs(pos[idx], np.full(len(idx), float(min_elevation_deg)), gs.xyz, gs.up)
    out = (sat_l, site, None, None, None)
    if gs.isl:
        ok = np.isfinite(pos[idx]).all(axis=1)
        tile = np.full(len(idx), -1, np.int64)
        tile[ok] = _tile_of(_unit(pos[idx][ok]), gs.reach_km)
        _side, _first, _per, centre = _tiles(gs.reach_km)
        used = np.unique(tile[ok])
        cos_reach = math.cos(min(gs.reach_km / _EARTH_KM, math.pi))
        near = _unit(gs.xyz) @ centre[used].T >= cos_reach     # (site, used tile): the tile's centre within reach
        out = (sat_l, site, tile, used, near)
    if key is not None:
        if len(_GEOMETRY) >= _GEOMETRY_MAX:
            _GEOMETRY.pop(next(iter(_GEOMETRY)))
        _GEOMETRY[key] = out
    return out


def feed(sites: list[GroundSites], pos: np.ndarray, sat_fleet: np.ndarray, sat_cap: np.ndarray,
         min_elevation_deg: float, rules=(), pos_key=None) -> Feed:
    """The feed arcs of every fleet in ``sites`` at one snapshot (``pos``: every satellite's ECEF km; ``pos_key``:
    a digest of it, to reuse the geometry), with what each landing rule of ``rules`` (tuples of country codes)
    changes."""
    rules = tuple(rules)
    n_sats = len(sat_cap)
    tails, heads, head_sats, caps, ops, onlys = [], [], [], [], [], []
    drop = {r: [] for r in rules}
    serves = {r: np.ones(n_sats, bool) for r in rules}
    fed = np.zeros(n_sats, bool)
    gated = np.zeros(n_sats, bool)
    reaches = np.zeros(n_sats, bool)
    n_nodes = 0

    def add(t, h, hs, c, o, dropped=None, only=-1):
        n = len(t)
        onlys.append(np.full(n, only, np.int64))
        tails.append(np.asarray(t, np.int64))
        heads.append(np.asarray(h, np.int64))
        head_sats.append(np.asarray(hs, np.int64))
        caps.append(np.asarray(c, np.int64))
        ops.append(np.full(n, o, np.int64))
        for r in rules:
            drop[r].append(np.zeros(n, bool) if dropped is None else np.asarray(dropped[r], bool))

    for gs in sites:
        idx = np.flatnonzero(sat_fleet == gs.fleet)
        gated[idx] = True
        fed[idx] = gs.sized
        n_g = len(gs.xyz)
        if not n_g or not len(idx):
            continue
        sat_l, site, tile, used, near = _geometry(gs, pos, idx, min_elevation_deg, pos_key)
        in_rule = {r: np.isin(gs.country, list(r)) for r in rules}
        if gs.isl:
            g0 = n_nodes
            n_nodes += n_g
            seen = np.bincount(site, minlength=n_g)
            site_cap = np.floor(np.minimum(gs.antennas, seen) * gs.rate_mbps).astype(np.int64)
            add(np.full(n_g, -1), g0 + np.arange(n_g), np.full(n_g, -1), site_cap, gs.fleet)
            t0 = n_nodes
            n_nodes += len(used)
            g_of, t_of = np.nonzero(near & (site_cap > 0)[:, None])   # a gateway that sees none feeds none
            # a rule's tiles (within reach of one of its gateways) draw from its gateways only
            ruled = {r: near[in_rule[r]].any(axis=0) for r in rules}
            add(g0 + g_of, t0 + t_of, np.full(len(g_of), -1), np.full(len(g_of), INT_CAP), gs.fleet,
                {r: ruled[r][t_of] & ~in_rule[r][g_of] for r in rules})
            pos_in_used = np.searchsorted(used, tile)
            have = tile >= 0
            reach_tile = near.any(axis=0)
            ok = have & reach_tile[np.minimum(pos_in_used, len(used) - 1)]
            reaches[idx[ok]] = True
            add(t0 + pos_in_used[ok], np.full(int(ok.sum()), -1), idx[ok], sat_cap[idx[ok]], gs.fleet)
            for r in rules:
                serves[r][idx] = have & ruled[r][np.minimum(pos_in_used, len(used) - 1)]
        else:
            for r in rules:
                serves[r][idx] = False
            if not len(sat_l):
                continue
            sat = idx[sat_l]
            reaches[sat] = True
            arc_cap = np.minimum(gs.rate_mbps, sat_cap[sat])
            lands = {}
            for r in rules:
                lands[r] = np.zeros(len(idx), bool)
                lands[r][sat_l[in_rule[r][site]]] = True
                serves[r][idx] = lands[r]
            if not gs.sized:   # visibility and landing only
                continue
            # a gateway whose antennas carry all its arcs can carry cannot bind: a satellite seen only by such
            # gateways is fed, exactly, by one arc from the source with what its gateways' arcs add up to (under
            # a rule: those in the rule's countries), without their nodes
            binding = gs.site_mbps < np.bincount(site, weights=arc_cap, minlength=n_g)
            held = np.zeros(len(idx), bool)
            held[sat_l[binding[site]]] = True
            free = ~held[sat_l]
            loose = np.unique(sat_l[free])
            total = np.bincount(sat_l[free], weights=arc_cap[free], minlength=len(idx))
            add(np.full(len(loose), -1), np.full(len(loose), -1), idx[loose],
                np.minimum(sat_cap[idx[loose]], total[loose]), gs.fleet,
                dropped={r: lands[r][loose] for r in rules})
            for i, r in enumerate(rules):
                m = free & in_rule[r][site]
                total_r = np.bincount(sat_l[m], weights=arc_cap[m], minlength=len(idx))
                mine = loose[lands[r][loose]]
                add(np.full(len(mine), -1), np.full(len(mine), -1), idx[mine],
                    np.minimum(sat_cap[idx[mine]], total_r[mine]), gs.fleet, only=i)
            # the others: source → gateway (its antennas) → satellite (one antenna's rate)
            sat_l, site, arc_cap = sat_l[~free], site[~free], arc_cap[~free]
            if not len(sat_l):
                continue
            kept = np.unique(site)
            node_of_site = np.full(n_g, -1, np.int64)
            node_of_site[kept] = n_nodes + np.arange(len(kept))
            n_nodes += len(kept)
            add(np.full(len(kept), -1), node_of_site[kept], np.full(len(kept), -1),
                np.full(len(kept), gs.site_mbps), gs.fleet)
            count = np.bincount(sat_l, minlength=len(idx))
            many = count[sat_l] >= 2
            # a satellite seen by several gateways: a feed node whose arc to it carries the satellite's capacity
            multi = np.flatnonzero(count >= 2)
            node_of = np.full(len(idx), -1, np.int64)
            node_of[multi] = n_nodes + np.arange(len(multi))
            n_nodes += len(multi)
            add(node_of_site[site], np.where(many, node_of[sat_l], -1), np.where(many, -1, idx[sat_l]), arc_cap,
                gs.fleet, {r: lands[r][sat_l] & ~in_rule[r][site] for r in rules})  # from other countries
            add(node_of[multi], np.full(len(multi), -1), idx[multi], sat_cap[idx[multi]], gs.fleet)

    def cat(xs, dt=np.int64):
        return np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)
    return Feed(n_nodes, cat(tails), cat(heads), cat(head_sats), cat(caps), cat(ops), fed, reaches, rules,
                tuple(np.flatnonzero(cat(drop[r], bool)) for r in rules), tuple(serves[r] for r in rules),
                cat(onlys), gated)

