"""The dashboard's web application: a JSON API (documented by its OpenAPI schema at ``/docs``) and the
single-page app, both thin layers over the library functions the CLI uses. The API is split into routers
(:mod:`satsov.server.routers`); what they share is in :mod:`satsov.server.common`.

Safety (each tested adversarially in ``tests/server``):

- a token on every API call and on the API's documentation (``Authorization: Bearer TOKEN`` or
  ``?token=TOKEN``); ``satsov serve`` makes one at each launch and prints the tokenised URL, as Jupyter does;
- the ``Host`` header must name this server (a DNS-rebinding page cannot reach it) and a browser's ``Origin``
  must be this server's own: other sites' pages cannot submit jobs; bodies must be ``application/json``;
- a Content-Security-Policy that allows scripts, styles and connections from this server only (no inline
  script, no framing), with ``X-Content-Type-Options: nosniff``; everything the page needs is in the package;
- request bodies and scenario sizes are bounded; jobs run in a bounded pool; a scenario sent here can name
  no file (its regions are names or inline GeoJSON); only job ids (32 hex digits) and fixed file names reach
  the file system, always under the data directory.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from satsov._optional import attempt_import

attempt_import("fastapi", extra="server")
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402

from satsov.server.common import (FILE_KEYS, RESULT_FILES, Limits, countries_geojson,  # noqa: E402,F401
                                  bounds as _bounds, error_items as _error_items, file_keys as _file_keys,
                                  item as _item)
from satsov.server.jobs import JobRunner  # noqa: E402
from satsov.server.routers import atlas, designs, jobs, meta  # noqa: E402
from satsov.server.store import DataDirLock, Store  # noqa: E402

__all__ = ["Limits", "create_app", "LOOPBACK_HOSTS", "CONTENT_SECURITY_POLICY"]

STATIC = Path(__file__).parent / "static"


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

#: What a page from this server may load and do: its own scripts, styles, images and API only; MapLibre's
#: workers from blob URLs; no inline script, no plugins, no framing by other sites.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                           "worker-src 'self' blob:; child-src 'self' blob:; connect-src 'self'; font-src 'self'; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: For result files (a report is a document of its own, downloaded): no script, no access to this origin.
RESULT_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin",
                    "Cross-Origin-Resource-Policy": "same-origin"}


def _host_name(value: str) -> str:
    """The name in a Host header or an origin's authority, without its port (IPv6 in brackets kept bare)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def create_app(data_dir: str | Path, *, token: str | None = None, limits: Limits = Limits(),
               hosts: tuple[str, ...] | None = LOOPBACK_HOSTS, lock: DataDirLock | None = None):
    """The FastAPI application over ``data_dir`` (the SQLite database, results and cached atlases).

    ``hosts``: the names a request's ``Host`` may give (any port); ``None`` accepts any, which
    :func:`satsov.server.serve` allows only with a token (serving on every interface). The data directory is
    locked (``lock``, else taken when the application starts) and the store opened when it starts."""
    from contextlib import asynccontextmanager

    from satsov import __version__
    data_dir = Path(data_dir).resolve()

    @asynccontextmanager
    async def lifespan(app):
        # one server per data directory: only the one holding the lock may call unfinished jobs failed
        held = lock or DataDirLock(data_dir)
        store = Store(data_dir)
        lost = store.fail_unfinished("the server stopped while the job was queued or running")
        runner = JobRunner(store, limits.max_jobs)
        app.state.store, app.state.runner, app.state.lost_on_start = store, runner, lost
        try:
            yield
        finally:
            runner.shutdown()
            held.release()
    app = FastAPI(title="satsov", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Satellite sovereignty: the dashboard's API (the same library functions as the CLI).")
    allowed = None if hosts is None else {h.lower().strip("[]") for h in hosts}
    app.state.limits = limits
    app.state.data_dir = data_dir

    def refuse(status: int, detail: str):
        return JSONResponse({"detail": detail}, status_code=status, headers=SECURITY_HEADERS)

    def check(request: Request):
        """The reason to refuse this request, as (status, detail), or None."""
        path = request.url.path
        host = request.headers.get("host", "")
        if allowed is not None and _host_name(host) not in allowed:
            return 421, (f"Host {host[:80]!r} does not name this server; expected one of {sorted(allowed)} "
                         f"(serve with --allow-host NAME to add one)")
        origin = request.headers.get("origin")
        if origin is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            scheme, _, authority = origin.partition("://")
            if origin == "null" or authority.lower() != host.lower() or scheme not in ("http", "https"):
                return 403, f"Origin {origin[:80]!r} is not this server: requests from other sites are refused"
        if token and (path.startswith("/api/") or path in ("/docs", "/openapi.json")):
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
                request.query_params.get("token", "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return 401, "a token is required: Authorization: Bearer TOKEN or ?token=TOKEN"
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            size = request.headers.get("content-length")
            if size is None or not size.isdigit():
                return 411, "a request body needs a Content-Length"
            if int(size) > limits.max_body_bytes:
                return 413, f"request body of {int(size):,} bytes, expected at most {limits.max_body_bytes:,}"
            if kind != "application/json":
                return 415, f"Content-Type {kind or 'none'!r}: expected application/json"
        return None

    @app.middleware("http")
    async def guard(request: Request, call_next):
        reason = check(request)
        if reason is not None:
            return refuse(*reason)
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        is_result = request.url.path.startswith("/api/jobs/") and request.url.path.count("/") == 4
        response.headers.setdefault("Content-Security-Policy",
                                    RESULT_POLICY if is_result else CONTENT_SECURITY_POLICY)
        return response

    for module in (meta, jobs, atlas, designs):
        app.include_router(module.router)

    @app.get("/api/docs", include_in_schema=False)
    def api_docs():
        from satsov.server.docs import api_page
        return HTMLResponse(api_page(app.openapi()))

    @app.get("/docs", include_in_schema=False)
    def docs_redirect(request: Request):
        query = f"?token={request.query_params['token']}" if "token" in request.query_params else ""
        return RedirectResponse(f"/api/docs{query}")

    if STATIC.is_dir():
        @app.get("/")
        def index():
            return FileResponse(STATIC / "index.html", media_type="text/html")
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
