"""What every command shares on its way out: the consoles, ``--json`` output, warnings and progress bars."""

from __future__ import annotations

import contextlib
import sys

from rich.console import Console
from rich.markup import escape

__all__ = ["out", "err", "emit_json", "warn", "error", "warn_rejected", "report_failures", "progress", "progress_bar"]

out = Console(emoji=False)                        # ":x:" in a name is text, not an emoji
err = Console(stderr=True, soft_wrap=True, emoji=False)


def emit_json(data) -> None:
    from satsov.io import dumps_json
    sys.stdout.write(dumps_json(data) + "\n")


def warn(message: str, label: str = "warning") -> None:
    err.print(f"[yellow]{label}:[/] {escape(str(message))}", highlight=False)


def error(message) -> None:
    """One line (or a few) on stderr, never a traceback; brackets in the message are printed as they are."""
    err.print(f"[bold red]error:[/] {escape(str(message))}", highlight=False)


def warn_rejected(catalog) -> None:
    """Every bad record (the first 20 in full) and every dropped duplicate of a catalogue, on stderr."""
    if catalog.rejected:
        err.print(f"[yellow]warning:[/] {len(catalog.rejected)} bad record(s) in {catalog.path} were skipped:")
        for r in catalog.rejected[:20]:
            err.print(f"  {r}", markup=False, highlight=False)
        if len(catalog.rejected) > 20:
            err.print(f"  ... and {len(catalog.rejected) - 20} more (satsov catalog inspect lists them all)")
    if catalog.duplicates:
        warn(f"{len(catalog.duplicates)} element set(s) in {catalog.path} were dropped for a newer epoch of the "
             f"same satellite: {'; '.join(catalog.duplicates[:3])}" + (" ..." if len(catalog.duplicates) > 3 else ""))


def report_failures(failures) -> None:
    for f in failures:
        warn(str(f))


def progress(enabled: bool):
    """Rich progress bars as ``(update(label, done, total), context manager)``, one bar per label;
    ``(None, a null context)`` when disabled."""
    if not enabled:
        return None, contextlib.nullcontext()
    from rich.progress import BarColumn, Progress, TimeElapsedColumn, TimeRemainingColumn
    bar = Progress("[progress.description]{task.description}", BarColumn(), "{task.completed}/{task.total} steps",
                   TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True)
    tasks = {}

    def update(label, done, total):
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done, total=total)
    return update, bar


def progress_bar(description: str, enabled: bool):
    """One progress bar as ``(update(done, total), context manager)``."""
    update, bar = progress(enabled)
    return (None if update is None else lambda done, total: update(description, done, total)), bar
