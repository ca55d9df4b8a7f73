"""The ground segment's rules in one place: gateways placed where none are published (for filed fleets and
what-if studies), and the elevation masks of gateway antennas.

Routes (:mod:`satsov.network`), capacity (:mod:`satsov.capacity`) and design take their gateway masks from here.
Two masks are in use today, each stated once with its reason: routes use the user terminals' mask capped at
:data:`ROUTE_GATEWAY_MIN_ELEVATION_DEG`, capacity :data:`CAPACITY_GATEWAY_MIN_ELEVATION_DEG`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from satsov.errors import UnknownNameError
from satsov.world.sites import GroundSite

__all__ = ["place_gateways", "gateway_sites", "GatewaySelection", "ROUTE_GATEWAY_MIN_ELEVATION_DEG", "CAPACITY_GATEWAY_MIN_ELEVATION_DEG"]

#: Routes: a ground link to a gateway needs the satellite at or above the users' mask, capped at this (SpaceX's
#: filed 25° for its earth stations, FCC SAT-MOD-20181108-00083).
ROUTE_GATEWAY_MIN_ELEVATION_DEG = 25.0
#: Capacity and design: a bent-pipe satellite carries traffic while one of its operator's gateways sees it at
#: this elevation or more (gateway antennas track lower than user terminals: Del Portillo et al. 2019, 10°).
CAPACITY_GATEWAY_MIN_ELEVATION_DEG = 10.0


def place_gateways(countries: Sequence[str], per_country: int = 2, operator: str = "",
                   min_separation_km: float = 300.0) -> list[GroundSite]:
    """Gateways at the most populous cities of each country, at least ``min_separation_km`` apart.

    For filed fleets and what-if studies: these are *placed*, not published sites, and say so in their source.
    """
    import numpy as np

    from satsov.orbits.geometry import great_circle_km
    from satsov.world.grids import cities_table
    table = cities_table()
    code_of = np.asarray(table["country"], dtype=object)
    lat, lon, name = (np.asarray(table[c]) for c in ("lat_deg", "lon_deg", "name"))
    order = np.argsort(code_of.astype(str), kind="stable")  # each country's rows in the table's order
    codes, first = np.unique(code_of[order].astype(str), return_index=True)
    out = []
    for code in countries:
        k = int(np.searchsorted(codes, code.upper()))
        if k >= len(codes) or codes[k] != code.upper():
            from satsov.world.regions import countries as _countries
            raise UnknownNameError("country code", code, list(_countries()))
        rows = order[first[k]:first[k + 1] if k + 1 < len(first) else len(order)]
        chosen = []
        for r in rows:
            if all(great_circle_km(lat[r], lon[r], c.lat_deg, c.lon_deg) >= min_separation_km for c in chosen):
                chosen.append(GroundSite(f"GW {name[r]}" + (f" ({operator})" if operator else ""), float(lat[r]),
                                         float(lon[r]), code.upper(), "gateway", operator, 0.0, 0,
                                         "placed by satsov at a populous city (not a published site)"))
            if len(chosen) == per_country:
                break
        out += chosen
    return out


@dataclass(frozen=True)
class GatewaySelection:
    """The gateways chosen for some operators, and what the caller should say about them."""

    sites: tuple[GroundSite, ...]
    notes: tuple[str, ...] = ()
    placed_for: tuple[str, ...] = ()       # operators given placed (not published) gateways
    without: tuple[str, ...] = ()          # operators left without any gateway


def gateway_sites(operators: Sequence[str], *, published: bool = True, planned: bool = False,
                  cited_only: bool = False, extra: Sequence[GroundSite] = (), place_in: Sequence[str] = (),
                  per_country: int = 2, cited_hint: str = "cited_gateways_only") -> GatewaySelection:
    """The gateways of ``operators``: the sites in ``extra`` (a user's file), each operator's published sites
    (``data/world/gateways.csv``; ``planned`` adds announced ones, ``cited_only`` leaves out those known from
    community lists only), and ``per_country`` placed sites in each of ``place_in`` for each operator that has
    none of those. The notes count the listed-only sites used (``cited_hint`` names the option that leaves them
    out) and name the operators given placed gateways or none. Routes, the CLI and the assessment choose their
    gateways here."""
    from satsov.world.sites import published_sites
    sites = list(extra)
    notes = []
    if published:
        found = published_sites(sorted(set(operators)), planned=planned, cited_only=cited_only)
        sites += found
        listed = sum(not g.cited for g in found)
        if listed:
            notes.append(f"{listed} of the {len(found)} published gateways used are known from community lists "
                         f"only (their regulator's record to check; {cited_hint} leaves them out)")
    have = {g.operator for g in sites}
    without = [op for op in sorted(set(operators)) if op not in have and "" not in have]
    placed_for = []
    if place_in and without:
        for op in without:
            sites += place_gateways(place_in, per_country, operator=op)
        placed_for, without = without, []
        notes.append(f"gateways placed by satsov in {', '.join(place_in)} for {', '.join(placed_for)} "
                     f"(no published gateway)")
    return GatewaySelection(tuple(sites), tuple(notes), tuple(placed_for), tuple(without))
