"""The network: inter-satellite links, ground links, routing by propagation delay, and the audit of the
jurisdictions a path crosses.

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
>>> from satsov.world.sites import city
>>> result = route(net, [city("London"), city("New York")], time_grid("2026-05-07T00:00:00Z", "10m", "60s"))
>>> 35.9 < float(result.rtt_ms("London", "New York City").min()) < 50  # at least 2 x 5,385 km (straight line) / c
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from satsov.constants import SPEED_OF_LIGHT_KM_S, WGS72_RADIUS_KM
from satsov.errors import InputError, UnknownNameError
from satsov.orbits.fleet import Fleet
from satsov.orbits.geometry import WGS84_B_KM, up_vectors
from satsov.orbits.propagation import get_backend
from satsov.world.sites import GroundSite
from satsov.times import Times

__all__ = ["Network", "plus_grid_isls", "route", "RouteResult", "place_gateways", "SPEED_OF_LIGHT_KM_S"]



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
    max_isl_range_km: float = 5016.0            # Hypatia's Starlink value (550 km, 80 km grazing)
    min_isl_grazing_km: float = 80.0
    min_elevation_deg: float = 25.0
    gateway_min_elevation_deg: float = 25.0
    bent_pipe: bool = False
    max_gsl_range_km: float = math.inf          # optional range limit on ground links (Hypatia's criterion)

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
                        self.gateway_min_elevation_deg, self.bent_pipe, self.max_gsl_range_km), idx)

    def isls_at(self, pos: np.ndarray) -> np.ndarray:
        """ISL pairs usable at one step, given positions ``(n_sats, 3)`` km: range and grazing limits applied."""
        ok_sat = np.isfinite(pos[:, 0])
        if self.bent_pipe:
            return np.empty((0, 2), np.int64)
        if self.static_isls is not None:
            pairs = self.static_isls
        else:
            pairs = self._nearest_pairs(pos, ok_sat)
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


def _ground_links(ground_xyz, ground_up, sin_mask, pos, ok_sat, max_range_km=math.inf):
    """(ground index, satellite index, distance km) of every satellite at or above each ground point's mask."""
    tree = cKDTree(pos[ok_sat])
    sat_idx = np.flatnonzero(ok_sat)
    gi, si, dist = [], [], []
    # a satellite at elevation >= 0 is within the horizon distance; 3,000 km covers LEO up to 1,400 km at 0°
    r = np.linalg.norm(pos[ok_sat], axis=1)
    reach = float(np.sqrt(max(r.max() ** 2 - WGS84_B_KM ** 2, 1.0))) if len(r) else 0.0
    for g, cands in enumerate(tree.query_ball_point(ground_xyz, reach)):
        if not cands:
            continue
        s = sat_idx[np.asarray(cands)]
        d = pos[s] - ground_xyz[g]
        rng = np.linalg.norm(d, axis=1)
        ok = ((d @ ground_up[g]) >= sin_mask[g] * rng) & (rng <= max_range_km)
        gi.append(np.full(ok.sum(), g))
        si.append(s[ok])
        dist.append(rng[ok])
    if not gi:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return np.concatenate(gi), np.concatenate(si), np.concatenate(dist)


@dataclass(eq=False)
class RouteResult:
    """Round-trip times and paths between endpoints over time."""

    endpoints: list[GroundSite]
    times: Times
    rtt_s: np.ndarray                     # (n_sources, n_targets, n_times), inf where unreachable
    paths: dict[tuple[int, int], list]    # (source, target) -> per step: list of node labels or None
    operators: dict[tuple[int, int], list]
    gateway_countries: dict[tuple[int, int], list]
    targets: list[str]
    policy: str = "all-operators"

    def _index(self, name: str, names: list[str]) -> int:
        for i, n in enumerate(names):
            if n.casefold() == name.casefold():
                return i
        raise UnknownNameError("endpoint", name, names)

    def rtt_ms(self, source: str, target: str) -> pd.Series:
        """RTT time series in milliseconds (inf where unreachable)."""
        i = self._index(source, [e.name for e in self.endpoints])
        j = self._index(target, self.targets)
        return pd.Series(self.rtt_s[i, j] * 1e3, index=pd.DatetimeIndex(self.times.utc, name="time"))

    def summary(self, allied: set[str] | None = None) -> list[dict]:
        """Per pair: RTT statistics, path changes, unreachable time and the jurisdiction audit."""
        out = []
        step = self.times.step_s
        for (i, j), paths in self.paths.items():
            rtt = self.rtt_s[i, j] * 1e3
            ok = np.isfinite(rtt)
            changes = sum(1 for a, b in zip(paths, paths[1:]) if a is not None and b is not None and a != b)
            ops = self.operators[(i, j)]
            gws = self.gateway_countries[(i, j)]
            unreachable = _runs(~ok)
            entry = {
                "from": self.endpoints[i].name, "to": self.targets[j], "policy": self.policy,
                "reachable_share": float(ok.mean()),
                "rtt_ms_min": float(rtt[ok].min()) if ok.any() else None,
                "rtt_ms_median": float(np.median(rtt[ok])) if ok.any() else None,
                "rtt_ms_max": float(rtt[ok].max()) if ok.any() else None,
                "path_changes": changes,
                "unreachable_periods": [{"start": str(self.times.utc[a].astype("datetime64[s]")) + "Z",
                                         "duration_s": (b - a) * step} for a, b in unreachable],
                "operators_share": _shares(ops), "gateway_countries_share": _shares(gws),
            }
            if allied is not None:
                entry["share_leaving_allied_jurisdiction"] = float(np.mean(
                    [(not set(g) <= allied) for g, p in zip(gws, paths) if p is not None] or [0.0]))
            out.append(entry)
        return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    runs, start = [], None
    for k, m in enumerate(mask):
        if m and start is None:
            start = k
        elif not m and start is not None:
            runs.append((start, k))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


