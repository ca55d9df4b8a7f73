"""Regenerate src/satsov/data/catalog/sample-2026-05-07.tle: a small real sample of the
CelesTrak 'active' snapshot of 2026-05-07 (../shared/data/tle/), a few satellites of each
communication operator, for doctests, the quick tests and offline examples."""

import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tle" / "celestrak-active-2026-05-07.tle"
OUT = Path(__file__).resolve().parents[1] / "src" / "satsov" / "data" / "catalog" / "sample-2026-05-07.tle"
QUOTA = [("STARLINK", 80), ("ONEWEB", 40), ("KUIPER", 24), ("QIANFAN", 24), ("HULIANWANG", 24), ("IRIDIUM", 12),
         ("GLOBALSTAR", 8), ("O3B", 4), ("SES", 4), ("EUTELSAT", 4), ("INTELSAT", 4), ("VIASAT", 2),
         ("TELESAT", 2), ("ANIK", 2), ("HISPASAT", 2), ("CHINASAT", 3), ("YAMAL", 2), ("EXPRESS", 2), ("ISS", 1)]


def main():
    lines = Path(sys.argv[1] if len(sys.argv) > 1 else SRC).read_text().splitlines()
    records = [lines[i:i + 3] for i in range(0, len(lines) - 2, 3)]
    out = []
    for prefix, quota in QUOTA:
        group = [r for r in records if re.match(rf"{prefix}\b|{prefix}[-\s]", r[0].strip())]
        step = max(1, len(group) // quota)
        out += group[::step][:quota]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(line.rstrip() + "\n" for r in out for line in r))
    print(f"{len(out)} satellites -> {OUT}")


if __name__ == "__main__":
    main()
