"""Writing a coverage result to files, atomically: per-cell maps, time series and the summary."""

from __future__ import annotations

from pathlib import Path

from satsov.io import check_writable, stamped, write_json, write_table

__all__ = ["write_coverage"]


def write_coverage(result, out_dir) -> dict[str, Path]:
    """``cells.parquet`` (one row per case and cell, with coordinates), ``series.parquet`` and ``summary.json``."""
    import pandas as pd
    out_dir = Path(out_dir)
    check_writable(out_dir, folder=True)
    g = result.grid
    frames = []
    for name, cells in result.cells.items():
        frames.append(cells.assign(case=name, lat_deg=g.lat_deg, lon_deg=g.lon_deg, area_km2=g.area_km2,
                                   country=g.country, population=g.population))
    series = pd.concat({name: s for name, s in result.series.items()}, names=["case", "time"]).reset_index()
    paths = {"cells": out_dir / "cells.parquet", "series": out_dir / "series.parquet",
             "summary": out_dir / "summary.json"}
    write_table(pd.concat(frames, ignore_index=True), paths["cells"])
    write_table(series, paths["series"])
    write_json(stamped(result.summary(), "satsov.coverage-summary"), paths["summary"])
    return paths
