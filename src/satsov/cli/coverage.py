"""``satsov coverage``: coverage of a region per operator and per set of operators."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from satsov.cli.options import (DEFAULT_AVAILABILITY, DEFAULT_MAX_EPOCH_AGE_DAYS, DEFAULT_MIN_ELEVATION_DEG,
                                DEFAULT_SPACING_KM, DEFAULT_START, DEFAULT_STEP, CatalogOpt, MaxEpochAge, Duration, Filed, Fold, Json, Licences, MinElevation,
                                OperatorOpt, Region,
                                SpacingKm, Start, Step, parse_sets)
from satsov.cli.output import emit_json, out, progress_bar, warn


def coverage(region_query: Region = ..., start: Start = DEFAULT_START, duration: Duration = "6h",
             step: Step = DEFAULT_STEP, catalog: CatalogOpt = None, filed: Filed = None, operator: OperatorOpt = None,
             operator_sets: Optional[list[str]] = typer.Option(None, "--operators", help="a set NAME=op1,op2 (repeat)"),
             min_elevation_deg: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
             spacing_km: SpacingKm = DEFAULT_SPACING_KM,
             n_fold: Fold = 1, licensed: Licences = True,
             threshold: float = typer.Option(DEFAULT_AVAILABILITY, "--availability", help="availability threshold"),
             out_dir: Optional[Path] = typer.Option(None, "--out", help="write cells, series and summary here"),
             check_step: bool = typer.Option(False, "--check-step",
                                             help="also rerun a sample 4x finer and report what the step hides"),
             max_epoch_age_days: MaxEpochAge = DEFAULT_MAX_EPOCH_AGE_DAYS,
             as_json: Json = False):
    """Coverage of a region per operator and per set of operators, with figures of merit."""
    import warnings

    from satsov.times import time_grid
    from satsov.visibility import StepWarning, coverage as run_coverage, refine_check, write_coverage
    from satsov.world.constellations import select_fleets
    from satsov.world.grids import grid
    from satsov.world.regions import region
    times = time_grid(start, duration, step)
    if out_dir:
        from satsov.io import check_writable
        check_writable(out_dir, folder=True)
    flying = operator or ("all" if catalog or not filed else "none")
    selection = select_fleets(flying=flying, filed=filed or (), catalog=catalog, epoch=start,
                              keys={"flying": "--operator", "filed": "--filed", "catalog": "--catalog"})
    fleets = selection.fleets
    sets = parse_sets(operator_sets)
    if sets is not None and len(fleets) > 1:
        sets = {"all": list(fleets), **sets}
    g = grid(region(region_query), spacing_km)
    denials, notes = _landing_rights(fleets, selection.owner, licensed)
    update, bar = progress_bar(f"coverage of {g.region_name}", not as_json)
    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)  # reported below and in the summary
        result = run_coverage(fleets, g, times, min_elevation_deg=min_elevation_deg, sets=sets, n_fold=n_fold,
                              denials=denials, availability_threshold=threshold, progress=update,
                              max_epoch_age_days=max_epoch_age_days)
    summary = result.summary()
    summary["warnings"] = list(selection.warnings) + notes + summary["warnings"]
    for w in summary["warnings"]:
        warn(w)
    if check_step:
        summary["step_check"] = check = refine_check(fleets, g, times, min_elevation_deg=min_elevation_deg,
                                                     n_fold=n_fold)
        for case, c in check["cases"].items():
            if c["cells_changed"]:
                warn(f"{case}: at {times.step_s:g} s, {c['gaps_missed']} gap(s) missed and longest gaps off by up to "
                     f"{c['max_longest_gap_error_s']:.0f} s on {c['cells_changed']} of {check['cells']} sampled cells "
                     f"(first {check['steps']} steps, 4x finer)", "step check")
    if out_dir:
        write_coverage(result, out_dir)
        summary["out"] = str(out_dir)
    if as_json:
        emit_json(summary)
        return
    table = Table("case", "operators", "coverage (area)", "coverage (pop.)", f"area ≥ {threshold:g}",
                  "mean in view", "longest gap", title=f"{g.region_name}, {len(g)} cells, {len(times)} steps, "
                                                      f"≥{n_fold} sat(s) at ≥{min_elevation_deg:g}°")
    for name, f in summary["cases"].items():
        table.add_row(name, ",".join(f["operators"]), f"{f['time_coverage_area']:.2%}",
                      f"{f['time_coverage_population']:.2%}", f"{f['area_share_available']:.2%}",
                      f"{f['mean_sats_in_view']:.1f}", f"{f['longest_gap_s'] / 60:.0f} min")
    out.print(table)


def _landing_rights(fleets, owner, respect: bool) -> tuple[tuple, list[str]]:
    """The landing-rights denials of the fleets (as ``satsov assess`` applies them), and a note."""
    if not respect:
        return (), ["licences: ignored (--ignore-licences): every operator serves every place it reaches"]
    from satsov.world.licences import licence_denials, licences
    denials = licence_denials(fleets, owner, licences())
    return denials, []
