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
    from satsov.assessment.registry import CLI_COLUMNS, TABLES
    for name, r in a.regions.items():  # capacity first (can the operators carry the traffic?), then visibility
        for spec in TABLES.values():
            only = spec.filled(r, CLI_COLUMNS.get(spec.name))
            rows = list(spec.text_rows(r, only=only))
            if not rows and (spec.name.startswith("capacity") or spec.name.endswith("events")):
                continue
            table = Table(*spec.header(only), title=spec.title(name, r))
            for row in rows:
                table.add_row(*row)
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

