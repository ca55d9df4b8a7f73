"""The dashboard's web application: a JSON API (documented by its OpenAPI schema at ``/docs``) and the
single-page app, both thin layers over the library functions the CLI uses.

Safety: binds to 127.0.0.1 unless told otherwise, and then only with a token, checked on every API call
(``Authorization: Bearer TOKEN`` or ``?token=TOKEN``); request bodies and scenario sizes are bounded; jobs
run in a bounded pool; only job ids (32 hex digits) and fixed file names reach the file system, always
under the data directory.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from satsov._optional import attempt_import

attempt_import("fastapi", extra="server")
from fastapi import FastAPI, HTTPException, Request  # noqa: E402
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402

from satsov.io import check_stamp  # noqa: E402
from satsov.server.jobs import JobRunner  # noqa: E402
from satsov.server.store import JOB_ID, Store  # noqa: E402

__all__ = ["Limits", "create_app"]

STATIC = Path(__file__).parent / "static"
RESULT_FILES = {"report.html": "text/html", "report.json": "application/json", "view.json": "application/json",
                "atlas.json": "application/json"}
FILE_KEYS = ("geojson", "gateways_file", "operators_file", "file", "catalog")


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask for."""

    max_body_bytes: int = 256 * 1024
    max_regions: int = 8
    max_window_s: float = 7 * 86400
    max_steps: int = 20_000
    min_spacing_km: float = 25.0
    max_events: int = 32
    max_city_pairs: int = 16
    max_jobs: int = 2
    max_queued: int = 20
    atlas_max_seconds: float = 900.0


def _item(loc: str, message: str) -> dict:
    """One field error as the form shows it: the key, the message, and both as the CLI would print them."""
    return {"loc": loc, "message": message, "text": f"{loc}: {message}" if loc else message}


def _error_items(exc) -> list[dict]:
    """A ScenarioError's message as [{loc, message}] (its lines are 'key.path: message')."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].endswith("invalid scenario"):
        lines = lines[1:]
    out = []
    for ln in lines:
        loc, sep, msg = ln.partition(": ")
        if not sep or " " in loc.replace("', '", "") and not re.match(r"^[\w.\[\]'\- ]+$", loc):
            loc, msg = "", ln
        out.append({**_item(loc, msg or ln), "text": ln})
    return out


def _file_keys(data, where="") -> list[str]:
    """Paths in a submitted scenario that would name a file: refused (no request reaches the file system)."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            here = f"{where}.{k}" if where else str(k)
            if k in FILE_KEYS and v not in (None, "", [], False):
                found.append(here)
            found += _file_keys(v, here)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _file_keys(v, f"{where}[{i}]")
    return found


def _bounds(sc, limits: Limits) -> list[dict]:
    from satsov.times import parse_duration_s
    errs = []
    if len(sc.regions) > limits.max_regions:
        errs.append(("regions", f"found {len(sc.regions)} regions, expected at most {limits.max_regions}"))
    for i, r in enumerate(sc.regions):
        if r.spacing_km < limits.min_spacing_km:
            errs.append((f"regions[{i}].spacing_km", f"found {r.spacing_km:g}, expected at least "
                                                      f"{limits.min_spacing_km:g} km on this server"))
    window_s = parse_duration_s(sc.window.duration)
    step_s = parse_duration_s(sc.window.step)
    if window_s > limits.max_window_s:
        errs.append(("window.duration", f"found {sc.window.duration}, expected at most "
                                        f"{limits.max_window_s / 86400:g} days on this server"))
    if step_s > 0 and window_s / step_s > limits.max_steps:
        errs.append(("window.step", f"found {window_s / step_s:,.0f} steps, expected at most {limits.max_steps:,}: "
                                    f"use a longer step"))
    if len(sc.events) > limits.max_events:
        errs.append(("events", f"found {len(sc.events)}, expected at most {limits.max_events}"))
    if len(sc.city_pairs) > limits.max_city_pairs:
        errs.append(("city_pairs", f"found {len(sc.city_pairs)}, expected at most {limits.max_city_pairs}"))
    return [_item(loc, m) for loc, m in errs]


