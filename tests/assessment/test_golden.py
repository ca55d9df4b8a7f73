"""Golden figures: the golden scenario's report.json figures, compared with those recorded before the Study
refactor (issue 30). A structural change must leave every figure as it was; where a change of answer is meant,
builders/golden_figures.py rewrites figures.json and the commit says which figures changed and why."""

import json
import math
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(HERE))

from figures import golden_figures  # noqa: E402


@pytest.fixture(scope="module")
def figures():
    return golden_figures(HERE / "scenario.toml")


def test_the_golden_scenarios_figures_are_unchanged(figures):
    expected = json.loads((HERE / "figures.json").read_text())
    missing = sorted(set(expected) - set(figures))
    extra = sorted(set(figures) - set(expected))
    assert not missing, f"figures no longer produced: {missing[:20]}"
    assert not extra, f"new figures (regenerate with builders/golden_figures.py if meant): {extra[:20]}"
    changed = []
    for key, want in expected.items():
        got = figures[key]
        if isinstance(want, float) and isinstance(got, float):
            if not math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-9):
                changed.append((key, want, got))
        elif got != want:
            changed.append((key, want, got))
    assert not changed, f"{len(changed)} figures changed, e.g. {changed[:10]}"


def test_the_golden_scenario_has_every_kind_of_case(figures):
    kinds = {re.split(r"[/\[]", k)[3] for k in figures if k.startswith("/regions/") and k.count("/") > 3}
    assert {"policies", "events", "kill_switch", "capacity", "operators"} <= kinds
    assert any(k.startswith("/routes[") for k in figures)
    assert any("/capacity/events[" in k for k in figures)
    assert any("/sensitivity/" in k for k in figures)
