"""The world atlas: the newest one computed here, and ``POST /api/atlas`` to compute one as a job (refused, with
the estimate, when it would take longer than the server allows)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from satsov.server.common import item, json_object, queue_or_429, unprocessable

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


class AtlasRequest(BaseModel):
    """What ``POST /api/atlas`` takes: the atlas's parameters, each bounded."""

    model_config = ConfigDict(extra="forbid")
    spacing_km: float = Field(200.0, ge=50, le=2000, allow_inf_nan=False)
    start: str | None = None
    duration: str = "6h"
    step: str = "10m"
    min_elevation_deg: float = Field(25.0, ge=0, lt=90, allow_inf_nan=False)
    operators: list[str] | None = Field(None, max_length=64)
    licences: bool = True


@router.post("/api/atlas", status_code=202)
async def atlas_job(request: Request):
    """Compute an atlas as a job: ``{"spacing_km": 200, "duration": "6h", "step": "10m"}``. Errors: 422 with
    ``errors: [{loc, message}]``."""
    from pydantic import ValidationError

    from satsov.assessment.atlas import estimate_atlas
    from satsov.errors import InputError
    from satsov.times import time_grid
    body = await json_object(request, empty={})
    try:
        params = AtlasRequest(**body)
    except ValidationError as exc:
        return unprocessable([item(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()])
    try:
        from satsov.defaults import DEFAULT_START
        times = time_grid(params.start or DEFAULT_START, params.duration, params.step)
    except InputError as exc:
        key = next((k for k in ("step", "duration", "start") if str(exc).startswith(k)), "")
        return unprocessable([item(key, str(exc).split(": ", 1)[-1])])
    est = estimate_atlas(params.spacing_km, len(times), 12_000)  # about the built-in broadband fleet
    if est["seconds_2_cores"] > request.app.state.limits.atlas_max_seconds:
        return unprocessable([item("", f"about {est['seconds_2_cores']:.0f} s, over this server's "
                                         f"{request.app.state.limits.atlas_max_seconds:.0f} s: coarser spacing or longer step")])
    queue_or_429(request)
    stored = params.model_dump(exclude_none=True, exclude_unset=True)
    job = request.app.state.store.add("atlas", f"atlas {params.spacing_km:g} km", {"params": stored})
    request.app.state.runner.submit(job.id)
    return job.to_dict()
