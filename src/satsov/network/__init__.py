"""The network: inter-satellite and ground links, routing by delay, and the jurisdiction audit.

``topology`` (Network, +Grid and nearest-neighbour ISLs, ground links), ``routing`` (route, RouteResult),
``gateways`` (place_gateways), ``audit`` (audit_routes: pairs × policies, for the CLI, scenarios and server).
"""

from satsov.network.audit import audit_routes
from satsov.network.gateways import place_gateways
from satsov.network.routing import RouteResult, route
from satsov.network.topology import DEFAULT_GATEWAY_MIN_ELEVATION_DEG, Network, plus_grid_isls

__all__ = ["Network", "plus_grid_isls", "route", "RouteResult", "place_gateways", "audit_routes",
           "DEFAULT_GATEWAY_MIN_ELEVATION_DEG"]
