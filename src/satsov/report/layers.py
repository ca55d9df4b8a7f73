"""What a map needs from an assessment: per region, the cells and every case's per-cell availability, the
time series of each case, and the figures, all precomputed so that a viewer switches cases without
recomputing anything (the dashboard's region view reads this as ``view.json``)."""

from __future__ import annotations

import numpy as np

from satsov.world.cases import case_id, case_key_id

__all__ = ["region_layers"]


def region_layers(assessment) -> dict:
    """``{"regions": {name: {"cells": {...}, "cases": [...], "availability": {case: [...]}, "series": {...}}}}``."""
    out = {}
    for name, r in assessment.regions.items():
        res = r.coverage
        g = res.grid
        cases, avail, series, frames = [], {}, {}, {}
        for key in res.cells:
            kind, label = case_id(key)
            cid = case_key_id(key)
            cases.append({"id": cid, "kind": kind, "label": label,
                          "operators": list(res.cases[key].operators),
                          "denials": [d.name or d.operator for d in res.cases[key].denials if d.name != "licence"]})
            avail[cid] = np.round(res.cells[key]["availability"].to_numpy(), 3).tolist()
            series[cid] = np.round(res.series[key]["coverage_population"].to_numpy(), 4).tolist()
            if key in res.frames:
                frames[cid] = np.round(res.frames[key], 2).tolist()
        figures = {"policies": {k: {"served_share": v.served_share, "loss_pp": v.loss_vs_all_pp}
                                for k, v in r.policies.items()},
                   "kill_switch": {k: {"served_share": v.served_share, "loss_pp": v.loss_pp}
                                   for k, v in r.kill_switch.items()},
                   "operators": {k: {"alone": v.served_share_alone, "sole": v.sole_provider_share}
                                 for k, v in r.operators.items()}}
        capacity_layer = None
        if r.capacity is not None:
            figures["capacity"] = r.capacity.to_dict()
            res_c = r.capacity.result
            cg = res_c.demand.grid
            inside = np.asarray(res_c.demand.in_region, bool)
            capacity_layer = {
                "cells": {"lat_deg": np.round(cg.lat_deg[inside], 3).tolist(),
                          "lon_deg": np.round(cg.lon_deg[inside], 3).tolist(), "spacing_km": cg.spacing_km},
                "served_share": {case_key_id(k): np.round(res_c.cell_share(k), 3).tolist()
                                 for k in res_c.cases},
            }
        out[name] = {
            "cells": {"lat_deg": np.round(g.lat_deg, 3).tolist(), "lon_deg": np.round(g.lon_deg, 3).tolist(),
                      "population": np.round(g.population).astype(int).tolist(), "spacing_km": g.spacing_km},
            "time": [str(t) for t in res.times.isoformat()],
            "cases": cases, "availability": avail, "series": series, "figures": figures,
            "capacity": capacity_layer,
            "frames": frames,
            "frame_start": [] if res.frame_start is None else [str(t)[:19] + "Z" for t in res.frame_start],
        }
    return {"regions": out, "routes": assessment.routes, "warnings": assessment.warnings}
