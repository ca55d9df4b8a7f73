"""The ``satsov`` command line: a thin layer over the library, one module per command group.

Every command accepts ``--json`` for machine-readable output. Errors in the input print one clear message
(file, line, field, found, expected) and exit with status 2; Ctrl-C exits with 130 and leaves no
half-written file. Importing this package loads typer and rich only: each command imports the library
when it runs, so ``satsov --help`` stays fast.
"""

from __future__ import annotations

import logging

import typer

from satsov.cli import assess, atlas, capacity, catalog, coverage, design, orbits, route, server, world
from satsov.cli.output import err, error
from satsov.errors import FetchError, SatsovError

__all__ = ["app", "main"]


def _version(value: bool) -> None:
    if value:
        from satsov import __version__
        typer.echo(f"satsov {__version__}")
        raise typer.Exit()


app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="satsov: how much of a territory's satellite connectivity does it really control?")


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="print the version and exit")):
    """satsov: how much of a territory's satellite connectivity does it really control?"""


app.add_typer(catalog.app, name="catalog")
app.command()(orbits.propagate)
app.command()(orbits.look)
app.command()(world.operators)
app.command()(world.regions)
app.command("grid")(world.grid)
app.command("coverage")(coverage.coverage)
app.command("capacity")(capacity.capacity)
app.command()(assess.assess)
app.command()(assess.demo)
app.command()(route.route)
app.command("design")(design.design)
app.command("atlas")(atlas.atlas)
app.command("serve")(server.serve)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every atomic write in progress cleans up as on Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv=None) -> None:
    """Console entry point: clear errors without tracebacks, exit 2 on bad input, 1 on an operating-system
    error, 130 on Ctrl-C and 143 on SIGTERM (no half-written file in either case)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    import signal
    import threading
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        _main(argv)
    except Terminated:
        err.print("[yellow]terminated[/]: no output was left half-written")
        raise SystemExit(143) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def console() -> None:
    """The ``satsov`` command: :func:`main` on this process's arguments, after which the process ends. On the way
    out the garbage collector's objects are frozen, so that the interpreter's collections at exit skip them:
    they only free memory the operating system takes back anyway (0.35 s of the demo's exit on the project's
    machine)."""
    import gc
    try:
        main()
    finally:
        gc.freeze()


def _main(argv) -> None:
    import sys
    as_json = "--json" in (sys.argv[1:] if argv is None else list(argv))

    def fail(message, code: int):
        """One line on stderr; with --json also a JSON error object on stdout (a script reads one or the other)."""
        error(message)
        if as_json:
            from satsov.cli.output import emit_json
            emit_json({"error": str(message), "exit_code": code})
        raise SystemExit(code) from None
    try:
        rv = app(args=argv, standalone_mode=False)
        if isinstance(rv, int) and not isinstance(rv, bool) and rv != 0:
            if rv == 130:  # typer turns Ctrl-C into an exit code of 130 in this mode
                err.print("[yellow]interrupted[/]: no output was left half-written")
            raise SystemExit(rv)
    except FetchError as exc:  # the service refused or failed: its message, exit 1 (not the caller's input)
        fail(exc, 1)
    except SatsovError as exc:
        fail(exc, 2)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: no output was left half-written")
        raise SystemExit(130) from None
    except OSError as exc:  # a file system refusing a read or a write: one line, no traceback
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        fail(f"{where}{exc.strerror or exc}", 1)
    except Exception as exc:  # click's usage errors (typer vendors its own click: match by shape, not class)
        name = type(exc).__name__
        if name == "Exit":
            raise SystemExit(getattr(exc, "exit_code", 0)) from None
        if name == "Abort":
            err.print("[yellow]interrupted[/]")
            raise SystemExit(130) from None
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            if as_json:
                from satsov.cli.output import emit_json
                emit_json({"error": exc.format_message() if hasattr(exc, "format_message") else str(exc),
                           "exit_code": exc.exit_code})
            raise SystemExit(exc.exit_code) from None
        raise
