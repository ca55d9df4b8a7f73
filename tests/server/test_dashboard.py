"""The dashboard in a real browser: `satsov serve` started as users start it, Debian's chromium driven by
playwright. Every wait is on an explicit ready signal the page sets (body[data-ready=...]), never a sleep."""

import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from satsov.testing import CHROMIUM, requires_chromium, requires_playwright

pytest.importorskip("fastapi")
# The screenshots in docs/ are refreshed only on request (SATSOV_UPDATE_DOCS=1), so that a test run leaves the
# working tree as it found it; otherwise they go to a temporary folder.
DOCS = (Path(__file__).resolve().parents[2] / "docs" if os.environ.get("SATSOV_UPDATE_DOCS")
        else Path(tempfile.mkdtemp(prefix="satsov-screens-")))
if not os.environ.get("SATSOV_UPDATE_DOCS"):   # the temporary folder goes when the run ends
    import atexit
    import shutil
    atexit.register(shutil.rmtree, DOCS, ignore_errors=True)
ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
        "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A data directory with a small atlas, and `satsov serve` on it."""
    from satsov.assessment.atlas import atlas, atlas_key
    from satsov.io import write_json
    data = tmp_path_factory.mktemp("dashboard")
    a = atlas(spacing_km=500, duration="40m", step="20m")
    write_json(a.to_dict(), data / "atlas" / f"{atlas_key(a.params)}.json")
    exe = Path(sys.executable).parent / "satsov"   # the console script, as users start it
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "satsov.cli"]
    subprocess.run(cmd + ["design", "--region", "IS", "--altitude-km", "1200", "--spacing-km", "300", "--duration",
                          "2h", "--inclination-deg", "87.9", "--data-dir", str(data)], check=True,
                   capture_output=True)
    port = _free_port()
    env = {**os.environ, "SATSOV_DATA_DIR": str(data)}
    log = open(data / "serve.log", "wb")
    proc = subprocess.Popen(cmd + ["serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    import httpx
    t0 = time.monotonic()
    url = None
    while True:  # the tokenised URL it prints (as a user copies it), then its ready signal: /api/health answers
        if url is None:
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", (data / "serve.log").read_text())
            url = found.group(0) if found else None
        try:
            if url and httpx.get(url.replace("/?", "/api/health?"), timeout=1).json()["ready"]:
                break
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        if proc.poll() is not None or time.monotonic() - t0 > 60:
            raise AssertionError(f"satsov serve did not start: {(data / 'serve.log').read_text()}")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture(scope="module")
def page(server):
    import playwright.sync_api as playwright
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1300, "height": 800})
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        # the Content-Security-Policy holds for the app itself: no violation of it, ever
        pg.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        yield pg
        browser.close()
        assert not errors, errors


def _map_pixels(page) -> np.ndarray:
    from PIL import Image
    png = page.locator("#map").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _ready(page, what, timeout=60_000):
    page.wait_for_selector(f"body[data-ready={what}]", timeout=timeout)


def _open(page, url, what):
    """Go to a view and wait for its ready signal."""
    page.goto(url)
    _ready(page, what)


@requires_playwright
@requires_chromium
def test_the_atlas_draws_and_a_policy_switch_changes_figures_and_map(page, server):
    _open(page, server + "#view=atlas&metric=policy&policy=all-operators", "atlas")
    px = _map_pixels(page)
    ocean = np.array([0xdc, 0xe8, 0xf2])
    land = (np.abs(px - ocean).sum(axis=2) > 30)
    assert land.mean() > 0.15            # countries are drawn on the canvas, not only in the DOM
    greens = ((px[..., 1] > px[..., 0] + 30) & land).mean()
    assert greens > 0.05                 # and coloured by their served share
    before = page.inner_text("#atlas-groups")
    page.select_option("#atlas-metric", "sole")
    page.select_option("#atlas-operator", "starlink")
    _ready(page, "atlas")
    assert page.evaluate("document.body.dataset.atlasMetric") == "sole:starlink"
    assert float(page.evaluate("document.body.dataset.updateMs")) < 200   # precomputed: no recomputation
    assert page.inner_text("#atlas-groups") != before
    after = _map_pixels(page)
    assert np.abs(after - px).sum(axis=2).astype(bool).mean() > 0.05    # the map changed
    DOCS.mkdir(exist_ok=True)
    _open(page, server + "#view=atlas&metric=alone&operator=starlink", "atlas")
    page.screenshot(path=str(DOCS / "dashboard-atlas.png"))


@requires_playwright
@requires_chromium
def test_a_bad_scenario_shows_the_field_error(page, server):
    _open(page, server + "#view=run", "run")
    page.fill("#f-duration", "abc")
    page.click("#run-form button[type=submit]")
    page.wait_for_selector("#err-window:not(:empty)")   # (no wait_for_function: the page's CSP forbids eval)
    assert "window.duration" in page.inner_text("#err-window")
    assert "expected a duration" in page.inner_text("#err-window")


