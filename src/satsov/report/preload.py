"""What the report's figure workers need, imported once by the fork server they start from
(:mod:`satsov.pools`), so that each worker draws at once: matplotlib on its file backend, and the report."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot  # noqa: E402,F401

import satsov.report.html  # noqa: E402,F401
