"""Assessments as jobs: ``POST /api/jobs`` (a scenario, checked as the CLI checks it, bounded, naming no file),
the list, one job, its progress as server-sent events, and its result files."""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, StreamingResponse

from satsov.server.common import (RESULT_FILES, bounds, error_items, file_keys, item, job_or_404, json_object,
                                  queue_or_429, unprocessable)

router = APIRouter()



@router.post("/api/jobs", status_code=202)
async def submit(request: Request):
    """Submit a scenario (``{"scenario": {...}}``, the layout of a scenario file). Errors: 422 with
    ``errors: [{loc, message}]``, the same named-key messages as the CLI."""
    from satsov.assessment.run import check_scenario
    from satsov.assessment.scenario import scenario_from_dict
    from satsov.errors import SatsovError
    body = await json_object(request)
    if not isinstance(body.get("scenario"), dict):
        raise HTTPException(422, "expected {\"scenario\": {...}}")
    files = file_keys(body["scenario"])
    if files:
        return unprocessable([item(k, "a scenario sent to the server cannot name files") for k in files])
    try:
        sc = scenario_from_dict(body["scenario"], where="<submitted scenario>", files=False)
        errors = bounds(sc, request.app.state.limits)
        if errors:
            return unprocessable(errors)
        if sc.capacity.workers not in (None, 1):
            return unprocessable([item("capacity.workers", f"found {sc.capacity.workers}, expected 1 on this "
                                                           f"server (a job runs in one process of its pool)")])
        await asyncio.to_thread(check_scenario, sc)
    except SatsovError as exc:
        return unprocessable(error_items(exc))
    queue_or_429(request)
    job = request.app.state.store.add("assess", sc.name, {"scenario": body["scenario"]})
    request.app.state.runner.submit(job.id)
    return job.to_dict()


@router.get("/api/jobs")
def jobs(request: Request):
    return {"jobs": [j.to_dict() for j in request.app.state.store.list()]}


@router.get("/api/jobs/{job_id}")
def job(job_id: str, request: Request):
    j = job_or_404(request, job_id)
    d = j.to_dict()
    d["request"] = j.request
    folder = request.app.state.store.result_dir(j.id)
    d["files"] = sorted(f for f in RESULT_FILES if (folder / f).is_file()) if j.status == "done" else []
    return d


@router.get("/api/jobs/{job_id}/events")
async def events(job_id: str, request: Request):
    """Server-sent events: ``progress`` while the job runs, then one ``done`` or ``failed``."""
    job_or_404(request, job_id)

    async def stream():
        last = None
        while True:
            if await request.is_disconnected():
                return
            j = request.app.state.store.get(job_id)
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


@router.get("/api/jobs/{job_id}/{name}")
def result(job_id: str, name: str, request: Request):
    j = job_or_404(request, job_id)
    if name not in RESULT_FILES:
        raise HTTPException(404, f"no file {name!r}: a job has {', '.join(RESULT_FILES)}")
    path = request.app.state.store.result_dir(j.id) / name
    if j.status != "done" or not path.is_file():
        raise HTTPException(404, f"job {j.id} has no {name} (status {j.status})")
    headers = {"Content-Disposition": f'attachment; filename="satsov-{j.id[:8]}-{name}"'} \
        if name in ("report.html", "report.json") else None
    return FileResponse(path, media_type=RESULT_FILES[name], headers=headers)
