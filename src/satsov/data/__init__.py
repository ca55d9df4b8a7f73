"""Data shipped with satsov, each file with its source and date (see ``SOURCES.md`` here)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_path", "sample_catalog_path", "builtin_catalog_path", "SAMPLE_CATALOG_DATE", "BUILTIN_CATALOG_DATE",
           "DEFAULT_START"]

#: Date of the built-in CelesTrak snapshot (the communication satellites of the 'active' group).
BUILTIN_CATALOG_DATE = "2026-05-07"
SAMPLE_CATALOG_DATE = BUILTIN_CATALOG_DATE
#: Default start of every window (scenarios, CLI commands, the server): the snapshot's own day, so that
#: elements are used at their epoch.
DEFAULT_START = f"{BUILTIN_CATALOG_DATE}T00:00:00Z"


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``satsov/data``."""
    return Path(str(resources.files("satsov.data").joinpath(*parts)))


def sample_catalog_path() -> Path:
    """A small real sample (242 satellites) of CelesTrak's 'active' catalogue of 2026-05-07."""
    return data_path("catalog", f"sample-{SAMPLE_CATALOG_DATE}.tle")


def builtin_catalog_path() -> Path:
    """CelesTrak 'active' snapshot of 2026-05-07, the communication satellites only (12,074)."""
    return data_path("catalog", f"celestrak-comms-{BUILTIN_CATALOG_DATE}.tle.gz")
