"""Scenario files (TOML or YAML): what to assess, validated with errors that name the key.

.. code-block:: toml

    name = "Canada"
    [window]
    start = "2026-05-07T00:00:00Z"
    duration = "24h"
    step = "60s"
    [requirement]
    min_elevation_deg = 25
    fold = 1
    availability = 0.99
    [[regions]]
    name = "Canada"
    query = "CA"               # or geojson = "file.geojson", or geometry = {type = "Polygon", ...} (inline)
    spacing_km = 50
    [fleets]
    flying = "all"             # or a list of operators, or "none"
    catalog = "newer.tle"      # optional: a newer catalogue, same operator assignment
    filed = ["iris2"]          # constellations as filed
    [[policies]]
    name = "no-prc"
    deny_jurisdictions = ["CN"]
    [[events]]
    name = "geofence"
    operator = "starlink"
    region = "occupied.geojson"
    start = "2026-05-07T06:00:00Z"
    end = "2026-05-07T12:00:00Z"
    kill_switch = ["starlink", "oneweb"]   # or "major"
    [[city_pairs]]                         # optional: routes audited in the report
    a = "Ottawa"
    b = "internet"
    [routing]
    step = "10m"
    gateway_countries = ["CA"]             # placed, for operators without published gateways; or gateways_file
    [demand]                               # busy-hour demand (defaults: Osoro & Oughton 2021)
    take_rate = 0.01
    plan_mbps = 100
    overbooking = 20
    background = true                      # the rest of the world competes for the satellites
    [capacity]
    step = "1h"                            # snapshots
    spacing_km = 100                       # default: the region's spacing
    file = "my-capacity.yaml"              # overrides data/capacity.yaml entries
    [capacity.operators.kuiper]            # or inline, one operator at a time (same layout as the data file)
    min_elevation_deg = {value = 35, source = "FCC 20-102"}

Relative paths are read from the scenario file's folder. A scenario sent to the server (``files=False``) may
name no file: its regions and event areas are names or inline GeoJSON.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator,
                      model_validator)

from satsov.io import describe_yaml_error, load_yaml
from satsov.defaults import (DEFAULT_AVAILABILITY, DEFAULT_ISL_RANGE_KM, DEFAULT_MAX_EPOCH_AGE_DAYS,
                             DEFAULT_MIN_ELEVATION_DEG, DEFAULT_SPACING_KM, DEFAULT_START, DEFAULT_STEP)
from satsov.errors import InputError, ScenarioError
from satsov.times import parse_date, parse_duration_s, parse_utc

__all__ = ["Scenario", "load_scenario", "scenario_from_dict", "demo_scenario", "WindowSpec", "RequirementSpec", "RegionSpec", "FleetSpec", "PolicySpec",
           "EventSpec", "ShellSpec"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)   # inf and nan are never a value


class WindowSpec(_Model):
    start: str = DEFAULT_START
    duration: str = "24h"
    step: str = DEFAULT_STEP
    max_epoch_age_days: float = Field(DEFAULT_MAX_EPOCH_AGE_DAYS, gt=0,
                                      description="warn when the window is further than this from an element epoch")

    @field_validator("start")
    @classmethod
    def _start(cls, v):
        parse_utc(v, name="start")
        return v

    @field_validator("duration", "step")
    @classmethod
    def _duration(cls, v, info):
        if parse_duration_s(v, name=info.field_name) <= 0 and info.field_name == "step":
            raise ValueError("expected a positive duration such as '60s'")
        return str(v)


class RequirementSpec(_Model):
    min_elevation_deg: float = Field(DEFAULT_MIN_ELEVATION_DEG, ge=0, lt=90)
    fold: int = Field(1, ge=1, le=100, validation_alias=AliasChoices("fold", "n_fold"),
                      description="satellites needed in view at once (also accepted as n_fold, its former name)")

    @property
    def n_fold(self) -> int:
        """The former name of :attr:`fold` (kept for a release)."""
        return self.fold
    availability: float = Field(DEFAULT_AVAILABILITY, gt=0, le=1)
    population_weighted: bool = True
    max_altitude_km: float | None = Field(None, gt=0, description="count only satellites whose apogee is below "
                                          "this altitude (e.g. 2000 for low-latency LEO service)")
    max_rtt_ms: float | None = Field(None, gt=0, description="count only satellites whose best-case round trip "
                                     "(up and down twice at zenith, 4 h / c) is below this: 100 keeps LEO and "
                                     "leaves out MEO (O3b mPOWER, ~108 ms) and GEO (~477 ms)")


class RegionSpec(_Model):
    name: str
    query: str | None = None
    geojson: str | None = None
    geometry: dict | None = Field(None, description="the region as inline GeoJSON (a Feature, FeatureCollection, "
                                  "Polygon or MultiPolygon in lon/lat degrees): what a scenario sent to the "
                                  "server uses where a file would be named")

    @model_validator(mode="after")
    def _one_shape(self):
        given = [k for k in ("query", "geojson", "geometry") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"found {' and '.join(given)}, expected at most one of query, geojson and geometry")
        return self
    spacing_km: float = Field(DEFAULT_SPACING_KM, ge=1, le=2000)
    as_of: str | None = None

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, v):
        parse_date(v, name="as_of")
        return v


class ShellSpec(_Model):
    name: str
    operator: str
    altitude_km: float
    inclination_deg: float
    planes: int
    sats_per_plane: int
    phasing: int = 0
    pattern: Literal["delta", "star"] = "delta"
    raan_offset_deg: float = 0.0
    source: str = Field(..., min_length=1, description="where the parameters come from")


class FleetSpec(_Model):
    @field_validator("planned_as_of", check_fields=False)
    @classmethod
    def _planned_as_of(cls, v):
        parse_date(v, name="planned_as_of")
        return v

    flying: Literal["all", "none"] | list[str] = "all"
    catalog: str | None = None
    filed: list[str] = []
    planned: list[str] = []            # constellations as planned (data/plans.yaml)
    planned_as_of: str | None = None   # what is due by this date (default: the window's start)
    operators_file: str | None = None
    exclude: list[str] = []
    services: list[Literal["broadband", "mss", "iot"]] | None = None  # None: every service


class PolicySpec(_Model):
    name: str
    description: str = ""
    allow_operators: list[str] = []
    deny_operators: list[str] = []
    allow_jurisdictions: list[str] = []
    deny_jurisdictions: list[str] = []
    land_in: list[str] = []   # countries or groups where the traffic must land (gateways); [] = anywhere


class EventSpec(_Model):
    name: str
    operator: str
    region: str | dict | None = None   # a region name, a GeoJSON file, or inline GeoJSON
    start: str | None = None
    end: str | None = None
    description: str = ""

    @field_validator("start", "end")
    @classmethod
    def _time(cls, v, info):
        if v is not None:
            parse_utc(v, name=info.field_name)
        return v

    @model_validator(mode="after")
    def _order(self):
        if self.start and self.end and parse_utc(self.end) <= parse_utc(self.start):
            raise ValueError(f"end ({self.end}) must come after start ({self.start})")
        return self


class CityPairSpec(_Model):
    """A route to audit: ``a`` to ``b``; ``b = "internet"`` routes to the nearest allowed gateway.
    Cities may carry a country: ``"London,CA"``."""

    a: str
    b: str


class RoutingSpec(_Model):
    step: str = "10m"
    published_gateways: bool = True     # each operator's published gateways (data/world/gateways.csv)
    planned_gateways: bool = False      # also those announced but not yet operating
    cited_gateways_only: bool = False   # leave out published sites known from community lists only
    gateways_file: str | None = None
    gateway_countries: list[str] = []   # place gateways here for operators without published ones
    gateways_per_country: int = Field(2, ge=1, le=20)
    bent_pipe: bool = False
    isl_range_km: float = Field(DEFAULT_ISL_RANGE_KM, gt=0)
    nearest_isls: int = Field(4, ge=0, le=8)
    min_elevation_deg: float | None = Field(None, ge=0, lt=90)


class DemandPointSpec(_Model):
    name: str = ""
    lat_deg: float = Field(..., ge=-90, le=90)
    lon_deg: float = Field(..., ge=-180, le=360)
    gbps: float = Field(..., ge=0)


class DemandSpec(_Model):
    """Busy-hour demand (satsov.capacity.demand): the literature's defaults unless given."""

    profile: Literal["consumer", "critical"] = "consumer"
    take_rate: float | None = Field(None, gt=0, le=1)
    plan_mbps: float | None = Field(None, gt=0)
    overbooking: float | None = Field(None, ge=1)
    background: bool = True
    background_spacing_km: float = Field(200.0, ge=50, le=2000)
    points: list[DemandPointSpec] = []


