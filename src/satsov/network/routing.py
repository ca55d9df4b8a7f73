"""Routing by propagation delay over the network at every step, and the per-pair audit of the operators
and gateway countries a path uses. See :mod:`satsov.network.topology` for the links.

>>> from satsov import Shell, time_grid
>>> from satsov.network import Network
>>> shell = Shell("s", altitude_km=550, inclination_deg=53, planes=72, sats_per_plane=22, phasing=17)
>>> net = Network.from_shells([(shell, "starlink")], "2026-05-07T00:00:00Z")
>>> from satsov.world.sites import city
>>> result = route(net, [city("London"), city("New York")], time_grid("2026-05-07T00:00:00Z", "10m", "60s"))
>>> 35.9 < float(result.rtt_ms("London", "New York City").min()) < 50  # at least 2 x 5,385 km (straight line) / c
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from satsov.constants import SPEED_OF_LIGHT_KM_S
from satsov.errors import InputError, UnknownNameError
from satsov.network.topology import Network, ground_links
from satsov.orbits.earth import resolve_ut1
from satsov.orbits.geometry import ecef_to_geodetic, up_vectors
from satsov.orbits.propagation import get_backend
from satsov.times import Times
from satsov.world.sites import GroundSite

__all__ = ["route", "RouteResult"]

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
    hops: dict[tuple[int, int], list] | None = None  # per step: [(kind, label, lon, lat, alt_km, owner)] or None

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
                                         "duration_s": float(self.times.steps_to_seconds(b - a))}
                                        for a, b in unreachable],
                "operators_share": _shares(ops), "gateway_countries_share": _shares(gws),
            }
            if self.hops is not None:
                entry["hops"] = [None if h is None else [list(x) for x in h] for h in self.hops[(i, j)]]
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
          progress=None, ut1_minus_utc_s="iers", owner: Mapping[str, str] | None = None) -> RouteResult:
    """Shortest paths by propagation delay from every endpoint to every target (default: the endpoints
    themselves), or to the Internet (any allowed gateway), at every step.

    Policy: ``allowed_operators`` keeps only those operators' satellites; ``gateway_countries`` keeps only
    gateways in those countries (use it for "must land in the user's own country or alliance").
    A gateway that names an operator serves only that operator's satellites (``owner`` maps the network's
    fleet keys to operator keys; default: they are operator keys); one without an operator serves every
    satellite (placed gateways).
    """
    endpoints = list(endpoints)
    if not endpoints:
        raise InputError("endpoints: found none, expected at least one city or site", found=[], expected="sites")
    net = network
    if allowed_operators is not None:
        net, _ = network.subset(np.isin(network.sat_operator, list(allowed_operators)))
    gateways = [g for g in net.gateways if gateway_countries is None or g.country in gateway_countries]
    if gateways and allowed_operators is not None:
        allowed_owners = {(owner or {}).get(k, k) for k in allowed_operators}
        gateways = [g for g in gateways if not g.operator or g.operator in allowed_owners]
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
    ground_op = np.array([""] * (n_e + n_t) + [g.operator for g in gateways], dtype=object)
    sat_owner = np.array([(owner or {}).get(k, k) for k in net.sat_operator], dtype=object)
    sin_mask = np.sin(np.radians(masks))
    if pairs is None:
        pairs = [(i, j) for i in range(n_e) for j in range(max(n_t, 1) if not to_internet else 1)
                 if to_internet or targets[j] is not endpoints[i]]
    labels = ([f"sat:{e.name}" for e in net.fleet] + [f"up:{e.name}" for e in endpoints] +
              [f"down:{t.name}" for t in targets] + [f"gw:{g.name}" for g in gateways] + ["internet"])
    n_dest = 1 if to_internet else n_t
    rtt = np.full((n_e, max(n_dest, 1), len(times)), np.inf)
    paths = {p: [] for p in pairs}
    hops = {p: [] for p in pairs}
    ops = {p: [] for p in pairs}
    gw_countries = {p: [] for p in pairs}
    engine = get_backend(backend)
    state = engine.prepare(net.fleet.elements)
    for sl, chunk in times.chunks(240):
        pos_chunk, _ = engine.itrs(state, chunk, resolve_ut1(chunk, ut1_minus_utc_s))
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
            gi, si, dist = ground_links(ground_xyz, ground_up, sin_mask, pos, ok_sat, net.max_gsl_range_km) if ok_sat.any() else (
                np.empty(0, int), np.empty(0, int), np.empty(0))
            if n_g:  # an operator's gateway takes only its own satellites
                ok = (ground_op[gi] == "") | (ground_op[gi] == sat_owner[si])
                gi, si, dist = gi[ok], si[ok], dist[ok]
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
                        hops[(i, j)].append(None)
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
                    hops[(i, j)].append(_hops(nodes, n_s, ground, up0, pos, sat_owner, labels, inet))
                    ops[(i, j)].append(tuple(sorted({str(net.sat_operator[s]) for s in sats})))
                    gw_countries[(i, j)].append(tuple(sorted({gateways[g].country for g in gws})))
        if progress is not None:
            progress(sl.stop, len(times))
    tnames = ["internet"] if to_internet else [x.name for x in targets]
    return RouteResult(endpoints, times, rtt, paths, ops, gw_countries, tnames, policy_name,
                       hops if keep_paths else None)


def _hops(nodes, n_s, ground, up0, pos, sat_owner, labels, inet) -> tuple:
    """A path's nodes with their places, for drawing it: (kind, label, lon, lat, alt_km, operator or country)."""
    out = []
    for n in nodes:
        if n == inet:
            continue
        if n < n_s:
            lat, lon, alt = ecef_to_geodetic(pos[n])
            out.append(("sat", labels[n][4:], round(float(lon), 3), round(float(lat), 3), round(float(alt), 1),
                        str(sat_owner[n])))
        else:
            site = ground[n - up0]
            kind = "gateway" if labels[n].startswith("gw:") else "city"
            out.append((kind, site.name, round(site.lon_deg, 3), round(site.lat_deg, 3), 0.0, site.country))
    # an endpoint's up and down nodes are the same place: keep one
    return tuple(h for k, h in enumerate(out) if k == 0 or h[:4] != out[k - 1][:4])


