"""Orbits: element sets, TLE/OMM catalogues, Walker shells, fleets and their propagation to ITRS."""
