"""Test helpers: ``has_*`` flags and ``requires_*`` pytest markers for optional dependencies and resources,
in one place (as xarray's ``tests/__init__.py``). Imported by the test suite only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from satsov._optional import has_module

__all__ = ["has_skyfield", "has_satgenpy", "has_networkx", "has_playwright", "has_chromium", "has_cupy",
           "requires_skyfield", "requires_satgenpy", "requires_networkx", "requires_playwright",
           "requires_chromium", "requires_cupy", "requires_dask", "CHROMIUM", "skyfield_timescale", "run_cli"]

#: Debian's Chromium, driven by playwright (no browser download works on these machines).
CHROMIUM = "/usr/bin/chromium"

has_skyfield = has_module("skyfield")
has_satgenpy = has_module("satgen")
has_networkx = has_module("networkx")
has_playwright = has_module("playwright")
has_chromium = shutil.which("chromium") is not None or Path(CHROMIUM).exists()
has_cupy = has_module("cupy")
has_dask = has_module("distributed")

requires_skyfield = pytest.mark.skipif(not has_skyfield, reason="needs skyfield (pip install 'satsov[test]')")
requires_satgenpy = pytest.mark.skipif(not has_satgenpy, reason="needs satgenpy (pip install 'satsov[test]')")
requires_networkx = pytest.mark.skipif(not has_networkx, reason="needs networkx (pip install 'satsov[test]')")
requires_playwright = pytest.mark.skipif(not has_playwright, reason="needs playwright (pip install 'satsov[test]')")
requires_chromium = pytest.mark.skipif(not has_chromium, reason="needs Debian's chromium (apt-get install chromium)")
requires_cupy = pytest.mark.skipif(not has_cupy, reason="needs CuPy and a GPU (pip install 'satsov[cuda]')")
requires_dask = pytest.mark.skipif(not has_dask, reason="needs dask.distributed (pip install 'satsov[atlas]')")


def skyfield_timescale(ut1_equals_utc: bool = False):
    """A Skyfield timescale that uses the same IERS series as satsov (astropy-iers-data's finals2000A.all,
    read by Skyfield's own parser and interpolation), or UT1 = UTC (delta_t = 32.184 + 37 leap seconds)."""
    import shutil
    import tempfile

    import astropy_iers_data
    from skyfield.api import Loader, load
    if ut1_equals_utc:
        return load.timescale(delta_t=69.184)
    folder = tempfile.mkdtemp(prefix="satsov-skyfield-")
    shutil.copy(astropy_iers_data.IERS_A_FILE, folder)
    return Loader(folder, verbose=False).timescale(builtin=False)


def run_cli(args, capsys) -> tuple[int, str, str]:
    """Run ``satsov ARGS`` in-process as the console script would; return (exit code, stdout, stderr)."""
    from satsov.cli import main
    code = 0
    try:
        main(args)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err
