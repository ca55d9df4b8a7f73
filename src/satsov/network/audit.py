"""The route audit: for city pairs (or a city and the Internet), under each policy, which operators carry the
traffic and in which countries it lands. One function for the CLI, scenarios and the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from satsov.network.routing import route
from satsov.network.topology import Network
from satsov.times import Times
from satsov.world.operators import OperatorRegistry
from satsov.world.policies import Policy, expand_jurisdictions
from satsov.world.sites import GroundSite

__all__ = ["audit_routes", "INTERNET"]

#: The target that means "the nearest allowed gateway".
INTERNET = None


def audit_routes(network: Network, pairs: Sequence[tuple[GroundSite, GroundSite | None]], times: Times,
                 policies: Sequence[Policy], registry: OperatorRegistry, *, owner: Mapping[str, str] | None = None,
                 land_in: set[str] | None = None, home: set[str] | None = None,
                 licensed: Callable[[str, str], bool] | None = None,
                 progress: Callable[[str, int, int], None] | None = None) -> list[dict]:
    """Route each pair ``(a, b)`` (``b`` None: to the Internet through the nearest allowed gateway) under each
    policy and audit it.

    ``owner`` maps the network's fleet keys to operator keys (default: they are operator keys);
    ``land_in`` keeps only gateways in these countries (a policy's own ``land_in`` narrows it further); ``home`` (country codes) adds, per route, the share
    of reachable steps whose gateways leave it. ``licensed(operator, country)``: landing rights; an operator
    not licensed in a city's country does not serve that city. Returns one summary per pair and policy (see
    :meth:`~satsov.network.routing.RouteResult.summary`) with the RTT series in ``rtt_ms``.
    """
    fleets = sorted(set(network.sat_operator))
    owner = dict(owner) if owner is not None else {k: k for k in fleets}
    allied = home if home is not None else land_in
    out = []
    for a, b in pairs:
        internet = b is None
        for p in policies:
            allowed = {k for k in fleets if p.allows(registry[owner[k]])}
            if licensed is not None:
                allowed = {k for k in allowed if all(licensed(owner[k], c.country) for c in (a, b)
                                                     if c is not None and c.country)}
            cb = None if progress is None else (lambda d, n, label=f"{a.name} under {p.name}": progress(label, d, n))
            lands = land_in
            if getattr(p, "land_in", ()):  # the policy's own landing rule narrows the caller's
                own = set(expand_jurisdictions(p.land_in, p.as_of))
                lands = own if land_in is None else own & set(land_in)
            res = route(network, [a], times, targets=None if internet else [b], to_internet=internet,
                        allowed_operators=allowed, gateway_countries=lands, policy_name=p.name, pairs=[(0, 0)],
                        progress=cb, owner=owner)
            entry = res.summary(allied=allied or None)[0]
            sats = {h[5] for step in entry.get("hops") or [] if step for h in step if h[0] == "sat"}
            entry["jurisdictions"] = {k: registry[owner.get(k, k)].jurisdiction for k in sorted(sats)}
            entry["rtt_ms"] = [None if not np.isfinite(v) else round(float(v), 3) for v in res.rtt_s[0, 0] * 1e3]
            entry["time"] = times.isoformat()
            out.append(entry)
    return out
