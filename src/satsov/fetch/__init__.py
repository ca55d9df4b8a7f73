"""Fresh catalogues from CelesTrak (and Space-Track, opt in), on request only, cached as dated snapshots with a
manifest.

Needs the optional extra ``fetch`` (httpx, platformdirs): ``pip install 'satsov[fetch]'``.
"""

from satsov.fetch.celestrak import (CELESTRAK_URL, MIN_INTERVAL_S, Snapshot, cache_dir, fetch_catalog,
                                    snapshots)
from satsov.fetch.spacetrack import SPACETRACK_URL, fetch_spacetrack

__all__ = ["fetch_catalog", "fetch_spacetrack", "snapshots", "Snapshot", "cache_dir", "CELESTRAK_URL",
           "SPACETRACK_URL", "MIN_INTERVAL_S"]
