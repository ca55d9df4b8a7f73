"""Space-Track GP data, opt in: one login and one combined query per call, within its published limits.

Credentials come from ``SPACETRACK_IDENTITY`` and ``SPACETRACK_PASSWORD`` or from ``~/.netrc`` (machine
``www.space-track.org``); they are never written anywhere. One call makes two requests (the login and one
``class/gp`` query for every catalogue number asked, or for every object on orbit), far inside Space-Track's
published limits of 30 requests a minute and 300 an hour, and, like CelesTrak's, the same query is not sent again
within two hours (GP data are refreshed about hourly; Space-Track asks users not to download the same data
repeatedly). Any answer other than 200 stops there, with the server's message; the previous snapshot is kept.
The snapshot and its manifest entry share CelesTrak's cache layout (``spacetrack/`` beside ``celestrak/``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import netrc
import os
from pathlib import Path

from satsov._optional import attempt_import
from satsov.errors import CatalogError, FetchError, InputError
from satsov.fetch.celestrak import (MIN_INTERVAL_S, TIMEOUT_S, Snapshot, _iso, _parse_time, _read_manifest,
                                    _user_agent, _write_manifest, cache_dir)
from satsov.io import atomic_path

__all__ = ["fetch_spacetrack", "SPACETRACK_URL", "credentials"]

SPACETRACK_URL = "https://www.space-track.org"


def credentials(base_url: str) -> tuple[str, str]:
    """(identity, password) from the environment or ``~/.netrc``; an :class:`InputError` naming both ways if
    neither has them."""
    ident, pwd = os.environ.get("SPACETRACK_IDENTITY"), os.environ.get("SPACETRACK_PASSWORD")
    if ident and pwd:
        return ident, pwd
    host = base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    try:
        auth = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        auth = None
    if auth and auth[0] and auth[2]:
        return auth[0], auth[2]
    raise InputError(f"Space-Track credentials: found none for {host}; expected SPACETRACK_IDENTITY and "
                     f"SPACETRACK_PASSWORD in the environment or a 'machine {host}' entry in ~/.netrc",
                     found=None, expected="credentials")


def fetch_spacetrack(catnr=None, *, base_url: str | None = None, cache: str | os.PathLike | None = None,
                     now: _dt.datetime | None = None, transport=None) -> Snapshot:
    """GP elements (OMM JSON) for the catalogue numbers in ``catnr`` (one query), or for every object on orbit
    when it is None."""
    base = (base_url or os.environ.get("SATSOV_SPACETRACK_URL") or SPACETRACK_URL).rstrip("/")
    if catnr is None:
        ids, slug = None, "gp-on-orbit"
        query = "/basicspacedata/query/class/gp/decay_date/null-val/orderby/norad_cat_id/format/json"
    else:
        ids = sorted({str(c).strip() for c in (catnr if isinstance(catnr, (list, tuple, set)) else
                                               str(catnr).split(","))} - {""})
        bad = [c for c in ids if not c.isdigit()]
        if not ids or bad:
            raise InputError(f"--catnr: found {bad or catnr!r}, expected catalogue numbers (digits, comma-separated)",
                             found=catnr, expected="digits")
        ids = sorted(ids, key=int)
        slug = "gp-" + hashlib.sha256(",".join(ids).encode()).hexdigest()[:12]
        query = f"/basicspacedata/query/class/gp/NORAD_CAT_ID/{','.join(ids)}/orderby/norad_cat_id/format/json"
    folder = cache_dir(cache) / "spacetrack"
    folder.mkdir(parents=True, exist_ok=True)
    now = now or _dt.datetime.now(_dt.timezone.utc)
    manifest = _read_manifest(folder)
    entry = manifest.get(slug, {})
    url = base + query
    last = entry.get("last_request_at")
    if last and (now - _parse_time(last)).total_seconds() < MIN_INTERVAL_S:
        minutes = (now - _parse_time(last)).total_seconds() / 60.0
        if entry.get("path") and Path(entry["path"]).exists():
            fields = {k: v for k, v in entry.items() if k in Snapshot.__dataclass_fields__}
            fields.update(from_cache=True, message=f"served from the cache: this query was sent {minutes:.0f} min "
                                                   f"ago (no repeat within 2 hours)")
            return Snapshot(**fields)
        raise FetchError(url, f"not requested again: the last request {minutes:.0f} min ago was answered "
                              f"{entry.get('last_status')}; no repeat within 2 hours", status=entry.get("last_status"))
    identity, password = credentials(base)
    httpx = attempt_import("httpx", extra="fetch")
    entry.update(url=url, last_request_at=_iso(now))

    def refuse(status, text):
        entry["last_status"] = status
        manifest[slug] = entry
        _write_manifest(folder, manifest)
        raise FetchError(url, f"answered {status}: {text.strip()[:500]}; nothing retried, the previous snapshot is "
                              f"kept", status=status)
    try:
        with httpx.Client(headers={"User-Agent": _user_agent()}, timeout=TIMEOUT_S, transport=transport,
                          follow_redirects=True) as client:
            login = client.post(base + "/ajaxauth/login", data={"identity": identity, "password": password})
            if login.status_code != 200 or "failed" in login.text.lower():
                refuse(login.status_code, "login refused: " + (login.text or login.reason_phrase))
            response = client.get(url)
    except httpx.HTTPError as exc:
        entry["last_status"] = None
        manifest[slug] = entry
        _write_manifest(folder, manifest)
        raise FetchError(url, f"no answer ({type(exc).__name__}: {exc}); nothing retried") from None
    if response.status_code != 200:
        refuse(response.status_code, response.text or response.reason_phrase)
    from satsov.orbits.omm import parse_omm_json
    body = response.content
    try:
        elements, rejected = parse_omm_json(body.decode("utf-8"), url)
    except (UnicodeDecodeError, CatalogError) as exc:
        refuse(200, f"the answer does not parse ({exc})")
    if not elements:
        refuse(200, f"the answer holds no satellite ({len(rejected)} rejected record(s))")
    target = folder / f"{slug}.json"
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(body)
    entry.update(query=slug, path=str(target), fetched_at=_iso(now), http_status=200, last_status=200,
                 sha256=hashlib.sha256(body).hexdigest(), objects=len(elements), rejected=len(rejected),
                 newest_epoch=str(max(e.epoch for e in elements))[:19] + "Z")
    manifest[slug] = entry
    _write_manifest(folder, manifest)
    fields = {k: v for k, v in entry.items() if k in Snapshot.__dataclass_fields__}
    missing = sorted(set(ids or ()) - {str(e.norad_id) for e in elements})
    note = f"; not in the answer: {', '.join(missing[:20])}" if missing else ""
    return Snapshot(**fields, message=f"fetched {len(elements)} objects from Space-Track{note}")
