"""The assessment report: one self-contained HTML file (maps, charts, tables, scenario and sources) and a
JSON file with every figure. Written atomically.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import threading
from pathlib import Path

import numpy as np

from satsov.assessment.registry import TABLES
from satsov.assessment.results import BASELINE, PolicyCase
from satsov.io import check_writable, dumps_json, stamped, write_together

__all__ = ["write_report", "render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;
color:#1d2733;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #d8dee6;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.5em}.lead{font-size:1.1em;color:#3b4a5a}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}th,td{border:1px solid #d8dee6;padding:.3em .6em;
text-align:right}th{background:#eef2f6}td:first-child,th:first-child{text-align:left}
.kpis{display:flex;flex-wrap:wrap;gap:1em}.kpi{background:#f4f7fa;border-radius:8px;padding:.8em 1.1em;min-width:12em}
.kpi b{display:block;font-size:1.6em}.note{color:#5b6b7b;font-size:.9em}img{max-width:100%}
pre{background:#f4f7fa;padding:1em;overflow:auto;font-size:.85em}.warn{color:#8a5300}
"""


_RAW: dict = {}  # the figure functions, undecorated (what a worker process calls)
_STATE = threading.local()  # .deferred: while this thread renders a report on several processes, its figures


def _figure(fn):
    """A function that draws one figure and returns it as a data URI. While :func:`_rendered` collects them,
    a call only records its arguments and returns a placeholder; the figures are then drawn on several
    processes and put in place."""
    _RAW[fn.__name__] = fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        deferred = getattr(_STATE, "deferred", None)
        if deferred is None:
            return fn(*args, **kwargs)
        deferred.append((fn.__name__, args, kwargs))
        return f"@@satsov-figure-{len(deferred) - 1}@@"
    return wrapper


def _draw_job(job) -> str:
    name, args, kwargs = job
    return _RAW[name](*args, **kwargs)


def _rendered(render, workers: int) -> str:
    """``render()``'s HTML with its figures drawn by ``workers`` worker processes
    (:func:`satsov.pools.process_pool`) where ``workers`` is above 1, else here. The figures are the same as
    drawn one after the other."""
    if workers <= 1:
        return render()
    _STATE.deferred = jobs = []
    try:
        text = render()
    finally:
        _STATE.deferred = None
    uris = [_draw_job(j) for j in jobs] if len(jobs) < 3 else _drawn(jobs, workers)
    for i, uri in enumerate(uris):
        text = text.replace(f"@@satsov-figure-{i}@@", uri)
    return text


def _drawn(jobs: list, workers: int) -> list[str]:
    """The figures of ``jobs``, drawn by ``workers`` worker processes (:class:`satsov.pools.Feeders` hands each
    its next figure, the costliest first, so that the last ones to finish are short), while this process
    waits: the workers start from the fork server with matplotlib loaded, where this process would load it for
    its first figure (0.4 s). No figure is drawn twice; a figure whose worker failed, and any left when every
    worker has stopped, is drawn here, where its error is raised."""
    from collections import deque

    from satsov.pools import Feeders, managed_pool
    order = sorted(range(len(jobs)), key=lambda i: -_cost(jobs[i]))
    n = min(workers, len(jobs))
    with managed_pool(n, preload=("satsov.report.preload",)) as pool:
        feed = Feeders(deque((i, jobs[i]) for i in order), pool, _draw_job, n, "satsov-figures")
        feed.wait()
        uris = [feed.done.get(i) for i in range(len(jobs))]
        for i in sorted(i for i, _exc in feed.failed) + [i for i, _job in feed.todo]:
            uris[i] = _draw_job(jobs[i])
    return uris


def _cost(job) -> float:
    """A figure's drawing time, roughly, in units of a bar chart's (measured: a map panel costs about two)."""
    name, args, _kwargs = job
    if name == "_small_multiples":
        return 1.0 + 2.0 * len(args[1])
    return 2.0 if name == "_series_plot" else 1.0


