"""Constellation design (issue 13): the smallest constellation that meets a territory's requirement.

Stage (a), analytic seeds, is in :mod:`satsov.synthesis.seeds`; the screen, the verification with the full
engine and the Dask sweep are to come (``docs/design/architecture.md``).
"""

from satsov.synthesis.seeds import (altitude_for_half_angle_km, earth_central_angle_deg, streets_half_width_deg,
                                    streets_min_half_angle_deg, streets_seeds)

__all__ = ["earth_central_angle_deg", "altitude_for_half_angle_km", "streets_half_width_deg",
           "streets_min_half_angle_deg", "streets_seeds"]
from satsov.synthesis.screen import ScreenResult, screen, shell_positions  # noqa: E402

__all__ += ["screen", "ScreenResult", "shell_positions"]
from satsov.synthesis.search import Candidate, DesignResult, Requirement, SearchSpace, design  # noqa: E402

__all__ += ["design", "Requirement", "SearchSpace", "Candidate", "DesignResult"]