@lru_cache(maxsize=1)
def countries_geojson() -> bytes:
    """Every country's outline (Natural Earth 1:50m, simplified to 0.02°) as GeoJSON, with code and name."""
    import shapely

    from satsov.errors import InputError
    from satsov.world.regions import countries, country
    features = []
    for code, c in countries().items():
        try:
            geom = country(code).geometry
        except InputError:
            continue
        geom = shapely.simplify(geom, 0.02, preserve_topology=True)
        features.append({"type": "Feature", "properties": {"code": code, "name": c.name},
                         "geometry": shapely.geometry.mapping(geom)})
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()


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

    def unprocessable(items: list[dict]):
        return JSONResponse({"errors": items}, status_code=422)

    def job_or_404(job_id: str):
        if not re.match(JOB_ID, job_id):
            raise HTTPException(404, f"no job {job_id!r}: a job id is 32 hexadecimal digits")
        job = store.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r}")
        return job

    def queue_or_429():
        waiting = sum(1 for j in store.list(limit=1000) if j.status in ("queued", "running"))
        if waiting >= limits.max_queued:
            raise HTTPException(429, f"{waiting} jobs are queued or running, at most {limits.max_queued}: "
                                     f"wait for some to finish")

    @app.get("/api/health")
    def health():
        return {"ready": True, "version": __version__, "max_jobs": limits.max_jobs,
                "running": runner.running()}

    @app.get("/api/catalogue")
    def catalogue():
        """Names for the scenario form: operators, standard policies, groups and the built-in scenario."""
        from satsov.data import data_path
        from satsov.world.operators import operator_registry
        from satsov.world.policies import standard_policies
        from satsov.world.regions import groups
        reg = operator_registry()
        import tomllib
        demo = tomllib.loads(data_path("scenarios", "demo.toml").read_text(encoding="utf-8"))
        return {"operators": [{"key": o.key, "name": o.name, "jurisdictions": list(o.jurisdictions),
                               "service": o.service} for o in reg.operators.values()],
                "policies": [{"name": p.name, "description": p.description} for p in standard_policies()],
                "groups": sorted(groups()), "demo": demo}

    @app.get("/api/countries.geojson")
    def countries():
        return Response(countries_geojson(), media_type="application/geo+json")

    @app.post("/api/jobs", status_code=202)
    async def submit(request: Request):
        """Submit a scenario (``{"scenario": {...}}``, the layout of a scenario file). Errors: 422 with
        ``errors: [{loc, message}]``, the same named-key messages as the CLI."""
        from satsov.assessment.run import check_scenario
        from satsov.assessment.scenario import scenario_from_dict
        from satsov.errors import SatsovError
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise HTTPException(400, "the body is not JSON: expected {\"scenario\": {...}}") from None
        if not isinstance(body, dict) or not isinstance(body.get("scenario"), dict):
            raise HTTPException(422, "expected {\"scenario\": {...}}")
        files = _file_keys(body["scenario"])
        if files:
            return unprocessable([_item(k, "a scenario sent to the server cannot name files") for k in files])
        try:
            sc = scenario_from_dict(body["scenario"], where="<submitted scenario>")
            errors = _bounds(sc, limits)
            if errors:
                return unprocessable(errors)
            await asyncio.to_thread(check_scenario, sc)
        except SatsovError as exc:
            return unprocessable(_error_items(exc))
        queue_or_429()
        job = store.add("assess", sc.name, {"scenario": body["scenario"]})
        runner.submit(job.id)
        return job.to_dict()

    @app.get("/api/jobs")
    def jobs():
        return {"jobs": [j.to_dict() for j in store.list()]}

    @app.get("/api/jobs/{job_id}")
    def job(job_id: str):
        j = job_or_404(job_id)
        d = j.to_dict()
        d["request"] = j.request
        d["files"] = sorted(f for f in RESULT_FILES if (store.result_dir(j.id) / f).is_file()) if j.status == "done" else []
        return d

    @app.get("/api/jobs/{job_id}/events")
    async def events(job_id: str, request: Request):
        """Server-sent events: ``progress`` while the job runs, then one ``done`` or ``failed``."""
        job_or_404(job_id)

        async def stream():
            last = None
            while True:
                if await request.is_disconnected():
                    return
                j = store.get(job_id)
                state = (j.status, j.progress_label, j.progress_done, j.progress_total)
                if state != last:
                    last = state
                    kind = j.status if j.status in ("done", "failed") else "progress"
                    yield f"event: {kind}\ndata: {json.dumps(j.to_dict())}\n\n"
                    if kind != "progress":
                        return
                await asyncio.sleep(0.2)
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @app.get("/api/jobs/{job_id}/{name}")
    def result(job_id: str, name: str):
        j = job_or_404(job_id)
        if name not in RESULT_FILES:
            raise HTTPException(404, f"no file {name!r}: a job has {', '.join(RESULT_FILES)}")
        path = store.result_dir(j.id) / name
        if j.status != "done" or not path.is_file():
            raise HTTPException(404, f"job {j.id} has no {name} (status {j.status})")
        headers = {"Content-Disposition": f'attachment; filename="satsov-{j.id[:8]}-{name}"'} \
            if name in ("report.html", "report.json") else None
        return FileResponse(path, media_type=RESULT_FILES[name], headers=headers)

    @app.get("/api/atlas")
    def atlas_latest():
        """The newest atlas computed here (``satsov atlas --data-dir`` or ``POST /api/atlas``)."""
        files = sorted([*(data_dir / "atlas").glob("*.json"), *(data_dir / "jobs").glob("*/atlas.json")],
                       key=lambda p: p.stat().st_mtime)
        if not files:
            raise HTTPException(404, "no atlas yet: run `satsov atlas --data-dir DIR` or POST /api/atlas")
        return FileResponse(files[-1], media_type="application/json")

    @app.post("/api/atlas", status_code=202)
    async def atlas_job(request: Request):
        """Compute an atlas as a job: ``{"spacing_km": 200, "duration": "6h", "step": "10m"}``."""
        from satsov.assessment.atlas import estimate_atlas
        from satsov.times import parse_duration_s
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise HTTPException(400, "the body is not JSON") from None
        allowed = {"spacing_km", "start", "duration", "step", "min_elevation_deg", "operators", "licences"}
        unknown = sorted(set(body) - allowed)
        if unknown:
            return unprocessable([_item(k, f"unknown key; expected one of {sorted(allowed)}") for k in unknown])
        try:
            spacing = float(body.get("spacing_km", 200.0))
            steps = parse_duration_s(body.get("duration", "6h")) / parse_duration_s(body.get("step", "10m"))
        except (TypeError, ValueError) as exc:
            return unprocessable([_item("", str(exc))])
        if spacing < 50:
            return unprocessable([_item("spacing_km", "expected at least 50 km on this server")])
        est = estimate_atlas(spacing, int(steps), 12_000)  # about the built-in broadband fleet
        if est["seconds_2_cores"] > limits.atlas_max_seconds:
            return unprocessable([_item("", f"about {est['seconds_2_cores']:.0f} s, over this server's "
                                             f"{limits.atlas_max_seconds:.0f} s: coarser spacing or longer step")])
        queue_or_429()
        job = store.add("atlas", f"atlas {spacing:g} km", {"params": body})
        runner.submit(job.id)
        return job.to_dict()

    def design_path(name: str) -> Path:
        if not re.match(r"^[0-9A-Za-z_-]{1,80}$", name):
            raise HTTPException(404, f"no design {name!r}")
        path = data_dir / "designs" / f"{name}.json"
        if not path.is_file():
            raise HTTPException(404, f"no design {name!r}: store one with `satsov design ... --data-dir DIR`")
        return path

    @app.get("/api/designs")
    def designs():
        """Designs stored by ``satsov design --data-dir``, newest first."""
        files = sorted((data_dir / "designs").glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        out = []
        for p in files:
            try:
                d = json.loads(p.read_text(encoding="utf-8"))
                check_stamp(d, "satsov.stored-design", p.name)
            except ValueError:  # InputError is a ValueError: a newer or foreign file is not listed
                continue
            out.append({"name": p.stem, **d})
        return {"designs": out}

    @app.get("/api/designs/{name}/satellites")
    def design_satellites(name: str):
        """The best design's satellites at the start of its own window (every shell): sub-satellite points."""
        from satsov.synthesis.space import design_snapshot
        return design_snapshot(json.loads(design_path(name).read_text(encoding="utf-8")))

    if STATIC.is_dir():
        @app.get("/")
        def index():
            return FileResponse(STATIC / "index.html", media_type="text/html")
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