class GapSpec(_Model):
    """What would close each gap (satsov.capacity.gap): satellites of the reference satellite
    (``capacity.reference_satellite``) in one Walker shell, added to each policy that falls short of the target
    and serving the region only, the region's share against their number through the same fair allocation."""

    enabled: bool = True
    policies: list[str] | None = Field(None, description="the policies to size (default: every policy whose "
                                       "served share is below the target)")
    target: float | None = Field(None, gt=0, le=1, description="the share to reach (default: what all operators "
                                 "serve the region today, the baseline's share)")
    altitude_km: float = Field(550.0, ge=200, le=2000)
    inclination_deg: float = Field(53.0, ge=0, le=180)
    max_satellites: int = Field(20000, ge=10, le=100000)
    refine: int = Field(1, ge=0, le=6, description="bisections of the bracket where the target is reached")
    step: str | None = Field(None, description="snapshots of the curve's runs (default: the capacity step)")

    @field_validator("step")
    @classmethod
    def _step(cls, v):
        if v is not None and parse_duration_s(v, name="step") <= 0:
            raise ValueError("expected a positive duration such as '8h'")
        return v


class CapacitySpec(_Model):
    """Capacity analysis (satsov.capacity): snapshots every ``step``, on a grid of ``spacing_km`` (default:
    the region's), with the low/base/high sensitivity of each policy's figure."""

    enabled: bool = True
    step: str = "1h"
    spacing_km: float | None = Field(None, ge=1, le=2000)
    file: str | None = None
    sensitivity: bool = True
    bounds: bool = Field(False, description="also the world-first and region-first bounds of each case of the base "
                         "run and of each point of the gap curves: what any maximum flow keeping the world's first "
                         "fair level can give the region (costs about as much as the base run again)")
    workers: int | None = Field(None, ge=1, le=256, description="processes for the capacity runs (each region's "
                                "base and sensitivity runs), after the coverage passes; default 1 "
                                "(the CLI: the machine's cores)")
    reference_satellite: str = Field("starlink:v2-mini", validation_alias=AliasChoices("reference_satellite", "design"),
                                     description="OPERATOR:GENERATION of data/capacity.yaml: the satellites whose "
                                     "number to close each gap is estimated (also accepted as design, its former "
                                     "name)")

    @property
    def design(self) -> str:
        """The former name of :attr:`reference_satellite` (kept for a release)."""
        return self.reference_satellite
    operators: dict[str, dict] = Field({}, description="entries replacing data/capacity.yaml's, same layout")
    spectrum: Literal["shared", "separate"] = Field("shared", description="shared: the operators of one user band "
                                                    "deliver no more into a cell together than the largest of their "
                                                    "caps (47 CFR § 25.261); separate: their caps add up, as if they "
                                                    "did not interfere (optimistic)")
    gateway_capacity: bool = Field(True, description="the gateways as capacity: each site's antennas times one "
                                   "antenna's rate (data/capacity.yaml) feed the satellites; false: unlimited "
                                   "(optimistic; no landing rule can then be applied)")
    isl_reach_km: float = Field(4000.0, gt=0, le=20040, description="how far (great circle, km) an operator with "
                                "inter-satellite links carries traffic through its mesh to one of its gateways")
    elevation_efficiency: bool = Field(True, description="a cell's caps at each snapshot as a channel carries them at "
                                       "the elevation of each operator's best-placed satellite (DVB-S2 on the link's "
                                       "geometry); false: every channel at its zenith rate (optimistic)")
    gap: GapSpec = GapSpec()

    @field_validator("step")
    @classmethod
    def _step(cls, v):
        if parse_duration_s(v, name="step") <= 0:
            raise ValueError("expected a positive duration such as '1h'")
        return v


