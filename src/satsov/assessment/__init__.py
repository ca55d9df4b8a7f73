"""The sovereignty assessment: scenarios, policies, denial events and kill switches from one coverage pass."""

# What the capacity runs' worker processes import (satsov.pools preloads it in the server they fork from);
# here, not in run.py, so that the CLI can start that server before importing the assessment itself.
CAPACITY_PRELOAD = ("satsov.assessment.run", "satsov.capacity.allocate", "satsov.capacity.maxflow")
