"""Regenerate src/satsov/data/catalog/celestrak-comms-2026-05-07.tle.gz: the communication satellites
(every satellite the built-in operator registry assigns) of CelesTrak's 'active' snapshot of 2026-05-07
(../shared/data/tle/celestrak-active-2026-05-07.tle). Run: python builders/builtin_fleet.py"""

import gzip
from pathlib import Path

from satsov.orbits.fleet import load_fleet
from satsov.world.operators import operator_registry
from satsov.orbits.tle import write_tle_lines

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / ".." / "shared" / "data" / "tle" / "celestrak-active-2026-05-07.tle"
OUT = ROOT / "src" / "satsov" / "data" / "catalog" / "celestrak-comms-2026-05-07.tle.gz"


def main():
    fleet = load_fleet(SRC)
    keys = operator_registry().assign(fleet)
    keep = [e for e, k in zip(fleet, keys) if k]
    OUT.write_bytes(gzip.compress(write_tle_lines(keep).encode(), compresslevel=9, mtime=0))
    print(f"{len(keep)} of {len(fleet)} satellites -> {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
