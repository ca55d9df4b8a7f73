"""``satsov serve``: the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from satsov.cli.output import err


def serve(host: str = typer.Option("127.0.0.1", "--host", help="interface to bind (beyond 127.0.0.1 needs --token)"),
          port: int = typer.Option(8000, "--port"),
          data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="jobs, results and atlases (default: "
                                                  "$SATSOV_DATA_DIR or the user data folder)"),
          token: Optional[str] = typer.Option(None, "--token", help="required on every API call (or SATSOV_TOKEN; "
                                              "default: one made at launch, printed in the URL)"),
          no_token: bool = typer.Option(False, "--no-token", help="no token (127.0.0.1 only): any program of this "
                                        "machine's users can then use the API"),
          allow_host: list[str] = typer.Option([], "--allow-host", help="a name the Host header may give besides "
                                               "the loopback names and --host (e.g. behind a proxy); repeat"),
          max_jobs: int = typer.Option(2, "--max-jobs", help="jobs run at once; the rest wait in a queue")):
    """The dashboard: a web app and JSON API over the library (needs the 'server' extra)."""
    from satsov.server import default_data_dir, serve as run
    run(host, port, data_dir or default_data_dir(), token, max_jobs, no_token=no_token, allow_hosts=tuple(allow_host),
        announce=lambda line: err.print(line, markup=False, highlight=False))
