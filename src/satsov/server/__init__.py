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


def allowed_hosts(host: str, extra: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The names a request's Host header may give when serving on ``host``: the loopback names, ``host`` itself
    and ``extra``; ``None`` (any) when binding every interface (0.0.0.0, ::), where the token guards."""
    from satsov.server.app import LOOPBACK_HOSTS
    if host in ("0.0.0.0", "::", ""):
        return None
    return tuple(dict.fromkeys((*LOOPBACK_HOSTS, host, *extra)))


def serve(host: str = "127.0.0.1", port: int = 8000, data_dir: str | Path | None = None, token: str | None = None,
          max_jobs: int = 2, *, no_token: bool = False, allow_hosts: tuple[str, ...] = (), announce=print) -> None:
    """Run the dashboard until interrupted.

    A token guards every API call: ``token``, else ``$SATSOV_TOKEN``, else one made now (and printed in the
    dashboard's URL, as Jupyter does). ``no_token`` serves without one, on the loopback interface only.
    ``announce`` receives the line saying where the dashboard is, once every check has passed."""
    import secrets

    from satsov._optional import attempt_import
    attempt_import("uvicorn", extra="server")
    import uvicorn

    from satsov.server.app import Limits, create_app
    token = token or os.environ.get("SATSOV_TOKEN") or None
    if no_token and token:
        raise InputError("--no-token and a token (--token or SATSOV_TOKEN) were both given; expected one",
                         found="both", expected="one")
    if no_token and not is_loopback(host):
        raise InputError(f"--host {host}: serving beyond this machine needs a token; --no-token is for "
                         f"127.0.0.1 only", found=host, expected="127.0.0.1, or a token")
    if not (1 <= port <= 65535):
        raise InputError(f"--port: found {port}, expected 1 to 65535", found=port, expected="1..65535")
    if max_jobs < 1:
        raise InputError(f"--max-jobs: found {max_jobs}, expected 1 or more", found=max_jobs, expected=">= 1")
    if not no_token and not token:
        token = secrets.token_urlsafe(24)
    where = Path(data_dir) if data_dir else default_data_dir()
    from satsov.server.store import DataDirLock, Store
    lock = DataDirLock(where)       # refused at once if another server uses the folder
    try:
        Store(where).close()        # a damaged or read-only database: one message, before anything starts
    except BaseException:
        lock.release()
        raise
    app = create_app(where, token=token, limits=Limits(max_jobs=max_jobs), hosts=allowed_hosts(host, allow_hosts),
                     lock=lock)
    shown = f"[{host}]" if ":" in host else host
    announce(f"satsov dashboard on http://{shown}:{port}/{'?token=' + token if token else ''} (data: {where}); "
             f"Ctrl-C to stop")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        lock.release()