def _shares(per_step: list) -> dict[str, float]:
    """Share of the reachable steps in which each label appears."""
    steps = [s for s in per_step if s is not None]
    if not steps:
        return {}
    labels = sorted({x for s in steps for x in s})
    return {x: sum(1 for s in steps if x in s) / len(steps) for x in labels}


def route(network: Network, endpoints: Sequence[GroundSite], times: Times, *, targets: Sequence[GroundSite] | None = None,
          to_internet: bool = False, allowed_operators: set[str] | None = None,
          gateway_countries: set[str] | None = None, policy_name: str = "all-operators",
          pairs: Sequence[tuple[int, int]] | None = None, keep_paths: bool = True, backend="auto",
          progress=None) -> RouteResult:
    """Shortest paths by propagation delay from every endpoint to every target (default: the endpoints
    themselves), or to the Internet (any allowed gateway), at every step.

    Policy: ``allowed_operators`` keeps only those operators' satellites; ``gateway_countries`` keeps only
    gateways in those countries (use it for "must land in the user's own country or alliance").
    """
    endpoints = list(endpoints)
    if not endpoints:
        raise InputError("endpoints: found none, expected at least one city or site", found=[], expected="sites")
    net = network
    if allowed_operators is not None:
        net, _ = network.subset(np.isin(network.sat_operator, list(allowed_operators)))
    gateways = [g for g in net.gateways if gateway_countries is None or g.country in gateway_countries]
    if gateways and allowed_operators is not None:
        gateways = [g for g in gateways if not g.operator or g.operator in allowed_operators]
    targets = list(targets) if targets is not None else ([] if to_internet else endpoints)
    n_s, n_e, n_t, n_g = len(net.fleet), len(endpoints), len(targets), len(gateways)
    # node layout: satellites | endpoint uplinks | target downlinks | gateways | internet
    up0, down0, gw0 = n_s, n_s + n_e, n_s + n_e + n_t
    inet = gw0 + n_g
    n_nodes = inet + 1
    ground = endpoints + targets + gateways
    ground_xyz = np.array([g.ecef_km for g in ground]).reshape(-1, 3)
    ground_up = up_vectors([g.lat_deg for g in ground], [g.lon_deg for g in ground]).reshape(-1, 3)
    masks = [net.min_elevation_deg] * (n_e + n_t) + [net.gateway_min_elevation_deg] * n_g
    sin_mask = np.sin(np.radians(masks))
    if pairs is None:
        pairs = [(i, j) for i in range(n_e) for j in range(max(n_t, 1) if not to_internet else 1)
                 if to_internet or targets[j] is not endpoints[i]]
    labels = ([f"sat:{e.name}" for e in net.fleet] + [f"up:{e.name}" for e in endpoints] +
              [f"down:{t.name}" for t in targets] + [f"gw:{g.name}" for g in gateways] + ["internet"])
    n_dest = 1 if to_internet else n_t
    rtt = np.full((n_e, max(n_dest, 1), len(times)), np.inf)
    paths = {p: [] for p in pairs}
    ops = {p: [] for p in pairs}
    gw_countries = {p: [] for p in pairs}
    engine = get_backend(backend)
    state = engine.prepare(net.fleet.elements)
    for sl, chunk in times.chunks(240):
        pos_chunk, _ = engine.itrs(state, chunk)
        for k in range(len(chunk)):
            t = sl.start + k
            pos = pos_chunk[:, k]
            ok_sat = np.isfinite(pos[:, 0])
            rows, cols, w = [], [], []
            isl = net.isls_at(pos)
            if len(isl):
                d = np.linalg.norm(pos[isl[:, 0]] - pos[isl[:, 1]], axis=1)
                rows += [isl[:, 0], isl[:, 1]]
                cols += [isl[:, 1], isl[:, 0]]
                w += [d, d]
            gi, si, dist = _ground_links(ground_xyz, ground_up, sin_mask, pos, ok_sat, net.max_gsl_range_km) if ok_sat.any() else (
                np.empty(0, int), np.empty(0, int), np.empty(0))
            is_e, is_t, is_g = gi < n_e, (gi >= n_e) & (gi < n_e + n_t), gi >= n_e + n_t
            rows += [up0 + gi[is_e], si[is_t], si[is_g], gw0 + (gi[is_g] - n_e - n_t)]
            cols += [si[is_e], down0 + (gi[is_t] - n_e), gw0 + (gi[is_g] - n_e - n_t), si[is_g]]
            w += [dist[is_e], dist[is_t], dist[is_g], dist[is_g]]
            if n_g:
                rows.append(gw0 + np.arange(n_g))
                cols.append(np.full(n_g, inet))
                w.append(np.full(n_g, 1e-9))  # reaching a gateway is reaching the Internet
            r, c, wt = np.concatenate(rows), np.concatenate(cols), np.concatenate(w)
            graph = coo_matrix((wt, (r, c)), shape=(n_nodes, n_nodes)).tocsr()
            src = up0 + np.arange(n_e)
            dist_all, pred = dijkstra(graph, directed=True, indices=src, return_predecessors=True)
            if to_internet:
                rtt[:, 0, t] = 2 * dist_all[:, inet] / SPEED_OF_LIGHT_KM_S
            else:
                rtt[:, :n_t, t] = 2 * dist_all[:, down0:down0 + n_t] / SPEED_OF_LIGHT_KM_S
            if keep_paths:
                for (i, j) in pairs:
                    dst = inet if to_internet else down0 + j
                    if not np.isfinite(dist_all[i, dst]):
                        paths[(i, j)].append(None)
                        ops[(i, j)].append(None)
                        gw_countries[(i, j)].append(None)
                        continue
                    nodes, node = [], dst
                    while node >= 0 and node != src[i]:
                        nodes.append(node)
                        node = pred[i, node]
                    nodes.append(src[i])
                    nodes = nodes[::-1]
                    sats = [n for n in nodes if n < n_s]
                    gws = [n - gw0 for n in nodes if gw0 <= n < inet]
                    paths[(i, j)].append(tuple(labels[n] for n in nodes))
                    ops[(i, j)].append(tuple(sorted({str(net.sat_operator[s]) for s in sats})))
                    gw_countries[(i, j)].append(tuple(sorted({gateways[g].country for g in gws})))
        if progress is not None:
            progress(sl.stop, len(times))
    tnames = ["internet"] if to_internet else [x.name for x in targets]
    return RouteResult(endpoints, times, rtt, paths, ops, gw_countries, tnames, policy_name)


def place_gateways(countries: Sequence[str], per_country: int = 2, operator: str = "",
                   min_separation_km: float = 300.0) -> list[GroundSite]:
    """Gateways at the most populous cities of each country, at least ``min_separation_km`` apart.

    For filed fleets and what-if studies: these are *placed*, not published sites, and say so in their source.
    """
    from satsov.orbits.geometry import great_circle_km
    from satsov.world.grids import cities_table
    table = cities_table()
    out = []
    for code in countries:
        rows = table[table["country"] == code.upper()]
        if rows.empty:
            from satsov.world.regions import countries as _countries
            raise UnknownNameError("country code", code, list(_countries()))
        chosen = []
        for _, r in rows.iterrows():
            if all(great_circle_km(r["lat_deg"], r["lon_deg"], c.lat_deg, c.lon_deg) >= min_separation_km
                   for c in chosen):
                chosen.append(GroundSite(f"GW {r['name']}", float(r["lat_deg"]), float(r["lon_deg"]), code.upper(),
                                         "gateway", operator, 0.0, 0,
                                         "placed by satsov at a populous city (not a published site)"))
            if len(chosen) == per_country:
                break
        out += chosen
    return out
