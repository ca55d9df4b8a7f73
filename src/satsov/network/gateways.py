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
                chosen.append(GroundSite(f"GW {r['name']}" + (f" ({operator})" if operator else ""), float(r["lat_deg"]), float(r["lon_deg"]), code.upper(),
                                         "gateway", operator, 0.0, 0,
                                         "placed by satsov at a populous city (not a published site)"))
            if len(chosen) == per_country:
                break
        out += chosen
    return out
