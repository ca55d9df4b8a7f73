"""The ``satsov`` command line."""

from satsov.cli.app import app, main

__all__ = ["app", "main"]
