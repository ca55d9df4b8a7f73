"""``satsov assess`` and ``satsov demo``: the sovereignty assessment and its report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from satsov.cli.options import Json
from satsov.cli.output import emit_json, out, progress, warn


def _run(scenario, out_dir: Path, as_json: bool) -> None:
    from satsov.assessment.run import assess as run_assessment
    from satsov.io import check_writable
    from satsov.report.html import write_report
    check_writable(out_dir, folder=True)  # before the assessment, not after it
    update, bar = progress(not as_json)
    with bar:
        a = run_assessment(scenario, progress=None if update is None else
                           lambda region_name, done, total: update(f"assessing {region_name}", done, total))
    paths = write_report(a, out_dir)
    if as_json:
        emit_json({"report_html": str(paths["html"]), "report_json": str(paths["json"]), "regions": a.headline()})
        return
    for w in a.warnings:
        warn(w, "note")
    for name, r in a.regions.items():
        table = Table("policy", "served", "loss (pp)", "sovereignty index", title=name)
        for k, v in r.policies.items():
            table.add_row(k, f"{v.served_share:.1%}", f"{v.loss_vs_all_pp:.2f}", f"{v.sovereignty_index:.1%}")
        out.print(table)
    out.print(f"report: [bold]{paths['html']}[/] (figures: {paths['json']})")


def assess(scenario: Path = typer.Argument(..., help="scenario file (.toml or .yaml)"),
           out_dir: Path = typer.Option(..., "--out", help="folder for report.html and report.json"),
           as_json: Json = False):
    """Assess a scenario: dependency on each operator, policies, denial events; writes the report."""
    from satsov.assessment.scenario import load_scenario
    _run(load_scenario(scenario), out_dir, as_json)


def demo(out_dir: Path = typer.Option(Path("satsov-demo"), "--out", help="folder for the report"),
         duration: Optional[str] = typer.Option(None, "--duration", help="shorten the window, e.g. 2h"),
         as_json: Json = False):
    """Assess Canada and the EU27 on the built-in real catalogue (2026-05-07) and write the report."""
    from satsov.assessment.scenario import demo_scenario
    _run(demo_scenario(duration=duration), out_dir, as_json)
