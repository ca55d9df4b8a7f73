"""Assessment: policies, dependency, denial events, kill switches, scenarios and the report."""

import json
import warnings

import numpy as np
import pytest

import satsov
from satsov.testing import CHROMIUM, requires_chromium, requires_playwright
from satsov.assessment.results import BASELINE, EventCase, FleetCase, KillSwitchCase, PolicyCase
from satsov.assessment.figures import region_figures
from satsov.assessment.run import assess
from satsov.visibility import Case, StepWarning, coverage
from satsov.orbits.elements import ElementSet
from satsov.errors import ScenarioError
from satsov.world.grids import Grid
from satsov.world.operators import operator_registry
from satsov.world.policies import Policy, standard_policies
from satsov.world.sites import published_sites
from satsov.report.html import write_report
from satsov.assessment.scenario import load_scenario, scenario_from_dict
from satsov.orbits.walker import mean_motion_rev_per_day

SMALL = {"name": "small", "regions": [{"name": "Iceland", "query": "IS", "spacing_km": 100}],
         "window": {"duration": "30m", "step": "60s"},
         "fleets": {"flying": ["oneweb", "starlink", "qianfan", "eutelsat", "telesat"]},
         "capacity": {"sensitivity": False}}  # the sensitivity runs have a test of their own


@pytest.fixture(scope="module")
def small_assessment():
    return assess(scenario_from_dict(SMALL))


def test_policy_figures_equal_the_coverage_engine_on_the_same_inputs(small_assessment):
    a = small_assessment
    r = a.regions["Iceland"]
    fleets = satsov.world.constellations.as_flying(SMALL["fleets"]["flying"])
    t = satsov.time_grid("2026-05-07T00:00:00Z", "30m", "60s")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWarning)
        ref = coverage(fleets, r.coverage.grid, t, min_elevation_deg=25,
                       sets={"no-prc": ["oneweb", "starlink", "eutelsat", "telesat"]})
    pop = ref.grid.population
    served = (ref.cells["no-prc"]["availability"].to_numpy() * pop).sum() / pop.sum()
    assert r.policies["no-prc"].served_share == pytest.approx(served, abs=1e-12)
    for op in fleets:
        alone = (ref.cells[op]["availability"].to_numpy() * pop).sum() / pop.sum()
        if op == "qianfan":  # no landing rights in Iceland (data/licences.yaml): it serves no cell there
            assert alone > 0
            alone = 0.0
        assert r.operators[op].served_share_alone == pytest.approx(alone, abs=1e-12)


def _sat(norad, lat_deg, lon_deg, name):
    """A satellite at 1,000 km right above (lat, lon) at the epoch (circular, inclination = |lat| + ...)."""
    # put it on a 90° orbit whose node is at lon (minus Earth rotation handled by computing after the fact)
    return ElementSet(norad_id=norad, name=name, epoch=np.datetime64("2026-05-07T00:00:00"),
                      mean_motion_rev_per_day=mean_motion_rev_per_day(1000.0), eccentricity=0.0,
                      inclination_deg=90.0, raan_deg=lon_deg, arg_perigee_deg=0.0, mean_anomaly_deg=lat_deg)


