"""Gateways placed where none are published: for filed fleets and what-if studies."""

from __future__ import annotations

from collections.abc import Sequence

from satsov.errors import UnknownNameError
from satsov.world.sites import GroundSite

__all__ = ["place_gateways"]

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
