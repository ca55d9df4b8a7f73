"""The design report: one self-contained HTML file for a :class:`~satsov.synthesis.DesignResult` (the best
design and the others verified, the Pareto front of satellites against availability, coverage maps of the
chosen design through the window, the analytic bounds, the planned constellations measured against the same
requirement, and how the search ran), and its JSON. Written atomically.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from satsov.io import stamped
from satsov.report.html import _CSS, _png, _small_multiples, _table, write_html_and_json

__all__ = ["render_design_html", "write_design_report"]


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.2f}%"


def _ms(lat) -> str:
    if not lat:
        return "–"
    return f"{lat['rtt_ms']:.1f}" if np.isfinite(lat["rtt_ms"]) else "unreachable"


def _pareto_png(result) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pts = result.pareto
    req = result.requirement
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    if pts:
        x = [p["cost"] for p in pts]
        y = [100 * p["screened"] for p in pts]
        ax.step(x, y, where="post", color="#2f6f9f", label="Pareto front (screen)")
        ax.scatter(x, y, s=14, color="#2f6f9f")
        ver = [(p["cost"], 100 * p["verified"]) for p in pts if p.get("verified") is not None]
        if ver:
            ax.scatter(*zip(*ver), marker="D", s=40, color="#c0392b", label="verified (full engine)", zorder=3)
    ax.axhline(100 * req.availability, color="#555", ls="--", lw=1, label=f"requirement {req.availability:.2%}")
    ax.set_xlabel(result.window.get("objective", "satellites"))
    ax.set_ylabel(f"{req.fold}-fold {req.weight}-time covered (%)")
    ax.set_title("Satellites against availability")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)


def render_design_html(result) -> str:
    req = result.requirement
    best = result.best
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>satsov design: {html.escape(req.region)}"
             f"</title><style>{_CSS}</style></head><body>",
             f"<h1>The smallest constellation for {html.escape(req.region)}</h1>",
             f"<p class='lead'>Requirement: {html.escape(req.describe())}.</p>"]
    if best is not None:
        d = best.design
        parts.append("<div class='kpis'>" + "".join(
            f"<div class='kpi'><b>{html.escape(str(v))}</b>{html.escape(k)}</div>" for k, v in [
                ("satellites", d.satellites), ("design", d.label()),
                ("verified availability", _pct(best.verified)),
                ("longest gap", f"{best.check.longest_gap_s:.0f} s"),
                ("gateways", len(best.check.gateways.sites) if best.check.gateways else "ISL: none needed")]) + "</div>")
    else:
        parts.append("<p class='warn'>No design of the search space met the requirement.</p>")
    rows = []
    has_cap, has_rtt = req.capacity_share is not None, req.max_rtt_ms is not None
    for c in result.verified:
        row = [html.escape(c.design.label()), c.design.satellites, _pct(c.screened), _pct(c.verified),
               f"{c.check.longest_gap_s:.0f}"]
        if has_cap:
            row.append(_pct(c.check.capacity["served_share"]) if c.check.capacity else "–")
        if has_rtt:
            row.append(_ms(c.check.latency))
        rows.append(row + ["yes" if c.check.meets else html.escape("; ".join(c.check.reasons))])
    head = ["design", "satellites", "screened", "verified", "longest gap (s)"] + (
        ["demand served"] if has_cap else []) + ([f"RTT p{req.rtt_percentile:g} (ms)"] if has_rtt else []) + ["meets"]
    parts += ["<h2>Designs verified with the full engine</h2>", _table(head, rows)]
    if has_cap or has_rtt:
        parts += ["<h3>Pareto front of the verified designs (satellites against availability"
                  + (", capacity" if has_cap else "") + (", latency" if has_rtt else "") + ")</h3>",
                  _table(["design", "satellites", "verified"] + (["demand served"] if has_cap else [])
                         + (["RTT (ms)"] if has_rtt else []) + ["meets"],
                         [[html.escape(q["label"]), q["satellites"], _pct(q["verified"])]
                          + ([_pct(q.get("capacity_share"))] if has_cap else [])
                          + ([f"{q['rtt_ms']:.1f}" if q.get("rtt_ms") is not None and np.isfinite(q["rtt_ms"]) else "unreachable"]
                             if has_rtt else []) + ["yes" if q["meets"] else "no"] for q in result.pareto_verified])]
    if best is not None and best.check.latency is not None:
        la = best.check.latency
        parts.append(f"<p class='note'>Latency: {la['users']} users standing for equal shares of the region's "
                     f"{html.escape(req.weight)}, every {la['step_s']:g} s; shortest path by propagation delay to "
                     f"{la['points_of_presence']} points of presence ({html.escape(la['how'])}); median "
                     f"{la['median_ms']:.1f} ms, unreachable {100 * la['unreachable_share']:.1f}% of user-time.</p>")
    if best is not None and best.check.gateways is not None:
        gp = best.check.gateways
        parts += [f"<h3>Gateways ({len(gp.sites)} of {gp.candidates} candidate sites in "
                  f"{html.escape(', '.join(gp.countries))}; {html.escape(gp.status)})</h3>",
                  _table(["site", "country", "lat", "lon", "source"],
                         [[html.escape(s.name), s.country, f"{s.lat_deg:.2f}", f"{s.lon_deg:.2f}", html.escape(s.source)]
                          for s in gp.sites])]
        parts += [f"<p class='warn'>{html.escape(n)}</p>" for n in gp.notes]
    parts += ["<h2>Satellites against availability</h2>", f"<img src='{_pareto_png(result)}' alt='Pareto front'>",
              "<p class='note'>Screened figures use circular orbits with J2 drift and a 0.5° lower mask (they err on "
              "the side of keeping); verified figures use SGP4 on WGS-84 over the real grid.</p>"]
    cov = result.coverage
    if cov is not None and best is not None:
        frames = cov.frames.get("design")
        panels = [("whole window", cov.cells["design"]["availability"].to_numpy())]
        if frames is not None and cov.frame_start is not None:
            for k in range(min(len(frames), 5)):
                panels.append((f"from {str(cov.frame_start[k])[:16]} UTC", np.asarray(frames[k])))
        parts += ["<h2>Coverage of the chosen design</h2>",
                  f"<img src='{_small_multiples(cov.grid, panels, best.design.label(), f'share of time with {req.fold} or more satellites')}' alt='maps'>"]
    if result.bounds:
        parts += ["<h2>Analytic bounds (global, for scale)</h2>", _table(
            ["altitude (km)", "half-angle λ", "cap bound: satellites for the globe", "polar streets for the globe"],
            [[f"{b['altitude_km']:g}", f"{b['half_angle_deg']:.2f}°", b["global_cap_bound_satellites"],
              (f"{b['global_streets_pattern']['planes']} × {b['global_streets_pattern']['sats_per_plane']} = "
               f"{b['global_streets_pattern']['satellites']}") if b["global_streets_pattern"] else "–"]
             for b in result.bounds.values()]),
            f"<p class='note'>{html.escape(next(iter(result.bounds.values()))['source'])}</p>"]
    if result.comparison:
        parts += ["<h2>The plans against the same requirement</h2>", _table(
            ["plan", "LEO satellites", "availability", "longest gap (s)", "meets", "what is missing"],
            [[html.escape(c["name"]) + (" (geometry partly assumed)" if c.get("assumed") else ""),
              c["leo_satellites"], _pct(c["availability"]), f"{c['longest_gap_s']:.0f}", "yes" if c["meets"] else "no",
              html.escape(c["missing"])] for c in result.comparison]),
            "<p class='note'>Sources: " + html.escape("; ".join(s for c in result.comparison for s in c["sources"]))
            + "</p>"]
    parts += ["<h2>How the search ran</h2>", "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
              + "</ul>", "</body></html>"]
    return "\n".join(parts)


def write_design_report(result, out_dir) -> dict[str, Path]:
    """Write ``design.html`` and ``design.json`` into ``out_dir`` (atomically); return their paths."""
    return write_html_and_json(out_dir, "design", lambda: render_design_html(result),
                               lambda: stamped(result.to_dict(), "satsov.design"))