def test_hand_built_dependency_two_disjoint_footprints():
    """Two operators, each alone over half of four cells: each is the sole provider of its half."""
    t = satsov.time_grid("2026-05-07T00:00:00Z", "0s", "60s")
    a = _sat(1, 0.0, 0.0, "ONEWEB-TEST")
    b = _sat(2, 0.0, 60.0, "STARLINK-TEST")
    r = satsov.Fleet([a, b]).positions(t)
    lat, lon, _ = satsov.subsatellite_points(r[:, 0])
    cells_lat = np.array([lat[0], lat[0] + 1, lat[1], lat[1] + 1])
    cells_lon = np.array([lon[0], lon[0] + 1, lon[1], lon[1] + 1])
    pop = np.array([1.0, 1.0, 3.0, 5.0])  # the starlink half holds 80% of the people
    g = Grid("hand-built", 100, cells_lat, cells_lon, np.ones(4), np.array(["XX"] * 4), pop)
    fleets = {"oneweb": satsov.Fleet([a]), "starlink": satsov.Fleet([b])}
    owner = {"oneweb": "oneweb", "starlink": "starlink"}
    policies = [Policy(BASELINE), Policy("no-spacex", deny_operators=("starlink",)),
                Policy("nothing", allow_operators=("iridium",))]
    cases = [Case(FleetCase(k), (k,)) for k in fleets] + [
        Case(PolicyCase("all-operators"), ("oneweb", "starlink"), dependency=True),
        Case(PolicyCase("no-spacex"), ("oneweb",), dependency=True),
        Case(PolicyCase("nothing"), (), dependency=True),
        Case(KillSwitchCase("starlink"), ("oneweb",)), Case(KillSwitchCase("oneweb"), ("starlink",))]
    res = coverage(fleets, g, t, min_elevation_deg=25, cases=cases)
    sc = scenario_from_dict({"regions": [{"name": "x", "query": "IS"}]})
    from types import SimpleNamespace
    study = SimpleNamespace(policies=policies, fleets=fleets, owner=owner, registry=operator_registry(), scenario=sc,
                            kill=["starlink", "oneweb"])
    ra = region_figures(study, "x", res)
    assert ra.policies[BASELINE].served_share == 1.0
    assert ra.operators["starlink"].sole_provider_share == pytest.approx(0.8)
    assert ra.operators["oneweb"].sole_provider_share == pytest.approx(0.2)
    assert ra.policies["no-spacex"].served_share == pytest.approx(0.2)
    assert ra.policies["no-spacex"].loss_vs_all_pp == pytest.approx(80.0)
    assert ra.policies["nothing"].served_share == 0.0 and ra.policies["nothing"].sovereignty_index == 0.0
    assert ra.kill_switch["starlink"].loss_pp == pytest.approx(80.0)
    assert ra.spof.cells == 4 and ra.spof.population_share == pytest.approx(1.0)


def test_policy_that_allows_nothing_gives_zero_not_an_error():
    sc = scenario_from_dict({**SMALL, "policies": [{"name": "none", "allow_operators": ["iridium"]}]})
    a = assess(sc)
    p = a.regions["Iceland"].policies["none"]
    assert p.served_share == 0.0 and p.fleets == ()


def test_denial_event_lowers_coverage_only_during_its_window():
    sc = scenario_from_dict({**SMALL, "requirement": {"n_fold": 12, "min_elevation_deg": 25},
                             "events": [{"name": "geofence", "operator": "starlink", "region": "IS",
                                         "start": "2026-05-07T00:10:00Z", "end": "2026-05-07T00:20:00Z"}]})
    a = assess(sc)
    r = a.regions["Iceland"]
    ev = r.events[EventCase("geofence", "all-operators")]
    base = r.coverage.series[PolicyCase("all-operators")]["mean_sats_in_view"]
    during = r.coverage.series[EventCase("geofence", "all-operators")]["mean_sats_in_view"]
    window = (base.index >= "2026-05-07T00:10") & (base.index < "2026-05-07T00:20")
    assert (during[~window] == base[~window]).all() and (during[window] < base[window]).all()
    assert ev.loss_pp >= 0


@pytest.mark.parametrize("patch,message", [
    ({"fleets": {"flying": ["starlnk"]}}, "did you mean 'starlink'"),
    ({"regions": [{"name": "x", "query": "Canda"}]}, "did you mean 'Canada'"),
    ({"regions": [{"name": "x", "query": "IS", "spacng_km": 10}]}, "regions[0].spacng_km: unknown key"),
    ({"window": {"start": "yesterday"}}, "window.start"),
    ({"events": [{"name": "e", "operator": "starlink", "start": "2026-05-07T02:00:00Z",
                  "end": "2026-05-07T01:00:00Z"}]}, "must come after start"),
    ({"policies": [{"name": "p", "deny_jurisdictions": ["XX"]}]}, "unknown jurisdiction 'XX'"),
    ({"requirement": {"min_elevation_deg": 95}}, "requirement.min_elevation_deg"),
    ({"kill_switch": ["nope"]}, "kill_switch"),
])
def test_invalid_scenarios_get_clear_messages(patch, message):
    with pytest.raises(ScenarioError) as exc:
        assess(scenario_from_dict({**SMALL, **patch}))
    assert message in str(exc.value)


def test_scenario_files_toml_and_yaml(tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text('name = "t"\n[[regions]]\nname = "Iceland"\nquery = "IS"\nspacing_km = 100\n'
                    '[window]\nduration = "10m"\n[fleets]\nflying = ["oneweb"]\n')
    yml = tmp_path / "s.yaml"
    yml.write_text("name: t\nregions:\n  - {name: Iceland, query: IS, spacing_km: 100}\nwindow: {duration: 10m}\n"
                   "fleets: {flying: [oneweb]}\n")
    assert load_scenario(toml) == load_scenario(yml)
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)


