"""A chosen design, exported: its satellites as TLE and OMM (JSON), and a scenario that ``satsov assess`` runs
with the design as a fleet of a new operator of the territory's jurisdiction (declared in an operators file
beside the scenario), so that every policy, switch-off and route of an assessment can include it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from satsov.defaults import DEFAULT_MIN_ELEVATION_DEG
from satsov.io import atomic_open, check_writable

__all__ = ["export_design", "DESIGN_OPERATOR"]

DESIGN_OPERATOR = "sovereign-design"


def _jurisdiction(region: str) -> str:
    """The jurisdiction of a design for ``region``: EU for the EU27, else the region's own code or name."""
    key = region.strip().upper()
    return "EU" if key in ("EU27", "EU") else key


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def export_design(design, folder: str | os.PathLike, *, region: str, epoch: str, min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
                  fold: int = 1, spacing_km: float = 50.0, duration: str = "24h", step: str = "60s",
                  jurisdiction: str | None = None, operator_key: str = DESIGN_OPERATOR,
                  summary: str = "") -> dict[str, Path]:
    """Write ``design.tle``, ``design.omm.json``, ``operators.yaml`` and ``scenario.toml`` into ``folder``
    (each atomically) and return their paths. ``design``: a :class:`~satsov.synthesis.space.Design`."""
    import yaml

    from satsov.orbits.omm import omm_records
    from satsov.orbits.tle import write_tle_lines
    folder = Path(folder)
    check_writable(folder, folder=True)
    prefix = "SATSOV-DESIGN"
    elements = []
    for i, shell in enumerate(design.shells):
        elements += shell.elements(epoch, first_norad_id=90000 + len(elements), name_prefix=f"{prefix}-S{i + 1}")
    paths = {"tle": folder / "design.tle", "omm": folder / "design.omm.json", "operators": folder / "operators.yaml",
             "scenario": folder / "scenario.toml"}
    with atomic_open(paths["tle"]) as f:
        f.write(write_tle_lines(elements))
    with atomic_open(paths["omm"]) as f:
        json.dump(omm_records(elements), f, indent=1, default=str)
    juris = jurisdiction or _jurisdiction(region)
    with atomic_open(paths["operators"]) as f:
        yaml.safe_dump({operator_key: {
            "name": f"Sovereign constellation designed by satsov for {region}", "jurisdiction": juris,
            "patterns": [prefix], "service": "broadband",
            "source": f"satsov design: {design.label()} ({summary or 'see design.json'})",
            "date": str(epoch)[:10], "confidence": "L"}}, f, sort_keys=False, allow_unicode=True)
    lines = [f"# {design.label()}: designed by `satsov design` for {region}; assess it beside what flies.",
             f"name = {_toml_str(f'{region} with a sovereign design')}",
             f"description = {_toml_str(summary or design.label())}", "",
             "[window]", f"start = {_toml_str(str(epoch))}", f"duration = {_toml_str(duration)}",
             f"step = {_toml_str(step)}", "", "[requirement]", f"min_elevation_deg = {min_elevation_deg:g}",
             f"fold = {int(fold)}", "", "[[regions]]", f"name = {_toml_str(region)}",
             f"query = {_toml_str(region)}", f"spacing_km = {spacing_km:g}", "", "[fleets]", 'flying = "all"',
             'operators_file = "operators.yaml"', ""]
    for i, sh in enumerate(design.shells):
        lines += ["[[shells]]", f"name = {_toml_str(f'design-{i + 1}')}", f"operator = {_toml_str(operator_key)}",
                  f"altitude_km = {sh.altitude_km:g}", f"inclination_deg = {sh.inclination_deg:g}",
                  f"planes = {sh.planes}", f"sats_per_plane = {sh.sats_per_plane}", f"phasing = {sh.phasing}",
                  f"pattern = {_toml_str(sh.pattern.value)}", f"raan_offset_deg = {sh.raan_offset_deg:g}",
                  f"source = {_toml_str('satsov design (a proposal, not a filing)')}", ""]
    with atomic_open(paths["scenario"]) as f:
        f.write("\n".join(lines))
    return paths
