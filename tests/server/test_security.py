"""The server tried as a hostile page or user would: files outside the data directory, other sites' requests,
DNS rebinding, markup in names, the API's documentation. Each case of the security issue is pinned here;
file access is watched with an audit hook (every ``open`` the process makes while a request is answered)."""

import json
import sys

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from satsov.server import allowed_hosts, serve  # noqa: E402
from satsov.server.app import create_app  # noqa: E402

BASE = "http://127.0.0.1"
SMALL = {"name": "sec", "regions": [{"name": "Iceland", "query": "IS", "spacing_km": 300}],
         "window": {"duration": "10m", "step": "120s"}, "fleets": {"flying": ["oneweb"]},
         "capacity": {"enabled": False}}
SQUARE = {"type": "Polygon", "coordinates": [[[-20, 64], [-18, 64], [-18, 65], [-20, 65], [-20, 64]]]}

_opened: list[str] = []
_WATCHING = False


def _audit(event, args):
    if event == "open" and _WATCHING and isinstance(args[0], (str, bytes)):
        _opened.append(args[0].decode() if isinstance(args[0], bytes) else args[0])


sys.addaudithook(_audit)   # an audit hook cannot be removed: it records only while a test asks


@pytest.fixture
def opened():
    """The paths the process opens while the test runs (every thread)."""
    global _WATCHING
    _opened.clear()
    _WATCHING = True
    yield _opened
    _WATCHING = False


@pytest.fixture
def secrets_dir(tmp_path):
    """Files outside the data directory that a request must never read."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.json").write_text(json.dumps({"type": "Polygon", "coordinates": SQUARE["coordinates"],
                                               "password": "hunter2"}))
    (d / "secret.geojson").write_text(json.dumps(SQUARE))
    return d


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(tmp_path / "data"), base_url=BASE) as c:
        yield c


def _post(client, scenario, **kw):
    return client.post("/api/jobs", json={"scenario": scenario}, **kw)


@pytest.mark.parametrize("where", ["query", "event", "union", "difference", "relative", "geojson"])
def test_a_submitted_scenario_reads_no_file_outside_the_data_directory(client, secrets_dir, opened, where):
    secret, missing = str(secrets_dir / "secret.json"), str(secrets_dir / "nothing-here.json")

    def scenario(path):
        region = {"name": "x", "query": path, "spacing_km": 300}
        if where == "event":
            return {**SMALL, "events": [{"name": "e", "operator": "oneweb", "region": path}]}
        if where == "union":
            region["query"] = f"IS+{path}"
        if where == "difference":
            region["query"] = f"IS - {path}"
        if where == "relative":
            region["query"] = "../outside/secret.json" if path == secret else "../outside/nothing-here.json"
        if where == "geojson":
            region = {"name": "x", "geojson": path, "spacing_km": 300}
        return {**SMALL, "regions": [region]}

    answers = []
    for path in (secret, missing, "/etc/shadow"):
        r = _post(client, scenario(path))
        assert r.status_code == 422, r.text
        assert "hunter2" not in r.text and "Polygon" not in r.text
        answers.append([e["loc"] for e in r.json()["errors"]])
    assert answers[0] == answers[1] == answers[2]      # no existence oracle: the same answer for every path
    open(__file__).close()
    assert __file__ in opened, "the audit hook is not watching"
    assert not [p for p in opened if str(secrets_dir) in p or p == "/etc/shadow"]
    assert client.get("/api/jobs").json()["jobs"] == []


def test_a_region_sent_as_inline_geojson_is_accepted_and_runs(client):
    r = _post(client, {**SMALL, "regions": [{"name": "west Iceland", "geometry": SQUARE, "spacing_km": 50}],
                       "events": [{"name": "e", "operator": "oneweb", "region": SQUARE}]})
    assert r.status_code == 202, r.text
    bad = _post(client, {**SMALL, "regions": [{"name": "w", "geometry": {"type": "Point", "coordinates": [0, 0]}}]})
    assert bad.status_code == 422 and "Polygon" in bad.json()["errors"][0]["text"]


def test_other_sites_and_rebound_host_names_cannot_use_the_api(client):
    body = json.dumps({"scenario": SMALL})
    # a page on another site, or a DNS-rebinding page whose name now points here
    rebound = client.post("/api/jobs", content=body, headers={"Host": "evil.example:8000",
                                                               "Content-Type": "application/json"})
    assert rebound.status_code == 421 and "Host" in rebound.json()["detail"]
    assert client.get("/api/jobs", headers={"Host": "evil.example"}).status_code == 421
    cross = client.post("/api/jobs", content=body, headers={"Origin": "http://evil.example",
                                                             "Content-Type": "application/json"})
    assert cross.status_code == 403 and "Origin" in cross.json()["detail"]
    assert client.post("/api/jobs", content=body, headers={"Origin": "null", "Content-Type": "application/json"}
                       ).status_code == 403
    # the form a page can send without asking (text/plain) is refused: the API takes JSON only
    plain = client.post("/api/jobs", content=body, headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415 and "application/json" in plain.json()["detail"]
    assert client.post("/api/atlas", content=b"", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.get("/api/jobs").json()["jobs"] == []
    same = client.post("/api/jobs", content=body, headers={"Origin": BASE, "Content-Type": "application/json"})
    assert same.status_code == 202


def test_every_page_carries_a_content_security_policy_and_needs_nothing_from_elsewhere(client):
    from pathlib import Path

    import satsov.server
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert "<script>" not in html and "<style>" not in html and " style=" not in html and "http" not in html.lower()
    static = Path(satsov.server.__file__).parent / "static"
    import re
    for ref in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert (static / ref.removeprefix("/static/")).is_file(), ref
        assert client.get(ref).status_code == 200
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/jobs" in docs.text
    assert not re.search(r"(?:src|href)=['\"]https?:", docs.text)   # no CDN: Swagger UI is not fetched
    assert client.get("/docs", follow_redirects=False).headers["location"] == "/api/docs"
    report = client.get("/api/jobs/" + "0" * 32 + "/report.html")
    assert "content-security-policy" in report.headers


def test_the_documentation_needs_the_token_like_the_api(tmp_path):
    with TestClient(create_app(tmp_path, token="t0k"), base_url=BASE) as client:
        assert client.get("/api/docs").status_code == 401
        assert client.get("/api/openapi.json").status_code == 401
        assert client.get("/openapi.json").status_code in (401, 404)
        assert client.get("/api/docs?token=t0k").status_code == 200
        assert client.get("/").status_code == 200   # the page itself holds no data


def test_serve_makes_a_token_at_each_launch_and_prints_the_tokenised_url(tmp_path, monkeypatch):
    import uvicorn
    launched = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: launched.append((app, kw)))
    monkeypatch.delenv("SATSOV_TOKEN", raising=False)
    lines = []
    serve(port=8123, data_dir=tmp_path, announce=lines.append)
    serve(port=8123, data_dir=tmp_path, announce=lines.append)
    tokens = [ln.split("?token=")[1].split()[0] for ln in lines]
    assert len(tokens[0]) >= 24 and tokens[0] != tokens[1]
    with TestClient(launched[0][0], base_url=BASE) as c:
        assert c.get("/api/jobs").status_code == 401
        assert c.get(f"/api/jobs?token={tokens[0]}").status_code == 200
    lines.clear()
    serve(port=8123, data_dir=tmp_path, no_token=True, announce=lines.append)
    assert "?token=" not in lines[0]
    from satsov.errors import InputError
    with pytest.raises(InputError, match="needs a token"):
        serve(host="0.0.0.0", data_dir=tmp_path, no_token=True, announce=lines.append)
    assert len(lines) == 1     # nothing announced for a refused launch
    assert allowed_hosts("0.0.0.0") is None and "myhost" in allowed_hosts("127.0.0.1", ("myhost",))


def test_markup_in_a_job_name_is_stored_and_returned_as_text(client):
    name = '<img src=x onerror="window.__xss=1">'
    r = _post(client, {**SMALL, "name": name})
    assert r.status_code == 202 and r.json()["name"] == name
    assert r.headers["content-type"].startswith("application/json")


def test_a_second_server_on_the_same_data_directory_is_refused_and_leaves_the_first_s_jobs_alone(tmp_path):
    """Issue 32, item 12: the second server used to mark the first's running job failed while it ran on."""
    from satsov.errors import InputError
    from satsov.server.store import Store
    store = Store(tmp_path)
    job = store.add("assess", "running elsewhere", {"scenario": SMALL})
    store.started(job.id)
    with TestClient(create_app(tmp_path, hosts=None), base_url=BASE):
        with pytest.raises(InputError, match="another satsov server"):
            with TestClient(create_app(tmp_path), base_url=BASE):
                pass
        with pytest.raises(InputError, match="another satsov server"):
            serve(port=8123, data_dir=tmp_path, announce=print)
    with TestClient(create_app(tmp_path), base_url=BASE) as client:    # the first stopped: the lock is free
        assert client.get(f"/api/jobs/{job.id}").json()["status"] == "failed"