def test_examples_are_valid_scenarios():
    from pathlib import Path
    for p in sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.toml")):
        sc = load_scenario(p)
        assert sc.regions


def test_report_files_and_cli(tmp_path, small_assessment, capsys):
    paths = write_report(small_assessment, tmp_path / "r")
    data = json.loads(paths["json"].read_text())
    assert set(data["regions"]["Iceland"]["policies"]) >= {p.name for p in standard_policies()}
    text = paths["html"].read_text()
    assert text.count("data:image/png;base64,") >= 4 and "Data sources" in text
    from satsov.cli import main
    try:
        main(["demo", "--out", str(tmp_path / "demo"), "--duration", "10m", "--json"])
    except SystemExit as exc:
        assert exc.code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["regions"]) == {"Canada", "EU27"}
    assert (tmp_path / "demo" / "report.html").exists()


@requires_playwright
@requires_chromium
def test_report_renders_in_headless_chromium(tmp_path, small_assessment):
    import playwright.sync_api as playwright
    chromium = CHROMIUM
    paths = write_report(small_assessment, tmp_path / "r")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(paths["html"].as_uri())
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, e.alt])")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    maps = [i for i in images if "map" in i[3]]
    assert maps and all(ok and w > 300 and h > 200 for ok, w, h, _ in images)
    assert (tmp_path / "report.png").stat().st_size > 50_000


def test_city_pairs_add_routes_and_a_report_section(tmp_path):
    sc = scenario_from_dict({**SMALL, "regions": [{"name": "Iceland", "query": "IS", "spacing_km": 200}],
                             "fleets": {"flying": ["oneweb", "starlink", "eutelsat"]},
                             "city_pairs": [{"a": "Reykjavik", "b": "internet"}, {"a": "Reykjavik", "b": "Oslo"}],
                             "routing": {"step": "10m", "gateway_countries": ["IS", "NO"]}})
    a = assess(sc)
    by = {(r["to"], r["policy"]): r for r in a.routes}
    assert by[("internet", "all-operators")]["reachable_share"] == 1.0
    # published gateways (Starlink's and OneWeb's own sites) by default, placed ones only for Eutelsat GEO
    published = {g.country for g in published_sites(["starlink", "oneweb"])}
    assert set(by[("internet", "all-operators")]["gateway_countries_share"]) <= published | {"IS", "NO"}
    assert set(by[("internet", "no-spacex")]["operators_share"]) <= {"oneweb", "eutelsat"}
    assert any("placed by satsov in IS, NO for eutelsat" in w for w in a.warnings)
    assert any("published gateways used are known from community lists only" in w for w in a.warnings)
    # the published sites whose own source was read, only: the routes land at those
    cited = assess(sc.model_copy(update={"routing": sc.routing.model_copy(update={"cited_gateways_only": True})}))
    by_cited = {(r["to"], r["policy"]): r for r in cited.routes}
    have = {g.country for g in published_sites(["starlink", "oneweb"], cited_only=True)}
    assert set(by_cited[("internet", "all-operators")]["gateway_countries_share"]) <= have | {"IS", "NO"}
    assert not any("known from community lists only" in w for w in cited.warnings)
    html_text = write_report(a, tmp_path)["html"].read_text()
    assert "Routes and the jurisdictions they cross" in html_text
    # placed gateways only, as an explicit option
    placed = assess(sc.model_copy(update={"routing": sc.routing.model_copy(update={"published_gateways": False})}))
    by = {(r["to"], r["policy"]): r for r in placed.routes}
    assert set(by[("internet", "all-operators")]["gateway_countries_share"]) <= {"IS", "NO"}
    with pytest.raises(ScenarioError, match="needs gateways"):
        assess(scenario_from_dict({**SMALL, "fleets": {"flying": ["eutelsat"]},
                                   "city_pairs": [{"a": "Reykjavik", "b": "internet"}]}))


