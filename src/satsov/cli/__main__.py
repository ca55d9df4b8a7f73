"""``python -m satsov.cli``: the same as the ``satsov`` console script."""

from satsov.cli import console

console()
