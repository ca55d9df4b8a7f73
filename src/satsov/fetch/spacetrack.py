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

from satsov._optional import attempt_import
from satsov.errors import CatalogError, FetchError, InputError
from satsov.fetch.celestrak import (TIMEOUT_S, read_answer, Snapshot, _cached, _iso, _read_manifest, _refuse, _refuse_unless_ok,
                                    _store, _user_agent, cache_dir)

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
    hit = _cached(entry, now, url, "the same query is not sent again within 2 hours")
    if hit is not None:
        return hit
    identity, password = credentials(base)
    httpx = attempt_import("httpx", extra="fetch")
    entry.update(url=url, last_request_at=_iso(now))
    try:
        with httpx.Client(headers={"User-Agent": _user_agent()}, timeout=TIMEOUT_S, transport=transport,
                          follow_redirects=True) as client:
            login = client.post(base + "/ajaxauth/login", data={"identity": identity, "password": password})
            if login.status_code != 200 or "failed" in login.text.lower():
                _refuse(folder, manifest, slug, entry, url, f"answered {login.status_code}: login refused: "
                        f"{(login.text or login.reason_phrase).strip()[:500]}", login.status_code)
            response = read_answer(client, "GET", url)
    except httpx.HTTPError as exc:
        _refuse(folder, manifest, slug, entry, url, f"no answer ({type(exc).__name__}: {exc})", None)
    except FetchError as exc:
        _refuse(folder, manifest, slug, entry, url, exc.reason, exc.status)
    _refuse_unless_ok(folder, manifest, slug, entry, url, response)
    from satsov.orbits.omm import parse_omm_json
    body = response.content
    try:
        elements, rejected = parse_omm_json(body.decode("utf-8-sig"), url)
    except (UnicodeDecodeError, CatalogError, ValueError, RecursionError) as exc:
        _refuse(folder, manifest, slug, entry, url, f"the answer does not parse ({str(exc)[:300]})", 200)
    if not elements:
        _refuse(folder, manifest, slug, entry, url,
                f"the answer holds no satellite ({len(rejected)} rejected record(s))", 200)
    fields = _store(folder, manifest, slug, entry, folder / f"{slug}.json", body, elements, rejected, now)
    missing = sorted(set(ids or ()) - {str(e.norad_id) for e in elements})
    note = f"; not in the answer: {', '.join(missing[:20])}" if missing else ""
    return Snapshot(**fields, message=f"fetched {len(elements)} objects from Space-Track{note}")