def test_an_operators_gateway_serves_only_its_own_satellites_and_land_in_keeps_traffic_home():
    """Ottawa to the Internet under a Canada-only policy that must land in Canada: never a US gateway, and
    Starlink's gateways never take a OneWeb satellite."""
    from satsov.network import Network, audit_routes, place_gateways
    from satsov.times import time_grid
    from satsov.world.constellations import select_fleets
    from satsov.world.policies import Policy
    from satsov.world.sites import city
    sel = select_fleets(flying=["oneweb", "starlink"])
    gws = published_sites(["starlink"]) + place_gateways(["CA", "US"], 2, operator="oneweb")
    net = Network.from_fleets(sel.fleets, gateways=gws, isl_operators=frozenset({"starlink"}))
    times = time_grid("2026-05-07T00:00:00Z", "2h", "20m")
    home = Policy("oneweb-home", allow_operators=("oneweb",), land_in=("CA",))
    anywhere = Policy("oneweb-anywhere", allow_operators=("oneweb",))
    res = audit_routes(net, [(city("Ottawa"), None)], times, [home, anywhere], operator_registry(),
                       owner=sel.owner)
    by = {r["policy"]: r for r in res}
    assert set(by["oneweb-home"]["gateway_countries_share"]) <= {"CA"}
    assert by["oneweb-home"]["reachable_share"] > 0
    assert set(by["oneweb-anywhere"]["gateway_countries_share"]) <= {"CA", "US"}
    # without landing rights in Canada, OneWeb does not serve Ottawa at all
    barred = audit_routes(net, [(city("Ottawa"), None)], times, [anywhere], operator_registry(), owner=sel.owner,
                          licensed=lambda op, country: not (op == "oneweb" and country == "CA"))
    assert barred[0]["reachable_share"] == 0.0
    # OneWeb has no ISLs and Starlink's gateways are not its own: with only Starlink's, OneWeb reaches nothing
    only_starlink = Network.from_fleets(sel.fleets, gateways=published_sites(["starlink"]),
                                        isl_operators=frozenset({"starlink"}))
    res = audit_routes(only_starlink, [(city("Ottawa"), None)], times, [anywhere], operator_registry(),
                       owner=sel.owner)
    assert res[0]["reachable_share"] == 0.0


def test_service_and_altitude_requirements_select_fleets():
    sc = scenario_from_dict({**SMALL, "fleets": {"flying": ["oneweb", "eutelsat", "kineis", "iridium"],
                                                 "services": ["broadband"]},
                             "requirement": {"max_altitude_km": 2000}})
    a = assess(sc)
    assert set(a.satellites) == {"oneweb"}  # Eutelsat is GEO, Kinéis IoT, Iridium mobile
    with pytest.raises(ScenarioError, match="max_altitude_km"):
        assess(scenario_from_dict({**SMALL, "fleets": {"flying": ["eutelsat"]},
                                   "requirement": {"max_altitude_km": 2000}}))
    assert operator_registry()["kineis"].service == "iot"


@pytest.mark.parametrize("patch,message", [
    ({"city_pairs": [{"a": "Ottawa", "b": "Torontoo"}]}, r"city_pairs\[0\].b: unknown city 'Torontoo'"),
    ({"events": [{"name": "late", "operator": "starlink", "start": "2026-05-09T00:00:00Z"}]},
     "lies outside the window"),
    ({"events": [{"name": "e", "operator": "starlink", "region": "Atlantis"}]}, r"events\['e'\].region: unknown"),
    ({"events": [{"name": "e", "operator": "starlink"}, {"name": "e", "operator": "oneweb"}]}, "used twice"),
    ({"regions": [{"name": "Iceland", "query": "IS"}, {"name": "x", "query": "Icelnd"}]}, r"regions\['x'\]"),
])
def test_everything_named_is_checked_before_any_computation(patch, message, monkeypatch):
    import satsov.assessment.run as run_module
    monkeypatch.setattr(run_module, "coverage", lambda *a, **k: pytest.fail("computed before checking"))
    with pytest.raises(ScenarioError, match=message):
        assess(scenario_from_dict({**SMALL, **patch}))


def test_an_event_of_an_operator_without_satellites_is_noted(monkeypatch):
    sc = scenario_from_dict({**SMALL, "fleets": {"flying": ["oneweb"]}, "kill_switch": "none",
                             "events": [{"name": "cut@night", "operator": "starlink"}]})
    a = assess(sc)
    assert any("'cut@night': starlink has no satellite" in w for w in a.warnings)
    assert a.regions["Iceland"].events == {}


def test_any_user_chosen_name_works_as_it_is():
    # names that the old string keys ('event:E@P', 'policy:X') broke: '@', ':' and spaces
    sc = scenario_from_dict({**SMALL, "regions": [{"name": "Iceland: west @ sea", "query": "IS", "spacing_km": 100}],
                             "policies": [{"name": "no: spacex@x", "deny_operators": ["starlink"]}],
                             "events": [{"name": "cut@night: all", "operator": "oneweb",
                                         "start": "2026-05-07T00:10:00Z", "end": "2026-05-07T00:20:00Z"}]})
    a = assess(sc)
    r = a.regions["Iceland: west @ sea"]
    assert r.policies["no: spacex@x"].fleets == ("oneweb", "qianfan", "eutelsat", "telesat")
    assert r.events[EventCase("cut@night: all", "no: spacex@x")].policy == "no: spacex@x"
    data = a.to_dict()["regions"]["Iceland: west @ sea"]
    assert {e["event"] for e in data["events"]} == {"cut@night: all"}


