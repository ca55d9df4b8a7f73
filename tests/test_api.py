"""The public facade: one ``satsov`` namespace with a checked ``__all__``."""

import inspect

import satsov


def test_all_names_exist_and_every_public_name_is_listed():
    for name in satsov.__all__:
        assert hasattr(satsov, name), name
    public = {n for n, v in vars(satsov).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert public - set(satsov.__all__) - {"annotations"} == set()


def test_public_callables_have_docstrings():
    for name in satsov.__all__:
        obj = getattr(satsov, name)
        assert inspect.getdoc(obj), f"satsov.{name} has no docstring"