def _png(fig) -> str:
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _borders(ax, frame):
    """Country borders inside a frame as one LineCollection (one artist, not one per polygon); the clipped
    outlines of a frame are computed once and reused by every panel that shows it."""
    from matplotlib.collections import LineCollection
    segments = _border_segments(frame.lon_min, frame.lon_max, frame.lat_min, frame.lat_max, frame)
    ax.add_collection(LineCollection(segments, colors="#55606b", linewidths=0.5, zorder=3))


_SEGMENTS: dict = {}


def _border_segments(lon_min, lon_max, lat_min, lat_max, frame):
    key = (lon_min, lon_max, lat_min, lat_max)
    if key not in _SEGMENTS:
        if len(_SEGMENTS) > 256:
            _SEGMENTS.clear()
        _SEGMENTS[key] = _clip_outlines(frame)
    return _SEGMENTS[key]


def _clip_outlines(frame):
    from satsov.world.regions import outlines
    import shapely
    segments = []
    for lo, hi in _lon_windows(frame):
        # clip to the window (a degree beyond it, so that the cut edges fall outside the axes), then move the
        # whole window by one constant: unwrapping points one by one would tear polygons that leave the frame
        box = shapely.box(max(-180.0, lo - 1.0), max(-90.0, frame.lat_min - 1.0), min(180.0, hi + 1.0),
                          min(90.0, frame.lat_max + 1.0))
        offset = float(frame.lon(np.array([0.5 * (lo + hi)]))[0] - 0.5 * (lo + hi))
        for poly in outlines((lo, hi, frame.lat_min, frame.lat_max)):
            clipped = poly.intersection(box)
            for piece in getattr(clipped, "geoms", [clipped]):
                if piece.geom_type == "Polygon" and not piece.is_empty:
                    x, y = piece.exterior.xy
                    segments.append(np.column_stack([np.asarray(x) + offset, np.asarray(y)]))
    return segments


def _lon_windows(frame):
    """The frame's longitude range as boxes within [-180, 180] (two when it crosses the antimeridian)."""
    lo, hi = frame.lon_min, frame.lon_max
    if hi - lo >= 360:
        return [(-180.0, 180.0)]
    lo_w, hi_w = (lo + 180.0) % 360.0 - 180.0, (hi + 180.0) % 360.0 - 180.0
    return [(lo_w, hi_w)] if lo_w <= hi_w else [(lo_w, 180.0), (-180.0, hi_w)]