def test_the_cli_prints_each_denial_event_for_capacity_and_visibility(tmp_path, capsys):
    # a scenario's events were only in the report: `satsov assess` now prints them beside the policies
    path = tmp_path / "geofence.toml"
    path.write_text('name = "t"\n[[regions]]\nname = "Iceland"\nquery = "IS"\nspacing_km = 100\n'
                    '[window]\nstart = "2026-05-07T00:00:00Z"\nduration = "30m"\nstep = "60s"\n'
                    '[fleets]\nflying = ["oneweb", "starlink"]\n[capacity]\nstep = "15m"\nsensitivity = false\n'
                    '[[events]]\nname = "geofence"\noperator = "starlink"\nregion = "IS"\n'
                    'start = "2026-05-07T00:00:00Z"\nend = "2026-05-07T00:20:00Z"\n')
    from satsov.cli import main
    try:
        main(["assess", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    except SystemExit as exc:
        assert exc.code == 0
    text = capsys.readouterr().out
    assert "denial events (capacity" in text and "denial events (visibility" in text
    assert text.count("geofence") >= 2


def test_capacity_tells_policies_and_switch_offs_apart_where_visibility_cannot(tmp_path):
    # Iceland, OneWeb + Starlink: both see the whole island, so visibility says a Starlink switch-off costs
    # nothing; capacity says OneWeb alone carries a small fraction of the busy-hour demand (Starlink's share is
    # itself bounded by its European gateways, which Europe's demand shares).
    sc = scenario_from_dict({**SMALL, "fleets": {"flying": ["oneweb", "starlink"]},
                             "capacity": {"step": "30m", "sensitivity": True},
                             "events": [{"name": "geofence", "operator": "starlink", "region": "IS",
                                         "start": "2026-05-07T00:00:00Z", "end": "2026-05-07T00:20:00Z"}]})
    a = assess(sc)
    r = a.regions["Iceland"]
    assert r.kill_switch["starlink"].loss_pp == 0.0                      # visibility: an upper bound
    cap = r.capacity
    assert cap.kill_switch["starlink"].loss_pp > 20                      # capacity: OneWeb cannot absorb it
    assert cap.kill_switch["starlink"].absorbed_gbps < cap.kill_switch["starlink"].carried_gbps
    for k, ks in cap.kill_switch.items():   # who carries the fair allocation: a range, one flow's value inside it
        assert 0 <= ks.carried_low_gbps <= ks.carried_gbps + 1e-9 and ks.carried_gbps <= ks.carried_high_gbps + 1e-9
    assert sum(ks.carried_low_gbps for ks in cap.kill_switch.values()) <= cap.policies[BASELINE].served_gbps + 1e-9
    # issue 31, item 3: the identities hold by construction, to the Mbps, at every snapshot
    for k, ks in cap.kill_switch.items():
        assert 0 <= ks.lost_gbps <= ks.carried_low_gbps + 1e-9 and ks.absorbed_gbps >= 0
    assert sum(ks.lost_gbps for ks in cap.kill_switch.values()) <= cap.policies[BASELINE].served_gbps + 1e-9
    base = cap.result.served_cells_mbps[PolicyCase(BASELINE)].sum(axis=1)
    for key, cells in cap.result.served_cells_mbps.items():   # a geofence never raises the region's share
        if isinstance(key, (PolicyCase, KillSwitchCase, EventCase)):
            assert (cells.sum(axis=1) <= base).all(), key
    assert cap.policies["no-spacex"].served_share < cap.policies[BASELINE].served_share
    v = cap.policies["no-spacex"]
    assert v.served_share_low <= v.served_share <= v.served_share_high
    listed = next(k for k in v.sensitivity if k.startswith("gateways known from community lists only left out"))
    assert set(v.sensitivity) == {"take rate 0.5%-2.0%", "assumed capacities of oneweb low-high", listed,
                                  "gateway antennas and rates low-high (assumed for oneweb, starlink)"}
    low_gw, high_gw = v.sensitivity["gateway antennas and rates low-high (assumed for oneweb, starlink)"]
    assert low_gw <= v.served_share <= high_gw                          # fewer antennas, never more served
    assert "oneweb: " in listed                                          # the variant names whose sites, how many
    cited, same = v.sensitivity[listed]                                  # one run: its low is its high
    assert cited == same <= v.served_share + 1e-12
    low_rate, high_rate = v.sensitivity["take rate 0.5%-2.0%"]
    assert low_rate >= v.served_share >= high_rate                      # more demand, a smaller share served
    assert any("oneweb" in x for x in cap.policies["no-spacex"].depends_on_assumptions)
    ev = cap.events[EventCase("geofence", BASELINE)]
    assert ev.served_share_p5 < cap.policies[BASELINE].served_share_p5 + 1e-12
    data = json.loads(write_report(a, tmp_path)["json"].read_text())["regions"]["Iceland"]
    assert data["capacity"]["kill_switch"]["starlink"]["loss_pp"] > 50 and "upper bound" in data["visibility_note"]
    text = (tmp_path / "report.html").read_text()
    assert "Capacity: can the operators carry Iceland" in text and "Visibility: an upper bound" in text
    # capacity leads, and no visibility card contradicts it (issue 31, item 7): visibility sees no gap when
    # Starlink switches off, the card says so and points to the capacity loss instead of reading "none"
    assert text.index("Capacity: can the operators carry") < text.index("In view: all operators cover")
    assert "Worst single switch-off in view<b>no gap in view</b>" in text and "starlink switching off costs" in text
    assert "Worst single switch-off<b>none</b>" not in text
    assert listed in text and f"{listed} (low / high)" not in text    # one run: one value, not a low and a high
    assert a.headline()["Iceland"]["capacity_kill_switch_loss_pp"]["starlink"] > 50
    # the same runs on two worker processes (while the coverage pass runs here): the same figures
    two = assess(sc, workers=2).regions["Iceland"].capacity
    assert two.to_dict() == cap.to_dict()
    # the report's figures drawn on two processes: the same file, byte for byte
    write_report(a, tmp_path / "two", workers=2)
    assert (tmp_path / "two" / "report.html").read_text() == text


@pytest.mark.parametrize("patch,message", [
    ({"demand": {"take_rate": 2}}, r"demand.take_rate"),
    ({"capacity": {"step": "0s"}}, r"capacity.step"),
    ({"capacity": {"file": "missing.yaml"}}, r"capacity.file: .*no such file"),
])
def test_demand_and_capacity_keys_are_validated(patch, message):
    with pytest.raises(ScenarioError, match=message):
        assess(scenario_from_dict({**SMALL, **patch}))


def test_the_gap_is_sized_by_a_curve_through_the_same_flow():
    """Issue 31, item 6: "satellites to close the gap" divided the gap by one satellite's share of the region and
    ignored the cell caps; now it is where a curve of satellites added crosses the target, or why it does not."""
    sc = scenario_from_dict({**SMALL, "fleets": {"flying": ["oneweb", "starlink"]},
                             "capacity": {"step": "30m", "sensitivity": False, "design": "starlink:v2-mini",
                                          "gap": {"target": 0.3, "max_satellites": 1000}}})
    cap = assess(sc).regions["Iceland"].capacity
    assert "no-spacex" in cap.gap_curves and "all-operators" not in cap.gap_curves     # only the short ones
    for name, c in cap.gap_curves.items():
        v = cap.policies[name]
        assert c.share[0] == pytest.approx(v.served_share, abs=1e-6)   # the curve starts at the policy itself
        assert all(b >= a - 1e-9 for a, b in zip(c.share, c.share[1:]))
        assert all(x <= c.ceiling + 1e-9 for x in c.share) and c.target == 0.3
        assert v.satellites_to_close_gap == c.satellites_to_target
        if c.satellites_to_target is None:
            assert v.gap_reason == c.reason and c.reason
        else:
            assert c.share[c.satellites.index(c.satellites_to_target)] >= 0.3
    assert cap.policies["all-operators"].satellites_to_close_gap is None   # nothing to size
    assert "Walker delta shell" in cap.reference_satellite
    data = cap.to_dict()["gap_curves"]["no-spacex"]
    assert data["satellites"][0] == 0 and len(data["share"]) == len(data["satellites"])
    # the curves made on two processes (shared as the runs are): the same curves and figures
    assert assess(sc, workers=2).regions["Iceland"].capacity.to_dict() == cap.to_dict()
    off = assess(scenario_from_dict({**sc.model_dump(), "capacity": {"step": "30m", "sensitivity": False,
                                                                     "gap": {"enabled": False}}}))
    assert not off.regions["Iceland"].capacity.gap_curves
    from satsov.deprecation import SatsovDeprecationWarning
    with pytest.warns(SatsovDeprecationWarning, match="reference_satellite"):
        assert cap.design == cap.reference_satellite  # the former name, for a release
    with pytest.raises(ScenarioError, match="capacity.reference_satellite"):
        assess(scenario_from_dict({**SMALL, "capacity": {"design": "nobody:x"}}))  # refused before computing
    with pytest.raises(ScenarioError, match="capacity.gap.target"):
        assess(scenario_from_dict({**SMALL, "capacity": {"gap": {"target": 1.5}}}))


def test_capacity_entries_can_be_overridden_inline_in_a_scenario():
    entry = {"min_elevation_deg": {"value": 25, "source": "test"},
             "inter_satellite_links": {"value": True, "source": "test"},
             "cell_capacity_gbps_per_1000km2": {"low": 1000, "base": 1000, "high": 1000, "source": "test"},
             "generations": [{"name": "big", "rule": {"default": True},
                              "capacity_gbps": {"low": 500, "base": 500, "high": 500, "source": "test, assumed"}}],
             "gateway_antennas_per_site": {"low": 100, "base": 100, "high": 100, "source": "test"},
             "gateway_antenna_gbps": {"low": 500, "base": 500, "high": 500, "source": "test"}}
    sc = scenario_from_dict({**SMALL, "fleets": {"flying": ["oneweb", "starlink"]},
                             "capacity": {"sensitivity": False, "operators": {"oneweb": entry}}})
    cap = assess(sc).regions["Iceland"].capacity
    assert cap.policies["no-spacex"].served_share > 0.99          # a 500 Gbps OneWeb carries Iceland alone
    with pytest.raises(ScenarioError, match=r"capacity.operators.*missing source"):
        bad = {**entry, "cell_capacity_gbps_per_1000km2": {"low": 1, "base": 1, "high": 1}}
        assess(scenario_from_dict({**SMALL, "capacity": {"operators": {"oneweb": bad}}}))


def test_an_operator_serves_only_where_it_is_licensed_unless_the_scenario_asks_what_if():
    """The brief: 'Guowang alone covers 100% of Canada's population, though no Chinese operator may serve
    Canada'. By default it covers nothing there; `what_if_licensed` and `respect = false` bring it back."""
    base = {"name": "licences", "regions": [{"name": "Canada", "query": "CA", "spacing_km": 300}],
            "window": {"duration": "20m", "step": "60s"}, "fleets": {"flying": ["guowang", "oneweb"]},
            "capacity": {"enabled": False}}
    a = assess(scenario_from_dict(base))
    ops = a.regions["Canada"].operators
    assert ops["guowang"].to_dict()["served_share_alone"] == 0.0
    assert ops["oneweb"].to_dict()["served_share_alone"] > 0.5
    assert any("not licensed" in w and "guowang (CA)" in w for w in a.warnings)
    rows = [s for s in a.sources if str(s.get("what", "")).startswith("landing rights: guowang")]
    assert rows and "NOT licensed in CA" in rows[0]["what"] and rows[0]["source"]
    assert any("assumed" in w and "oneweb (CA)" in w for w in a.warnings)  # OneWeb in Canada: an assumption
    what_if = assess(scenario_from_dict({**base, "licences": {"what_if_licensed": ["guowang"]}}))
    assert what_if.regions["Canada"].operators["guowang"].to_dict()["served_share_alone"] > 0.5
    ignored = assess(scenario_from_dict({**base, "licences": {"respect": False}}))
    assert ignored.regions["Canada"].operators["guowang"].to_dict()["served_share_alone"] > 0.5
    with pytest.raises(ScenarioError, match="licences.what_if_licensed: unknown operator 'guowong'"):
        assess(scenario_from_dict({**base, "licences": {"what_if_licensed": ["guowong"]}}))


def test_each_policy_says_what_it_keeps_in_low_latency_without_geo_and_meo():
    """The issue: show what the EU keeps with GEO and MEO and what it lacks in low latency. EU-sovereign with
    SES, Eutelsat and Hispasat (GEO, and SES's O3b MEO) serves Europe by visibility, but nothing in LEO."""
    sc = scenario_from_dict({"name": "latency", "regions": [{"name": "EU27", "query": "EU27", "spacing_km": 300}],
                             "window": {"duration": "20m", "step": "60s"},
                             "fleets": {"flying": ["oneweb", "ses", "eutelsat", "hispasat"]},
                             "capacity": {"enabled": False}, "kill_switch": "none"})
    pol = assess(sc).regions["EU27"].policies
    assert pol["eu-sovereign"].served_share > 0.9
    assert pol["eu-sovereign"].low_latency_served_share == 0.0
    # the LEO-only figure is the coverage of the policy's LEO fleets, computed independently here
    assert pol["all-operators"].low_latency_served_share == pytest.approx(
        assess(sc.model_copy(update={"fleets": sc.fleets.model_copy(update={"flying": ["oneweb"]})}))
        .regions["EU27"].policies["all-operators"].served_share, abs=1e-12)


def test_regions_share_one_propagation_with_the_same_figures(monkeypatch):
    """Two regions: the fleets are propagated once for both (positions shared) or, where that would not fit, by
    each region's own pass; the figures are the same."""
    from satsov.assessment import run
    two = {**SMALL, "regions": [{"name": "Iceland", "query": "IS", "spacing_km": 100},
                                {"name": "Ireland", "query": "IE", "spacing_km": 100}],
           "capacity": {"enabled": False}}
    calls = []
    real = run.shared_positions
    monkeypatch.setattr(run, "shared_positions", lambda *a: calls.append(1) or real(*a))
    shared = assess(scenario_from_dict(two))
    assert calls
    monkeypatch.setattr(run, "shared_positions", lambda *a: None)
    alone = assess(scenario_from_dict(two))
    assert real({}, None, 1) is None  # one region: nothing to share
    for name in ("Iceland", "Ireland"):
        a, b = shared.regions[name], alone.regions[name]
        assert a.to_dict() == b.to_dict()


def test_an_unguarded_script_with_capacity_workers_is_told_to_guard_its_entry_point(tmp_path):
    """Worker processes import the caller's script again; one that calls assess() at its top level gets one
    clear error naming the fix, not a hang or a broken pipe."""
    import subprocess
    import sys
    script = tmp_path / "unguarded.py"
    script.write_text("from satsov.assessment.scenario import scenario_from_dict\n"
                      "from satsov.assessment.run import assess\n"
                      f"assess(scenario_from_dict({SMALL!r}), workers=2)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode != 0
    assert "must guard its entry point (if __name__ == '__main__':)" in done.stderr.splitlines()[-1]


def test_an_excluded_or_switched_off_operator_is_geofenced_and_keeps_serving_the_rest_of_the_world():
    """Issue 31, item 2: a policy that excludes an operator and a kill switch deny its links into the region's
    cells only; it keeps serving everyone else. Its worldwide withdrawal is a separate, labelled case, and the
    difference (displacement) is reported."""
    from satsov.world.cases import WithdrawalCase
    sc = scenario_from_dict({**SMALL, "fleets": {"flying": ["oneweb", "starlink"]}, "kill_switch": ["starlink"],
                             "capacity": {"step": "30m", "sensitivity": False}})
    cap = assess(sc).regions["Iceland"].capacity
    res = cap.result
    fence, gone = KillSwitchCase("starlink"), WithdrawalCase("starlink")
    assert set(res.cases[fence]) == {"oneweb", "starlink"} and set(res.cases[gone]) == {"oneweb"}
    # nothing of Starlink's reaches Iceland under the geofence or the policy without SpaceX ...
    assert res.by_operator_mbps[fence]["starlink"].sum() == 0
    assert res.by_operator_mbps[PolicyCase("no-spacex")]["starlink"].sum() == 0
    # ... but it still serves the rest of the world: the world's total is far above the withdrawal's
    assert (res.total_served_mbps[fence] > res.total_served_mbps[gone] + 1e6).all()
    k = cap.kill_switch["starlink"]
    assert k.withdrawal_loss_pp == pytest.approx(
        100 * (cap.policies["all-operators"].served_share - res.figures(gone).served_share), abs=1e-9)
    assert k.displacement_pp == pytest.approx(k.withdrawal_loss_pp - k.loss_pp, abs=1e-9)
    # the policy's geofence and the switch-off of the one operator it excludes are the same case
    assert cap.policies["no-spacex"].served_share == pytest.approx(
        res.figures(fence).served_share, abs=1e-12)


def test_a_scenario_can_ask_for_the_bounds_of_each_capacity_figure():
    sc = scenario_from_dict({**SMALL, "fleets": {"flying": ["oneweb", "starlink"]},
                             "capacity": {"step": "30m", "sensitivity": False, "bounds": True}})
    cap = assess(sc).regions["Iceland"].capacity
    for name, v in cap.policies.items():
        assert v.served_share_world_first is not None, name
        assert v.served_share_world_first - 1e-3 <= v.served_share <= v.served_share_region_first + 1e-3, name
