"""The dashboard's API through FastAPI's test client: tokens, bounds, the job pool, restarts and killed jobs."""

import json
import os
import signal
import time

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from satsov.errors import InputError  # noqa: E402
from satsov.server import serve  # noqa: E402
from satsov.server.app import Limits, create_app  # noqa: E402

SMALL = {"name": "api test", "regions": [{"name": "Iceland", "query": "IS", "spacing_km": 300}],
         "window": {"duration": "10m", "step": "120s"}, "fleets": {"flying": ["oneweb"]},
         "capacity": {"enabled": False}}
SLOW = {**SMALL, "name": "slow", "window": {"duration": "12h", "step": "60s"}, "fleets": {"flying": "all"},
        "regions": [{"name": "Canada", "query": "CA", "spacing_km": 100}]}


def wait(client, job_id, states=("done", "failed"), timeout=120):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in states:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")


def test_off_localhost_a_token_is_required_on_every_api_call(tmp_path):
    with pytest.raises(InputError, match="needs a token"):
        serve(host="0.0.0.0", data_dir=tmp_path, token=None, no_token=True)
    with TestClient(create_app(tmp_path, token="s3cret"), base_url="http://127.0.0.1") as client:
        assert client.get("/api/health").status_code == 401
        assert client.get("/api/jobs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/health", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert client.get("/api/jobs?token=s3cret").status_code == 200
        assert client.post("/api/jobs", json={"scenario": SMALL}).status_code == 401


def test_oversized_and_out_of_bounds_requests_are_refused_with_the_key_named(tmp_path):
    with TestClient(create_app(tmp_path), base_url="http://127.0.0.1") as client:
        big = client.post("/api/jobs", content=b"{" + b" " * 300_000 + b"}", headers={"Content-Type": "application/json"})
        assert big.status_code == 413 and "at most" in big.json()["detail"]
        fine = client.post("/api/jobs", json={"scenario": {**SMALL, "regions": [{"name": "x", "query": "IS", "spacing_km": 5}]}})
        assert fine.status_code == 422
        assert fine.json()["errors"][0]["loc"] == "regions[0].spacing_km"
        long = client.post("/api/jobs", json={"scenario": {**SMALL, "window": {"duration": "30d", "step": "60s"}}})
        assert {e["loc"] for e in long.json()["errors"]} == {"window.duration", "window.step"}
        files = client.post("/api/jobs", json={"scenario": {**SMALL, "regions": [{"name": "x", "geojson": "/etc/passwd"}]}})
        assert files.status_code == 422 and files.json()["errors"][0]["loc"] == "regions[0].geojson"
        bad = client.post("/api/jobs", json={"scenario": {**SMALL, "window": {"duration": "abc"}}})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["loc"] == "window.duration"
        assert "expected a duration" in bad.json()["errors"][0]["message"]
        unknown = client.post("/api/jobs", json={"scenario": {**SMALL, "fleets": {"flying": ["onweb"]}}})
        assert unknown.status_code == 422 and "onweb" in unknown.json()["errors"][0]["text"]
        assert client.get("/api/jobs/../../etc/passwd").status_code == 404
        assert client.get("/api/jobs/" + "0" * 32 + "/secret.txt").status_code == 404
        assert client.get("/api/jobs/notanid").status_code == 404
        assert client.get("/api/designs/..%2F..%2Fetc%2Fpasswd/satellites").status_code == 404
        assert client.get("/api/designs").json() == {"designs": []}
        assert client.get("/api/jobs").json()["jobs"] == []   # nothing was queued by a refused request


def test_a_job_runs_to_completion_its_results_survive_a_restart(tmp_path):
    with TestClient(create_app(tmp_path), base_url="http://127.0.0.1") as client:
        job = client.post("/api/jobs", json={"scenario": SMALL}).json()
        assert job["status"] == "queued"
        events = client.get(f"/api/jobs/{job['id']}/events").text   # the stream ends when the job does
        assert "event: done" in events
        done = wait(client, job["id"])
        assert done["status"] == "done", done["error"]
        assert set(done["files"]) == {"report.html", "report.json", "view.json"}
        report = client.get(f"/api/jobs/{job['id']}/report.json")
        assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
        view = client.get(f"/api/jobs/{job['id']}/view.json").json()
        assert "policy:all-operators" in view["regions"]["Iceland"]["availability"]
    with TestClient(create_app(tmp_path), base_url="http://127.0.0.1") as client:   # a new server on the same data directory
        jobs = client.get("/api/jobs").json()["jobs"]
        assert [(j["id"], j["status"]) for j in jobs] == [(job["id"], "done")]
        assert json.loads(client.get(f"/api/jobs/{job['id']}/report.json").content)["regions"]["Iceland"]


def test_at_most_max_jobs_run_at_once_and_a_killed_job_is_marked_failed(tmp_path):
    with TestClient(create_app(tmp_path, limits=Limits(max_jobs=1)), base_url="http://127.0.0.1") as client:
        runner = client.app.state.runner
        first = client.post("/api/jobs", json={"scenario": SLOW}).json()
        second = client.post("/api/jobs", json={"scenario": SMALL}).json()
        wait(client, first["id"], states=("running",))
        assert client.get(f"/api/jobs/{second['id']}").json()["status"] == "queued"
        assert runner.running() == 1
        t0 = time.monotonic()
        while first["id"] not in runner.pids() and time.monotonic() - t0 < 10:
            time.sleep(0.05)
        os.kill(runner.pids()[first["id"]], signal.SIGKILL)
        failed = wait(client, first["id"])
        assert failed["status"] == "failed" and "killed" in failed["error"]
        assert not (tmp_path / "jobs" / first["id"]).exists()
        assert not (tmp_path / "jobs" / (first["id"] + ".part")).exists()   # never half-written
        assert wait(client, second["id"])["status"] == "done"   # the queue moves on


def test_jobs_left_running_when_the_server_stopped_are_marked_failed_on_restart(tmp_path):
    from satsov.server.store import Store
    store = Store(tmp_path)
    job = store.add("assess", "interrupted", {"scenario": SMALL})
    store.started(job.id)
    store.close()
    with TestClient(create_app(tmp_path), base_url="http://127.0.0.1") as client:
        j = client.get(f"/api/jobs/{job.id}").json()
        assert j["status"] == "failed" and "stopped" in j["error"]
        assert client.app.state.lost_on_start == 1


def test_the_openapi_schema_documents_the_api(tmp_path):
    with TestClient(create_app(tmp_path), base_url="http://127.0.0.1") as client:
        paths = client.get("/api/openapi.json").json()["paths"]
        assert {"/api/jobs", "/api/jobs/{job_id}/events", "/api/atlas", "/api/countries.geojson"} <= set(paths)


def test_a_damaged_stored_design_is_refused_with_the_reason_not_a_server_error(tmp_path):
    (tmp_path / "designs").mkdir()
    shell = {"altitude_km": 550, "inclination_deg": 53, "planes": 2, "sats_per_plane": 2, "phasing": 0}
    (tmp_path / "designs" / "badtime.json").write_text(json.dumps({"best": {"shells": [shell]},
                                                                   "window": {"start": "not a time"}}))
    (tmp_path / "designs" / "nokey.json").write_text(json.dumps({"best": {"altitude_km": 550}}))
    with TestClient(create_app(tmp_path), raise_server_exceptions=False, base_url="http://127.0.0.1") as client:
        r = client.get("/api/designs/badtime/satellites")
        assert r.status_code == 422 and "badtime" in r.json()["detail"] and "not a time" in r.json()["detail"]
        r = client.get("/api/designs/nokey/satellites")
        assert r.status_code == 422 and "missing key" in r.json()["detail"]
        assert client.get("/api/designs/../x/satellites").status_code == 404