def test_a_damaged_or_read_only_job_database_is_one_message(tmp_path, capsys):
    from satsov.testing import run_cli
    (tmp_path / "satsov.db").write_bytes(b"this is not a database" * 100)
    code, out, err = run_cli(["serve", "--data-dir", str(tmp_path), "--port", "8124"], capsys)
    assert code == 2 and "satsov.db" in err and "not a database" in err and "Traceback" not in err
    assert "dashboard on" not in err


@pytest.mark.parametrize("body,status", [(b"5", 422), (b"[1, 2]", 422), (b"[" * 50_000 + b"]" * 50_000, 400),
                                         (b"{\"spacing_km\": " + b"9" * 5000 + b"}", 400), (b"{not json", 400)])
def test_bodies_that_are_not_json_objects_are_4xx_never_500(tmp_path, body, status):
    with TestClient(create_app(tmp_path), base_url=BASE, raise_server_exceptions=False) as client:
        for path in ("/api/atlas", "/api/jobs"):
            r = client.post(path, content=body, headers={"Content-Type": "application/json"})
            assert r.status_code == status, (path, r.status_code, r.text)


@pytest.mark.parametrize("params,loc", [({"step": "0s"}, "step"), ({"spacing_km": "nan"}, "spacing_km"),
                                        ({"spacing_km": 10}, "spacing_km"), ({"start": "2300-01-01"}, "start"),
                                        ({"duration": "1h", "step": "2h"}, "step"), ({"colour": "red"}, "colour")])
def test_atlas_parameters_are_checked_naming_the_key(tmp_path, params, loc):
    with TestClient(create_app(tmp_path), base_url=BASE, raise_server_exceptions=False) as client:
        r = client.post("/api/atlas", json=params)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["loc"] == loc
        assert client.get("/api/jobs").json()["jobs"] == []


def test_a_job_asking_for_worker_processes_is_refused_naming_the_key(client):
    r = _post(client, {**SMALL, "capacity": {"enabled": True, "workers": 8}})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "capacity.workers"
