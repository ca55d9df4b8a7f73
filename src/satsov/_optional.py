"""Optional dependencies: imported only where they are used, with one message naming the extra to install.

>>> attempt_import("json").__name__
'json'
>>> attempt_import("no_such_module_xyz", extra="cuda")
Traceback (most recent call last):
...
satsov.errors.MissingDependencyError: this needs the optional package 'no_such_module_xyz'; install it with: pip install 'satsov[cuda]'
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from satsov.errors import MissingDependencyError

__all__ = ["attempt_import", "has_module", "EXTRAS"]

# Which extra of satsov's pyproject.toml provides each optional module.
EXTRAS = {"cupy": "cuda", "httpx": "fetch", "platformdirs": "fetch", "fastapi": "server", "uvicorn": "server",
          "dask": "atlas", "distributed": "atlas"}


def has_module(name: str) -> bool:
    """Whether ``name`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def attempt_import(name: str, *, extra: str | None = None) -> ModuleType:
    """Import ``name`` or raise :class:`~satsov.errors.MissingDependencyError` naming the extra to install."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        extra = extra or EXTRAS.get(name.split(".")[0])
        how = f"pip install 'satsov[{extra}]'" if extra else f"pip install {name.split('.')[0]}"
        raise MissingDependencyError(name, how, str(exc)) from None
