"""The dashboard: ``satsov serve`` (FastAPI + uvicorn) over the library's functions, with the single-page app
(MapLibre GL JS and deck.gl, built from npm and shipped in ``static/``: no CDN, no token, works offline).

Needs the ``server`` extra: ``pip install 'satsov[server]'``.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from satsov.errors import InputError

__all__ = ["create_app", "serve", "default_data_dir", "is_loopback"]


def __getattr__(name):
    if name == "create_app":
        from satsov.server.app import create_app
        return create_app
    raise AttributeError(name)


def default_data_dir() -> Path:
    """``$SATSOV_DATA_DIR``, else the user's data folder (platformdirs)."""
    env = os.environ.get("SATSOV_DATA_DIR")
    if env:
        return Path(env)
    from satsov._optional import attempt_import
    platformdirs = attempt_import("platformdirs", extra="server")
    return Path(platformdirs.user_data_dir("satsov", appauthor=False))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8000, data_dir: str | Path | None = None, token: str | None = None,
          max_jobs: int = 2) -> None:
    """Run the dashboard until interrupted. Off the loopback interface a token is required."""
    from satsov._optional import attempt_import
    attempt_import("uvicorn", extra="server")
    import uvicorn

    from satsov.server.app import Limits, create_app
    token = token or os.environ.get("SATSOV_TOKEN") or None
    if not is_loopback(host) and not token:
        raise InputError(f"--host {host}: serving beyond this machine needs a token: give --token or set "
                         f"SATSOV_TOKEN", found=host, expected="127.0.0.1, or a token")
    if max_jobs < 1:
        raise InputError(f"--max-jobs: found {max_jobs}, expected 1 or more", found=max_jobs, expected=">= 1")
    app = create_app(Path(data_dir) if data_dir else default_data_dir(), token=token, limits=Limits(max_jobs=max_jobs))
    uvicorn.run(app, host=host, port=port, log_level="warning")
