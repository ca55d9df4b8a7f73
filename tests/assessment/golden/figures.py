"""The figures of an assessment's report.json as a flat, rounded mapping (path -> value), for the golden test."""

from __future__ import annotations

import math

SKIP = {"scenario", "sources", "warnings", "notes", "design", "description", "visibility_note", "source", "format"}


def flatten(value, path: str = "", out: dict | None = None) -> dict:
    """Numbers (rounded to 9 significant digits), booleans and short identifiers, keyed by their JSON path;
    prose (notes, sources, warnings, descriptions) is left out: its wording may change, the figures may not."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in SKIP:
                flatten(v, f"{path}/{k}", out)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            flatten(v, f"{path}[{i}]", out)
    elif isinstance(value, bool) or value is None:
        out[path] = value
    elif isinstance(value, (int, float)):
        x = float(value)
        out[path] = x if not math.isfinite(x) or x == 0 else float(f"{x:.9g}")
    elif isinstance(value, str) and len(value) <= 80:
        out[path] = value
    return out


def golden_figures(scenario_path) -> dict:
    import warnings

    from satsov.assessment.run import assess
    from satsov.assessment.scenario import load_scenario
    from satsov.visibility import StepWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        a = assess(load_scenario(scenario_path))
    data = a.to_dict()
    for r in data["regions"].values():
        r.pop("warnings", None)
    return flatten({"regions": data["regions"], "routes": data["routes"], "satellites": data["satellites"],
                    "policies": data["policies"], "headline": a.headline()})
