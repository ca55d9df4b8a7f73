"""``satsov catalog fetch`` against a local HTTP server on 127.0.0.1 (no test touches the internet).

The 200 answers are OMM built from the built-in CelesTrak snapshot (2026-05-07) by satsov's own writer; the
403 body is written in the style of CelesTrak's refusal of a repeat download, not copied from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("httpx")

from satsov.data import sample_catalog_path  # noqa: E402
from satsov.errors import FetchError  # noqa: E402
from satsov.fetch import fetch_catalog, snapshots  # noqa: E402
from satsov.orbits.catalog import read_catalog, write_catalog  # noqa: E402
from satsov.testing import run_cli  # noqa: E402

REFUSAL = ("GP data has not updated since your last successful download of GROUP=oneweb. Data is updated once "
           "every 2 hours. Please do not download the same data more often than that.")


class Server:
    """A local server answering every request with ``self.answer`` = (status, body bytes)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = (200, b"")
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                owner.requests.append({"path": self.path, "agent": self.headers.get("User-Agent", "")})
                status, body = owner.answer
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture(scope="module")
def omm(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("omm")
    elements = [e for e in read_catalog(sample_catalog_path()).elements if e.name.startswith("ONEWEB")]
    out = {}
    for fmt in ("json", "csv"):
        write_catalog(elements, folder / f"oneweb.{fmt}")
        out[fmt] = (folder / f"oneweb.{fmt}").read_bytes()
    out["n"] = len(elements)
    return out


T0 = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone.utc)


def test_a_snapshot_and_its_manifest(server, omm, tmp_path):
    server.answer = (200, omm["json"])
    snap = fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0)
    assert not snap.from_cache and snap.objects == omm["n"] and snap.http_status == 200
    assert Path(snap.path).read_bytes() == omm["json"]
    assert snap.sha256 == hashlib.sha256(omm["json"]).hexdigest()
    assert snap.fetched_at == "2026-11-23T06:00:00Z" and snap.newest_epoch.startswith("2026-05")
    assert "GROUP=oneweb" in server.requests[0]["path"] and "FORMAT=json" in server.requests[0]["path"]
    assert server.requests[0]["agent"].startswith("satsov/")
    manifest = json.loads((tmp_path / "celestrak" / "manifest.json").read_text())
    assert manifest["group-oneweb"]["url"].startswith(server.url) and manifest["group-oneweb"]["objects"] == omm["n"]
    assert len(read_catalog(snap.path).elements) == omm["n"]  # the snapshot is a catalogue satsov reads
    assert snapshots(tmp_path)[0].path == snap.path


def test_no_second_request_within_two_hours(server, omm, tmp_path):
    server.answer = (200, omm["json"])
    fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0)
    again = fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0 + dt.timedelta(minutes=30))
    assert again.from_cache and "served from the cache" in again.message and len(server.requests) == 1
    later = fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path,
                          now=T0 + dt.timedelta(hours=2, minutes=1))
    assert not later.from_cache and len(server.requests) == 2


