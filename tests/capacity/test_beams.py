"""Caps per beam cell, pre-clipped onto the analysis grid (issue 31, item 4): satsov.capacity.beams.

References, independent of the code under test:
- a brute force: every beam cell of the world's beam grid in the region's country assigned to its nearest
  analysis cell by computing every distance, each beam cell's min(demand, cap) summed per analysis cell;
- closed form: a cell whose beam cells all ask less than their cap can be given all its demand, as the per-area
  cap (density x area, far above a rural cell's demand) allows too;
- the region's demand and its total cap do not move with the analysis grid (sums over the same beam cells, each
  country's people conserved), where the per-area cap grows with the spacing.
"""

from __future__ import annotations

import numpy as np
import pytest

import satsov
from satsov.capacity import build_demand
from satsov.capacity.beams import beam_caps, beam_grid, beam_spacing_km
from satsov.orbits.geometry import geodetic_to_ecef

STARLINK_DENSITY = 27.0      # Gbps per 1,000 km² = Mbps per km² (data/capacity.yaml, CosmoSim's 8 x 1.28 Gbps / 379 km²)
STARLINK_BEAM_KM2 = 379.0


def test_a_coarse_cells_cap_is_the_sum_over_its_beam_cells_of_min_demand_cap():
    g = satsov.grid("LU", 50)       # cells of about 2,500 km², each holding several beam cells
    d = build_demand(g, background=False)
    d2, caps = beam_caps(d, np.array([STARLINK_DENSITY]), np.array([STARLINK_BEAM_KM2]))
    bg, _bxyz, _tree = beam_grid(beam_spacing_km(STARLINK_BEAM_KM2))
    mine = np.flatnonzero(np.asarray(bg.country, str) == "LU")
    bx = geodetic_to_ecef(bg.lat_deg[mine], bg.lon_deg[mine], 0.0)
    cx = geodetic_to_ecef(g.lat_deg, g.lon_deg, 0.0)
    owner = np.linalg.norm(bx[:, None, :] - cx[None, :, :], axis=2).argmin(axis=1)   # every distance
    per_person = d.model.mbps_per_person("base")
    demand_b = bg.population[mine] * per_person
    wanted = np.bincount(owner, weights=demand_b, minlength=len(g))
    served = np.bincount(owner, weights=np.minimum(demand_b, STARLINK_DENSITY * bg.area_km2[mine]), minlength=len(g))
    assert np.allclose(d2.mbps, wanted, rtol=1e-9, atol=1e-6)
    assert np.allclose(caps[0], np.floor(served), atol=1.0)
    assert d2.region_gbps == pytest.approx(d.region_gbps, rel=1e-9)      # Luxembourg's people, conserved


def test_rural_cells_can_be_given_all_their_demand_and_without_beams_the_cap_is_per_area():
    g = satsov.grid("IS", 100)
    d = build_demand(g, background=False)
    d2, caps = beam_caps(d, np.array([STARLINK_DENSITY]), np.array([STARLINK_BEAM_KM2]))
    rural = d2.mbps < 0.2 * STARLINK_DENSITY * STARLINK_BEAM_KM2 * 0.999
    rural &= d2.mbps * 0 == 0
    assert rural.any()
    assert np.allclose(caps[0][rural], np.floor(d2.mbps[rural]), atol=1.0)
    # without a beam layout (NaN) the demand is the grid's and the cap the density times the cell's area
    d3, flat = beam_caps(d, np.array([STARLINK_DENSITY]), np.array([np.nan]))
    assert d3 is d and np.array_equal(flat[0], np.floor(STARLINK_DENSITY * g.area_km2).astype(np.int64))


@pytest.mark.parametrize("region", ["CA", "EU27"])
def test_the_regions_demand_and_total_cap_do_not_move_with_the_grid(region):
    """Issue 31: the per-area cap let a dense place draw on its whole coarse cell (Canada's all-operators share
    fell from 100% at 100 km to 55% at 10 km). On beam cells, the region's demand and its total cap are sums over
    the same beam cells at every spacing, down to cells smaller than a beam (10 km), where the per-area cap moves
    by far more."""
    from satsov.capacity.beams import joint_caps
    totals, demands, flat, joints, pooled = [], [], [], [], []
    two = np.array([STARLINK_DENSITY, STARLINK_DENSITY]), np.array([STARLINK_BEAM_KM2, STARLINK_BEAM_KM2])
    for spacing in (100, 50, 25, 10):
        d = build_demand(satsov.grid(region, spacing), background=False)
        d2, caps = beam_caps(d, np.array([STARLINK_DENSITY]), np.array([STARLINK_BEAM_KM2]))
        totals.append(caps[0].sum())
        demands.append(d2.mbps.sum())
        flat.append(np.minimum(np.floor(STARLINK_DENSITY * d.grid.area_km2), np.floor(d.mbps)).sum())
        # two operators in different bands: together, per beam cell (joint), and per operator added (pooled)
        d3, caps2 = beam_caps(d, *two)
        j = joint_caps(d, *two, band=["Ku", "Ka"])
        assert (j <= caps2.sum(axis=0) + 1).all()
        joints.append(np.minimum(j, np.floor(d3.mbps)).sum())
        pooled.append(np.minimum(caps2.sum(axis=0), np.floor(d3.mbps)).sum())
    assert max(demands) / min(demands) < 1.0001, demands
    assert max(totals) / min(totals) < 1.002, totals     # whole Mbps per cell
    assert max(flat) / min(flat) > 1.05, flat            # what it replaces
    # together the two can give a cell no more than its beam cells allow both: that does not move with the grid;
    # adding their per-operator caps pools one's unused cap in a quiet beam with the other's in a busy one
    assert max(joints) / min(joints) < 1.002, joints
    assert pooled[0] > joints[0] and abs(pooled[-1] / joints[-1] - 1) < 0.002, (pooled, joints)
