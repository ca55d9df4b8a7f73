"""The dashboard's web application: a JSON API (documented by its OpenAPI schema at ``/docs``) and the
single-page app, both thin layers over the library functions the CLI uses. The API is split into routers
(:mod:`satsov.server.routers`); what they share is in :mod:`satsov.server.common`.

Safety: binds to 127.0.0.1 unless told otherwise, and then only with a token, checked on every API call
(``Authorization: Bearer TOKEN`` or ``?token=TOKEN``); request bodies and scenario sizes are bounded; jobs
run in a bounded pool; only job ids (32 hex digits) and fixed file names reach the file system, always
under the data directory.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from satsov._optional import attempt_import

attempt_import("fastapi", extra="server")
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import FileResponse, JSONResponse  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402

from satsov.server.common import (FILE_KEYS, RESULT_FILES, Limits, countries_geojson,  # noqa: E402,F401
                                  bounds as _bounds, error_items as _error_items, file_keys as _file_keys,
                                  item as _item)
from satsov.server.jobs import JobRunner  # noqa: E402
from satsov.server.routers import atlas, designs, jobs, meta  # noqa: E402
from satsov.server.store import Store  # noqa: E402

__all__ = ["Limits", "create_app"]

STATIC = Path(__file__).parent / "static"


def create_app(data_dir: str | Path, *, token: str | None = None, limits: Limits = Limits()):
    """The FastAPI application over ``data_dir`` (the SQLite database, results and cached atlases)."""
    from contextlib import asynccontextmanager

    from satsov import __version__
    data_dir = Path(data_dir).resolve()
    store = Store(data_dir)
    lost = store.fail_unfinished("the server stopped while the job was queued or running")
    runner = JobRunner(store, limits.max_jobs)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        runner.shutdown()
    app = FastAPI(title="satsov", version=__version__, lifespan=lifespan,
                  description="Satellite sovereignty: the dashboard's API (the same library functions as the CLI).")
    app.state.store, app.state.runner, app.state.limits, app.state.lost_on_start = store, runner, limits, lost
    app.state.data_dir = data_dir

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        if path.startswith("/api/") and token:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
                request.query_params.get("token", "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return JSONResponse({"detail": "a token is required: Authorization: Bearer TOKEN or ?token=TOKEN"},
                                    status_code=401)
        if request.method in ("POST", "PUT", "PATCH"):
            size = request.headers.get("content-length")
            if size is None or not size.isdigit():
                return JSONResponse({"detail": "a request body needs a Content-Length"}, status_code=411)
            if int(size) > limits.max_body_bytes:
                return JSONResponse({"detail": f"request body of {int(size):,} bytes, expected at most "
                                               f"{limits.max_body_bytes:,}"}, status_code=413)
        return await call_next(request)

    for module in (meta, jobs, atlas, designs):
        app.include_router(module.router)

    if STATIC.is_dir():
        @app.get("/")
        def index():
            return FileResponse(STATIC / "index.html", media_type="text/html")
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
