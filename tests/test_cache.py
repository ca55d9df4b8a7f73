"""The disk cache of derived data (satsov.cache): a grid read back equals the grid built, and an entry is
never used stale, half-written or where the cache is off."""

from __future__ import annotations

import os

import numpy as np
import pytest

from satsov import cache
from satsov.world import grids


def _same(a, b):
    for f in ("lat_deg", "lon_deg", "area_km2", "country", "population"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    assert (a.region_name, a.spacing_km, a.source, a.notes) == (b.region_name, b.spacing_km, b.source, b.notes)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SATSOV_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SATSOV_NO_CACHE", raising=False)
    return tmp_path / "derived"


def test_a_grid_read_back_equals_the_grid_built(cache_dir):
    # EU27 at 400 km: members without a cell centre get one (notes), overseas parts, people
    built = grids._build_grid(grids.region("EU27"), 400.0, True)
    first = grids.grid("EU27", 400.0)
    entries = list(cache_dir.glob("grid-*.npz"))
    assert len(entries) == 1 and oct(entries[0].stat().st_mode & 0o777) == "0o644"
    again = grids.grid("EU27", 400.0)
    _same(first, built)
    _same(again, built)
    assert again.notes and again.country.dtype.kind == "U"


def test_arguments_and_dependencies_make_new_entries(cache_dir, tmp_path, monkeypatch):
    grids.grid("PT", 300.0)
    grids.grid("PT", 300.0, population=False)
    grids.grid("PT", 250.0)
    assert len(list(cache_dir.glob("grid-*.npz"))) == 3
    # a source or data file that changes (size or time) gives a new key, so the old entry is never read
    dep = tmp_path / "dep.txt"
    dep.write_text("a")
    monkeypatch.setattr(grids, "_grid_depends", lambda: (str(dep),))
    k1 = cache.entry_key("grid", {"x": 1}, grids._grid_depends())
    dep.write_text("ab")
    k2 = cache.entry_key("grid", {"x": 1}, grids._grid_depends())
    assert k1 != k2


def test_a_damaged_entry_is_built_again(cache_dir):
    good = grids.grid("PT", 300.0)
    (entry,) = cache_dir.glob("grid-*.npz")
    entry.write_bytes(b"not an npz")
    _same(grids.grid("PT", 300.0), good)
    assert entry.read_bytes()[:2] == b"PK"  # replaced by a good one
    np.savez(entry, lat_deg=np.zeros(1))  # another layout
    _same(grids.grid("PT", 300.0), good)


def test_off_and_unwritable_caches_are_not_used(cache_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("SATSOV_NO_CACHE", "1")
    grids.grid("PT", 300.0)
    assert not cache_dir.exists()
    monkeypatch.delenv("SATSOV_NO_CACHE")
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("SATSOV_CACHE_DIR", str(blocked))  # a file where the folder should be
    assert grids.grid("PT", 300.0).population.sum() > 0
    assert cache.store("x", {"a": np.zeros(1)}) is None


def test_user_regions_are_not_cached(cache_dir, tmp_path):
    path = tmp_path / "square.geojson"
    path.write_text('{"type": "Polygon", "coordinates": [[[0, 40], [4, 40], [4, 44], [0, 44], [0, 40]]]}')
    grids.grid(str(path), 200.0)
    # the user's own region is never kept; a country's grid may be (a piece of a country smaller than a cell takes
    # its people from its country's cell there)
    import json

    import numpy as np
    kept = [json.loads(str(np.load(p)["meta"]))["region_name"] for p in cache_dir.glob("grid-*.npz")] \
        if cache_dir.exists() else []
    assert "square" not in kept and all(name != str(path) for name in kept)



def test_a_catalogue_read_back_equals_the_catalogue_parsed(cache_dir):
    from satsov.data import builtin_catalog_path
    from satsov.orbits.catalog import _read_catalog, read_catalog
    path = str(builtin_catalog_path())
    parsed = _read_catalog(path, False, None, False)
    first = read_catalog(path)
    assert len(list(cache_dir.glob("catalog-*.npz"))) == 1
    again = read_catalog(path)
    for cat in (first, again):
        assert cat.elements == parsed.elements  # every field, the epoch to the nanosecond
        assert [e.tle for e in cat.elements] == [e.tle for e in parsed.elements]
        assert (cat.path, cat.format, cat.duplicates, cat.rejected) == (path, parsed.format, parsed.duplicates, [])


def test_country_outlines_read_back_equal_the_outlines_decoded(cache_dir):
    from satsov.world import regions
    decoded = regions._decode_world()
    regions._geometries.cache_clear()
    try:
        first = regions._geometries()
        assert len(list(cache_dir.glob("outlines-*.npz"))) == 1
        regions._geometries.cache_clear()
        again = regions._geometries()
    finally:
        regions._geometries.cache_clear()
    for got in (first, again):
        assert list(got) == list(decoded)  # the same ids in the same order
        for key, items in decoded.items():
            assert [name for name, _g in got[key]] == [name for name, _g in items]
            for (_n, a), (_m, b) in zip(got[key], items):
                assert a.geom_type == b.geom_type and a.equals_exact(b, 0.0)  # every vertex, to the bit


def test_a_catalogue_with_bad_records_is_read_every_time(cache_dir, tmp_path):
    """Its rejected records must reach every output that uses it, so it is never served from the cache."""
    import gzip

    from satsov.data import builtin_catalog_path
    from satsov.orbits.catalog import read_catalog
    lines = gzip.decompress(builtin_catalog_path().read_bytes()).decode().splitlines()
    lines[2] = lines[2][:-1] + str((int(lines[2][-1]) + 1) % 10)  # a wrong checksum
    path = tmp_path / "bad.tle"
    path.write_text("\n".join(lines) + "\n")
    for _ in range(2):
        assert len(read_catalog(path).rejected) == 1
    assert not list(cache_dir.glob("catalog-*.npz"))


def test_entries_unused_for_a_month_are_pruned(cache_dir):
    import time
    cache.store("old", {"a": np.zeros(1)})
    cache.store("used", {"a": np.zeros(1)})
    month_ago = time.time() - (cache.KEEP_DAYS + 1) * 86400
    for name in ("old", "used"):
        os.utime(cache_dir / f"{name}.npz", (month_ago, month_ago))
    assert cache.load("used") is not None  # reading an entry keeps it
    cache.store("new", {"a": np.zeros(1)})
    assert sorted(p.stem for p in cache_dir.glob("*.npz")) == ["new", "used"]
