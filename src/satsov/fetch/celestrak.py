"""CelesTrak GP data (``gp.php``) and supplemental GP data (``sup-gp.php``), fetched as the service asks.

- Never implicitly: only :func:`fetch_catalog` (``satsov catalog fetch``) makes a request.
- At most one request per query every two hours (CelesTrak updates its data at most that often and answers
  repeats with 403): within that time the cached snapshot is served, and the answer says so.
- Any answer other than 200 stops there: no retry, the previous snapshot is kept, and the server's message is
  shown. A body that does not parse (truncated, garbage) is refused the same way.
- The User-Agent names satsov and its version.

Snapshots live in a cache folder (``cache_dir``: the ``cache_dir`` argument, else ``SATSOV_CACHE_DIR``, else the
platform's user cache folder) as ``celestrak/<query>.<format>`` with ``manifest.json`` beside them: per query
its URL, the time of the request, the HTTP status, the sha256 of the body, the number of objects and the
newest epoch. A snapshot and its manifest entry are written atomically after a successful parse. The base
URL can point to a mirror (``base_url`` or ``SATSOV_CELESTRAK_URL``); the tests use a local server.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from satsov._optional import attempt_import
from satsov.errors import CatalogError, FetchError, InputError
from satsov.io import atomic_open, atomic_path
from satsov.orbits.catalog import MAX_CATALOG_BYTES

__all__ = ["fetch_catalog", "snapshots", "Snapshot", "cache_dir", "CELESTRAK_URL", "MIN_INTERVAL_S"]

CELESTRAK_URL = "https://celestrak.org"
MIN_INTERVAL_S = 2 * 3600  # CelesTrak: data change at most every 2 hours; repeats within that are refused
FORMATS = ("json", "csv")  # OMM: five-digit catalogue numbers (TLE) ran out in 2026
TIMEOUT_S = 60.0           # for each step of a request (connecting, each read)
DEADLINE_S = 180.0         # for the whole answer: a body trickled a byte at a time is given up
MAX_BODY_BYTES = MAX_CATALOG_BYTES   # as read_catalog: an answer larger is not a catalogue


@dataclass(frozen=True)
class Answer:
    """An HTTP answer read whole within the size cap and the deadline."""

    status_code: int
    content: bytes
    reason_phrase: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def read_answer(client, method: str, url: str, *, deadline_s: float | None = None,
                max_bytes: int | None = None, **kwargs) -> Answer:
    """Send one request and read its answer as a stream, refusing a body beyond ``max_bytes``
    (:data:`MAX_BODY_BYTES`) or one not complete within ``deadline_s`` (:data:`DEADLINE_S`) of the request,
    however slowly it trickles in. Raises :class:`~satsov.errors.FetchError` naming the cap or the deadline."""
    import time
    deadline_s = DEADLINE_S if deadline_s is None else deadline_s
    max_bytes = MAX_BODY_BYTES if max_bytes is None else max_bytes
    t0 = time.monotonic()
    chunks, size = [], 0
    with client.stream(method, url, **kwargs) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(url, f"the answer is {int(declared):,} bytes, more than the {max_bytes:,} read "
                                  f"(larger than any catalogue)", status=response.status_code)
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, f"the answer passed {max_bytes:,} bytes (larger than any catalogue)",
                                 status=response.status_code)
            if time.monotonic() - t0 > deadline_s:
                raise FetchError(url, f"the answer was not complete within {deadline_s:.0f} s ({size:,} bytes "
                                      f"so far)", status=response.status_code)
            chunks.append(chunk)
        return Answer(response.status_code, b"".join(chunks), response.reason_phrase)


@dataclass(frozen=True)
class Snapshot:
    """One cached catalogue: where it is, where and when it came from, and what it holds."""

    query: str
    path: str
    url: str
    fetched_at: str          # ISO UTC of the request that produced it
    http_status: int
    sha256: str
    objects: int
    rejected: int
    newest_epoch: str
    from_cache: bool = False
    message: str = ""

    def age_hours(self, now: _dt.datetime | None = None) -> float:
        now = now or _dt.datetime.now(_dt.timezone.utc)
        return (now - _parse_time(self.fetched_at)).total_seconds() / 3600.0

    def to_dict(self) -> dict:
        return asdict(self)


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """The cache folder: ``path``, else ``SATSOV_CACHE_DIR``, else the platform's user cache folder."""
    if path:
        return Path(path)
    if os.environ.get("SATSOV_CACHE_DIR"):
        return Path(os.environ["SATSOV_CACHE_DIR"])
    platformdirs = attempt_import("platformdirs", extra="fetch")
    return Path(platformdirs.user_cache_dir("satsov"))


