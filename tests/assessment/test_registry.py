"""The figures registry: every declared figure reads from its record, and the labelled arrays hold the same
values as the typed records (issue 30, item 4)."""

import math

import pytest

from satsov.assessment.registry import TABLES, UNITS, dataset
from satsov.assessment.run import assess
from satsov.assessment.scenario import scenario_from_dict


@pytest.fixture(scope="module")
def small():
    return assess(scenario_from_dict({
        "regions": [{"name": "Iceland", "query": "IS", "spacing_km": 200},
                    {"name": "Ireland", "query": "IE", "spacing_km": 200}],
        "window": {"duration": "20m"}, "fleets": {"flying": ["oneweb", "starlink", "qianfan"]},
        "kill_switch": ["starlink"],
        "events": [{"name": "cut", "operator": "starlink", "region": "IE"}],
        "capacity": {"step": "10m", "sensitivity": False}}))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_figure_is_read_from_its_record_and_the_dataset_holds_the_records_values(small, table):
    spec = TABLES[table]
    ds = dataset(small, table)
    assert set(ds.dims) == {"region", "case"} and list(ds["region"].values) == ["Iceland", "Ireland"]
    n_rows = 0
    for name, r in small.regions.items():
        for key, record in spec.rows(r).items():
            n_rows += 1
            case = " @ ".join(spec.keys(key))
            for f in spec.figures:
                assert f.unit in UNITS
                value = f.value(record)
                assert isinstance(f.format(value), str)
                if f.numeric and value is not None:
                    assert math.isclose(ds[f.name].sel(region=name, case=case).item(), float(value), rel_tol=0,
                                        abs_tol=0), (table, name, case, f.name)
    assert n_rows > 0, table  # the fixture has every kind of row


def test_the_cli_prints_the_registrys_tables(tmp_path, capsys, monkeypatch):
    from satsov.cli import output
    from satsov.testing import run_cli
    from satsov.assessment import registry
    monkeypatch.setattr(output.out, "_width", 250)
    # the command prints each table's header from the declarations: a figure added there appears in the table
    extra = registry.Figure("demand_gbps", "demand Gbps (test)", "Gbps", "{:,.1f}")
    spec = registry.TABLES["capacity-policies"]
    patched = type(spec)(spec.name, spec.key_labels, spec.rows, spec.figures + (extra,), spec.title, spec.keys)
    registry.TABLES["capacity-policies"] = patched
    monkeypatch.setitem(registry.CLI_COLUMNS, "capacity-policies",
                        registry.CLI_COLUMNS["capacity-policies"] + ("demand_gbps",))
    try:
        path = tmp_path / "s.toml"
        path.write_text('name = "x"\nkill_switch = "none"\n[window]\nduration = "10m"\n[[regions]]\nname = "IS"\n'
                        'spacing_km = 300\n[fleets]\nflying = ["oneweb"]\n[capacity]\nstep = "10m"\nsensitivity = false\n')
        code, out, err = run_cli(["assess", str(path), "--out", str(tmp_path / "out"), "--workers", "1"], capsys)
    finally:
        registry.TABLES["capacity-policies"] = spec
    assert code == 0, err
    assert "demand Gbps (test)" in out
