"""Renamed names keep working for a release, with a warning that says what to use instead.

A module whose names moved declares them once and lets :func:`moved` answer for them::

    __getattr__ = moved(__name__, {"with_licences": ("satsov.world.cases", "with_denials", "0.2")})

Importing or reading an old name then gives the new object and a :class:`SatsovDeprecationWarning` naming the
new place and the release that removes the old one. Each rename is also listed in ``CHANGELOG.md``.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping

__all__ = ["SatsovDeprecationWarning", "moved"]


class SatsovDeprecationWarning(DeprecationWarning):
    """A name of satsov's that moved or was renamed; it goes in the release named in the message."""


def moved(module: str, names: Mapping[str, tuple[str, str, str]]) -> Callable[[str], object]:
    """A module ``__getattr__`` for the ``names`` that left ``module``: ``{old: (new module, new name, removed
    in)}``.

    >>> get = moved("satsov.example", {"old": ("satsov.times", "time_grid", "0.2")})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f = get("old")
    >>> f.__name__, str(caught[0].message)
    ('time_grid', 'satsov.example.old is satsov.times.time_grid since 0.1 and goes in 0.2: import it from there')
    """
    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        where, new, removed_in = names[name]
        warnings.warn(f"{module}.{name} is {where}.{new} since 0.1 and goes in {removed_in}: import it from there",
                      SatsovDeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(where), new)
    return __getattr__