def _draw(ax, g, values, frame, vmin, vmax, cmap, size):
    cells = frame.cells
    sc = ax.scatter(frame.lon(g.lon_deg[cells]), g.lat_deg[cells], c=values[cells], s=size, marker="s", cmap=cmap,
                    vmin=vmin, vmax=vmax, linewidths=0, zorder=2)
    _borders(ax, frame)
    ax.set_xlim(frame.lon_min, frame.lon_max)
    ax.set_ylim(frame.lat_min, frame.lat_max)
    ax.set_aspect(frame.aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    return sc


def _map_axes(ax, g, values, frames, title, vmin=0.0, vmax=1.0, cmap="RdYlGn"):
    """The main frame in ``ax``, the insets in a row below it, each labelled with its main country."""
    main, insets = frames
    width_deg = max(main.lon_max - main.lon_min, 1.0)
    size = max(1.0, min(40.0, 3.0e4 / max(len(main.cells), 1)))
    sc = _draw(ax, g, np.asarray(values), main, vmin, vmax, cmap, size)
    ax.set_title(title, fontsize=10)
    if insets:
        _inset_strip(ax, g, np.asarray(values), main, insets, vmin, vmax, cmap, size, width_deg)
    return sc


def _inset_strip(ax, g, values, main, insets, vmin, vmax, cmap, size, width_deg):
    """The insets in one strip of axes below ``ax``: each in its own slot, scaled to keep its aspect (centred,
    as an axes with a fixed aspect is), clipped to its frame and labelled above it. One axes for the row
    instead of one per inset: axes are what cost in a map figure (EU27's maps have six insets a panel)."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Rectangle
    strip = ax.inset_axes([0.0, -0.36, 1.0, 0.32])
    strip.set_axis_off()
    strip.set_xlim(0.0, 1.0)
    strip.set_ylim(0.0, 1.0)
    # ax's box keeps the main frame's aspect, so the strip's height over its width is known from the data
    strip_ratio = 0.32 * main.aspect * (main.lat_max - main.lat_min) / width_deg
    w = 1.0 / max(len(insets), 3)
    for i, frame in enumerate(insets):
        d_lon, d_lat = frame.lon_max - frame.lon_min, frame.lat_max - frame.lat_min
        want = frame.aspect * d_lat / d_lon / strip_ratio  # the frame's height over width, in strip fractions
        bw, bh = (w * 0.94, w * 0.94 * want) if w * 0.94 * want <= 1.0 else (1.0 / want, 1.0)
        x0, y0 = i * w + 0.5 * (w * 0.94 - bw), 0.5 * (1.0 - bh)

        def place(lon, lat, frame=frame, x0=x0, y0=y0, bw=bw, bh=bh):
            return x0 + (lon - frame.lon_min) / d_lon * bw, y0 + (lat - frame.lat_min) / d_lat * bh

        box = Rectangle((x0, y0), bw, bh, fill=False, linewidth=0.8, edgecolor="black", zorder=4)
        strip.add_patch(box)
        x, y = place(frame.lon(g.lon_deg[frame.cells]), g.lat_deg[frame.cells])
        scale = width_deg / max(d_lon, 1.0)
        dots = strip.scatter(x, y, c=values[frame.cells], s=min(60.0, size * min(scale, 6.0)), marker="s", cmap=cmap,
                             vmin=vmin, vmax=vmax, linewidths=0, zorder=2)
        lines = LineCollection([np.column_stack(place(seg[:, 0], seg[:, 1])) for seg in
                                _border_segments(frame.lon_min, frame.lon_max, frame.lat_min, frame.lat_max, frame)],
                               colors="#55606b", linewidths=0.5, zorder=3)
        strip.add_collection(lines)
        for artist in (dots, lines):
            artist.set_clip_path(box)
        # the country on one line, where the part lies on the next: side by side, one-line labels overlap
        strip.annotate(frame.name.replace(" ", "\n", 1), (x0 + 0.5 * bw, y0 + bh), xytext=(0, 1.5),
                       textcoords="offset points", ha="center", va="bottom", fontsize=5, linespacing=0.95)


_FRAMES: dict = {}


def _frames_of(g):
    """The grid's map frames, found once per grid and kept while it is drawn (a report draws each grid's maps
    three times or more)."""
    from satsov.report.maps import map_frames
    kept = _FRAMES.get(id(g))
    if kept is None or kept[0] is not g:
        if len(_FRAMES) > 16:
            _FRAMES.clear()
        kept = _FRAMES[id(g)] = (g, map_frames(g))
    return kept[1]


@_figure
def _small_multiples(g, panels, suptitle, colorbar_label, cmap="RdYlGn", vmax=1.0):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(panels)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    frames = _frames_of(g)
    extra = 0.45 if frames[1] else 0.0
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, (4.0 + 1.6 * extra / 0.45) * rows), squeeze=False)
    sc = None
    for ax, (title, values) in zip(axes.flat, panels):
        sc = _map_axes(ax, g, values, frames, title, vmax=vmax, cmap=cmap)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(suptitle, fontsize=12)
    if extra:
        fig.subplots_adjust(hspace=0.55)
    cbar = fig.colorbar(sc, ax=axes.ravel().tolist(), shrink=0.8)
    cbar.set_label(colorbar_label)
    return _png(fig)


@_figure
def _bars(labels, values, title, xlabel, color="#2f6f9f", pct=True):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(labels) + 1.2))
    y = np.arange(len(labels))
    ax.barh(y, values, color=color)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=11)
    ax.set_xlabel(xlabel)
    for yi, v in zip(y, values):
        ax.text(v, yi, f" {v:.1f}%" if pct else f" {v:.2f}", va="center", fontsize=9)
    ax.set_xlim(0, max(100 if pct else 1, max(values, default=0) * 1.15))
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


@_figure
def _series_plot(series_pairs, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for label, s, style in series_pairs:
        ax.plot(s.index, 100 * s.to_numpy(), style, label=label, linewidth=1.4)
    ax.set_ylabel("population served (%)")
    ax.set_title(title, fontsize=11)
    ax.set_ylim(-2, 102)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.autofmt_xdate()
    return _png(fig)


def _table(headers, rows) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _pct(x) -> str:
    return f"{100 * x:.1f}%"


#: Below this, a loss or a share is shown as none (the figures are sampled; smaller values are noise).
_NEGLIGIBLE_PP = 0.05


def _kill_card(kill_worst, capacity_worst=None) -> str:
    """The worst single switch-off in view. Beside capacity figures it says "in view" and, where visibility
    sees no loss but capacity does, points to the capacity figure rather than read as "none"."""
    if kill_worst is None:
        return ""
    name, figures = kill_worst
    label = "Worst single switch-off in view" if capacity_worst is not None else "Worst single switch-off"
    if figures.loss_pp < _NEGLIGIBLE_PP:
        if capacity_worst is not None and capacity_worst.loss_pp >= _NEGLIGIBLE_PP:
            return (f"<div class='kpi'>{label}<b>no gap in view</b>a satellite stays in view everywhere, but "
                    f"capacity does not: {html.escape(capacity_worst.fleet)} switching off costs "
                    f"−{capacity_worst.loss_pp:.1f} pp of the busy-hour demand carried (above)</div>")
        return (f"<div class='kpi'>{label}<b>none</b>no operator switching off alone costs "
                "population served</div>")
    return (f"<div class='kpi'>{label}: {html.escape(name)}<b>−{figures.loss_pp:.1f} pp</b>"
            f"of population served</div>")


def _dependency_card(dep) -> str:
    name, figures = dep
    if figures.sole_provider_share * 100 < _NEGLIGIBLE_PP:
        return ("<div class='kpi'>Most depended-on<b>none</b>every served place has an alternative operator at "
                "every step</div>")
    return (f"<div class='kpi'>Most depended-on: {html.escape(name)}<b>{_pct(figures.sole_provider_share)}</b>of "
            f"served population-time has no alternative</div>")


def _range(v) -> str:
    if v.served_share_low is None or v.served_share_high is None:
        return "—"
    lo, hi = sorted((v.served_share_low, v.served_share_high))
    return f"{_pct(lo)} – {_pct(hi)}"


def _bounds(v) -> str:
    """"; bounds a – b" when the two bounds beside the fair figure were computed (world first, region first)."""
    lo, hi = getattr(v, "served_share_world_first", None), getattr(v, "served_share_region_first", None)
    return "" if lo is None or hi is None else f"; bounds {_pct(lo)} – {_pct(hi)}"


def _capacity_section(rname, ra, head) -> list[str]:
    """Capacity first: who can carry the region's busy-hour traffic under each policy and switch-off."""
    cap = ra.capacity
    pol = cap.policies
    worst = max(cap.kill_switch.values(), key=lambda v: v.loss_pp, default=None)
    parts = [f"<h3>Capacity: can the operators carry {html.escape(rname)}'s traffic?</h3>",
             f"<p>Busy-hour demand {cap.result.demand.region_gbps:,.0f} Gbps in the region (and "
             f"{cap.result.demand.background_gbps:,.0f} Gbps elsewhere competing for the same satellites), "
             f"{len(cap.result.times)} snapshots; each satellite's capacity is shared by the unique fair "
             f"allocation (no place's served share can rise without lowering one that is no higher; "
             f"satsov.capacity). An operator excluded or switched off is geofenced: it keeps serving the rest of "
             f"the world. Ranges run over the sensitivity below: each parameter alone at its low and high "
             f"value.</p>",
             "<div class='kpis'>"
             f"<div class='kpi'>All operators carry<b>{_pct(pol[BASELINE].served_share)}</b>of the busy-hour demand "
             f"(range {_range(pol[BASELINE])}{_bounds(pol[BASELINE])})</div>"
             f"<div class='kpi'>{html.escape(head)} carries<b>{_pct(pol[head].served_share)}</b>"
             f"(range {_range(pol[head])}{_bounds(pol[head])})</div>"
             + (f"<div class='kpi'>Worst single switch-off: {html.escape(worst.fleet)}<b>−{worst.loss_pp:.1f} pp</b>"
                f"{worst.absorbed_gbps:,.0f} of its {worst.carried_gbps:,.0f} Gbps absorbed by the others</div>"
                if worst is not None and worst.loss_pp >= _NEGLIGIBLE_PP else
                "<div class='kpi'>Worst single switch-off<b>none</b>the others absorb any one operator's traffic</div>")
             + "</div>"]
    labels = list(pol)
    parts.append(f"<img alt='capacity per policy' src='{_bars(labels, [100 * pol[k].served_share for k in labels], f'{rname}: busy-hour demand carried under each policy', 'demand served (%)')}'>")
    spec = TABLES["capacity-policies"]  # every figure of the table that has something to show, as declared once
    shown = spec.filled(ra)
    parts.append(_table(spec.header(shown), spec.text_rows(ra, only=shown)))
    parts.append(f"<p class='note'>* satellites of {html.escape(cap.reference_satellite)}.</p>")
    if cap.gap_curves:   # what would close each gap: the curve, its ceiling and the answer
        rows, done = [], {}
        for name, c in cap.gap_curves.items():
            if id(c) in done:
                rows.append([name, f"as {done[id(c)]}", "", "", ""])
                continue
            done[id(c)] = name
            if c.share_world_first:   # capacity.bounds: each point's two bounds beside it
                points = ", ".join(f"{n:,}: {v:.1%} ({lo:.0%}-{hi:.0%})" for n, v, lo, hi in
                                   zip(c.satellites, c.share, c.share_world_first, c.share_region_first))
            else:
                points = ", ".join(f"{n:,}: {v:.1%}" for n, v in zip(c.satellites, c.share))
            answer = f"{c.satellites_to_target:,}" if c.satellites_to_target is not None else c.reason
            rows.append([name, points, f"{c.ceiling:.1%}", f"{c.target:.1%}", answer])
        parts.append("<h4>What would close each gap (satellites added: share served)</h4>")
        parts.append(_table(["policy", "curve", "ceiling (cell caps)", "target", "satellites to reach it"], rows))
    panels = [(f"{k}: {_pct(v.served_share)} carried", cap.result.cell_share(PolicyCase(k))) for k, v in pol.items()]
    g = cap.result.demand.grid.subset(cap.result.demand.in_region)
    parts.append(f"<img alt='capacity maps' src='{_small_multiples(g, panels, f'{rname}: share of each place’s busy-hour demand carried', 'share of demand served')}'>")
    sens = {name for v in pol.values() for name in v.sensitivity}
    if sens:
        parts.append("<h4>Sensitivity: each parameter alone at its low and high value, or left out</h4>")
        names = sorted(sens)
        # a variant of one run (sites left out) has one value, not a low and a high
        single = {n for n in names if all(v.sensitivity[n][0] == v.sensitivity[n][1] for v in pol.values()
                                          if n in v.sensitivity)}
        parts.append(_table(["policy", "base"] + [n if n in single else f"{n} (low / high)" for n in names],
                            [[k, _pct(v.served_share)] + [("—" if n not in v.sensitivity else
                                                           _pct(v.sensitivity[n][0]) if n in single else
                                                           " / ".join(_pct(x) for x in v.sensitivity[n]))
                                                          for n in names]
                             for k, v in pol.items()]))
    if cap.kill_switch:
        parts.append("<h4>Switch-offs over the region: the traffic each operator carries, how much the others "
                     "absorb, and its withdrawal from the whole world beside it</h4>")
        spec = TABLES["capacity-kill-switch"]  # the columns as declared once (satsov.assessment.registry)
        shown = spec.filled(ra)
        parts.append(_table(spec.header(shown), spec.text_rows(ra, order=lambda v: -v.loss_pp, only=shown)))
        parts.append("<p class='note'>Displacement: how much more the region loses when the operator is withdrawn "
                     "from the whole world than when it switches off over the region alone (the rest of the "
                     "world's traffic moving onto the others' satellites); reported as measured, not assumed "
                     "positive.</p>")
    if cap.events:
        parts.append("<h4>Service-denial events (capacity)</h4>")
        spec = TABLES["capacity-events"]
        parts.append(_table(spec.header(), spec.text_rows(ra)))
    for n in cap.notes:
        parts.append(f"<p class='note'>{html.escape(n)}</p>")
    return parts