class LicenceSpec(_Model):
    """Landing rights (satsov.world.licences): by default an operator serves a place only where it is licensed.
    ``what_if_licensed`` names operators to treat as licensed everywhere ("what if Canada licensed Guowang");
    ``respect = false`` ignores licences altogether; ``file`` replaces data/licences.yaml."""

    respect: bool = True
    what_if_licensed: list[str] = []
    file: str | None = None


class Scenario(_Model):
    """A validated scenario."""

    name: str = "assessment"
    description: str = ""
    window: WindowSpec = WindowSpec()
    requirement: RequirementSpec = RequirementSpec()
    regions: list[RegionSpec] = Field(..., min_length=1)
    fleets: FleetSpec = FleetSpec()
    shells: list[ShellSpec] = []
    policies: list[PolicySpec] = []
    standard_policies: bool = True
    sovereign_policy: str | None = None
    events: list[EventSpec] = []
    kill_switch: Literal["major", "none"] | list[str] = "major"
    city_pairs: list[CityPairSpec] = []
    licences: LicenceSpec = LicenceSpec()
    routing: RoutingSpec = RoutingSpec()
    demand: DemandSpec = DemandSpec()
    capacity: CapacitySpec = CapacitySpec()
    _base_dir: str = PrivateAttr(".")
    _files: bool = PrivateAttr(True)

    @property
    def base_dir(self) -> str:
        """The folder relative paths are read from (the scenario file's)."""
        return self._base_dir

    @property
    def names_files(self) -> bool:
        """Whether this scenario may name files (False for scenarios sent to the server)."""
        return self._files

    def path(self, relative: str, key: str = "") -> Path:
        """The file a scenario key names, relative to the scenario's folder. A scenario that may not name
        files (one sent to the server) raises :class:`ScenarioError` naming the key, having touched nothing."""
        if not self._files:
            raise ScenarioError(f"{key or 'a key'}: a scenario sent to the server cannot name files; expected a "
                                f"name (or, for a region, inline GeoJSON in its geometry key)",
                                found=str(relative)[:80], expected="no file")
        p = Path(relative)
        return p if p.is_absolute() else Path(self._base_dir) / p


