"""What the dashboard's routers share: the request limits, the form's error items, the checks every submitted
scenario passes, and the state of the application (``request.app.state``: the store, the job runner, the limits
and the data directory)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from satsov._optional import attempt_import

attempt_import("fastapi", extra="server")
from fastapi import HTTPException, Request  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402

from satsov.server.store import JOB_ID  # noqa: E402

__all__ = ["Limits", "RESULT_FILES", "FILE_KEYS", "item", "error_items", "file_keys", "bounds", "countries_geojson",
           "unprocessable", "job_or_404", "queue_or_429", "json_object"]

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


def item(loc: str, message: str) -> dict:
    """One field error as the form shows it: the key, the message, and both as the CLI would print them."""
    return {"loc": loc, "message": message, "text": f"{loc}: {message}" if loc else message}


def error_items(exc) -> list[dict]:
    """A ScenarioError's message as [{loc, message}] (its lines are 'key.path: message')."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].endswith("invalid scenario"):
        lines = lines[1:]
    out = []
    for ln in lines:
        loc, sep, msg = ln.partition(": ")
        if not sep or " " in loc.replace("', '", "") and not re.match(r"^[\w.\[\]'\- ]+$", loc):
            loc, msg = "", ln
        out.append({**item(loc, msg or ln), "text": ln})
    return out


def file_keys(data, where="") -> list[str]:
    """Paths in a submitted scenario that would name a file: refused (no request reaches the file system)."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            here = f"{where}.{k}" if where else str(k)
            if k in FILE_KEYS and v not in (None, "", [], False):
                found.append(here)
            found += file_keys(v, here)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += file_keys(v, f"{where}[{i}]")
    return found


def bounds(sc, limits: Limits) -> list[dict]:
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
    return [item(loc, m) for loc, m in errs]


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




async def json_object(request: Request, *, empty: dict | None = None) -> dict:
    """The request's body as a JSON object, or a 4xx naming what is wrong (not JSON, too deeply nested, a number
    too long, not an object): never a 500. ``empty``: what an empty body means (else refused)."""
    raw = await request.body()
    if not raw.strip() and empty is not None:
        return dict(empty)
    try:
        body = json.loads(raw)
    except RecursionError:
        raise HTTPException(400, "the body is nested too deeply; expected a JSON object") from None
    except ValueError as exc:   # not JSON, or an integer of thousands of digits
        raise HTTPException(400, f"the body is not JSON ({str(exc)[:120]}); expected a JSON object") from None
    if not isinstance(body, dict):
        raise HTTPException(422, f"the body is a JSON {type(body).__name__}; expected a JSON object")
    return body


def unprocessable(items: list[dict]):
    """422 with the form's error items."""
    return JSONResponse({"errors": items}, status_code=422)


def job_or_404(request: Request, job_id: str):
    """The job, or 404 for a malformed or unknown id (only job ids of 32 hex digits reach the file system)."""
    if not re.match(JOB_ID, job_id):
        raise HTTPException(404, f"no job {job_id!r}: a job id is 32 hexadecimal digits")
    job = request.app.state.store.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return job


def queue_or_429(request: Request) -> None:
    """429 when the queue is full."""
    limits = request.app.state.limits
    waiting = sum(1 for j in request.app.state.store.list(limit=1000) if j.status in ("queued", "running"))
    if waiting >= limits.max_queued:
        raise HTTPException(429, f"{waiting} jobs are queued or running, at most {limits.max_queued}: "
                                 f"wait for some to finish")
