"""Constellation designs stored by ``satsov design --data-dir``: the list (format checked) and the best design's
satellites at the start of its own window."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request

from satsov.io import check_stamp

router = APIRouter()


def design_path(request: Request, name: str) -> Path:
    if not re.match(r"^[0-9A-Za-z_-]{1,80}$", name):
        raise HTTPException(404, f"no design {name!r}")
    path = request.app.state.data_dir / "designs" / f"{name}.json"
    if not path.is_file():
        raise HTTPException(404, f"no design {name!r}: store one with `satsov design ... --data-dir DIR`")
    return path


@router.get("/api/designs")
def designs(request: Request):
    """Designs stored by ``satsov design --data-dir``, newest first."""
    files = sorted((request.app.state.data_dir / "designs").glob("*.json"), key=lambda p: p.stat().st_mtime,
                   reverse=True)
    out = []
    for p in files:
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
            check_stamp(d, "satsov.stored-design", p.name)
        except ValueError:  # InputError is a ValueError: a newer or foreign file is not listed
            continue
        out.append({"name": p.stem, **d})
    return {"designs": out}


@router.get("/api/designs/{name}/satellites")
def design_satellites(name: str, request: Request):
    """The best design's satellites at the start of its own window (every shell): sub-satellite points."""
    from satsov.errors import SatsovError
    from satsov.synthesis.space import design_snapshot
    path = design_path(request, name)
    try:
        return design_snapshot(json.loads(path.read_text(encoding="utf-8")))
    except (SatsovError, KeyError, TypeError, ValueError) as exc:  # a file damaged or written by hand
        what = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
        raise HTTPException(422, f"design {name!r} cannot be drawn: {what}") from None
