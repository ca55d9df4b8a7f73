"""Constellation design (issue 13): the smallest constellation that meets a territory's requirement.

Stage (a), analytic seeds and bounds: :mod:`satsov.synthesis.seeds`; the search space: :mod:`.space`; stage (b),
the screen (:mod:`.screen`) swept over the space serial or on Dask with Parquet results (:mod:`.sweep`); stage
(c), verification with the full engine and the gateway set (:mod:`.search`, :mod:`.gateways`); exports of a
chosen design (:mod:`.export`).
"""

from satsov.synthesis.seeds import (altitude_for_half_angle_km, earth_central_angle_deg, streets_half_width_deg,
                                    streets_min_half_angle_deg, streets_seeds)
from satsov.synthesis.space import Design, SearchSpace
from satsov.synthesis.screen import ScreenResult, screen, screen_batch, shell_positions
from satsov.synthesis.search import (Candidate, DesignResult, Requirement, Verification, analytic_bounds,
                                     compare_plans, design, pareto_front, verify)
from satsov.synthesis.gateways import GatewayPlan, gateway_candidates, smallest_gateway_set

__all__ = ["earth_central_angle_deg", "altitude_for_half_angle_km", "streets_half_width_deg",
           "streets_min_half_angle_deg", "streets_seeds", "Design", "SearchSpace", "screen", "screen_batch",
           "ScreenResult", "shell_positions", "design", "verify", "compare_plans", "analytic_bounds", "pareto_front",
           "Requirement", "Candidate", "Verification", "DesignResult", "GatewayPlan", "gateway_candidates",
           "smallest_gateway_set"]