def _format_location(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _short(value, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters (an integer of thousands of digits, a deep structure)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):   # int too long to print; too deeply nested
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and validate a TOML (``.toml``) or YAML (``.yaml``/``.yml``) scenario."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")   # a byte-order mark is not a key
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file; expected a scenario (.toml or .yaml)", found=str(path),
                            expected="scenario file") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: byte {exc.start}: not UTF-8 text", found=str(path), expected="UTF-8") from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = load_yaml(text) or {}
        else:
            data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}", found=str(path), expected="TOML") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(describe_yaml_error(path, exc), found=str(path), expected="YAML") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: found {type(data).__name__}, expected a table of keys", found=data,
                            expected="table")
    return scenario_from_dict(data, str(path), base_dir=str(path.parent))


def scenario_from_dict(data: dict, where: str = "<scenario>", base_dir: str = ".", *, files: bool = True) -> Scenario:
    """A validated scenario from its keys. ``files=False`` (the server) refuses every key that would name a
    file, when it is used (:meth:`Scenario.path`), and reads region queries as names only."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}: found {type(data).__name__}, expected a table of keys", found=type(data).__name__,
                            expected="table")
    try:
        sc = Scenario(**{str(k): v for k, v in data.items()})
        sc._base_dir, sc._files = str(base_dir), files
        return sc
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            key = _format_location(e["loc"])
            if e["type"] == "extra_forbidden":
                lines.append(f"{key}: unknown key; expected one of the keys documented in satsov.scenario")
            elif e["type"] == "missing":
                lines.append(f"{key}: missing; this key is required")
            else:
                msg = e["msg"].removeprefix("Value error, ")
                lines.append(f"{key}: found {_short(e.get('input'))}: {msg}")
        raise ScenarioError(f"{where}: invalid scenario\n  " + "\n  ".join(lines), found=data,
                            expected="a valid scenario") from None
    except InputError as exc:  # from validators that parse times
        raise ScenarioError(f"{where}: {exc}", found=data, expected="a valid scenario") from None


def demo_scenario(*, duration: str | None = None) -> Scenario:
    """The demo: Canada and the EU27 on the built-in catalogue (``satsov demo``); ``duration`` shortens it."""
    from satsov.data import data_path
    sc = load_scenario(data_path("scenarios", "demo.toml"))
    if duration:
        sc = sc.model_copy(update={"window": sc.window.model_copy(update={"duration": duration})})
    return sc