def render_html(assessment) -> str:
    sc = assessment.scenario
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>satsov — {html.escape(sc.name)}"
             f"</title><style>{_CSS}</style></head><body>",
             f"<h1>Satellite sovereignty assessment: {html.escape(sc.name)}</h1>",
             f"<p class='lead'>{html.escape(sc.description or '')} Window {sc.window.start} + {sc.window.duration} "
             f"every {sc.window.step}; a place counts as <i>served</i> when at least {sc.requirement.fold} "
             f"satellite(s) are {sc.requirement.min_elevation_deg:g}° or more above its horizon"
             + (f" (only satellites below {sc.requirement.max_altitude_km:,.0f} km count: low-latency service)"
                if sc.requirement.max_altitude_km else "") + ". Figures are "
             f"{'population' if sc.requirement.population_weighted else 'area'}-weighted.</p>"]
    for w in assessment.warnings:
        parts.append(f"<p class='warn'>Note: {html.escape(w)}</p>")
    for rname, ra in assessment.regions.items():
        g = ra.coverage.grid
        pol = ra.policies
        parts.append(f"<h2 id='{html.escape(rname)}'>{html.escape(rname)}</h2>")
        parts.append(f"<p>{len(g):,} grid cells of about {g.spacing_km:g} km, {g.area_km2.sum():,.0f} km², "
                     f"{g.population.sum():,.0f} people.</p>")
        head = sc.sovereign_policy or min(pol, key=lambda k: pol[k].sovereignty_index)
        kill_worst = max(ra.kill_switch.items(), key=lambda kv: kv[1].loss_pp, default=None)
        dep = max(ra.operators.items(), key=lambda kv: kv[1].sole_provider_share)
        capacity_worst = None
        if ra.capacity is not None:   # capacity leads: can the operators carry the traffic?
            parts += _capacity_section(rname, ra, head)
            capacity_worst = max(ra.capacity.kill_switch.values(), key=lambda v: v.loss_pp, default=None)
            parts.append("<h3>Visibility: an upper bound</h3><p class='note'>The figures below count a place as "
                         "served whenever a satellite is in view above the mask, whatever the load: they are an upper "
                         "bound on the capacity figures above, never a headline of their own.</p>")
        seen = "In view: all operators cover" if ra.capacity is not None else "All operators serve"
        parts.append("<div class='kpis'>"
                     f"<div class='kpi'>{seen}<b>{_pct(pol[BASELINE].served_share)}</b>of the "
                     f"population-time</div>"
                     f"<div class='kpi'>Sovereignty index ({html.escape(head)})<b>{_pct(pol[head].sovereignty_index)}"
                     f"</b>of that is kept by the allowed operators alone</div>"
                     + _kill_card(kill_worst, capacity_worst) + _dependency_card(dep) + "</div>")
        # policies
        labels = list(pol)
        parts.append("<h3>What is left under each supplier policy (visibility)</h3>")
        parts.append(f"<img alt='served share per policy' src='{_bars(labels, [100 * pol[k].served_share for k in labels], f'{rname}: population served under each policy', 'population-time served (%)')}'>")
        parts.append(_table(["policy", "operators allowed", "served", "of which in low latency (LEO only)",
                             "loss vs all (pp)", "sovereignty index",
                             f"area with ≥{sc.requirement.availability:g} availability", "longest gap (min)",
                             "mean satellites in view"],
                            [[k, ", ".join(v.fleets) or "none", _pct(v.served_share),
                              _pct(v.low_latency_served_share) if v.low_latency_served_share is not None else "same",
                              f"{v.loss_vs_all_pp:.2f}",
                              _pct(v.sovereignty_index), _pct(v.coverage.area_share_available),
                              f"{v.coverage.longest_gap_s / 60:.0f}", f"{v.coverage.mean_sats_in_view:.1f}"]
                             for k, v in pol.items()]))
        panels = [(f"{k}: {_pct(v.served_share)} served",
                   ra.coverage.cells[PolicyCase(k)]["availability"].to_numpy()) for k, v in pol.items()]
        parts.append("<h3>Where: availability under each policy</h3>")
        parts.append(f"<img alt='availability maps' src='{_small_multiples(g, panels, f'{rname}: share of the time each place is served', 'availability (share of time served)')}'>")
        # operators
        ops = sorted(ra.operators.items(), key=lambda kv: -kv[1].served_share_alone)
        parts.append("<h3>Which operators serve the territory, and how much it depends on each</h3>")
        parts.append(_table(["fleet", "operator", "jurisdiction", "satellites", "served alone", "mean in view",
                             "in view when served", "sole provider"],
                            [[k, v.name, v.jurisdiction + (f" (parent {v.parent_jurisdiction})" if v.parent_jurisdiction else ""),
                              v.satellites, _pct(v.served_share_alone), f"{v.mean_sats_in_view:.2f}",
                              _pct(v.presence_share), _pct(v.sole_provider_share)] for k, v in ops]))
        top = [k for k, v in ops if v.presence_share > 0][:6]
        crit = ra.coverage.critical[PolicyCase(BASELINE)]
        if top:
            panels = [(f"{k}: sole provider for {_pct(ra.operators[k].sole_provider_share)}",
                       crit[k].to_numpy()) for k in top]
            parts.append(f"<img alt='dependency maps' src='{_small_multiples(g, panels, f'{rname}: share of the time each operator is the only one serving', 'share of time with no alternative', cmap='Reds', vmax=max(0.05, float(crit[top].to_numpy().max())))}'>")
        spof = ra.spof
        parts.append(f"<p>Single points of failure: {spof.cells:,} cells ({_pct(spof.area_share)} of the area, "
                     f"{_pct(spof.population_share)} of the people) lose service at some time if one operator "
                     f"switches off.</p>")
        # kill switch
        if ra.kill_switch:
            ks = sorted(ra.kill_switch.items(), key=lambda kv: -kv[1].loss_pp)
            parts.append("<h3>Kill switch: each operator switching service off in turn</h3>")
            parts.append(f"<img alt='kill switch' src='{_bars([k for k, _ in ks], [v.loss_pp for _, v in ks], f'{rname}: loss of population served if one operator switches off', 'percentage points of population-time lost', color='#b5482f')}'>")
            parts.append(_table(["switched off", "served after", "loss (pp)", "area never served", "longest gap (min)"],
                                [[k, _pct(v.served_share), f"{v.loss_pp:.2f}", _pct(v.area_share_never_covered),
                                  f"{v.longest_gap_s / 60:.0f}"] for k, v in ks]))
        # events
        if ra.events:
            parts.append("<h3>Service-denial events</h3>")
            spec = TABLES["visibility-events"]
            parts.append(_table(spec.header(), spec.text_rows(ra)))
            col = "coverage_population" if sc.requirement.population_weighted else "coverage_area"
            for case, v in ra.events.items():
                pairs = [(f"{v.policy} without the event", ra.coverage.series[PolicyCase(v.policy)][col], "-"),
                         (f"with {v.event}", ra.coverage.series[case][col], "--")]
                title = f"{rname}: {v.event} under {v.policy}"
                parts.append(f"<img alt='event time series' src='{_series_plot(pairs, title)}'>")
    if assessment.routes:
        parts.append("<h2>Routes and the jurisdictions they cross</h2>")
        parts.append("<p>Shortest paths by propagation delay over inter-satellite links (nearest neighbours of the "
                     "same operator) and gateways, every routing step, under each policy.</p>")
        parts.append(_table(["from", "to", "policy", "reachable", "RTT median (ms)", "RTT min–max (ms)",
                             "path changes", "operators carrying it", "gateway countries", "leaves home jurisdiction"],
                            [[r["from"], r["to"], r["policy"], _pct(r["reachable_share"]),
                              "—" if r["rtt_ms_median"] is None else f"{r['rtt_ms_median']:.1f}",
                              "—" if r["rtt_ms_min"] is None else f"{r['rtt_ms_min']:.1f}–{r['rtt_ms_max']:.1f}",
                              r["path_changes"], ", ".join(f"{k} {v:.0%}" for k, v in r["operators_share"].items()),
                              ", ".join(f"{k} {v:.0%}" for k, v in r["gateway_countries_share"].items()) or "—",
                              _pct(r.get("share_leaving_allied_jurisdiction", 0.0))] for r in assessment.routes]))
    parts.append("<h2>Scenario</h2><pre>" + html.escape(dumps_json(sc.model_dump())) + "</pre>")
    parts.append("<h2>Data sources</h2>" + _table(["what", "source", "date"],
                                                  [[s["what"], s["source"], s["date"]] for s in assessment.sources]))
    parts.append(_table(["operator", "name", "jurisdiction", "parent", "source", "checked"],
                        [[op.key, op.name, op.jurisdiction, op.parent, op.source, op.date]
                         for op in assessment.registry if op.key in set(assessment.fleet_operator.values())]))
    parts.append("<p class='note'>Capacity figures come from satsov.capacity: sourced per-satellite and per-place "
                 "capacities (assumed ones are named beside each figure), demand from the literature, a fair maximum "
                 "flow per snapshot. Visibility figures count a place as served when a satellite is above the mask: an "
                 "upper bound. Low-confidence filed geometries are flagged in the sources. Produced by satsov.</p>"
                 "</body></html>")
    return "\n".join(parts)


def write_html_and_json(out_dir, stem: str, render, data) -> dict[str, Path]:
    """Write ``<stem>.html`` (``render()``) and ``<stem>.json`` (``data()``) into ``out_dir`` as a pair: both are
    made first, then both replace the old ones as a unit (:func:`satsov.io.write_together`), so an interruption
    leaves the old pair or the new one, never one of each. The folder is checked writable first; returns their
    paths."""
    out_dir = Path(out_dir)
    check_writable(out_dir, folder=True)
    paths = {"html": out_dir / f"{stem}.html", "json": out_dir / f"{stem}.json"}
    text = render()
    blob = dumps_json(data()) + "\n"
    write_together({paths["html"]: text, paths["json"]: blob})
    return paths


def write_report(assessment, out_dir, *, workers: int = 1) -> dict[str, Path]:
    """Write ``report.html`` and ``report.json`` into ``out_dir`` (atomically); return their paths. ``workers``:
    processes that draw the figures (this one included); the report is the same with any number."""
    return write_html_and_json(out_dir, "report", lambda: _rendered(lambda: render_html(assessment), workers),
                               lambda: stamped(assessment.to_dict(), "satsov.report"))