def _parse_time(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(t: _dt.datetime) -> str:
    return t.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _query(group, name, catnr, supplemental, fmt) -> tuple[str, str, dict]:
    """(slug, path, params) of a request."""
    given = [(k, v) for k, v in (("GROUP", group), ("NAME", name), ("CATNR", catnr), ("FILE", supplemental))
             if v not in (None, "")]
    if len(given) != 1:
        raise InputError("give exactly one of --group, --name, --catnr or --supplemental", found=dict(given),
                         expected="one query")
    if fmt not in FORMATS:
        raise InputError(f"--format: found {fmt!r}, expected one of {', '.join(FORMATS)} (OMM)", found=fmt,
                         expected=FORMATS)
    key, value = given[0]
    value = str(value).strip()
    if key == "CATNR" and not value.isdigit():
        raise InputError(f"--catnr: found {value!r}, expected a catalogue number", found=value,
                         expected="digits")
    slug = f"{key.lower()}-{re.sub(r'[^a-z0-9]+', '-', value.lower()).strip('-')}"
    path = "/NORAD/elements/supplemental/sup-gp.php" if key == "FILE" else "/NORAD/elements/gp.php"
    return slug, path, {key: value, "FORMAT": fmt}


def _read_manifest(folder: Path) -> dict:
    """The cache's record of its snapshots (provenance, and the time of each query's last request for the
    two-hour rule). A damaged one is refused, never silently replaced: replacing it would lose every other
    snapshot's provenance and let a query be sent again within two hours."""
    f = folder / "manifest.json"
    if not f.exists():
        return {}
    fix = ("expected the cache's manifest (a JSON object of snapshot entries); the snapshots beside it are "
           "untouched: repair it, or move it away to start a new one (their provenance is then lost)")
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{f}: line {exc.lineno}: not valid JSON ({exc.msg}); {fix}", found=str(f),
                         expected="a manifest") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"{f}: cannot be read ({exc}); {fix}", found=str(f), expected="a manifest") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(f"{f}: found a JSON {type(data).__name__} that is not a set of entries; {fix}",
                         found=str(f), expected="a manifest")
    return data


def _write_manifest(folder: Path, manifest: dict) -> None:
    with atomic_open(folder / "manifest.json") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


def snapshots(cache: str | os.PathLike | None = None) -> list[Snapshot]:
    """Every cached snapshot (CelesTrak and Space-Track), newest first."""
    out = [Snapshot(**{k: v for k, v in e.items() if k in Snapshot.__dataclass_fields__}, from_cache=True)
           for service in ("celestrak", "spacetrack")
           for e in _read_manifest(cache_dir(cache) / service).values() if e.get("path")]
    return sorted(out, key=lambda s: s.fetched_at, reverse=True)


def _user_agent() -> str:
    from satsov import __version__
    return f"satsov/{__version__} (satellite sovereignty analysis; python-httpx)"


def _cached(entry: dict, now: _dt.datetime, url: str, why: str) -> Snapshot | None:
    """The two-hour rule, shared by both services: within two hours of the last request to this query, the
    cached snapshot (or, if that request failed, a refusal naming it); None when a request may be sent."""
    last = entry.get("last_request_at")
    if not last or (now - _parse_time(last)).total_seconds() >= MIN_INTERVAL_S:
        return None
    ago_min = (now - _parse_time(last)).total_seconds() / 60.0
    wait_min = MIN_INTERVAL_S / 60.0 - ago_min
    if entry.get("path") and Path(entry["path"]).exists():
        fields = {k: v for k, v in entry.items() if k in Snapshot.__dataclass_fields__}
        fields.update(from_cache=True, message=f"served from the cache: this query was requested {ago_min:.0f} min "
                                               f"ago and {why} (next request allowed in {wait_min:.0f} min)")
        return Snapshot(**fields)
    raise FetchError(entry.get("url", url), f"not requested again: the last request {ago_min:.0f} min ago was "
                     f"answered {entry.get('last_status')}; {why} (try in {wait_min:.0f} min)",
                     status=entry.get("last_status"))


