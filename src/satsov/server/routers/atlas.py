"""The world atlas: the newest one computed here, and ``POST /api/atlas`` to compute one as a job (refused, with
the estimate, when it would take longer than the server allows)."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from satsov.server.common import item, queue_or_429, unprocessable

router = APIRouter()


@router.get("/api/atlas")
def atlas_latest(request: Request):
    """The newest atlas computed here (``satsov atlas --data-dir`` or ``POST /api/atlas``)."""
    data_dir = request.app.state.data_dir
    files = sorted([*(data_dir / "atlas").glob("*.json"), *(data_dir / "jobs").glob("*/atlas.json")],
                   key=lambda p: p.stat().st_mtime)
    if not files:
        raise HTTPException(404, "no atlas yet: run `satsov atlas --data-dir DIR` or POST /api/atlas")
    return FileResponse(files[-1], media_type="application/json")


@router.post("/api/atlas", status_code=202)
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
        return unprocessable([item(k, f"unknown key; expected one of {sorted(allowed)}") for k in unknown])
    try:
        spacing = float(body.get("spacing_km", 200.0))
        steps = parse_duration_s(body.get("duration", "6h")) / parse_duration_s(body.get("step", "10m"))
    except (TypeError, ValueError) as exc:
        return unprocessable([item("", str(exc))])
    if spacing < 50:
        return unprocessable([item("spacing_km", "expected at least 50 km on this server")])
    est = estimate_atlas(spacing, int(steps), 12_000)  # about the built-in broadband fleet
    if est["seconds_2_cores"] > request.app.state.limits.atlas_max_seconds:
        return unprocessable([item("", f"about {est['seconds_2_cores']:.0f} s, over this server's "
                                         f"{request.app.state.limits.atlas_max_seconds:.0f} s: coarser spacing or longer step")])
    queue_or_429(request)
    job = request.app.state.store.add("atlas", f"atlas {spacing:g} km", {"params": body})
    request.app.state.runner.submit(job.id)
    return job.to_dict()
