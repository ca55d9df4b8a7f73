"""Regenerate src/satsov/data/world/gateways.csv: the gateways and points of presence satsov uses by default.

No list of gateway sites with a clear data licence exists (see ../shared/REFERENCE.md, "Gateways and points of
presence"). This builder writes satsov's own table of *facts* (an operator has a gateway or a point of presence
at a named place, operational or planned) and records, per row, where each fact can be checked and how far
satsov checked it:

- ``source``: the primary source that establishes the row (an earth-station filing named by its file number
  where satsov has one; otherwise the national regulator's earth-station licence to look up; for points of
  presence the operator's reverse DNS and its PeeringDB facility record).
- ``evidence``: ``filing`` (the primary source is cited by number and was read), ``filing-index`` (the filing
  is cited by number, call sign and position from a listing of the regulator's register; not read), ``two-lists`` (the site appears in two
  community lists compiled independently, 2024 and 2026, within 30 km), ``one-list`` (in one list only),
  ``operator`` (the operator's own publication: reverse DNS, PeeringDB, press release).
- coordinates are rounded to 0.1° (about 10 km): the town, not the antenna field. Countries are assigned by
  satsov's own country outlines (Natural Earth 1:50m), not taken from the lists.

Lists cross-checked (read locally from public repository snapshots; not shipped, not copied):
  A = juliensimon/starlink-viz data/ground-stations.json (2026-03-20; Starlink gateways and PoPs)
  B = SpaceNetLab/StarPerf_Simulator config/ground_stations/Starlink.xml (2024; Starlink gateways)
  C = clarkzjw/starlink-geoip map/data/pop.json (2026-04; Starlink PoPs from SpaceX's geofeed and rDNS)
  D = clarkzjw/tma25-oneweb Fig-2 oneweb-snp.csv and oneweb-pop.json (2025; OneWeb SNPs and PoPs)
  E = the FCC's ICFS, as listed in bobroberts2639/Pangolin-Orbital-Network-Atlas-datamap-with-pwa
      scripts/fcc_sta_sites.json (compiled 2026-09-27): SpaceX Services' gateway STA requests of 2026-07-30..09-05
      with each station's application, call sign and Schedule B position; the facts satsov takes from it are
      typed into builders/sources/fcc_icfs_spacex_sta_2026.csv (evidence ``filing-index``: the filing is cited
      by number from the regulator's index, the document itself was not read)
Run: python builders/gateways.py --mirrors /work/.mirror
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "satsov" / "data" / "world" / "gateways.csv"
FIELDS = ("name", "kind", "operator", "country", "lat_deg", "lon_deg", "status", "source", "date", "evidence")

# Sites whose primary source was read (stored copies of the FCC's IBFS documents on fcc.report, read
# 2026-11-24): the first six Ku-band gateway sites, named in SpaceX Services' STA request of 2019-04-10
# (SES-STA-20190410-00518) and its STA extension request (SES-STA-INTR2019-02729, STA granted 2019-05-09); the
# update letter of 2019-04-16 gives the earth-station application numbers of Hawthorne and Merrillan (the
# others were cut off in the copy read). An earlier table here gave SES-LIC-INTR2019-00877..00882 for these
# six and SES-LIC-INTR2019-00966 for Brewster, WA: those numbers were not in any document read, and the two
# that could be checked were wrong, so they are no longer cited.
_STA_2019 = ("FCC IBFS SES-STA-20190410-00518 (SpaceX Services, Inc., 2019-04-10): one of its six Ku-band gateway "
             "earth stations with applications pending; STA granted 2019-05-09 (SES-STA-INTR2019-02729)")
SITE_SOURCES = {
    "Hawthorne, CA": ("FCC IBFS SES-LIC-20190402-00450 and STA SES-STA-INTR2019-01013 (SpaceX Services, Inc.; "
                      "update letter of 2019-04-16)", "filing", "2019-04"),
    "Merrillan, WI": ("FCC IBFS SES-LIC-20190402-00425 and STA SES-STA-INTR2019-01014 (SpaceX Services, Inc.; "
                      "update letter of 2019-04-16)", "filing", "2019-04"),
    "Redmond, WA": ("FCC IBFS SES-STA-20190410-00514 (Redmond WA Gateway STA Request, SpaceX Services, Inc.); "
                    + _STA_2019.split(": ", 1)[1], "filing", "2019-04"),
    "North Bend, WA": (_STA_2019, "filing", "2019-04"),
    # read on fcc.report (2026-11-24): the filing's title names the site, granted 2021-12-10
    "Kalama, WA": ("FCC IBFS SES-AMD-20210409-00640 (SpaceX Services, Inc.): a new Ka-band gateway earth station "
                   "located in Kalama, WA; filed 2021-04-08, granted 2021-12-10", "filing", "2021-12"),
    "Conrad, MT": (_STA_2019, "filing", "2019-04"),
    "Greenville, PA": (_STA_2019, "filing", "2019-04"),
    # a news report of an FCC approval; the FCC file itself is to check
    **{name: ("Business Alabama (2019), 'The Rural Rout of SpaceX Global Dominion': one of six sites approved by "
              "the FCC for a test of the Starlink ground network (FCC file to check)", "news", "2019")
       for name in ("Hitterdal, MN", "Tionesta, CA", "Robertsdale, AL", "Baxley, GA", "Butte, MT", "Colburn, ID")},
}
# Status where a primary source contradicts the list: the STA extension request (SES-STA-INTR2019-02729, read on
# fcc.report) says SpaceX Services "has operated these earth stations pursuant to the STA for nearly two months"
# for all six first sites, North Bend, WA among them, which list A gives as planned (Conrad, MT, of the same
# filing, it gives as operational); no source read says it closed
SITE_STATUS = {"North Bend, WA": "operational"}
# Place names as spelled where the list A misspells them (the site and its position are the list's)
NAME_FIX = {"Seatle, WA": "Seattle, WA", "Fralklin Park, IL": "Franklin Park, IL", "Hoofddorf, NL": "Hoofddorp, NL",
            "Highland Ranch, CO": "Highlands Ranch, CO", "Debeque, CO": "De Beque, CO", "Westbury NY": "Westbury, NY"}
# Ofcom's statement on six gateway licence applications of Starlink Internet Services Limited (received
# 2022-05-27, consultation 2022-06-21, decision 2022-11-10), whose sites the consultation named (as reported
# by technologyslegaledge.com, 2022-06: Bedford, Bristol, Fawley, Hoo, Morn Hill, Wherstead, Woodwalton).
_OFCOM_2022 = ("Ofcom statement 'Starlink Internet Services Limited - applications for six non-geostationary orbit "
               "earth station (gateway) licences' (consultation 2022-06-21, decision 2022-11-10); site named in the "
               "consultation (reported by technologyslegaledge.com)")
# ComReg's information notice on Starlink's application for a gateway at Killala (received 2025-03-19),
# as reported: Starlink already operates an earth station at Garrettstown, Co. Cork (by Ballinspittle), since 2021
SITE_SOURCES["Ballinspittle, Ireland"] = (
    "ComReg information notice on Starlink's Killala gateway application (2025), as reported by the Connacht "
    "Telegraph and the Western People: an existing Starlink earth station at Garrettstown, Co. Cork, operating "
    "since 2021; ComReg licence to check", "news", "2025-06")
SITE_SOURCES.update({name: (_OFCOM_2022, "filing", "2022-11")
                     for name in ("Bristol, UK", "Fawley, UK", "Hoo, UK", "Morn Hill, UK", "Wherstead, UK",
                                  "Woodwalton, UK")})

# OneWeb satellite network portals whose operation was reported (by place, at the list's rounded position)
ONEWEB_SITES = {
    (62.4, -114.5): ("Eutelsat OneWeb satellite network portal at Yellowknife, NT, inaugurated in June 2024 with "
                     "Northwestel and the Swedish Space Corporation (satellitegroundstation.com, 2024-06-24; Cabin "
                     "Radio); ISED licence to check", "news", "2024-06"),
    (68.3, -133.6): ("OneWeb antennas at the satellite ground station in Inuvik, NT (CBC News, 2019); ISED licence "
                     "to check", "news", "2019"),
    # read 2026-11-24 in stored copies of the reports
    (62.3, -150.0): ("OneWeb gateway at the Talkeetna Alaska Teleport (Microcom; Pacific Dataport as OneWeb's "
                     "distributor), 'the only gateway that will be needed for all of Alaska' per OneWeb's director of "
                     "ground infrastructure (Alaska's News Source / KTUU, 2021-06-10); FCC licence to check", "news",
                     "2021-06"),
    (78.2, 15.4): ("OneWeb antennas at Svalbard, part of OneWeb's ground network (OneWeb photograph in Polarjournal, "
                   "2020-10-02); Nkom licence to check", "news", "2020-10"),
    (-15.9, -5.7): ("St Helena Government's lease to OneWeb of an earth station site at Horse Point, announced "
                    "2023-06-28, to be built with Sure South Atlantic and connected through the Equiano cable (South "
                    "Atlantic News, 2023-07-02); in operation per list D", "news", "2023-07"),
    (23.5, 72.2): ("Gujarat government's memorandum of understanding with OneWeb India Communications for India's "
                   "first satellite network portal site, at Mehsana (The Indian Express, 2023-08; as summarised by "
                   "KSG India, 2023-08-19); in operation per list D; DoT authorisation to check", "news", "2023-08"),
}

# List E: SpaceX Services' gateway STA requests in the FCC's ICFS, one row per request (see the file's header)
ICFS = Path(__file__).resolve().parent / "sources" / "fcc_icfs_spacex_sta_2026.csv"
MATCH_KM = 8.0        # a filed station and a list A site this close are one site
SAME_NAME_KM = 150.0  # ... and up to this far when both name the same place: list A's position is then wrong
# (Mt. Ayr, IN: list A puts it at 40.0 N, the filing and the town at 40.9 N)
# List A lists the FCC's "Litchfield CT Gate" (call sign E201606, operating under STAs since its 2022
# application) twice: at the filing's position, named Bridgewater, CT, and at Litchfield's town centre 26 km
# away. satsov keeps one row, under the filing's name, at the filing's position.
MERGED = {"Bridgewater, CT": "Litchfield, CT"}
_STA_KIND = {"renewal": "renewal of an STA granted", "initial": "first STA", "42ghz": "STA to add 42.0-42.5 GHz"}


def _icfs_sites() -> dict:
    """The filed stations of list E: {(place, lat, lon): [their STA requests]}."""
    lines = [ln for ln in ICFS.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    sites: dict = {}
    for r in csv.DictReader(lines):
        sites.setdefault((r["place"], float(r["lat_deg"]), float(r["lon_deg"])), []).append(r)
    return sites


def _icfs_source(filings: list, filed_as: str = "") -> str:
    by_station: dict = {}
    for f in filings:
        by_station.setdefault((f["call_sign"], f["application"], f["antennas"]), []).append(f)
    parts = [f"earth station {call} of application {app} ({ant}): "
             + ", ".join(f"{f['sta']} ({_STA_KIND[f['sta_kind']]})" for f in fs)
             for (call, app, ant), fs in by_station.items()]
    return ("FCC ICFS, SpaceX Services, Inc.: " + "; ".join(parts) + (f"; filed as {filed_as}" if filed_as else "")
            + " (position from the Schedule B; as listed from ICFS in list E, the filings themselves not read)")


def _sta_date(filings: list) -> str:
    d = max(f["sta"].split("-")[2] for f in filings)
    return f"{d[:4]}-{d[4:6]}-{d[6:]}"


def _apply_icfs(rows: list) -> list[str]:
    """Cite list E's filings on list A's US sites, at the filed positions, and add the filed sites list A lacks.

    A site with a renewed STA is operational (an STA was granted); one with only a first STA or a 42 GHz STA keeps
    list A's status, or is planned if list A lacks it. Returns what was done, one line each, for the log.
    """
    log = []
    gw = [r for r in rows if r["operator"] == "starlink" and r["kind"] == "gateway"]
    for dup, keep in MERGED.items():
        a, b = next(r for r in gw if r["_place"] == dup), next(r for r in gw if r["_place"] == keep)
        a["_place"], a["name"], a["status"] = keep, b["name"], b["status"]
        rows.remove(b)
        gw.remove(b)
        log.append(f"merged list A's {dup!r} into {keep!r}: one filed station (E201606)")
    attached: dict = {}  # id(list A row) or the filed site -> (the row or None, [filed sites])
    unmatched = []
    for (place, lat, lon), filings in _icfs_sites().items():
        near = min(gw, key=lambda r: _km((lat, lon), (r["_lat"], r["_lon"])))
        if _km((lat, lon), (near["_lat"], near["_lon"])) <= MATCH_KM:
            attached.setdefault(id(near), (near, []))[1].append((place, lat, lon, filings))
        else:
            unmatched.append((place, lat, lon, filings))
    for place, lat, lon, filings in unmatched:  # a list A row of the same place that no filed site is near
        same = [r for r in gw if r["_place"] == place and id(r) not in attached
                and _km((lat, lon), (r["_lat"], r["_lon"])) <= SAME_NAME_KM]
        if same:
            log.append(f"{place}: list A's position is {_km((lat, lon), (same[0]['_lat'], same[0]['_lon'])):.0f} km "
                       "from the filing's; the filing's is used")
        key = id(same[0]) if same else (place, lat, lon)
        attached.setdefault(key, (same[0] if same else None, []))[1].append((place, lat, lon, filings))
    names = {r["name"] for r in rows}
    for near, filed in attached.values():
        filings = [f for _, _, _, fs in filed for f in fs]
        renewed = any(f["sta_kind"] == "renewal" for f in filings)
        place, lat, lon, _ = filed[0]
        if near is None:
            name = f"Starlink GW {place}"
            if name in names:
                name += f" ({filings[0]['call_sign']})"
            names.add(name)
            # the country is the filing's (a US state or territory), not the outlines': Hidalgo, TX lies on the
            # Rio Grande, in Mexico at 1:50m
            rows.append({"name": name, "kind": "gateway", "operator": "starlink",
                         "country": "GU" if place.endswith(", GU") else "US",
                         "lat_deg": round(lat, 1), "lon_deg": round(lon, 1),
                         "status": "operational" if renewed else "planned", "source": _icfs_source(filings),
                         "date": _sta_date(filings), "evidence": "filing-index;list E"})
            continue
        filed_as = "; ".join(sorted({p for p, *_ in filed} - {near["_place"]}))
        src = _icfs_source(filings, filed_as)
        read = near["evidence"].startswith("filing;")  # a filing read here stays the row's evidence
        kept = near["evidence"].split(";")[0] in ("filing", "news")  # and a source read is kept beside list E
        near["source"] = (near["source"] + "; " + src) if kept else src
        near["evidence"] = ("filing" if read else "filing-index") + ";" + near["evidence"].split(";", 1)[1] + "+E"
        near["date"] = max(near["date"], _sta_date(filings)) if read else _sta_date(filings)
        near["lat_deg"], near["lon_deg"] = round(lat, 1), round(lon, 1)
        if renewed:
            near["status"] = "operational"
    return log


REGULATOR = {
    "US": "FCC IBFS earth-station licence of SpaceX Services, Inc.", "CA": "ISED earth-station licence",
    "GB": "Ofcom permanent earth station licence", "AU": "ACMA apparatus licence (RRL)",
    "NZ": "RSM licence register", "BR": "Anatel earth-station authorisation", "MX": "IFT register",
    "CL": "Subtel authorisation", "JP": "MIC radio station licence", "DE": "BNetzA frequency assignment",
    "FR": "ARCEP/ANFR authorisation", "IT": "MIMIT authorisation", "ES": "SETID authorisation",
    "PT": "ANACOM licence", "IE": "ComReg licence", "PL": "UKE permit", "LT": "RRT licence", "NO": "Nkom licence",
    "NL": "RDI authorisation", "PH": "NTC authorisation", "ID": "Kominfo/Komdigi licence",
    "MY": "MCMC apparatus assignment", "NG": "NCC licence", "TR": "BTK authorisation", "OM": "TRA licence",
}


def _git_show(repo: Path, path: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], check=True, capture_output=True,
                          text=True).stdout


def _km(a, b) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _country_lookup():
    """A point → ISO alpha-2 function on satsov's own outlines (nearest country for points just offshore)."""
    import shapely

    from satsov.errors import UnknownNameError
    from satsov.world.regions import countries, country
    geoms = []
    for code in countries():
        try:
            geoms.append((code, country(code).geometry))
        except (UnknownNameError, KeyError, ValueError):
            continue  # a code without an outline at 1:50m
    tree = shapely.STRtree([g for _, g in geoms])

    def lookup(lat, lon):
        pt = shapely.Point(lon, lat)
        hits = tree.query(pt, predicate="within")
        if len(hits):
            return geoms[int(hits[0])][0]
        i = int(tree.nearest(pt))
        d = geoms[i][1].distance(pt)
        if d > 1.0:
            raise ValueError(f"no country within 1° of {lat}, {lon}")
        return geoms[i][0]
    return lookup


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = ap.parse_args(argv)
    m = args.mirrors
    country_of = _country_lookup()
    a = json.loads(_git_show(m / "juliensimon+starlink-viz" / "repo", "data/ground-stations.json"))
    a_date = a["lastUpdated"][:10]
    root = ET.fromstring(_git_show(m / "SpaceNetLab+StarPerf_Simulator" / "repo", "config/ground_stations/Starlink.xml"))
    b_sites = [(float(gs.find("Latitude").text), float(gs.find("Longitude").text)) for gs in root]
    rows, seen = [], set()
    for s in a["stations"]:
        if s["type"] != "gateway":
            continue
        lat, lon = round(float(s["lat"]), 1), round(float(s["lon"]), 1)
        code = country_of(float(s["lat"]), float(s["lon"]))
        place = NAME_FIX.get(s["name"], s["name"]).replace("(?)", "").strip()
        key = ("starlink", "gateway", place)
        if key in seen:
            continue
        seen.add(key)
        in_b = any(_km((s["lat"], s["lon"]), p) <= 30.0 for p in b_sites)
        if s["name"] in SITE_SOURCES:
            source, evidence, date = SITE_SOURCES[s["name"]]
        else:
            source = REGULATOR.get(code, "national regulator's earth-station authorisation") + " (to check)"
            evidence, date = ("two-lists" if in_b else "one-list"), a_date
        rows.append({"name": f"Starlink GW {place}", "kind": "gateway", "operator": "starlink", "country": code,
                     "lat_deg": lat, "lon_deg": lon, "status": SITE_STATUS.get(s["name"], s["status"]), "source": source, "date": date,
                     "evidence": evidence + (";lists A" + ("+B" if in_b else "")),
                     "_place": place, "_lat": float(s["lat"]), "_lon": float(s["lon"])})
    log = _apply_icfs(rows)
    # Starlink points of presence: the operator's reverse DNS names them (customer.<code>.pop.starlinkisp.net)
    pops = json.loads(_git_show(m / "clarkzjw+starlink-geoip" / "repo", "map/data/pop.json"))
    for p in pops:
        if not p.get("show", True):
            continue  # ships, staging placeholders and unknown places: no site on land to put on a map
        code = country_of(p["lat"], p["lon"])
        note = p.get("note") or ""
        fac = note.split("peeringdb.com/fac/")[1].split('"')[0] if "peeringdb.com/fac/" in note else ""
        # a PoP the reverse DNS names by its code; an interconnection facility without one (list C: "GeoIP
        # records only have one" of Salt Lake City's two) by its PeeringDB facility
        name = f"Starlink PoP {p['city']} ({p['code'] or 'PeeringDB fac/' + fac})"
        sure = bool(p["dns"] or fac)  # else only list C's word for it (Almaty: "facility location unknown yet")
        if ("starlink", "pop", name) in seen:
            continue
        seen.add(("starlink", "pop", name))
        rows.append({"name": name, "kind": "pop", "operator": "starlink", "country": code,
                     "lat_deg": round(p["lat"], 1), "lon_deg": round(p["lon"], 1), "status": "operational",
                     "source": "; ".join(x for x in (
                         f"Starlink reverse DNS {p['dns'].rstrip('.')}" if p["dns"] else "",
                         f"PeeringDB fac/{fac}" + ("" if p["dns"] else " (a Starlink interconnection facility)")
                         if fac else "") if x) or (f"Starlink PoP code {p['code']} in list C, with neither a "
                                                   "reverse DNS name nor a PeeringDB facility (to check)"),
                     "date": "2026-04", "evidence": ("operator" if sure else "one-list") + ";list C"})
    # OneWeb satellite network portals (SNPs, its gateways) and PoPs
    d = m / "clarkzjw+tma25-oneweb" / "repo"
    counts: dict[str, int] = {}
    for line in _git_show(d, "Fig-2/oneweb-snp.csv").split():
        lon, lat = map(float, line.split(","))
        code = country_of(lat, lon)
        counts[code] = counts.get(code, 0) + 1
        source, evidence, date = ONEWEB_SITES.get((round(lat, 1), round(lon, 1)), (
            REGULATOR.get(code, "national regulator's earth-station authorisation").replace(
                "of SpaceX Services, Inc.", "of OneWeb / Network Access Associates") + " (to check)", "one-list", "2025"))
        rows.append({"name": f"OneWeb SNP {code}-{counts[code]}", "kind": "gateway", "operator": "oneweb",
                     "country": code, "lat_deg": round(lat, 1), "lon_deg": round(lon, 1), "status": "operational",
                     "source": source, "date": date, "evidence": f"{evidence};list D"})
    for p in json.loads(_git_show(d, "Fig-2/oneweb-pop.json")):
        code = p["country"]
        rows.append({"name": f"OneWeb PoP {p['city']}", "kind": "pop", "operator": "oneweb", "country": code,
                     "lat_deg": round(p["lat"], 1), "lon_deg": round(p["lon"], 1), "status": "operational",
                     "source": f"PeeringDB facility of AS800 (OneWeb): {p['name']}", "date": "2025",
                     "evidence": "operator;list D"})
    # Starlink gateways applied for and not in the lists
    rows.append({"name": "Starlink GW Killala, Ireland", "kind": "gateway", "operator": "starlink", "country": "IE",
                 "lat_deg": 54.2, "lon_deg": -9.2, "status": "planned",
                 "source": "ComReg information notice: Starlink's application of 2025-03-19 for a satellite earth station "
                           "(gateway) licence at Killala Business Park, Co. Mayo, 18 and 28 GHz (as reported by the "
                           "Connacht Telegraph, 2025-06-09)", "date": "2025-06", "evidence": "news"})
    # Amazon's Kuiper (Amazon Leo): the gateway applied for in Ireland (no site of it in the lists)
    rows.append({"name": "Kuiper GW Elfordstown, Ireland", "kind": "gateway", "operator": "kuiper", "country": "IE",
                 "lat_deg": 52.0, "lon_deg": -8.2, "status": "planned",
                 "source": "ComReg consultation on Amazon's application (lodged May 2025) for a licence to operate a "
                           "satellite ground station for Project Kuiper at the National Space Centre, Elfordstown, "
                           "Midleton, Co. Cork; comments until 2025-07-18 (as reported by eirenow.news, 2025-07); "
                           "ComReg decision to check", "date": "2025-07", "evidence": "news"})
    # Telesat Lightspeed: the landing stations announced so far
    rows.append({"name": "Telesat GW Bercenay-en-Othe", "kind": "gateway", "operator": "telesat", "country": "FR",
                 "lat_deg": 48.2, "lon_deg": 4.1, "status": "planned",
                 "source": "Telesat and Orange announcement: Lightspeed landing station at Orange's Bercenay-en-Othe "
                           "teleport", "date": "2024", "evidence": "operator"})
    rows.append({"name": "Telesat GW Allan Park, ON", "kind": "gateway", "operator": "telesat", "country": "CA",
                 "lat_deg": 44.2, "lon_deg": -81.0, "status": "planned",
                 "source": "Ontario government and Telesat announcement (2021-08-06, reported by the Owen Sound Sun "
                           "Times, 2021-08-09): a Lightspeed gateway landing station of about 15 antennas at Telesat's "
                           "Allan Park operations centre", "date": "2021-08", "evidence": "news"})
    for r in rows:
        for k in ("_place", "_lat", "_lon"):
            r.pop(k, None)
    rows.sort(key=lambda r: (r["operator"], r["kind"], r["country"], r["name"]))
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    by = {}
    for r in rows:
        by[(r["operator"], r["kind"], r["status"])] = by.get((r["operator"], r["kind"], r["status"]), 0) + 1
    print(f"wrote {OUT}: {len(rows)} rows", dict(sorted(by.items())))
    ev = {}
    for r in rows:
        ev[r["evidence"]] = ev.get(r["evidence"], 0) + 1
    print("evidence:", ev)
    print("list E (FCC ICFS):", *log, sep="\n  ")


if __name__ == "__main__":
    main()
