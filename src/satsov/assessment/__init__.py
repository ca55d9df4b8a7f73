"""The sovereignty assessment: scenarios, policies, denial events and kill switches from one coverage pass."""

# What the capacity runs' worker processes import (satsov.pools preloads it in the server they fork from): the
# assessment, the allocation and its compiled kernels, loaded; here, not in run.py, so that the CLI can start
# that server before importing the assessment itself.
CAPACITY_PRELOAD = ("satsov.assessment.run", "satsov.assessment.schedule", "satsov.capacity.preload")
