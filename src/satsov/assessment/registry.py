"""The figures of an assessment, declared once: name, label, unit and format, grouped into the tables that the
CLI prints and that :func:`dataset` returns as labelled arrays.

A figure is one :class:`Figure` line in :data:`TABLES`; the CLI's tables (``satsov assess``, ``satsov demo``)
and :func:`dataset` iterate over the declarations, so a new figure is one declaration here (and, where it is
new arithmetic, one function in :mod:`satsov.assessment.figures` or :mod:`satsov.assessment.capacity`).

>>> TABLES["capacity-policies"].figure("served_share").format(0.2743)
'27.4%'
>>> CLI_COLUMNS["capacity-policies"]
('served_share', 'served_share_range', 'served_share_p5', 'served_share_bounds', 'loss_pp', 'carried_by')
>>> [f.name for f in TABLES["capacity-kill-switch"].figures][:4]
['carried_gbps', 'carried_range_gbps', 'absorbed_gbps', 'lost_gbps']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Figure", "FigureTable", "TABLES", "CLI_COLUMNS", "dataset"]

UNITS = {"share": "share of the region's demand or people (0-1)", "pp": "percentage points", "Gbps": "Gbit/s",
         "text": "text", "index": "served by the policy over served by all operators (0-1)",
         "satellites": "satellites of the scenario's reference satellite"}


@dataclass(frozen=True)
class Figure:
    """One figure: ``name`` (its key in the JSON and the dataset), ``label`` (a column header), ``unit`` (a key of
    :data:`UNITS`), ``fmt`` (a format spec, or a callable from the value to text) and how to read it from its
    record (``get``: default the attribute ``name``)."""

    name: str
    label: str
    unit: str
    fmt: str | Callable[[object], str] = "{:.1%}"
    get: Callable[[object], object] | None = None
    numeric: bool = True

    def value(self, record) -> object:
        return self.get(record) if self.get is not None else getattr(record, self.name)

    def format(self, value) -> str:
        if value is None:
            return ""
        return self.fmt(value) if callable(self.fmt) else self.fmt.format(value)


@dataclass(frozen=True)
class FigureTable:
    """A table of figures: one row per case of a region (``rows(region_assessment)`` gives ``{row key: record}``,
    ``key_labels`` name the row key's parts), and a ``title`` from the region's name and assessment."""

    name: str
    key_labels: tuple[str, ...]
    rows: Callable[[object], dict]
    figures: tuple[Figure, ...]
    title: Callable[[str, object], str]
    keys: Callable[[object], tuple] = field(default=lambda k: (str(k),))

    def figure(self, name: str) -> Figure:
        return next(f for f in self.figures if f.name == name)

    def _chosen(self, only) -> tuple[Figure, ...]:
        return self.figures if only is None else tuple(f for f in self.figures if f.name in only)

    def filled(self, region, only=None) -> tuple[str, ...]:
        """The names of the figures (of ``only``, default all) with something to show for ``region``: a column
        that would be empty (the bounds, unless a scenario asks for them) is left out."""
        records = list(self.rows(region).values())
        return tuple(f.name for f in self._chosen(only) if any(f.format(f.value(v)) for v in records))

    def header(self, only=None) -> list[str]:
        """The column labels (``only``: the names of the figures to show, in the table's order; default all)."""
        return [*self.key_labels, *(f.label for f in self._chosen(only))]

    def text_rows(self, region, order: Callable[[object], object] | None = None, only=None) -> Iterable[list[str]]:
        """Each row as text, in the rows' order or sorted by ``order(record)``."""
        rows = list(self.rows(region).items())
        if order is not None:
            rows.sort(key=lambda kv: order(kv[1]))
        figures = self._chosen(only)
        for key, record in rows:
            yield [*self.keys(key), *(f.format(f.value(record)) for f in figures)]


def _range(v) -> str:
    return f"{v[0]:.0%}-{v[1]:.0%}" if v[0] is not None else ""


def _carriers(v) -> str:
    top = sorted(v.by_operator_gbps.items(), key=lambda kv: -kv[1])[:3]
    return " ".join(f"{op} {gbps / max(v.served_gbps, 1e-9):.0%}" for op, gbps in top)


def _cap(r):
    return r.capacity


def _gap(v) -> str:
    """Satellites to reach the target, or why there is no such number (capacity.gap)."""
    if v.satellites_to_close_gap is not None:
        return f"{v.satellites_to_close_gap:,}"
    if v.gap_reason.startswith("not reachable"):
        return "not reachable (caps)"
    return "not reached" if v.gap_reason else ""


TABLES: dict[str, FigureTable] = {t.name: t for t in (
    FigureTable(
        "capacity-policies", ("policy",), lambda r: _cap(r).policies if _cap(r) else {},
        (Figure("served_share", "served", "share"),
         Figure("served_share_range", "range", "share", _range,
                get=lambda v: (v.served_share_low, v.served_share_high), numeric=False),
         Figure("served_share_p5", "p5", "share", "{:.0%}"),
         Figure("served_share_bounds", "bounds", "share", _range,
                get=lambda v: (v.served_share_world_first, v.served_share_region_first), numeric=False),
         Figure("loss_pp", "loss pp", "pp", "{:.1f}"),
         Figure("carried_by", "carried by (share of served)", "text", _carriers, get=lambda v: v, numeric=False),
         Figure("gap_gbps", "gap Gbps", "Gbps", "{:,.0f}"),
         Figure("satellites_to_close_gap", "satellites to close it*", "satellites", "{:,}"),
         Figure("gap_sizing", "to close it*", "text", _gap, get=lambda v: v, numeric=False),
         Figure("depends_on_assumptions", "rests on assumed figures", "text", lambda v: "; ".join(v) or "no",
                numeric=False)),
        lambda name, r: f"{name}: capacity ({_cap(r).result.demand.region_gbps:,.0f} Gbps busy-hour demand)"),
    FigureTable(
        "capacity-kill-switch", ("switched off",), lambda r: _cap(r).kill_switch if _cap(r) else {},
        (Figure("carried_gbps", "carried Gbps", "Gbps", "{:,.0f}"),
         Figure("carried_range_gbps", "carried range Gbps", "Gbps",
                lambda v: f"{v[0]:,.0f} – {v[1]:,.0f}", numeric=False,
                get=lambda v: None if v.carried_low_gbps is None else (v.carried_low_gbps, v.carried_high_gbps)),
         Figure("absorbed_gbps", "absorbed by others", "Gbps", "{:,.0f}"),
         Figure("lost_gbps", "lost Gbps", "Gbps", "{:,.0f}"),
         Figure("loss_pp", "loss pp", "pp", "{:.1f}"),
         Figure("withdrawal_loss_pp", "withdrawn worldwide, loss pp", "pp", "{:.1f}"),
         Figure("displacement_pp", "displacement pp", "pp", "{:+.1f}")),
        lambda name, r: f"{name}: kill switches (capacity; switched off over the region, still serving the rest "
                        f"of the world; and withdrawn worldwide)"),
    FigureTable(
        "capacity-events", ("event", "under policy"), lambda r: _cap(r).events if _cap(r) else {},
        (Figure("served_share", "served", "share"),
         Figure("served_share_p5", "p5", "share", "{:.0%}"),
         Figure("loss_pp", "loss pp", "pp", "{:.1f}")),
        lambda name, r: f"{name}: denial events (capacity; loss against all operators, no event)",
        keys=lambda k: (k.event, k.policy)),
    FigureTable(
        "visibility-policies", ("policy",), lambda r: r.policies,
        (Figure("served_share", "served", "share"),
         Figure("low_latency_served_share", "LEO only", "share",
                lambda v: "same" if v is None else f"{v:.1%}"),
         Figure("loss_vs_all_pp", "loss (pp)", "pp", "{:.2f}"),
         Figure("sovereignty_index", "sovereignty index", "index")),
        lambda name, r: f"{name}: visibility (an upper bound: a satellite overhead, whatever it can carry)"),
    FigureTable(
        "visibility-events", ("event", "under policy"), lambda r: r.events,
        (Figure("served_share", "served", "share"),
         Figure("loss_pp", "loss (pp)", "pp", "{:.2f}"),
         Figure("min_coverage_during", "worst instant", "share"),
         Figure("min_coverage_baseline", "worst without it", "share")),
        lambda name, r: f"{name}: denial events (visibility; loss against the same policy without it)",
        keys=lambda k: (k.event, k.policy)),
)}


#: The figures a terminal has room for, per table (the others: every figure); the report shows them all.
CLI_COLUMNS = {"capacity-policies": ("served_share", "served_share_range", "served_share_p5", "served_share_bounds",
                                     "loss_pp", "carried_by")}


def dataset(assessment, table: str):
    """The numeric figures of one of :data:`TABLES` as an ``xarray.Dataset`` with dimensions ``region`` and
    ``case`` (the row key as text: a policy, a fleet, ``event @ policy``); each variable has its ``label``,
    ``unit`` and ``units`` text as attributes, missing combinations are NaN. Room for more dimensions
    (``as_of`` for the years ahead) is on the outside: one dataset per study, concatenated.

    >>> import satsov
    >>> from satsov.assessment.scenario import scenario_from_dict
    >>> a = satsov.assess(scenario_from_dict({"regions": [{"name": "IS", "spacing_km": 200}],
    ...                                      "window": {"duration": "20m"}, "capacity": {"enabled": False},
    ...                                      "fleets": {"flying": ["oneweb", "qianfan"]}}))
    >>> ds = dataset(a, "visibility-policies")
    >>> ds["served_share"].sel(region="IS", case="no-prc").item() == a.regions["IS"].policies["no-prc"].served_share
    True
    >>> ds["served_share"].attrs["unit"]
    'share'
    """
    import numpy as np
    import xarray as xr
    spec = TABLES[table]
    regions = list(assessment.regions)
    rows = {name: spec.rows(r) for name, r in assessment.regions.items()}
    cases = list(dict.fromkeys(" @ ".join(spec.keys(k)) for rr in rows.values() for k in rr))
    data = {}
    for f in spec.figures:
        if not f.numeric:
            continue
        values = np.full((len(regions), len(cases)), np.nan)
        for i, name in enumerate(regions):
            for key, record in rows[name].items():
                v = f.value(record)
                values[i, cases.index(" @ ".join(spec.keys(key)))] = np.nan if v is None else float(v)
        data[f.name] = xr.DataArray(values, dims=("region", "case"),
                                    attrs={"label": f.label, "unit": f.unit, "units": UNITS[f.unit]})
    return xr.Dataset(data, coords={"region": regions, "case": cases}, attrs={"table": table})
