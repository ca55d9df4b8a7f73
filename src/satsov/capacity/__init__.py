"""Capacity and demand: who can actually carry a territory's traffic.

``demand`` (people × take rate × plan ÷ overbooking, background demand from the rest of the world, user
demand at points), ``supply`` (per-satellite capacity by operator and generation, per-place caps, minimum
elevations, inter-satellite links: ``data/capacity.yaml``, every figure with its source and range),
``flow`` (one snapshot as a maximum flow, shared fairly) and ``allocate`` (snapshots × cases over a window);
beside them ``beams`` (caps per beam cell), ``links`` (what a channel carries by elevation), ``ground`` (gateways
as capacity) and ``gap`` (what would close a gap). The facade's entry point is :func:`satsov.allocate`.
"""

from satsov.capacity.allocate import (CapacityFigures, CapacityResult, allocate, assumed_figures, listed_only_gateways,
                                      visible_pairs)
from satsov.capacity.demand import CRITICAL, Demand, DemandModel, build_demand, point_demand
from satsov.capacity.flow import Allocation, allocate_snapshot
from satsov.capacity.supply import LEVELS, OperatorSupply, Param, SupplyTable, supply_table

__all__ = ["allocate", "assumed_figures", "CapacityResult", "CapacityFigures", "listed_only_gateways", "visible_pairs", "DemandModel", "CRITICAL", "Demand",
           "build_demand", "point_demand", "Allocation", "allocate_snapshot", "Param", "OperatorSupply",
           "SupplyTable", "supply_table", "LEVELS"]
