"""Catalogue files: read any supported format into element sets, write TLE or OMM.

Formats are chosen by extension (``.tle``, ``.txt``, ``.3le``, ``.2le`` for
TLE; ``.json``, ``.csv``, ``.xml`` for OMM) or, failing that, by content.
Bad records are collected in ``Catalog.rejected`` (each a
:class:`~satsov.errors.RecordError` naming file, line and field); with
``strict=True`` the first one raises instead.

>>> from satsov.data import sample_catalog_path
>>> cat = read_catalog(sample_catalog_path())
>>> len(cat) > 100, cat.rejected
(True, [])
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from satsov.io import atomic_open
from satsov.orbits.elements import ElementSet
from satsov.errors import CatalogError
from satsov.orbits.omm import omm_records, parse_omm_csv, parse_omm_json, parse_omm_xml
from satsov.orbits.tle import parse_tle, write_tle_lines

__all__ = ["Catalog", "read_catalog", "write_catalog", "detect_format", "catalog_provenance"]

_FORMATS = {".tle": "tle", ".txt": "tle", ".3le": "tle", ".2le": "tle", ".json": "json", ".csv": "csv",
            ".xml": "xml"}


@dataclass
class Catalog:
    """Element sets read from a file, with the records that were rejected."""

    elements: list[ElementSet]
    rejected: list = field(default_factory=list)
    path: str = ""
    format: str = ""
    duplicates: list[str] = field(default_factory=list)  # element sets dropped for a newer one of the same id

    def notes(self) -> list[str]:
        """What reading this file left out, one line each (for every output that used it)."""
        out = []
        if self.rejected:
            out.append(f"{self.path}: {len(self.rejected)} bad record(s) skipped, first: "
                       f"{str(self.rejected[0]).splitlines()[0]} (satsov catalog inspect {self.path} lists them)")
        if self.duplicates:
            out.append(f"{self.path}: {len(self.duplicates)} element set(s) dropped for a newer epoch of the same "
                       f"catalogue number, first: {self.duplicates[0]}")
        return out

    def __len__(self) -> int:
        return len(self.elements)

    def epoch_range(self) -> tuple[np.datetime64, np.datetime64] | None:
        if not self.elements:
            return None
        epochs = np.array([e.epoch for e in self.elements])
        return epochs.min(), epochs.max()

    def count_by_prefix(self) -> dict[str, int]:
        """Satellites counted by the leading word of their name (``STARLINK-1008`` -> ``STARLINK``)."""
        counts = Counter(name_prefix(e.name) for e in self.elements)
        return dict(counts.most_common())

    def summary(self) -> dict:
        """What ``satsov catalog inspect --json`` prints."""
        rng = self.epoch_range()
        reasons = Counter(f"{r.field or 'record'}: expected {r.expected}" for r in self.rejected)
        return {
            "path": self.path, "format": self.format, "satellites": len(self.elements),
            "rejected": len(self.rejected),
            "rejected_reasons": dict(reasons.most_common()),
            "rejected_records": [str(r).splitlines()[0] for r in self.rejected],
            "duplicates": len(self.duplicates), "duplicate_records": list(self.duplicates),
            "epoch_min": str(rng[0].astype("datetime64[s]")) + "Z" if rng else None,
            "epoch_max": str(rng[1].astype("datetime64[s]")) + "Z" if rng else None,
            "by_prefix": self.count_by_prefix(),
        }


def name_prefix(name: str) -> str:
    """The leading word of a satellite name: ``STARLINK-31337`` -> ``STARLINK``, ``ONEWEB-0012`` -> ``ONEWEB``."""
    head = re.split(r"[-\s(/_]", name.strip().upper(), maxsplit=1)[0]
    return head or name


def detect_format(path: str | os.PathLike, head: bytes = b"") -> str:
    ext = Path(path).suffix.lower()
    if ext in _FORMATS:
        return _FORMATS[ext]
    stripped = head.lstrip()
    if stripped.startswith((b"[", b"{")):
        return "json"
    if stripped.startswith(b"<"):
        return "xml"
    if b"NORAD_CAT_ID" in head.split(b"\n", 1)[0]:
        return "csv"
    return "tle"


def read_catalog(path: str | os.PathLike, *, strict: bool = False, format: str | None = None,
                 keep_duplicates: bool = False) -> Catalog:
    """Read a TLE/3LE or OMM (JSON, CSV, XML) catalogue file.

    A satellite listed more than once keeps its newest element set; the others are listed in
    ``Catalog.duplicates`` (``keep_duplicates=True`` keeps them all).

    Raises :class:`~satsov.errors.CatalogError` when the file cannot be read at
    all, is empty, or (``strict``) holds any bad record.
    """
    path = os.fspath(path)
    key = _cache_key(path, strict, format, keep_duplicates)
    if key is None:
        return _read_catalog(path, strict, format, keep_duplicates)
    from satsov.cache import cached
    return cached(key, lambda: _read_catalog(path, strict, format, keep_duplicates), _catalog_arrays,
                  lambda arrays: _catalog_from_arrays(arrays, path),
                  keep=lambda cat: not cat.rejected and len(cat.elements) >= CACHE_MIN_RECORDS)


#: Catalogues of this many satellites or more (read without a bad record) are kept in the disk cache of
#: derived data (:mod:`satsov.cache`): parsing and checking the built-in 12,074 takes about a second.
CACHE_MIN_RECORDS = 1000
_FLOATS = ("mean_motion_rev_per_day", "eccentricity", "inclination_deg", "raan_deg", "arg_perigee_deg",
           "mean_anomaly_deg", "bstar", "mean_motion_dot", "mean_motion_ddot")
_INTS = ("norad_id", "element_set_no", "rev_at_epoch", "ephemeris_type")
_TEXTS = ("name", "classification", "intl_designator", "source")


def _cache_key(path: str, strict: bool, fmt, keep_duplicates: bool) -> str | None:
    try:
        if os.path.getsize(path) < 50_000:  # small files: not worth an entry
            return None
    except OSError:
        return None
    from satsov.cache import entry_key
    here = Path(__file__).resolve().parent
    code = [here / n for n in ("catalog.py", "tle.py", "omm.py", "elements.py")]
    return entry_key("catalog", {"path": os.path.abspath(path), "strict": strict, "format": fmt,
                                 "keep_duplicates": keep_duplicates}, [*code, path])


def _catalog_arrays(cat: "Catalog") -> dict[str, np.ndarray]:
    e = cat.elements
    out = {f: np.array([getattr(x, f) for x in e], float) for f in _FLOATS}
    out |= {f: np.array([getattr(x, f) for x in e], np.int64) for f in _INTS}
    out |= {f: np.array([getattr(x, f) for x in e], str) for f in _TEXTS}
    out["epoch"] = np.array([x.epoch for x in e], "datetime64[ns]")
    out["tle1"] = np.array([x.tle[0] if x.tle else "" for x in e], str)
    out["tle2"] = np.array([x.tle[1] if x.tle else "" for x in e], str)
    out["meta"] = np.array(json.dumps({"format": cat.format, "duplicates": list(cat.duplicates)}))
    return out


def _catalog_from_arrays(a: dict[str, np.ndarray], path: str) -> "Catalog":
    meta = json.loads(str(a["meta"]))
    cols = {f: a[f].tolist() for f in _FLOATS + _INTS + _TEXTS}
    epochs, tle1, tle2 = a["epoch"], a["tle1"].tolist(), a["tle2"].tolist()
    elements = [ElementSet(**{f: cols[f][i] for f in cols}, epoch=epochs[i],
                           tle=(tle1[i], tle2[i]) if tle1[i] else None) for i in range(len(epochs))]
    return Catalog(elements, [], path, meta["format"], list(meta["duplicates"]))


#: The largest catalogue read (after gzip). Every satellite ever catalogued fits many times over: catalogue
#: numbers passed 99,999 only in 2026 (the end of five-digit numbers, shared/REFERENCE.md), and an OMM JSON record
#: takes about 500 bytes (satsov's writer on the built-in 12,074 satellites: 6.0 MB), so 100,000 records are about
#: 50 MB. A larger file is not a catalogue, and reading it would take about ten times its size in memory.
MAX_CATALOG_BYTES = 256 * 1024 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"


def _text_encoding_problem(raw: bytes) -> str | None:
    """Why ``raw`` is not UTF-8 text a catalogue can be, when it is plainly another encoding."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > 20:
        return "the file is UTF-16 or UTF-32 text; expected UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)"
    return None


