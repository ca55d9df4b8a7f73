"""The assessment's scheduling (satsov.assessment.schedule): work shared between this process and a pool gives
the results by key whatever ran where, and a failure in any item is raised here, not lost."""

from __future__ import annotations

import pytest

from satsov.assessment.schedule import CapacityRuns


def _square(kwargs: dict) -> int:
    if kwargs["x"] < 0:
        raise ValueError(f"x: found {kwargs['x']}, expected >= 0")
    return kwargs["x"] ** 2


def test_map_gives_every_result_by_its_key_in_this_process():
    runs = CapacityRuns(1)   # no pool: every item here
    try:
        assert runs.map(_square, {("a", k): {"x": k} for k in range(5)}, "squares") == {
            ("a", k): k * k for k in range(5)}
        assert runs.map(_square, {}, "nothing") == {}
        with pytest.raises(ValueError, match="x: found -1"):
            runs.map(_square, {1: {"x": 2}, 2: {"x": -1}}, "squares")
    finally:
        runs.close()


def test_map_shares_the_items_with_the_pool_and_raises_a_workers_failure():
    runs = CapacityRuns(2)
    # start the pool as an assessment does, on one run of its own (a cheap stand-in: the fleets it ships)
    runs.start([(("r", 0), {"fleets": {}})])
    try:
        ticks = []
        out = runs.map(_square, {k: {"x": k} for k in range(6)}, "squares",
                       progress=lambda what, done, total: ticks.append((what, done, total)))
        assert out == {k: k * k for k in range(6)}
        assert ticks and all(t[0] == "squares" and t[2] == 6 for t in ticks)
        with pytest.raises(ValueError, match="x: found -3"):
            runs.map(_square, {k: {"x": -3 if k == 0 else k} for k in range(4)}, "squares")
    finally:
        runs.close(terminate=True)
