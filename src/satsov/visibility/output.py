"""Writing coverage and assessment results to files, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from satsov.io import atomic_open, atomic_path

__all__ = ["write_coverage", "write_json"]


def _default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def write_json(data, path) -> None:
    with atomic_open(path) as f:
        json.dump(data, f, indent=1, default=_default)
        f.write("\n")


def write_coverage(result, out_dir) -> dict[str, Path]:
    """``cells.parquet`` (one row per case and cell, with coordinates), ``series.parquet`` and ``summary.json``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    g = result.grid
    frames = []
    for name, cells in result.cells.items():
        frames.append(cells.assign(case=name, lat_deg=g.lat_deg, lon_deg=g.lon_deg, area_km2=g.area_km2,
                                   country=g.country, population=g.population))
    series = pd.concat({name: s for name, s in result.series.items()}, names=["case", "time"]).reset_index()
    paths = {"cells": out_dir / "cells.parquet", "series": out_dir / "series.parquet",
             "summary": out_dir / "summary.json"}
    with atomic_path(paths["cells"]) as tmp:
        pd.concat(frames, ignore_index=True).to_parquet(tmp, index=False)
    with atomic_path(paths["series"]) as tmp:
        series.to_parquet(tmp, index=False)
    write_json(result.summary(), paths["summary"])
    return paths