def _read_capped(path: str) -> bytes:
    """The file's bytes (gunzipped for ``.gz``), refused beyond :data:`MAX_CATALOG_BYTES`."""
    cap_mb = MAX_CATALOG_BYTES // 2**20
    size = os.path.getsize(path)
    if size > MAX_CATALOG_BYTES:
        raise CatalogError(path, f"{size / 2**20:,.0f} MB: larger than any catalogue (at most {cap_mb} MB read; "
                                 f"every satellite ever catalogued is about 50 MB as OMM JSON)")
    raw = Path(path).read_bytes()
    if path.lower().endswith(".gz"):
        import gzip
        import io as _io
        try:
            with gzip.GzipFile(fileobj=_io.BytesIO(raw)) as f:
                raw = f.read(MAX_CATALOG_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise CatalogError(path, f"is not a readable gzip file ({exc})") from None
        if len(raw) > MAX_CATALOG_BYTES:
            raise CatalogError(path, f"unpacks to more than {cap_mb} MB: larger than any catalogue")
    return raw


def _read_catalog(path: str, strict: bool, format: str | None, keep_duplicates: bool) -> "Catalog":
    try:
        raw = _read_capped(path)
    except FileNotFoundError:
        raise CatalogError(path, "no such file") from None
    except IsADirectoryError:
        raise CatalogError(path, "is a directory, expected a catalogue file") from None
    except OSError as exc:
        raise CatalogError(path, f"cannot be read ({exc.strerror})") from None
    name_for_format = path[:-3] if path.lower().endswith(".gz") else path
    problem = _text_encoding_problem(raw)
    if problem:
        raise CatalogError(path, problem)
    raw = raw.removeprefix(_UTF8_BOM)   # a byte-order mark is not part of the first satellite's name
    if b"CCSDS_OMM_VERS" in raw[:4096]:
        raise CatalogError(path, "this is CCSDS OMM in KVN (key = value text) form; expected TLE, or OMM as JSON, "
                                 "CSV or XML (Space-Track and CelesTrak give those: FORMAT=json)")
    if not raw.strip():
        raise CatalogError(path, "the file is empty; expected TLE lines or OMM records")
    fmt = format or detect_format(name_for_format, raw[:4096])
    if fmt == "tle":
        elements, rejected = parse_tle(raw.splitlines(), path)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise CatalogError(path, f"line {line}: found byte {raw[exc.start:exc.start + 1]!r}, "
                                     f"expected UTF-8 text") from None
        parser = {"json": parse_omm_json, "csv": parse_omm_csv, "xml": parse_omm_xml}.get(fmt)
        if parser is None:
            raise CatalogError(path, f"unknown format {fmt!r}; expected tle, json, csv or xml")
        elements, rejected = parser(text, path)
    if strict and rejected:
        raise CatalogError(path, f"{len(rejected)} bad record(s) (strict mode); first: {rejected[0]}")
    if not elements and not rejected:
        raise CatalogError(path, f"no satellite records found; expected {fmt.upper()} data")
    elements, duplicates = (elements, []) if keep_duplicates else newest_per_satellite(elements)
    return Catalog(elements, rejected, path, fmt, duplicates)


def newest_per_satellite(elements: list[ElementSet]) -> tuple[list[ElementSet], list[str]]:
    """One element set per catalogue number, the newest epoch (the later record on a tie), in first-seen
    order; and a line for each element set dropped."""
    best: dict[int, int] = {}
    for i, e in enumerate(elements):
        j = best.get(e.norad_id)
        if j is None or e.epoch >= elements[j].epoch:
            best[e.norad_id] = i
    if len(best) == len(elements):
        return elements, []
    keep = set(best.values())
    dropped = [f"{e.name} (NORAD {e.norad_id}) at epoch {str(e.epoch.astype('datetime64[s]'))}Z from {e.source}, "
               f"kept epoch {str(elements[best[e.norad_id]].epoch.astype('datetime64[s]'))}Z"
               for i, e in enumerate(elements) if i not in keep]
    order = sorted(keep)
    return [elements[i] for i in order], dropped


def write_catalog(elements, path: str | os.PathLike, *, format: str | None = None) -> None:
    """Write element sets as 3-line TLE (``.tle``/``.txt``/``.3le``), 2-line TLE (``.2le``) or OMM JSON/CSV.

    The file is written atomically.
    """
    path = os.fspath(path)
    ext = Path(path).suffix.lower()
    fmt = format or _FORMATS.get(ext, "tle")
    elements = list(elements)
    if fmt == "tle":
        with atomic_open(path) as f:
            f.write(write_tle_lines(elements, three_line=ext != ".2le"))
    elif fmt == "json":
        with atomic_open(path) as f:
            json.dump(omm_records(elements), f, indent=1)
            f.write("\n")
    elif fmt == "csv":
        import csv
        records = omm_records(elements)
        with atomic_open(path, newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(records[0]) if records else ["OBJECT_NAME"])
            writer.writeheader()
            writer.writerows(records)
    else:
        raise CatalogError(path, f"cannot write format {fmt!r}; expected .tle, .2le, .json or .csv")


def catalog_provenance(path: str | os.PathLike) -> dict | None:
    """Where a fetched catalogue came from: its entry in the ``manifest.json`` beside it (written by
    ``satsov catalog fetch``: URL, time of the request, HTTP status, sha256, objects, newest epoch), with
    ``matches`` telling whether the file still has the recorded sha256; None for a file that was not fetched."""
    import hashlib
    import json
    p = Path(path)
    manifest = p.parent / "manifest.json"
    if not manifest.exists():
        return None
    try:
        entries = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    for entry in entries.values() if isinstance(entries, dict) else ():
        if isinstance(entry, dict) and entry.get("path") and Path(entry["path"]).resolve() == p.resolve():
            out = dict(entry)
            try:
                out["matches"] = hashlib.sha256(p.read_bytes()).hexdigest() == entry.get("sha256")
            except OSError:
                out["matches"] = False
            return out
    return None
