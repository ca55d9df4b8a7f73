"""What capacity workers need, loaded once by the fork server they start from (:mod:`satsov.pools`): the
allocation's modules and the compiled kernels of the block tree and the maximum flow, which numba would
otherwise load from its cache at their first call in each worker (0.26 s of CPU per worker on the project's
machine). They are loaded by solving a three-cell problem."""

import numpy as np

import satsov.capacity.allocate  # noqa: F401
from satsov.capacity.blocks import block_tree, visible_blocks
from satsov.capacity.flow import allocate_snapshot
from satsov.orbits.geometry import geodetic_to_ecef, up_vectors


def _load_kernels() -> None:
    lat, lon = np.array([0.0, 0.5, 1.0]), np.zeros(3)
    tree = block_tree(geodetic_to_ecef(lat, lon, 0.0), up_vectors(lat, lon), np.ones(3, bool), np.ones(3, bool))
    visible_blocks(tree, geodetic_to_ecef(np.array([0.5]), np.array([0.0]), 550.0), np.array([25.0]),
                   np.ones(1, bool))
    # one satellite short of two cells' demand: every step of the fair flow (solves, a cut, the completion)
    allocate_snapshot(np.array([10_000]), np.array([0, 0]), np.array([0, 1]), np.array([0, 0]),
                      np.array([8_000, 8_000]), np.array([6_000, 6_000]))


_load_kernels()
