"""The route audit of an assessment: the scenario's city pairs under each policy, with the jurisdictions each
route crosses. The gateways come from :func:`satsov.world.gateways.gateway_sites`, as for ``satsov route``."""

from __future__ import annotations

from dataclasses import dataclass

from satsov.errors import InputError, ScenarioError, UnknownNameError
from satsov.times import time_grid
from satsov.world.gateways import gateway_sites
from satsov.world.licences import landing_rule
from satsov.assessment.regions import region_of
from satsov.world.sites import city_from_text, load_sites

__all__ = ["RouteRequest", "route_request", "audit"]


@dataclass(frozen=True)
class RouteRequest:
    """The route audit a scenario asks for: city pairs (``None`` as the second city: the Internet), the
    gateways, and the home countries the audit counts as allied."""

    pairs: tuple
    gateways: tuple
    home: frozenset


def route_request(sc, owner: dict[str, str], notes: list[str]):
    """The city pairs (``None`` for the Internet), gateways and home countries of the route audit, checked.

    Gateways: each operator's published sites (unless ``routing.published_gateways`` is off), the sites of
    ``routing.gateways_file``, and gateways placed in ``routing.gateway_countries`` for each operator that has
    none of those (placed sites are labelled as such in their source)."""
    spec = sc.routing
    operators = sorted(set(owner.values()))
    try:
        chosen = gateway_sites(operators, published=spec.published_gateways, planned=spec.planned_gateways,
                               cited_only=spec.cited_gateways_only,
                               extra=load_sites(sc.path(spec.gateways_file, "routing.gateways_file")) if spec.gateways_file else (),
                               place_in=spec.gateway_countries, per_country=spec.gateways_per_country,
                               cited_hint="routing.cited_gateways_only")
    except (UnknownNameError, InputError) as exc:
        raise ScenarioError(f"routing: {exc}", found=spec, expected="gateways") from None
    notes += [f"routing: {n}" for n in chosen.notes]
    if chosen.without and sc.city_pairs:
        notes.append(f"routing: no gateway for {', '.join(chosen.without)}: their satellites reach the ground only "
                     f"at the cities routed (set routing.gateway_countries to place some)")
    gateways = list(chosen.sites)

    def site(text, key):
        try:
            return city_from_text(text)
        except (UnknownNameError, InputError) as exc:
            raise ScenarioError(f"{key}: {exc}", found=text, expected="a city") from None
    pairs = []
    for i, pair in enumerate(sc.city_pairs):
        internet = pair.b.strip().lower() == "internet"
        if internet and not gateways:
            raise ScenarioError("city_pairs: routing to the internet needs gateways: set routing.gateway_countries "
                                "or routing.gateways_file", found=pair.b, expected="gateways")
        pairs.append((site(pair.a, f"city_pairs[{i}].a"), None if internet else site(pair.b, f"city_pairs[{i}].b")))
    home = set()
    for r in sc.regions:
        home |= set(region_of(r, sc).codes)
    return RouteRequest(tuple(pairs), tuple(gateways), frozenset(home))


def audit(study) -> list[dict]:
    """Routes between the scenario's city pairs under each policy, with the jurisdiction audit; satellites of an
    operator without inter-satellite links (per the capacity data, sourced or labelled assumed) relay only
    through gateways."""
    from satsov.capacity import supply_table
    from satsov.network import Network, audit_routes
    sc, request = study.scenario, study.routes
    spec = sc.routing
    times = time_grid(sc.window.start, sc.window.duration, spec.step, snapshots=True)
    mask = spec.min_elevation_deg if spec.min_elevation_deg is not None else sc.requirement.min_elevation_deg
    isl, isl_notes = (study.supply or supply_table()).isl_fleets(study.fleets, study.owner, study.registry)
    net = Network.from_fleets(study.fleets, nearest_isls=spec.nearest_isls, max_isl_range_km=spec.isl_range_km,
                              min_elevation_deg=mask, bent_pipe=spec.bent_pipe, gateways=list(request.gateways),
                              isl_operators=isl)
    routes = audit_routes(net, list(request.pairs), times, list(study.policies), study.registry, owner=study.owner,
                          home=set(request.home) or None,
                          licensed=landing_rule(study.licence_table, sc.licences.what_if_licensed))
    for entry in routes:
        entry.setdefault("notes", [])
        entry["notes"] = list(entry["notes"]) + isl_notes
    return routes