def test_a_refusal_keeps_the_previous_snapshot_and_exits_non_zero(server, omm, tmp_path, monkeypatch, capsys):
    server.answer = (200, omm["json"])
    first = fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path,
                          now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3))
    before = Path(first.path).read_bytes()
    server.answer = (403, REFUSAL.encode())
    monkeypatch.setenv("SATSOV_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("SATSOV_CELESTRAK_URL", server.url)
    code, out, err = run_cli(["catalog", "fetch", "--group", "oneweb"], capsys)
    assert code == 1 and "403" in err and "Data is updated once every 2 hours" in " ".join(err.split())
    assert "Traceback" not in err
    assert Path(first.path).read_bytes() == before  # the previous snapshot is intact
    snap = snapshots(tmp_path)[0]
    assert snap.sha256 == first.sha256 and snap.fetched_at == first.fetched_at
    # and the refused query is not asked again within two hours
    code, _, err = run_cli(["catalog", "fetch", "--group", "oneweb"], capsys)
    assert code == 0 and "served from the cache" in err and len(server.requests) == 2


@pytest.mark.parametrize("status,body,expected", [
    (500, b"Internal Server Error", "answered 500"),
    (200, None, "does not parse"),              # truncated
    (200, b"<html><body>maintenance</body></html>", "does not parse"),
    (200, b"[]", "holds no satellite"),
])
def test_failures_write_nothing_and_are_not_retried(server, omm, tmp_path, status, body, expected):
    server.answer = (status, body if body is not None else omm["json"][: len(omm["json"]) // 2])
    with pytest.raises(FetchError, match=expected):
        fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0)
    assert len(server.requests) == 1 and not list((tmp_path / "celestrak").glob("group-oneweb.*"))
    with pytest.raises(FetchError, match="not requested again"):
        fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0 + dt.timedelta(minutes=5))
    assert len(server.requests) == 1


def test_csv_and_supplemental_queries(server, omm, tmp_path, capsys):
    server.answer = (200, omm["csv"])
    code, out, err = run_cli(["catalog", "fetch", "--supplemental", "oneweb", "--format", "csv", "--base-url",
                              server.url, "--cache-dir", str(tmp_path), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["objects"] == omm["n"] and data["path"].endswith("file-oneweb.csv")
    assert "sup-gp.php" in server.requests[0]["path"] and "FILE=oneweb" in server.requests[0]["path"]
    code, out, _ = run_cli(["catalog", "snapshots", "--cache-dir", str(tmp_path), "--json"], capsys)
    assert code == 0 and json.loads(out)[0]["query"] == "file-oneweb"


def test_a_query_is_one_of_group_name_catnr_or_file(tmp_path, capsys):
    code, _, err = run_cli(["catalog", "fetch", "--group", "a", "--name", "b", "--cache-dir", str(tmp_path)], capsys)
    assert code == 2 and "exactly one of" in err
    code, _, err = run_cli(["catalog", "fetch", "--catnr", "x1", "--cache-dir", str(tmp_path)], capsys)
    assert code == 2 and "--catnr" in err


def test_without_the_extra_the_message_names_it(tmp_path, monkeypatch, capsys):
    import sys
    monkeypatch.setitem(sys.modules, "httpx", None)  # as if not installed
    code, _, err = run_cli(["catalog", "fetch", "--group", "oneweb", "--cache-dir", str(tmp_path)], capsys)
    assert code == 2 and "pip install 'satsov[fetch]'" in err and "Traceback" not in err


def test_a_fetched_snapshot_is_stamped_where_it_is_used(server, omm, tmp_path):
    from satsov.world.constellations import select_fleets
    server.answer = (200, omm["json"])
    snap = fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path,
                         now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3))
    sel = select_fleets(flying=["oneweb"], catalog=snap.path)
    row = next(r for r in sel.sources if r["what"] == "satellites as flying")
    assert server.url in row["source"] and "3.0 days old" in row["source"] and row["date"] == snap.fetched_at
    Path(snap.path).write_bytes(omm["json"] + b" ")
    row = next(r for r in select_fleets(flying=["oneweb"], catalog=snap.path).sources
               if r["what"] == "satellites as flying")
    assert "no longer matches" in row["source"]


# ----------------------------------------------------------------------------------------------- Space-Track
class SpaceTrack(Server):
    """A local stand-in for Space-Track: a login that sets a session cookie, and GP queries that need it."""

    def __init__(self, body: bytes):
        super().__init__()
        self.body = body
        owner = self
        handler = self.httpd.RequestHandlerClass

        def do_POST(h):  # noqa: N802
            n = int(h.headers.get("Content-Length", 0))
            form = h.rfile.read(n).decode()
            owner.requests.append({"path": h.path, "form": form, "agent": h.headers.get("User-Agent", "")})
            ok = "identity=me%40example.org" in form and "password=secret" in form
            body = b'""' if ok else b'{"Login":"Failed"}'
            h.send_response(200)
            if ok:
                h.send_header("Set-Cookie", "chocolatechip=abc; Path=/")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        def do_GET(h):  # noqa: N802
            owner.requests.append({"path": h.path, "cookie": h.headers.get("Cookie", "")})
            status, body = (200, owner.body) if "chocolatechip=abc" in h.headers.get("Cookie", "") else \
                (401, b"You must be logged in")
            h.send_response(status)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        handler.do_POST = do_POST
        handler.do_GET = do_GET


def test_space_track_is_one_login_and_one_query(omm, tmp_path, monkeypatch, capsys):
    st = SpaceTrack(omm["json"])
    try:
        monkeypatch.setenv("SPACETRACK_IDENTITY", "me@example.org")
        monkeypatch.setenv("SPACETRACK_PASSWORD", "secret")
        ids = [e["NORAD_CAT_ID"] for e in json.loads(omm["json"])][:3]
        code, out, err = run_cli(["catalog", "fetch", "--space-track", "--catnr", ",".join(map(str, ids)),
                                  "--base-url", st.url, "--cache-dir", str(tmp_path), "--json"], capsys)
        assert code == 0, err
        assert [r["path"] for r in st.requests][0] == "/ajaxauth/login" and len(st.requests) == 2
        assert "/class/gp/NORAD_CAT_ID/" in st.requests[1]["path"] and "secret" not in json.dumps(json.loads(out))
        assert "secret" not in (tmp_path / "spacetrack" / "manifest.json").read_text()
        # the same query is not sent again within two hours
        code, _, err = run_cli(["catalog", "fetch", "--space-track", "--catnr", ",".join(map(str, ids)),
                                "--base-url", st.url, "--cache-dir", str(tmp_path)], capsys)
        assert code == 0 and "served from the cache" in err and len(st.requests) == 2
        # wrong credentials: refused with the server's answer, exit 1
        monkeypatch.setenv("SPACETRACK_PASSWORD", "wrong")
        code, _, err = run_cli(["catalog", "fetch", "--space-track", "--catnr", "25544", "--base-url", st.url,
                                "--cache-dir", str(tmp_path)], capsys)
        assert code == 1 and "login refused" in err
    finally:
        st.close()


def test_space_track_without_credentials_says_how_to_give_them(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SPACETRACK_IDENTITY", raising=False)
    monkeypatch.delenv("SPACETRACK_PASSWORD", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    code, _, err = run_cli(["catalog", "fetch", "--space-track", "--catnr", "25544", "--base-url",
                            "http://127.0.0.1:9", "--cache-dir", str(tmp_path)], capsys)
    assert code == 2 and "SPACETRACK_IDENTITY" in " ".join(err.split()) and ".netrc" in err


# ---- issue 32: a damaged manifest, answers too large, too slow or too odd to parse -----------------------------
def test_a_damaged_manifest_is_refused_and_kept_not_silently_replaced(server, omm, tmp_path, capsys):
    server.answer = (200, omm["json"])
    fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0)
    manifest = tmp_path / "celestrak" / "manifest.json"
    manifest.write_text('{"group-oneweb": {"path": "x"},')          # cut short
    code, out, err = run_cli(["catalog", "fetch", "--group", "starlink", "--cache-dir", str(tmp_path)], capsys)
    assert code == 2 and "manifest.json: line" in err and "move it away" in err and "Traceback" not in err
    assert manifest.read_text() == '{"group-oneweb": {"path": "x"},'  # provenance of the others not lost
    assert len(server.requests) == 1                                  # nothing was sent


def test_an_answer_larger_than_any_catalogue_is_refused_and_the_request_recorded(server, omm, tmp_path, monkeypatch):
    import satsov.fetch.celestrak as celestrak
    monkeypatch.setattr(celestrak, "MAX_BODY_BYTES", 1000)
    server.answer = (200, omm["json"])
    with pytest.raises(FetchError, match="more than the 1,000 read"):
        fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0)
    with pytest.raises(FetchError, match="not requested again"):     # the two-hour rule holds
        fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0 + dt.timedelta(minutes=5))
    assert len(server.requests) == 1 and not (tmp_path / "celestrak" / "group-oneweb.json").exists()


