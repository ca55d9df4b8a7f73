"""Fresh catalogues from CelesTrak, on request only, cached as dated snapshots with a manifest.

Needs the optional extra ``fetch`` (httpx, platformdirs): ``pip install 'satsov[fetch]'``.
"""

from satsov.fetch.celestrak import (CELESTRAK_URL, MIN_INTERVAL_S, Snapshot, cache_dir, fetch_catalog,
                                    snapshots)

__all__ = ["fetch_catalog", "snapshots", "Snapshot", "cache_dir", "CELESTRAK_URL", "MIN_INTERVAL_S"]
