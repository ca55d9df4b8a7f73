"""The world: regions, equal-area grids with population, sites, operators, policies and built-in fleets."""
