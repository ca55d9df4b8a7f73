"""Data shipped with satsov, each file with its source and date (see ``SOURCES.md`` here)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_path", "sample_catalog_path", "SAMPLE_CATALOG_DATE"]

SAMPLE_CATALOG_DATE = "2026-05-07"


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``satsov/data``."""
    return Path(str(resources.files("satsov.data").joinpath(*parts)))


def sample_catalog_path() -> Path:
    """A small real sample (242 satellites) of CelesTrak's 'active' catalogue of 2026-05-07."""
    return data_path("catalog", f"sample-{SAMPLE_CATALOG_DATE}.tle")
