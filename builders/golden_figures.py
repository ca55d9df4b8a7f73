"""Regenerate tests/assessment/golden/figures.json: every figure of the golden scenario's report.json, rounded.

The golden scenario (tests/assessment/golden/scenario.toml) has every kind of case the assessment computes.
tests/assessment/test_golden.py recomputes its figures and compares them with this file: a change of structure
must not change an answer. Regenerate only when an answer changes on purpose, and say in the commit which
figures changed and why.

Run: python builders/golden_figures.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "tests" / "assessment" / "golden"
sys.path.insert(0, str(HERE))

from figures import golden_figures  # noqa: E402


def main() -> None:
    figures = golden_figures(HERE / "scenario.toml")
    (HERE / "figures.json").write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
    print(f"{len(figures)} figures written to {HERE / 'figures.json'}")


if __name__ == "__main__":
    main()
