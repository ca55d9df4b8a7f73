"""``/api/health``, ``/api/catalogue`` (the names the scenario form offers) and ``/api/countries.geojson``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from satsov.server.common import countries_geojson

router = APIRouter()


@router.get("/api/health")
def health(request: Request):
    from satsov import __version__
    state = request.app.state
    return {"ready": True, "version": __version__, "max_jobs": state.limits.max_jobs,
            "running": state.runner.running()}


@router.get("/api/catalogue")
def catalogue():
    """Names for the scenario form: operators, standard policies, groups and the built-in scenario."""
    import tomllib

    from satsov.data import data_path
    from satsov.world.operators import operator_registry
    from satsov.world.policies import standard_policies
    from satsov.world.regions import groups
    reg = operator_registry()
    demo = tomllib.loads(data_path("scenarios", "demo.toml").read_text(encoding="utf-8"))
    return {"operators": [{"key": o.key, "name": o.name, "jurisdictions": list(o.jurisdictions),
                           "service": o.service} for o in reg.operators.values()],
            "policies": [{"name": p.name, "description": p.description} for p in standard_policies()],
            "groups": sorted(groups()), "demo": demo}


@router.get("/api/countries.geojson")
def countries():
    return Response(countries_geojson(), media_type="application/geo+json")