@requires_playwright
@requires_chromium
def test_a_scenario_from_the_form_runs_with_progress_its_report_downloads_and_its_view_restores(page, server):
    _open(page, server + "#view=run", "run")
    page.fill("#f-regions", "NO")
    page.fill("#f-spacing", "100")
    page.fill("#f-duration", "40m")
    page.fill("#f-step", "60s")
    page.check("#f-capacity")
    page.fill("#f-route-a", "Tromso")
    page.fill("#f-route-b", "Oslo")
    page.fill("#f-event-op", "starlink")
    page.fill("#f-event-start", "2026-05-07T00:10:00Z")
    page.fill("#f-event-end", "2026-05-07T00:30:00Z")
    page.click("#run-form button[type=submit]")
    page.wait_for_selector("body[data-job-status=done]", timeout=180_000)
    assert page.evaluate("document.body.dataset.progressSeen") == "yes"
    job = page.evaluate("document.body.dataset.job")
    page.wait_for_selector("#jobs a.report")
    page.screenshot(path=str(DOCS / "dashboard-run.png"))
    with page.expect_download() as dl:
        page.click("#jobs a.report")
    assert "Satellite" in Path(dl.value.path()).read_text() or "satsov" in Path(dl.value.path()).read_text()
    # a shared URL restores the region view: the case, its comparison and the time
    state = f"#view=region&job={job}&region=NO&case=kill:starlink&compare=policy:all-operators&t=15"
    _open(page, server + state, "region")
    assert page.input_value("#region-case") == "kill:starlink"
    assert page.input_value("#region-compare") == "policy:all-operators"
    assert page.input_value("#region-time") == "15"
    px = _map_pixels(page)
    assert (np.abs(px - np.array([0xdc, 0xe8, 0xf2])).sum(axis=2) > 30).mean() > 0.05
    page.select_option("#region-case", "policy:no-spacex")
    _ready(page, "region")
    assert float(page.evaluate("document.body.dataset.updateMs")) < 200
    assert "no-spacex" in page.inner_text("#region-figures")
    # a denial event through time: the slider walks the event's maps, one per span of the window
    event = "event:starlink switched off @ all-operators"
    page.select_option("#region-case", event)
    _ready(page, "region")
    page.eval_on_selector("#region-time", "(el) => { el.value = '20'; el.dispatchEvent(new Event('input')); }")
    _ready(page, "region")
    assert page.evaluate("document.body.dataset.regionFrame") == "20"
    assert "2026-05-07T00:20:00Z" in page.inner_text("#region-time-label")
    page.select_option("#region-case", "policy:no-spacex")
    _ready(page, "region")
    page.select_option("#region-layer", "capacity")            # the capacity map of the same case
    _ready(page, "region")
    assert page.evaluate("document.body.dataset.regionCase").endswith("|capacity")
    assert "capacity" in page.inner_text("#region-status")
    page.screenshot(path=str(DOCS / "dashboard-region.png"))
    # the audited route, drawn hop by hop and coloured by jurisdiction
    _open(page, server + f"#view=routes&job={job}&route=0&t=1", "routes")
    assert int(page.evaluate("document.body.dataset.routeHops")) >= 3      # city, satellite(s), city
    assert "Tromso" in page.inner_text("#routes-hops") or "Tromsø" in page.inner_text("#routes-hops")
    assert "US" in page.inner_text("#routes-legend") or "GB" in page.inner_text("#routes-legend")
    page.screenshot(path=str(DOCS / "dashboard-routes.png"))


@requires_playwright
@requires_chromium
def test_a_stored_design_is_listed_and_its_satellites_drawn(page, server):
    _open(page, server + "#view=designs", "designs")
    n = int(page.evaluate("document.body.dataset.designSatellites"))
    assert 40 <= n <= 60                                       # the smallest 87.9° shell at 1,200 km for Iceland
    assert "IS" in page.inner_text("#designs-table") and f"{n} sats" in page.inner_text("#designs-table")
    page.screenshot(path=str(DOCS / "dashboard-designs.png"))


@requires_playwright
@requires_chromium
def test_markup_in_names_shows_as_text_and_another_site_cannot_submit_jobs(page, server):
    import http.server
    import threading

    import httpx
    api = server.replace("/?", "/api/jobs?")
    small = {"regions": [{"name": "Iceland", "query": "IS", "spacing_km": 300}],
             "window": {"duration": "10m", "step": "300s"}, "fleets": {"flying": ["oneweb"]},
             "capacity": {"enabled": False}}
    name = '<img src=x onerror="document.body.dataset.xss=1">'
    assert httpx.post(api, json={"scenario": {**small, "name": name}}).status_code == 202
    _open(page, server + "#view=run", "run")
    page.wait_for_selector("#jobs td")
    assert name in page.inner_text("#jobs")                  # shown as the text it is
    assert page.locator("#jobs img").count() == 0
    assert page.evaluate("document.body.dataset.xss") is None
    # a page on another site (another port is another origin) posts to the dashboard's API, even knowing the
    # token: the simple request a page may send without asking (text/plain) and a JSON one
    evil = ("<!doctype html><script>const b = JSON.stringify({scenario: %s});"
            "Promise.allSettled([fetch('%s', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: b}),"
            "fetch('%s', {method: 'POST', mode: 'no-cors', body: b})]).then(() => { document.title = 'sent'; });"
            "</script>") % (json.dumps({**small, "name": "planted"}), api, api)

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(evil.encode())

        def log_message(self, *args):
            pass
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        page.wait_for_function("document.title === 'sent'")
    finally:
        other.shutdown()
        other.server_close()
    names = [j["name"] for j in httpx.get(api).json()["jobs"]]
    assert "planted" not in names and name in names
