import os
import shutil
import tempfile
from pathlib import Path

import pytest

from satsov.data import sample_catalog_path

SHARED_TLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tle"
ACTIVE = SHARED_TLE / "celestrak-active-2026-05-07.tle"
SUPPLEMENTAL = SHARED_TLE / "celestrak-starlink-supplemental-2026-05-07.tle"


def pytest_configure(config):
    """The tests keep satsov's derived-data cache in a folder of their own (shared by the xdist workers, which
    inherit the environment), removed at the end: never the user's."""
    if not os.environ.get("SATSOV_CACHE_DIR"):
        folder = tempfile.mkdtemp(prefix="satsov-tests-cache-")
        os.environ["SATSOV_CACHE_DIR"] = folder
        config._satsov_cache_dir = folder


def pytest_unconfigure(config):
    folder = getattr(config, "_satsov_cache_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def sample_path():
    return sample_catalog_path()


@pytest.fixture(scope="session")
def sample_fleet(sample_path):
    import satsov
    return satsov.load_fleet(sample_path)


@pytest.fixture(scope="session")
def active_path():
    if not ACTIVE.exists():
        pytest.skip("../shared/data/tle is not present")
    return ACTIVE
