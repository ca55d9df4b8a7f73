"""The package's shape: every submodule imports, the facade's names stay the objects they name, the
layers depend only downwards, and the facade and the CLI start without the heavy dependencies."""

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import satsov

SRC = Path(satsov.__file__).resolve().parent
HEAVY = ("numba", "pandas", "pyarrow", "scipy", "pydantic", "shapely", "pyproj", "matplotlib", "xarray")
# Each layer may import only from the layers listed for it (besides itself and the foundation modules).
FOUNDATION = {"errors", "constants", "times", "io", "data", "defaults", "budget", "_optional", "testing", "cache", "pools",
              "deprecation"}
LAYERS = {
    "orbits": set(),
    "world": {"orbits"},
    "fetch": {"orbits"},  # fresh catalogues: parsed by orbits, read back by everything through --catalog
    "visibility": {"orbits", "world"},
    "network": {"orbits", "world"},
    "capacity": {"orbits", "world", "visibility", "network"},
    "assessment": {"orbits", "world", "visibility", "network", "capacity"},
    "synthesis": {"orbits", "world", "visibility", "network", "capacity"},  # design (#13): seeds so far
    "report": {"orbits", "world", "visibility", "network", "capacity", "assessment"},
    "cli": {"orbits", "world", "visibility", "network", "capacity", "assessment", "report", "fetch", "synthesis",
            "server"},
    "server": {"orbits", "world", "visibility", "network", "capacity", "assessment", "report", "synthesis"},
}
HEAVY += ("httpx", "platformdirs")  # the fetch extra: loaded only by `satsov catalog fetch`
HEAVY += ("fastapi", "uvicorn", "starlette")  # the server extra: loaded only by `satsov serve`
HEAVY += ("dask", "distributed")  # the atlas extra: loaded only for `satsov atlas --scheduler`
SKIP = {"satsov.visibility.kernel_cuda",  # needs CuPy and a GPU (benchmarks/coverage_gpu.py on the device)
        "satsov.cli.__main__"}  # runs the CLI when imported


def _submodules():
    return sorted(m.name for m in pkgutil.walk_packages([str(SRC)], "satsov.") if m.name not in SKIP)


def test_every_submodule_imports_and_no_name_of_the_facade_is_shadowed():
    before = {name: getattr(satsov, name) for name in satsov.__all__}
    for name in _submodules():
        importlib.import_module(name)
    for name in satsov.__all__:
        assert getattr(satsov, name) is before[name], f"satsov.{name} was replaced by importing a submodule"
        assert not isinstance(before[name], type(sys)), f"satsov.{name} is a module, not the API object"


def test_no_subpackage_shares_a_name_with_the_facade():
    packages = {m.name for m in pkgutil.iter_modules([str(SRC)])}
    assert packages & set(satsov.__all__) == set()


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_depend_only_downwards(layer):
    allowed = LAYERS[layer] | {layer} | FOUNDATION
    for path in sorted((SRC / layer).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("satsov"):
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("satsov")]
            for name in names:
                parts = name.split(".")
                if len(parts) > 1:
                    assert parts[1] in allowed, f"{path.relative_to(SRC)} imports {name} (layer {layer!r})"


def test_no_private_name_is_imported_across_subpackages():
    for path in sorted(SRC.rglob("*.py")):
        here = path.relative_to(SRC).parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("satsov."):
                there = node.module.split(".")[1]
                for alias in node.names:
                    private = alias.name.startswith("_") or any(p.startswith("_") for p in node.module.split(".")[1:])
                    if private and there != here and node.module != "satsov._optional":
                        pytest.fail(f"{path.relative_to(SRC)} imports {alias.name} from {node.module}")


@pytest.mark.parametrize("code", ["import satsov", "import satsov.cli", "import satsov.cli; satsov.cli.main(['--help'])"])
def test_the_facade_and_the_cli_start_without_heavy_dependencies(code):
    probe = (f"import sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\n"
             f"print('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = [line for line in res.stderr.splitlines() if line.startswith("loaded:")]
    assert loaded == ["loaded:"], f"{code!r}: {res.stderr}"


def test_lazy_names_resolve_and_unknown_names_raise():
    assert satsov.coverage.__module__ == "satsov.visibility.engine"
    assert "coverage" in dir(satsov)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        satsov.nope  # noqa: B018


# The modules that may import the facade (``import satsov``/``from satsov import``): the facade itself and the
# version lookups (``__version__`` is defined there). Anything else reaches upward through the facade.
FACADE_USERS = {"__init__.py"}


def test_no_library_module_imports_the_facade():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if str(rel) in FACADE_USERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                bad = [a.name for a in node.names if a.name == "satsov"]
                assert not bad, f"{rel}:{node.lineno} imports the facade (import satsov): import the module instead"
            elif isinstance(node, ast.ImportFrom) and node.module == "satsov" and node.level == 0:
                names = {a.name for a in node.names}
                assert names <= {"__version__"}, (f"{rel}:{node.lineno} imports {sorted(names)} from the facade: "
                                                  f"import them from their modules")


def test_no_import_cycle_between_library_modules():
    """Module-level and function-level imports alike: a cycle between two modules means one concept in two
    places (issue 30 broke orbits.catalog <-> orbits.fleet and visibility.checks <-> visibility.engine)."""
    edges: dict[str, set[str]] = {}
    modules = {".".join(("satsov",) + p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"): p
               for p in SRC.rglob("*.py")}
    for name, path in modules.items():
        out = edges.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("satsov") and not node.level:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                out |= {t for t in targets if t in modules and t != name}
    cycles = sorted({tuple(sorted((a, b))) for a, bs in edges.items() for b in bs
                     if a in edges.get(b, ()) and not (a.startswith(b + ".") or b.startswith(a + "."))})
    assert not cycles, f"modules that import each other: {cycles}"