def _refuse(folder: Path, manifest: dict, slug: str, entry: dict, url: str, message: str, status) -> None:
    """Record a failed request (its time counts for the two-hour rule), keep the previous snapshot, raise."""
    entry["last_status"] = status
    manifest[slug] = entry
    _write_manifest(folder, manifest)
    raise FetchError(url, f"{message}; nothing retried, the previous snapshot is kept", status=status)


def _refuse_unless_ok(folder: Path, manifest: dict, slug: str, entry: dict, url: str, response) -> None:
    """Any answer but 200 stops the fetch with the server's own message (its first 500 characters)."""
    if response.status_code != 200:
        _refuse(folder, manifest, slug, entry, url, f"answered {response.status_code}: "
                f"{response.text.strip()[:500] or response.reason_phrase}", response.status_code)


def _store(folder: Path, manifest: dict, slug: str, entry: dict, target: Path, body: bytes, elements, rejected,
           now: _dt.datetime) -> dict:
    """Write a parsed answer as the query's snapshot, then its manifest entry (both atomically)."""
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(body)
    entry.update(query=slug, path=str(target), fetched_at=_iso(now), http_status=200, last_status=200,
                 sha256=hashlib.sha256(body).hexdigest(), objects=len(elements), rejected=len(rejected),
                 newest_epoch=str(max(e.epoch for e in elements))[:19] + "Z")
    manifest[slug] = entry
    _write_manifest(folder, manifest)
    return {k: v for k, v in entry.items() if k in Snapshot.__dataclass_fields__}


def fetch_catalog(*, group: str | None = None, name: str | None = None, catnr: str | int | None = None,
                  supplemental: str | None = None, format: str = "json", base_url: str | None = None,
                  cache: str | os.PathLike | None = None, now: _dt.datetime | None = None,
                  transport=None) -> Snapshot:
    """Fetch one CelesTrak query (``group``, ``name``, ``catnr`` or ``supplemental`` file) as OMM, or serve it
    from the cache when it was requested less than two hours ago. Raises :class:`~satsov.errors.FetchError` on
    any answer but 200 or on a body that does not parse; the previous snapshot stays as it was."""
    slug, path, params = _query(group, name, catnr, supplemental, format)
    base = (base_url or os.environ.get("SATSOV_CELESTRAK_URL") or CELESTRAK_URL).rstrip("/")
    folder = cache_dir(cache) / "celestrak"
    folder.mkdir(parents=True, exist_ok=True)
    now = now or _dt.datetime.now(_dt.timezone.utc)
    manifest = _read_manifest(folder)
    entry = manifest.get(slug, {})
    hit = _cached(entry, now, base + path, "CelesTrak updates at most every 2 hours")
    if hit is not None:
        return hit
    httpx = attempt_import("httpx", extra="fetch")
    url = str(httpx.URL(base + path, params=params))
    entry.update(url=url, last_request_at=_iso(now))
    try:
        with httpx.Client(headers={"User-Agent": _user_agent()}, timeout=TIMEOUT_S, transport=transport,
                          follow_redirects=True) as client:
            response = read_answer(client, "GET", url)
    except httpx.HTTPError as exc:
        _refuse(folder, manifest, slug, entry, url, f"no answer ({type(exc).__name__}: {exc})", None)
    except FetchError as exc:
        _refuse(folder, manifest, slug, entry, url, exc.reason, exc.status)
    _refuse_unless_ok(folder, manifest, slug, entry, url, response)
    from satsov.orbits.omm import parse_omm_csv, parse_omm_json
    body = response.content
    try:
        text = body.decode("utf-8-sig")
        elements, rejected = (parse_omm_json if format == "json" else parse_omm_csv)(text, url)
    except (UnicodeDecodeError, CatalogError, ValueError, RecursionError) as exc:
        _refuse(folder, manifest, slug, entry, url, f"the answer does not parse ({str(exc)[:300]})", 200)
    if not elements:
        message = text.strip()[:300]
        _refuse(folder, manifest, slug, entry, url, f"the answer holds no satellite ({len(rejected)} rejected "
                f"record(s){': ' + message if message and not message.startswith(('[', '{')) else ''})", 200)
    fields = _store(folder, manifest, slug, entry, folder / f"{slug}.{format}", body, elements, rejected, now)
    return Snapshot(**fields, message=f"fetched {len(elements)} objects" + (
        f" ({len(rejected)} rejected)" if rejected else ""))