@pytest.mark.parametrize("body", [b"[" + b"1" * 5000 + b"]", b"[" * 100_000 + b"]" * 100_000])
def test_an_answer_too_odd_to_parse_is_refused_and_the_request_recorded(server, tmp_path, body):
    """A 5,000-digit integer or 100,000 nested brackets used to escape as a traceback, unrecorded, so the
    two-hour rule broke."""
    server.answer = (200, body)
    with pytest.raises(FetchError, match="does not parse"):
        fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0)
    with pytest.raises(FetchError, match="not requested again"):
        fetch_catalog(group="oneweb", base_url=server.url, cache=tmp_path, now=T0 + dt.timedelta(minutes=5))
    assert len(server.requests) == 1


def test_a_body_trickled_in_is_given_up_at_the_deadline(tmp_path, monkeypatch):
    """A body sent a byte every 5 s used to be waited on for 95 s: the whole answer has a deadline."""
    import time

    import satsov.fetch.celestrak as celestrak
    monkeypatch.setattr(celestrak, "DEADLINE_S", 1.0)

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass

        def log_message(self, *args):
            pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    t0 = time.monotonic()
    try:
        with pytest.raises(FetchError, match="not complete within 1 s"):
            fetch_catalog(group="oneweb", base_url=f"http://127.0.0.1:{httpd.server_address[1]}", cache=tmp_path,
                          now=T0)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert time.monotonic() - t0 < 3.5
