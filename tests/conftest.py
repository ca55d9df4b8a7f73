from pathlib import Path

import pytest

from satsov.data import sample_catalog_path

SHARED_TLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tle"
ACTIVE = SHARED_TLE / "celestrak-active-2026-05-07.tle"
SUPPLEMENTAL = SHARED_TLE / "celestrak-starlink-supplemental-2026-05-07.tle"


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
