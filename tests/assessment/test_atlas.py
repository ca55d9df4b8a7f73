"""The world atlas: per-country figures equal the coverage engine's over that country's cells; time chunks and a
Dask cluster give the same figures as one pass; groups are population-weighted sums; a job too large is
refused with the estimate."""

import warnings

import numpy as np
import pytest

import satsov
from satsov.assessment.atlas import atlas, estimate_atlas
from satsov.errors import InputError
from satsov.testing import requires_dask
from satsov.visibility import StepWarning

OPS = ["oneweb", "starlink", "guowang"]


@pytest.fixture(scope="module")
def small():
    return atlas(spacing_km=1000, duration="40m", step="10m", operators=OPS)


def test_a_countrys_figures_equal_the_engine_over_its_cells(small):
    # independent path: the same world grid, the engine's own sets, restricted to Canada's cells
    g = satsov.grid(satsov.world.regions.world(), 1000)
    fleets = satsov.as_flying(OPS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)   # a 10-minute step, on purpose: the atlas's own
        res = satsov.coverage(fleets, g, satsov.time_grid("2026-05-07T00:00:00Z", "40m", "10m"),
                              sets={"west": ["oneweb", "starlink"]})
    gg = res.grid
    ca = np.asarray(gg.country) == "CA"
    pop = gg.population[ca]
    for key, want in (("oneweb", small.country("CA")["alone"]["oneweb"]),
                      ("west", small.country("CA")["policies"]["no-prc"])):
        got = float((res.cells[key]["availability"].to_numpy()[ca] * pop).sum() / pop.sum())
        assert want == pytest.approx(got, abs=1e-4)
    assert small.country("CA")["alone"]["guowang"] == 0.0      # no landing rights in Canada
    assert small.country("CN")["alone"]["starlink"] == 0.0     # nor Starlink in China


def test_groups_are_population_weighted_sums_of_their_members(small):
    eu = small.groups["EU27"]
    w = np.array([small.countries[c]["population"] for c in eu["members"]])
    v = np.array([small.countries[c]["policies"]["no-spacex"] for c in eu["members"]])
    assert eu["policies"]["no-spacex"] == pytest.approx(float((w * v).sum() / w.sum()), abs=1e-4)


def test_time_chunks_give_the_single_passs_figures(small):
    chunked = atlas(spacing_km=1000, duration="40m", step="10m", operators=OPS, chunks=3)
    assert chunked.countries == small.countries and chunked.groups == small.groups


@requires_dask
def test_a_dask_cluster_gives_the_single_passs_figures(small):
    on_dask = atlas(spacing_km=1000, duration="40m", step="10m", operators=OPS, scheduler="local", chunks=2)
    assert on_dask.countries == small.countries
    assert "on Dask" in on_dask.warnings[-1]


def test_a_job_too_large_is_refused_with_its_estimate():
    with pytest.raises(InputError, match=r"about \d+ s on 2 cores .* coarser spacing_km"):
        atlas(spacing_km=25, duration="7d", step="10s", max_seconds=60)
    est = estimate_atlas(50, 1440, 12_000)
    assert 100 < est["seconds_2_cores"] < 600        # measured: 195 s (docs/benchmarks.md)
