"""Issue 10, outputs: every command refuses an unwritable location before it computes, in one line; SIGINT
and SIGTERM leave no file; files get the permissions a plain open() gives."""

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from satsov.testing import run_cli
from satsov.data import builtin_catalog_path, sample_catalog_path

SAMPLE = str(sample_catalog_path())


run = run_cli


@pytest.fixture
def read_only(tmp_path):
    """A folder nothing can be written into: chmod 555 for a normal user; root ignores modes, so for root a
    read-only file system (sysfs)."""
    if os.geteuid() == 0:
        yield Path("/sys/satsov-test-output")
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


WINDOW = ["--start", "2026-05-07T00:00:00Z", "--duration", "10m", "--step", "60s"]
COMMANDS = {
    "propagate": lambda d: ["propagate", SAMPLE, *WINDOW, "--out", str(d / "p.parquet")],
    "look": lambda d: ["look", SAMPLE, "--site", "45,-75", *WINDOW, "--out", str(d / "l.csv")],
    "catalog convert": lambda d: ["catalog", "convert", SAMPLE, str(d / "c.json")],
    "grid": lambda d: ["grid", "IS", "--spacing-km", "100", "--out", str(d / "g.csv")],
    "coverage": lambda d: ["coverage", "--region", "IS", "--operator", "oneweb", "--duration", "10m",
                           "--out", str(d / "cov")],
    "assess": lambda d: ["assess", "examples/ukraine.toml", "--out", str(d / "a")],
    "demo": lambda d: ["demo", "--duration", "10m", "--out", str(d / "demo")],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_refuses_an_unwritable_location_at_once(name, read_only, capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    # the check comes before any computation: make the computation fail loudly if it is ever reached
    import satsov.assessment.run
    import satsov.visibility.engine
    monkeypatch.setattr(satsov.assessment.run, "coverage", lambda *a, **k: pytest.fail("computed first"))
    monkeypatch.setattr(satsov.visibility.engine, "get_backend", lambda *a, **k: pytest.fail("computed first"))
    t0 = time.perf_counter()
    code, out, err = run(COMMANDS[name](read_only), capsys)
    assert code == 2 and "cannot write here" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and time.perf_counter() - t0 < 10


def test_output_onto_an_existing_file_or_a_pseudo_file_system(tmp_path, capsys):
    code, out, err = run(["assess", "examples/ukraine.toml", "--out", __file__], capsys)
    assert code == 2 and "a file is there; expected a folder" in err
    code, out, err = run(["propagate", SAMPLE, *WINDOW, "--out", "/proc/x.csv"], capsys)
    assert code == 2 and "/proc/x.csv: cannot write here" in err and "Traceback" not in err
    code, out, err = run(["grid", "IS", "--spacing-km", "100", "--out", str(tmp_path)], capsys)
    assert code == 2 and "a folder is there" in err


def test_files_get_the_permissions_of_a_plain_open(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        code, out, err = run(["catalog", "convert", SAMPLE, str(tmp_path / "c.json")], capsys)
    finally:
        os.umask(old)
    assert code == 0 and stat.S_IMODE((tmp_path / "c.json").stat().st_mode) == 0o644


def test_only_a_regular_file_is_replaced(tmp_path, capsys):
    """Issue 32, item 4: a device, a FIFO, a link to a device or a read-only file at the output is refused in one
    line and left as it was; a link to a regular file is followed (the link stays, its target is replaced)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    dev_link = tmp_path / "to-null"
    dev_link.symlink_to("/dev/null")
    read_only = tmp_path / "ro.json"
    read_only.write_text("keep")
    read_only.chmod(0o444)
    cases = {"/dev/full": "a device is there", "/dev/null": "a device is there", str(fifo): "a FIFO",
             str(dev_link): "the link's target /dev/null", str(read_only): "read-only (mode 0444)"}
    for target, says in cases.items():
        code, out, err = run(["catalog", "convert", SAMPLE, target], capsys)
        assert code == 2 and says in err and "Traceback" not in err, (target, err)
        assert len(err.strip().splitlines()) == 1
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert dev_link.is_symlink() and read_only.read_text() == "keep"
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, out, err = run(["catalog", "convert", SAMPLE, str(link)], capsys)
    assert code == 0, err
    assert link.is_symlink() and real.read_text() != "old" and stat.S_IMODE(real.stat().st_mode) == 0o600


def _default_signals():
    # a test run started in the background by a non-interactive shell inherits SIGINT ignored, and Python keeps
    # an ignored SIGINT ignored (as a background job should): give the command the disposition a terminal gives
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_leaves_no_half_written_file(tmp_path, sig, code):
    out = tmp_path / "positions.parquet"
    proc = subprocess.Popen([sys.executable, "-m", "satsov.cli", "propagate", str(builtin_catalog_path()),
                             "--start", "2026-05-07T00:00:00Z", "--duration", "2d", "--step", "10s",
                             "--out", str(out), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until the first chunk is on disk (a .part file with data)
        parts = list(tmp_path.glob(".positions.parquet.*.part"))
        if parts and parts[0].stat().st_size > 0:
            break
        if proc.poll() is not None:
            pytest.fail(f"finished before the signal: {proc.stderr.read()}")
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("no output started within 120 s")
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "no output was left half-written" in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_the_report_pair_is_replaced_as_a_unit_when_a_signal_arrives_between_the_files(tmp_path, monkeypatch):
    """Issue 32, item 13: SIGTERM after report.html is renamed used to leave a new report.html beside an old
    report.json. Now the signal waits until both are in place, then acts."""
    from satsov.report.html import write_html_and_json

    class Stopped(Exception):
        pass

    def stop(_sig, _frame):
        raise Stopped

    old_handler = signal.signal(signal.SIGTERM, stop)
    (tmp_path / "report.html").write_text("old")
    (tmp_path / "report.json").write_text("old")
    real_replace, renamed = os.replace, []

    def replace_then_signal(a, b):
        real_replace(a, b)
        renamed.append(b)
        if len(renamed) == 1:
            signal.raise_signal(signal.SIGTERM)   # between the two renames
    monkeypatch.setattr(os, "replace", replace_then_signal)
    try:
        with pytest.raises(Stopped):
            write_html_and_json(tmp_path, "report", lambda: "<p>new</p>", lambda: {"new": True})
    finally:
        signal.signal(signal.SIGTERM, old_handler)
    assert len(renamed) == 2
    assert (tmp_path / "report.html").read_text() == "<p>new</p>"
    assert '"new": true' in (tmp_path / "report.json").read_text()
    assert not list(tmp_path.glob(".*.part"))
