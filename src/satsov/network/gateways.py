"""Moved to :mod:`satsov.world.gateways` (the ground segment lives below every engine); kept as an alias."""

from satsov.world.gateways import place_gateways

__all__ = ["place_gateways"]
