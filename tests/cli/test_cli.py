"""The command line: outputs, --json, exit codes and error messages."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from satsov.testing import run_cli


run = run_cli


def test_catalog_inspect_json(sample_path, capsys):
    code, out, err = run(["catalog", "inspect", str(sample_path), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["satellites"] == 242 and data["rejected"] == 0
    assert data["by_prefix"]["STARLINK"] == 80 and data["epoch_min"].startswith("2026-05-0")


def test_catalog_inspect_reports_bad_records_and_strict(tmp_path, sample_path, capsys):
    lines = sample_path.read_text().splitlines()
    lines[1] = lines[1][:68] + str((int(lines[1][68]) + 1) % 10)
    bad = tmp_path / "bad.tle"
    bad.write_text("\n".join(lines) + "\n")
    code, out, err = run(["catalog", "inspect", str(bad), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["rejected"] == 1 and data["satellites"] == 241
    assert "bad.tle:2" in data["rejected_records"][0]
    code, out, err = run(["catalog", "inspect", str(bad), "--strict"], capsys)
    assert code == 2 and "bad.tle:2" in err and "Traceback" not in err


@pytest.mark.parametrize("content,message", [(b"", "empty"), (b"\xff\xfe\x00garbage\n", "UTF-8"),
                                             (b"1 25544U 98067A   26127.5", "truncated")])
def test_bad_files_exit_cleanly(tmp_path, capsys, content, message):
    p = tmp_path / "x.tle"
    p.write_bytes(content)
    code, out, err = run(["catalog", "inspect", str(p), "--strict"], capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_propagate_parquet_and_csv(sample_path, tmp_path, capsys):
    for ext in ("parquet", "csv"):
        dst = tmp_path / f"pos.{ext}"
        code, out, err = run(["propagate", str(sample_path), "--start", "2026-05-07T00:00:00Z", "--duration", "30m",
                              "--step", "60s", "--out", str(dst), "--names", "KUIPER*", "--json"], capsys)
        assert code == 0, err
        df = pd.read_parquet(dst) if ext == "parquet" else pd.read_csv(dst)
        assert list(df.columns) == ["norad_id", "name", "time", "x_km", "y_km", "z_km"]
        assert len(df) == 24 * 31 and json.loads(out)["rows"] == len(df)
        assert not list(tmp_path.glob("*.part"))


def test_propagate_bad_arguments(sample_path, tmp_path, capsys):
    code, _, err = run(["propagate", str(sample_path), "--start", "yesterday", "--duration", "1h", "--step", "60s",
                        "--out", str(tmp_path / "p.parquet")], capsys)
    assert code == 2 and "ISO 8601" in err
    code, _, err = run(["propagate", str(sample_path), "--start", "2026-05-07", "--duration", "1h", "--step", "60s",
                        "--out", str(tmp_path / "p.xlsx")], capsys)
    assert code == 2 and ".parquet or .csv" in err
    code, _, err = run(["propagate", str(sample_path), "--start", "2026-05-07", "--duration", "1h", "--step", "60s",
                        "--out", str(tmp_path / "p.csv"), "--names", "NOPE*"], capsys)
    assert code == 2 and "no satellite" in err


def test_look_json(sample_path, capsys):
    code, out, err = run(["look", str(sample_path), "--site", "45.42,-75.69,70", "--start", "2026-05-07T00:00:00Z",
                          "--duration", "20m", "--step", "60s", "--min-elevation", "25", "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["site"]["alt_m"] == 70
    assert data["satellites"] and all(min(s["elevation_deg"]) >= 25 for s in data["satellites"])


def test_console_script_runs_without_traceback(tmp_path):
    p = tmp_path / "empty.json"
    p.write_text("[]")
    res = subprocess.run([sys.executable, "-m", "satsov.cli", "catalog", "inspect", str(p)], capture_output=True,
                         text=True)
    assert res.returncode == 2 and "no satellite records" in res.stderr and "Traceback" not in res.stderr


def test_interrupted_write_leaves_no_file(sample_path, tmp_path, capsys, monkeypatch):
    import satsov.orbits.output as pio
    real = pio.propagate_chunks

    def interrupted(*args, **kwargs):
        for item in real(*args, **kwargs):
            yield item  # the first chunk is written to the temporary file...
            raise KeyboardInterrupt  # ...then Ctrl-C
    monkeypatch.setattr(pio, "propagate_chunks", interrupted)
    dst = tmp_path / "pos.parquet"
    code, out, err = run(["propagate", str(sample_path), "--start", "2026-05-07T00:00:00Z", "--duration", "3h",
                          "--step", "60s", "--out", str(dst), "--json"], capsys)
    assert code == 130 and "interrupted" in err
    assert list(tmp_path.iterdir()) == []  # neither the output nor a temporary file


def test_interrupted_report_leaves_no_file(tmp_path, monkeypatch):
    import pytest as _pytest
    from satsov.report import html as report
    monkeypatch.setattr(report, "render_html", lambda a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with _pytest.raises(KeyboardInterrupt):
        report.write_report(object(), tmp_path / "r")
    assert not (tmp_path / "r").exists() or list((tmp_path / "r").iterdir()) == []   # (no empty folder either)


def test_coverage_command_json_and_out(tmp_path, capsys):
    code, out, err = run(["coverage", "--region", "IS", "--operator", "oneweb", "--operator", "qianfan",
                          "--operators", "west=oneweb", "--duration", "20m", "--spacing-km", "50", "--json",
                          "--out", str(tmp_path / "cov")], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert set(data["cases"]) == {"oneweb", "qianfan", "all", "west"}
    assert 0 < data["cases"]["all"]["time_coverage_area"] <= 1
    cells = pd.read_parquet(tmp_path / "cov" / "cells.parquet")
    assert set(cells["case"]) == set(data["cases"]) and {"lat_deg", "availability"} <= set(cells.columns)
    code, out, err = run(["coverage", "--region", "IS", "--operators", "bad"], capsys)
    assert code == 2 and "NAME=op1,op2" in err


def test_coverage_applies_landing_rights_like_the_assessment(capsys):
    """Issue 30: `satsov coverage` credited operators with places where they hold no landing rights (Qianfan in
    Iceland, data/licences.yaml); it now applies them as `satsov assess` does, and --ignore-licences asks what if."""
    args = ["coverage", "--region", "IS", "--spacing-km", "200", "--duration", "1h", "--operator", "qianfan",
            "--operator", "oneweb", "--json"]
    code, out, err = run(args, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["cases"]["qianfan"]["time_coverage_area"] == 0 and data["cases"]["oneweb"]["time_coverage_area"] > 0
    code, out, err = run(args + ["--ignore-licences"], capsys)
    ignored = json.loads(out)
    assert ignored["cases"]["qianfan"]["time_coverage_area"] > 0
    assert any("ignored" in w for w in ignored["warnings"])
    code, out, err = run(args[:-1] + ["--min-elevation-deg", "40", "--fold", "2", "--json"], capsys)
    assert code == 0 and json.loads(out)["n_fold"] == 2
