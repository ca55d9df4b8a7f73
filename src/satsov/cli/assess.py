"""``satsov assess`` and ``satsov demo``: the sovereignty assessment and its report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from satsov.cli.options import Json
from satsov.cli.output import emit_json, out, progress, warn


def _prestart(workers: int) -> None:
    """With several processes, start the server that the capacity runs' and the figures' workers fork from
    (satsov.pools), first, so that its imports run while this process loads the scenario and sets up."""
    if workers > 1:
        from satsov.assessment import CAPACITY_PRELOAD
        from satsov.pools import prestart
        prestart((*CAPACITY_PRELOAD, "satsov.report.preload"))


def _run(scenario, out_dir: Path, as_json: bool, workers: int | None = None) -> None:
    from satsov.assessment.run import assess as run_assessment
    from satsov.io import check_writable
    from satsov.report.html import write_report
    check_writable(out_dir, folder=True)  # before the assessment, not after it
    update, bar = progress(not as_json)
    with bar:
        a = run_assessment(scenario, workers=workers, progress=None if update is None else
                           lambda region_name, done, total: update(f"assessing {region_name}", done, total))
    paths = write_report(a, out_dir, workers=workers or 1)
    if as_json:
        emit_json({"report_html": str(paths["html"]), "report_json": str(paths["json"]), "regions": a.headline()})
        return
    for w in a.warnings:
        warn(w, "note")
    for name, r in a.regions.items():
        cap = r.capacity
        if cap is not None:  # capacity first: can the operators carry the traffic?
            table = Table("policy", "served", "range", "p5", "loss pp", "carried by (share of served)",
                          title=f"{name}: capacity ({cap.result.demand.region_gbps:,.0f} Gbps busy-hour demand)")
            for k, v in cap.policies.items():
                rng = (f"{v.served_share_low:.0%}-{v.served_share_high:.0%}" if v.served_share_low is not None
                       else "")
                top = sorted(v.by_operator_gbps.items(), key=lambda kv: -kv[1])[:3]
                table.add_row(k, f"{v.served_share:.1%}", rng, f"{v.served_share_p5:.0%}", f"{v.loss_pp:.1f}",
                              " ".join(f"{op} {gbps / max(v.served_gbps, 1e-9):.0%}" for op, gbps in top))
            out.print(table)
            if cap.kill_switch:
                table = Table("switched off", "carried Gbps", "absorbed by others", "lost Gbps", "loss pp",
                              title=f"{name}: kill switches (capacity)")
                for k, v in cap.kill_switch.items():
                    table.add_row(k, f"{v.carried_gbps:,.0f}", f"{v.absorbed_gbps:,.0f}", f"{v.lost_gbps:,.0f}",
                                  f"{v.loss_pp:.1f}")
                out.print(table)
            if cap.events:
                table = Table("event", "under policy", "served", "p5", "loss pp",
                              title=f"{name}: denial events (capacity; loss against all operators, no event)")
                for k, v in cap.events.items():
                    table.add_row(k.event, k.policy, f"{v.served_share:.1%}", f"{v.served_share_p5:.0%}",
                                  f"{v.loss_pp:.1f}")
                out.print(table)
        table = Table("policy", "served", "LEO only", "loss (pp)", "sovereignty index",
                      title=f"{name}: visibility (an upper bound: a satellite overhead, whatever it can carry)")
        for k, v in r.policies.items():
            low = "same" if v.low_latency_served_share is None else f"{v.low_latency_served_share:.1%}"
            table.add_row(k, f"{v.served_share:.1%}", low, f"{v.loss_vs_all_pp:.2f}", f"{v.sovereignty_index:.1%}")
        out.print(table)
        if r.events:
            table = Table("event", "under policy", "served", "loss (pp)", "worst instant", "worst without it",
                          title=f"{name}: denial events (visibility; loss against the same policy without it)")
            for v in r.events.values():
                table.add_row(v.event, v.policy, f"{v.served_share:.1%}", f"{v.loss_pp:.2f}",
                              f"{v.min_coverage_during:.1%}", f"{v.min_coverage_baseline:.1%}")
            out.print(table)
    out.print(f"report: [bold]{paths['html']}[/] (figures: {paths['json']})")


def assess(scenario: Path = typer.Argument(..., help="scenario file (.toml or .yaml)"),
           out_dir: Path = typer.Option(..., "--out", help="folder for report.html and report.json"),
           workers: Optional[int] = typer.Option(None, "--workers", min=1, help="processes for the capacity runs "
                                                 "(default: the scenario's capacity.workers, else every core)"),
           as_json: Json = False):
    """Assess a scenario: dependency on each operator, policies, denial events; writes the report."""
    from satsov.pools import cores
    _prestart(workers or cores())
    from satsov.assessment.scenario import load_scenario
    sc = load_scenario(scenario)
    _run(sc, out_dir, as_json, workers if workers is not None else (sc.capacity.workers or cores()))


def demo(out_dir: Path = typer.Option(Path("satsov-demo"), "--out", help="folder for the report"),
         duration: Optional[str] = typer.Option(None, "--duration", help="shorten the window, e.g. 2h"),
         workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                               help="processes for the capacity runs (default: every core)"),
         as_json: Json = False):
    """Assess Canada and the EU27 on the built-in real catalogue (2026-05-07) and write the report."""
    from satsov.pools import cores
    _prestart(workers or cores())
    from satsov.assessment.scenario import demo_scenario
    _run(demo_scenario(duration=duration), out_dir, as_json, workers or cores())

