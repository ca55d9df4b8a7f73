"""The README's Python tour runs as written (with a one-hour window instead of a day, for speed)."""

import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_tour_runs(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has a Python tour"
    code = "\n".join(blocks).replace('"24h"', '"1h"').replace("out/ukraine", str(tmp_path / "ukraine"))
    monkeypatch.chdir(ROOT)
    from satsov.visibility import StepWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        exec(compile(code.replace("    ...\n", "    pass\n"), "README.md", "exec"), {})
    assert (tmp_path / "ukraine" / "report.html").exists()
