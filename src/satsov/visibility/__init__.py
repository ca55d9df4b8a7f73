"""Coverage: which satellites each place sees, reduced into the figures of merit of coverage analysis.

``engine`` runs the pass (``coverage``, with ``Case`` and ``Denial``), ``kernel`` (numba) and
``kernel_cuda`` (CuPy, optional) count visible satellites, ``results`` holds ``CoverageResult`` and the
typed ``Figures``, ``checks`` the step checks, ``output`` writes results to files.
"""

from satsov.visibility.checks import StepWarning, step_check
from satsov.visibility.refine import refine_check
from satsov.visibility.engine import Case, Denial, coverage
from satsov.visibility.output import write_coverage
from satsov.visibility.results import CoverageResult, Figures

__all__ = ["coverage", "Case", "Denial", "CoverageResult", "Figures", "StepWarning", "step_check", "refine_check",
           "write_coverage"]
