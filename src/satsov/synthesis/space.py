"""The design search space: which constellations a search may propose, and how they are counted.

A :class:`Design` is one or more Walker shells (delta, star, or polar streets of coverage) plus in-plane spares; a :class:`SearchSpace`
enumerates designs in the order of the objective (fewest satellites, satellites with spares, or launches),
so that a search can stop at the first that meets the requirement. Its size is known before anything runs
(:meth:`SearchSpace.size`): a space too large to sweep is refused with the estimate and how to narrow it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from satsov.errors import InputError
from satsov.orbits.walker import Pattern, Shell
from satsov.synthesis.seeds import earth_central_angle_deg, streets_half_width_deg

__all__ = ["Design", "SearchSpace", "OBJECTIVES", "design_snapshot"]

OBJECTIVES = ("satellites", "satellites+spares", "launches")


@dataclass(frozen=True)
class Design:
    """A candidate constellation: Walker ``shells``, ``spares_per_plane`` in-orbit spares in every plane, and
    launches of ``sats_per_launch`` satellites (a launch fills one plane; None: not counted)."""

    shells: tuple[Shell, ...]
    spares_per_plane: int = 0
    sats_per_launch: int | None = None

    @property
    def satellites(self) -> int:
        """Operational satellites (the ones that give coverage)."""
        return sum(sh.size for sh in self.shells)

    @property
    def planes(self) -> int:
        return sum(sh.planes for sh in self.shells)

    @property
    def satellites_with_spares(self) -> int:
        return self.satellites + self.spares_per_plane * self.planes

    @property
    def launches(self) -> int | None:
        """Launches to fill every plane with its satellites and spares, one plane per launch at least."""
        if not self.sats_per_launch:
            return None
        per = self.sats_per_launch
        return sum(sh.planes * math.ceil((sh.sats_per_plane + self.spares_per_plane) / per) for sh in self.shells)

    @property
    def key(self) -> str:
        """A stable text key: the same design always has the same key (used to resume a sweep)."""
        parts = [f"{sh.pattern.value}:{sh.altitude_km:.3f}km:{sh.inclination_deg:.3f}deg:{sh.planes}x"
                 f"{sh.sats_per_plane}/F{sh.phasing}"
                 + (f"/D{sh.plane_spacing_deg:.4f}" if sh.plane_spacing_deg is not None else "") for sh in self.shells]
        return " + ".join(parts) + (f" +{self.spares_per_plane}sp" if self.spares_per_plane else "")

    def label(self) -> str:
        """Walker notation per shell, e.g. ``24/6/1 delta 53° 550 km``."""
        return " + ".join(f"{sh.size}/{sh.planes}/{sh.phasing} {sh.pattern.value} {sh.inclination_deg:g}° "
                          f"{sh.altitude_km:g} km"
                          + (f" (planes {sh.plane_spacing_deg:.2f}° apart)" if sh.plane_spacing_deg is not None else "")
                          for sh in self.shells)

    def cost(self, objective: str) -> int:
        if objective == "satellites+spares":
            return self.satellites_with_spares
        if objective == "launches":
            return self.launches if self.launches is not None else self.satellites
        return self.satellites

    def to_dict(self) -> dict:
        first = self.shells[0]
        return {"satellites": self.satellites, "planes": first.planes if len(self.shells) == 1 else self.planes,
                "sats_per_plane": first.sats_per_plane, "phasing": first.phasing,
                "inclination_deg": first.inclination_deg, "altitude_km": first.altitude_km,
                "pattern": first.pattern.value, "spares_per_plane": self.spares_per_plane,
                "satellites_with_spares": self.satellites_with_spares, "launches": self.launches,
                "label": self.label(), "key": self.key,
                "shells": [{"name": sh.name, "altitude_km": sh.altitude_km, "inclination_deg": sh.inclination_deg,
                            "planes": sh.planes, "sats_per_plane": sh.sats_per_plane, "phasing": sh.phasing,
                            "pattern": sh.pattern.value, "plane_spacing_deg": sh.plane_spacing_deg}
                           for sh in self.shells]}

    @classmethod
    def from_dict(cls, d: dict) -> "Design":
        shells = tuple(Shell(s.get("name") or f"walker-{s['planes'] * s['sats_per_plane']}/{s['planes']}/{s['phasing']}",
                             float(s["altitude_km"]), float(s["inclination_deg"]), int(s["planes"]),
                             int(s["sats_per_plane"]), int(s["phasing"]), Pattern(s.get("pattern", "delta")),
                             plane_spacing_deg=s.get("plane_spacing_deg"))
                       for s in d["shells"])
        return cls(shells, int(d.get("spares_per_plane") or 0), None)


def _streets_spacing_deg(altitude_km: float, min_elevation_deg: float, planes: int, sats_per_plane: int):
    """The co-rotating plane spacing of a streets pattern (see :class:`SearchSpace`); None for one plane. With
    more slack than the seam can take (m > c) the seam keeps c and the co-rotating gaps take the rest; without
    a street (c = 0, no coverage possible) the planes are spread evenly."""
    if planes < 2:
        return None
    lam = earth_central_angle_deg(altitude_km, min_elevation_deg)
    c = streets_half_width_deg(lam, sats_per_plane)
    m = ((planes - 1) * (lam + c) + 2 * c - 180.0) / planes
    seam = max(2 * c - m, c) if c > 0 else 180.0 / planes
    return (180.0 - seam) / (planes - 1)


def _phasings(planes: int, mode: str, pattern: str = "delta") -> list[int]:
    if pattern == "streets":  # adjacent planes are offset by half the in-plane spacing, no F to choose
        return [0]
    if mode == "all":
        return list(range(planes))
    return sorted({0, 1 % planes, planes // 2})


@dataclass(frozen=True)
class SearchSpace:
    """Walker shells to try: every combination of altitude, inclination, pattern, planes, satellites per plane
    and phasing (``"few"``: 0, 1 and P/2; ``"all"``: every F), up to ``max_satellites``; ``shells = 2`` pairs
    them (two-shell designs). ``spares_per_plane`` and ``sats_per_launch`` enter the objective.

    The ``"streets"`` pattern spaces planes for streets of coverage at ``min_elevation_deg`` (set by
    :func:`satsov.design` from the requirement): co-rotating planes λ + c − m apart and the seam 2c − m wide,
    where the slack m = ((P − 1)(λ + c) + 2c − π) / P shares any margin equally between the P gaps (m < 0: the
    gaps are too wide by as much, and the screen says so)."""

    altitudes_km: tuple[float, ...] = (550.0,)
    inclinations_deg: tuple[float, ...] = (53.0, 70.0, 87.9)
    planes: tuple[int, ...] = tuple(range(2, 25))
    sats_per_plane: tuple[int, ...] = tuple(range(2, 41))
    phasings: str = "few"
    max_satellites: int = 2000
    patterns: tuple[str, ...] = ("delta",)
    shells: int = 1
    spares_per_plane: int = 0
    sats_per_launch: int | None = None
    objective: str = "satellites"
    max_candidates: int = 500_000
    min_elevation_deg: float | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False, hash=False, init=False)

    def __post_init__(self):
        if self.phasings not in ("few", "all"):
            raise InputError(f"phasings: found {self.phasings!r}, expected few or all", found=self.phasings,
                             expected="few or all")
        for p in self.patterns:
            if p not in ("delta", "star", "streets"):
                raise InputError(f"patterns: found {p!r}, expected delta, star or streets", found=p,
                                 expected="delta | star | streets")
        if self.shells not in (1, 2):
            raise InputError(f"shells: found {self.shells!r}, expected 1 or 2", found=self.shells, expected="1 or 2")
        if self.objective not in OBJECTIVES:
            raise InputError(f"objective: found {self.objective!r}, expected one of {', '.join(OBJECTIVES)}",
                             found=self.objective, expected=" | ".join(OBJECTIVES))
        if not self.altitudes_km or not self.inclinations_deg or not self.planes or not self.sats_per_plane:
            raise InputError("search space: altitudes, inclinations, planes and satellites per plane must each "
                             "name at least one value", found=self, expected="non-empty ranges")
        for h in self.altitudes_km:
            if not 150.0 <= h <= 50000.0:
                raise InputError(f"altitudes_km: found {h:g}, expected 150 to 50,000 km", found=h,
                                 expected="[150, 50000] km")

    def _single(self) -> list[Shell]:
        if "single" in self._cache:
            return self._cache["single"]
        if "streets" in self.patterns and self.min_elevation_deg is None:
            raise InputError("patterns: streets needs min_elevation_deg (the plane spacing follows from the "
                             "coverage half-angle)", found=None, expected="min_elevation_deg")
        out = []
        for pat, h, i, p, s in itertools.product(self.patterns, self.altitudes_km, self.inclinations_deg,
                                                 self.planes, self.sats_per_plane):
            if p * s > self.max_satellites:
                continue
            spacing = _streets_spacing_deg(h, self.min_elevation_deg, p, s) if pat == "streets" else None
            if pat == "streets" and spacing is None:
                continue  # one plane: no streets pattern (size() does not count it either)
            for f in _phasings(p, self.phasings, pat):
                out.append(Shell(f"walker-{p * s}/{p}/{f}", float(h), float(i), int(p), int(s), int(f), Pattern(pat),
                                 plane_spacing_deg=spacing))
        self._cache["single"] = out
        return out

    def size(self) -> int:
        """How many designs the space holds, counted without building them."""
        n = 0
        for pat in self.patterns:
            for p in self.planes:
                if pat == "streets" and p < 2:
                    continue
                nf = len(_phasings(p, self.phasings, pat))
                n += nf * sum(1 for s in self.sats_per_plane if p * s <= self.max_satellites)
        n *= len(self.altitudes_km) * len(self.inclinations_deg)
        return n if self.shells == 1 else n * (n + 1) // 2

    def candidates(self) -> list[Design]:
        """Every design of the space, cheapest first by the objective (ties: fewer planes, then lower altitude,
        lower inclination, smaller phasing). Refused with the estimate above ``max_candidates``."""
        n = self.size()
        if n > self.max_candidates:
            raise InputError(
                f"search space: {n:,} candidate designs, more than max_candidates ({self.max_candidates:,}); narrow "
                f"it (fewer altitudes, inclinations or planes, a lower max_satellites, phasings='few', one shell) or "
                f"raise max_candidates", found=n, expected=f"<= {self.max_candidates:,} designs")
        singles = self._single()
        if self.shells == 1:
            designs = [Design((sh,), self.spares_per_plane, self.sats_per_launch) for sh in singles]
        else:
            designs = [Design((a, b), self.spares_per_plane, self.sats_per_launch)
                       for a, b in itertools.combinations_with_replacement(singles, 2)
                       if a.size + b.size <= self.max_satellites]
        designs.sort(key=lambda d: (d.cost(self.objective), d.satellites, d.planes,
                                    tuple((sh.altitude_km, sh.inclination_deg, sh.pattern.value, sh.phasing)
                                          for sh in d.shells)))
        return designs


def design_snapshot(stored: dict) -> dict:
    """The best design of a stored design result (``DesignResult.to_dict()``, or the file ``satsov design
    --data-dir`` writes) at the start of its own window: every shell's satellites as sub-satellite points
    ``[[lon_deg, lat_deg], ...]`` and the footprint half-angle of each shell (degrees, at the requirement's
    mask). ``{"satellites": [], ...}`` when it has no best design. What the dashboard draws."""
    import numpy as np

    from satsov.defaults import DEFAULT_MIN_ELEVATION_DEG, DEFAULT_START
    from satsov.orbits.fleet import Fleet
    from satsov.orbits.geometry import ecef_to_geodetic, footprint_half_angle_deg
    from satsov.times import time_grid
    best = stored.get("best")
    if not best:
        return {"satellites": [], "footprint_deg": None, "shells": [], "start": None}
    design = Design.from_dict(best) if best.get("shells") else Design.from_dict({"shells": [best]})
    start = (stored.get("window") or {}).get("start") or DEFAULT_START
    mask = (stored.get("requirement") or {}).get("min_elevation_deg", DEFAULT_MIN_ELEVATION_DEG)
    pos = Fleet.from_shells(list(design.shells), start).positions(time_grid(start, "0s", "60s"))
    lat, lon, _alt = ecef_to_geodetic(np.asarray(pos)[:, 0, :])
    footprints = [float(footprint_half_angle_deg(sh.altitude_km, mask)) for sh in design.shells]
    return {"satellites": [[round(float(a), 3), round(float(b), 3)] for a, b in zip(lon, lat)],
            "footprint_deg": max(footprints), "shells": [sh.name for sh in design.shells],
            "footprints_deg": footprints, "start": str(start)}
