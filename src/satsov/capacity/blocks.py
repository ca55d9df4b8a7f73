"""Visibility in blocks of cells: which satellites see which cells, stated compactly enough for a flow network.

A satellite at 550 km sees some 5,000 cells of 25 km; listing every (satellite, cell) pair for 12,000
satellites gives millions of edges, most of them inside footprints. Here the cells are ordered along a k-d
tree (region first, then background, so that no block mixes the two) and grouped into aligned *blocks* of
``2**level`` consecutive cells at a few levels (a hierarchy of nested blocks). For each satellite a compiled
kernel descends the hierarchy: a block wholly outside the footprint is skipped, one wholly inside is kept
whole, and only the blocks on the footprint's edge are split down to single cells, each of which gets the
exact WGS-84 elevation test ``(s - p)·up ≥ sin ε |s - p|``. The visible cells of each satellite are then
written as the fewest aligned blocks (a block is used only when *every* cell in it is visible), so that the
flow network built on them (satellite → block → its sub-blocks → cell) carries exactly the flows of the
pairwise network: every path ends at a cell that the satellite sees. ``expand`` turns blocks back into
pairs; the tests check them against the brute-force elevation test.

The whole-block tests are conservative bounds on the footprint (a spherical cap with the polar radius,
the mask lowered by 0.25° for the tilt of the WGS-84 normal and a 0.5° margin outside; the equatorial radius,
the mask raised by 0.25° and a 0.5° margin inside), so they only decide which cells need the exact test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numba import njit

from satsov.constants import WGS84_A_KM, WGS84_B_KM

__all__ = ["BlockTree", "block_tree", "visible_blocks", "expand", "visible_pairs", "sees_any"]

LEVEL_STEP = 3  # each block holds 8 blocks of the level below: few levels, few nodes


@dataclass(frozen=True, eq=False)
class BlockTree:
    """Cells in k-d tree order (``cells[slot]`` is the cell index at a slot, -1 for padding) and the blocks
    of each level (``levels`` from the coarsest to 0, single cells): per block its centre direction, the
    cosine of its angular radius and how many real cells it holds."""

    cells: np.ndarray            # (n_slots,) cell index or -1
    slot_of: np.ndarray          # (n_cells,) slot of each cell, -1 when the cell is not in the tree
    levels: np.ndarray           # (n_levels,) descending, ending with 0
    level_offset: np.ndarray     # (n_levels + 1,) start of each level's blocks in the flat block arrays
    centre: np.ndarray           # (n_blocks, 3) unit vectors
    cos_radius: np.ndarray       # (n_blocks,)
    count: np.ndarray            # (n_blocks,) real cells
    cell_xyz: np.ndarray         # (n_slots, 3) km, ECEF, at each slot (0 for padding)
    cell_up: np.ndarray          # (n_slots, 3)
    region_slots: int            # slots [0, region_slots) hold region cells

    @cached_property
    def radius(self) -> np.ndarray:
        """Each block's angular radius (rad)."""
        return np.arccos(self.cos_radius)

    @cached_property
    def sin_radius(self) -> np.ndarray:
        return np.sqrt(np.maximum(0.0, 1.0 - self.cos_radius ** 2))

    @property
    def n_slots(self) -> int:
        return len(self.cells)

    def n_blocks(self, level_index: int) -> int:
        return int(self.level_offset[level_index + 1] - self.level_offset[level_index])


def _kd_order(xyz: np.ndarray) -> np.ndarray:
    if len(xyz) < 2:
        return np.arange(len(xyz))
    from scipy.spatial import cKDTree
    return np.asarray(cKDTree(xyz, leafsize=1, balanced_tree=True).indices, np.int64)


def block_tree(cell_xyz: np.ndarray, cell_up: np.ndarray, use: np.ndarray, region: np.ndarray) -> BlockTree:
    """The block hierarchy over the cells where ``use`` is true (cells with demand), region cells first."""
    cell_xyz, cell_up = np.asarray(cell_xyz, float), np.asarray(cell_up, float)
    use, region = np.asarray(use, bool), np.asarray(region, bool)
    inside = np.flatnonzero(use & region)
    outside = np.flatnonzero(use & ~region)
    inside = inside[_kd_order(cell_xyz[inside])]
    outside = outside[_kd_order(cell_xyz[outside])]
    n_max = max(len(inside), len(outside), 1)
    top = LEVEL_STEP * max(1, math.ceil(math.log2(n_max) / LEVEL_STEP))
    levels = np.arange(top, -1, -LEVEL_STEP)
    if levels[-1] != 0:
        levels = np.append(levels, 0)
    # the background starts on a boundary of the coarsest blocks, so no block holds region and background
    pad = -len(inside) % (1 << int(levels[0])) if len(outside) else 0
    cells = np.concatenate([inside, np.full(pad, -1, np.int64), outside]).astype(np.int64)
    n_slots = len(cells)
    slot_of = np.full(len(use), -1, np.int64)
    slot_of[cells[cells >= 0]] = np.flatnonzero(cells >= 0)
    real = cells >= 0
    xyz = np.zeros((n_slots, 3))
    up = np.zeros((n_slots, 3))
    xyz[real], up[real] = cell_xyz[cells[real]], cell_up[cells[real]]
    unit = np.zeros((n_slots, 3))
    norm = np.linalg.norm(xyz, axis=1)
    unit[real] = xyz[real] / norm[real, None]
    centres, cosr, counts, offsets = [], [], [], [0]
    for lv in levels:
        size = 1 << int(lv)
        nb = max(1, -(-n_slots // size)) if n_slots else 0
        block = np.arange(n_slots) >> int(lv)
        cnt = np.bincount(block[real], minlength=nb)
        s = np.zeros((nb, 3))
        np.add.at(s, block[real], unit[real]) if size > 1 else s.__setitem__(slice(None), unit)
        n = np.linalg.norm(s, axis=1)
        c = np.where(n[:, None] > 0, s / np.where(n > 0, n, 1)[:, None], 0.0)
        dots = np.einsum("ij,ij->i", unit, c[block]) if n_slots else np.zeros(0)
        mind = np.ones(nb)
        np.minimum.at(mind, block[real], dots[real])
        centres.append(c)
        cosr.append(np.clip(mind, -1.0, 1.0))
        counts.append(cnt)
        offsets.append(offsets[-1] + nb)
    return BlockTree(cells, slot_of, levels.astype(np.int64), np.array(offsets, np.int64),
                     np.concatenate(centres) if centres else np.zeros((0, 3)),
                     np.concatenate(cosr) if cosr else np.zeros(0),
                     np.concatenate(counts).astype(np.int64) if counts else np.zeros(0, np.int64),
                     xyz, up, len(inside))


@njit(cache=True, error_model="numpy")
def _footprints(sat_xyz, min_el_rad, usable, levels, level_offset, centre, cos_radius, sin_radius, radius, count,
                cell_xyz, cell_up, out_sat, out_level, out_block):
    """Fill (sat, level index, block) for each satellite's visible cells as the fewest aligned blocks.
    Returns the number written, or -(needed) when the output arrays are too small."""
    n_sats = sat_xyz.shape[0]
    n_levels = levels.shape[0]
    n_slots = cell_xyz.shape[0]
    cap = out_sat.shape[0]
    n_out = 0
    overflow = False
    stack_l = np.empty(64 * n_levels + 64, np.int64)
    stack_b = np.empty(64 * n_levels + 64, np.int64)
    runs_a = np.empty(n_slots + 1, np.int64)
    runs_b = np.empty(n_slots + 1, np.int64)
    deg = math.pi / 180.0
    for i in range(n_sats):
        if not usable[i]:
            continue
        x = sat_xyz[i, 0]
        y = sat_xyz[i, 1]
        z = sat_xyz[i, 2]
        if not (x == x and y == y and z == z):
            continue
        r = math.sqrt(x * x + y * y + z * z)
        eps = min_el_rad[i]
        sin_e = math.sin(eps)
        sin2 = sin_e * sin_e if eps > 0 else 0.0
        # outer bound: nothing beyond it can pass the exact test
        eo = max(eps - 0.25 * deg, -0.5 * math.pi)
        ratio = WGS84_B_KM * math.cos(eo) / r
        if ratio >= 1.0:
            continue
        lam_out = math.acos(ratio) - eo + 0.5 * deg
        cos_out, sin_out = math.cos(lam_out), math.sin(lam_out)
        # inner bound: everything within it passes
        ei = eps + 0.25 * deg
        ratio_i = WGS84_A_KM * math.cos(ei) / r
        lam_in = math.acos(ratio_i) - ei - 0.5 * deg if ratio_i < 1.0 else -1.0
        cos_in, sin_in = math.cos(lam_in), math.sin(lam_in)
        ux, uy, uz = x / r, y / r, z / r
        # descend from the coarsest blocks, in slot order, collecting runs of visible slots
        n_runs = 0
        top = level_offset[1] - level_offset[0]
        sp = 0
        for b in range(top - 1, -1, -1):
            stack_l[sp] = 0
            stack_b[sp] = b
            sp += 1
        while sp > 0:
            sp -= 1
            li = stack_l[sp]
            b = stack_b[sp]
            k = level_offset[li] + b
            if count[k] == 0:
                continue
            lo = b << levels[li]
            hi = min((b + 1) << levels[li], n_slots)
            full = False
            if levels[li] == 0:
                dx = x - cell_xyz[lo, 0]
                dy = y - cell_xyz[lo, 1]
                dz = z - cell_xyz[lo, 2]
                dn = dx * cell_up[lo, 0] + dy * cell_up[lo, 1] + dz * cell_up[lo, 2]
                if not (dn > 0.0 and dn * dn >= sin2 * (dx * dx + dy * dy + dz * dz)):
                    continue
                full = True
            else:
                # the angle θ to the block's centre against its radius ρ, by cosines (no acos per block):
                # θ - ρ > λ_out (wholly outside) is cos θ < cos(λ_out + ρ), θ + ρ < λ_in (wholly inside) is
                # cos θ > cos(λ_in - ρ), each where the angle on the right lies in [0, π]
                c = ux * centre[k, 0] + uy * centre[k, 1] + uz * centre[k, 2]
                rho = radius[k]
                cr = cos_radius[k]
                sr = sin_radius[k]
                if lam_out + rho < math.pi and c < cos_out * cr - sin_out * sr:
                    continue
                if lam_in - rho > 0.0 and c > cos_in * cr + sin_in * sr:
                    full = True
                else:
                    lc = li + 1
                    shift = levels[li] - levels[lc]
                    first = b << shift
                    last = min((b + 1) << shift, level_offset[lc + 1] - level_offset[lc])
                    for cb in range(last - 1, first - 1, -1):
                        stack_l[sp] = lc
                        stack_b[sp] = cb
                        sp += 1
                    continue
            if full:
                if n_runs > 0 and runs_b[n_runs - 1] == lo:
                    runs_b[n_runs - 1] = hi
                else:
                    runs_a[n_runs] = lo
                    runs_b[n_runs] = hi
                    n_runs += 1
        # each run as the fewest aligned blocks of the levels (padding slots hold no cells: never in a run
        # alone, and a block is only emitted if it holds a real cell)
        for q in range(n_runs):
            s = runs_a[q]
            e = runs_b[q]
            while s < e:
                for li in range(n_levels):
                    size = 1 << levels[li]
                    if s % size == 0 and (s + size <= e or (e == n_slots and s + size > n_slots)):
                        break
                b = s >> levels[li]
                if count[level_offset[li] + b] > 0:
                    if n_out < cap:
                        out_sat[n_out] = i
                        out_level[n_out] = li
                        out_block[n_out] = b
                    else:
                        overflow = True
                    n_out += 1
                s = min(s + (1 << levels[li]), n_slots)
    if overflow:
        return -n_out
    return n_out


def visible_blocks(tree: BlockTree, sat_xyz: np.ndarray, min_elevation_deg, usable=None):
    """Each satellite's visible cells as blocks: arrays ``(sat, level_index, block)``.

    ``min_elevation_deg`` is one mask or one per satellite; ``usable`` (bool per satellite) skips the rest.
    """
    sat_xyz = np.ascontiguousarray(sat_xyz, float).reshape(-1, 3)
    n = len(sat_xyz)
    el = np.radians(np.broadcast_to(np.asarray(min_elevation_deg, float), (n,))).copy()
    use = np.ones(n, bool) if usable is None else np.asarray(usable, bool)
    if not tree.n_slots or not n:
        z = np.zeros(0, np.int64)
        return z, z.copy(), z.copy()
    size = max(1024, 64 * n)
    while True:
        out = [np.empty(size, np.int64) for _ in range(3)]
        k = _footprints(sat_xyz, el, use, tree.levels, tree.level_offset, tree.centre, tree.cos_radius,
                        tree.sin_radius, tree.radius, tree.count, tree.cell_xyz, tree.cell_up, *out)
        if k >= 0:
            return out[0][:k], out[1][:k], out[2][:k]
        size = -k


def expand(tree: BlockTree, sat, level_index, block):
    """(satellite, cell) pairs from blocks: the cells of each block (padding left out)."""
    sat, level_index, block = (np.asarray(a, np.int64) for a in (sat, level_index, block))
    size = np.left_shift(1, tree.levels[level_index])
    lo = block * size
    hi = np.minimum(lo + size, tree.n_slots)
    n = hi - lo
    rep_sat = np.repeat(sat, n)
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(n)[:-1]]), n)
    slots = starts + np.arange(int(n.sum()))
    cell = tree.cells[slots]
    keep = cell >= 0
    return rep_sat[keep], cell[keep]


@dataclass(frozen=True, eq=False)
class BlockNetwork:
    """One snapshot's flow network over blocks, for every operator at once (a case keeps its operators' arcs).

    Nodes: 0 source, then satellites, then the gateways' nodes that feed them (where ``feed`` is given), then
    per-operator block nodes (a block of cells reached by one
    operator's satellites), then (cell, operator) link nodes where the operator's cap into the cell can bind
    (its cap below the cell's demand) or a denial may apply, then cells (by slot), then the sink. Arcs carry
    their operator (-1 for cell → sink) and, for the arcs that deliver into a cell node, the slot.
    """

    network: object              # satsov.capacity.flow.Network (cell_arc indexed by slot; -1 for padding)
    arc_op: np.ndarray
    deliver_slot: np.ndarray     # slot of the cell an arc delivers into, -1 otherwise
    link_arc: np.ndarray         # arc index of each (cell, operator) link → cell arc
    link_slot: np.ndarray
    link_op: np.ndarray
    reach_op: np.ndarray         # (n_ops, n_slots): what each operator could give each cell alone (Mbps)
    arc_region: np.ndarray | None = None  # arcs out of a satellite towards region cells: a geofence drops them
    feed: object = None          # satsov.capacity.ground.Feed: the gateways' arcs, from arc feed_first on
    feed_first: int = 0

    def rule_keep(self, rule) -> np.ndarray:
        """Per arc: whether a case under the landing rule ``rule`` (countries; None: none) keeps it: the feed
        arcs the rule uses, and no arc towards the region from a satellite that cannot land there."""
        keep = np.ones(len(self.arc_op), bool)
        if self.feed is None:
            return keep
        keep[self.feed_first:self.feed_first + len(self.feed.tail)] = self.feed.keep(rule)
        if rule is not None:
            serves = self.feed.serves[self.feed.rules.index(rule)]
            tail = self.network.tail
            from_sat = self.arc_region & (tail >= 1) & (tail <= len(serves))
            keep[from_sat] &= serves[tail[from_sat] - 1]
        return keep


def _children(tree: BlockTree, level_index: int, flat_blocks: np.ndarray):
    """(parent position, child block index at the next level) for blocks of one level that hold cells."""
    blocks = flat_blocks - tree.level_offset[level_index]
    shift = int(tree.levels[level_index] - tree.levels[level_index + 1])
    kids = (blocks[:, None] << shift) + np.arange(1 << shift)[None, :]
    parent = np.repeat(np.arange(len(blocks)), 1 << shift)
    kids = kids.ravel()
    ok = kids < tree.n_blocks(level_index + 1)
    kids, parent = kids[ok], parent[ok]
    ok = tree.count[tree.level_offset[level_index + 1] + kids] > 0
    return parent[ok], kids[ok]


def block_network(tree: BlockTree, sat, level_index, block, sat_op, sat_cap, cap_density, cell_area_km2,
                  demand_mbps, n_ops: int, force_links=None, exclude=None, op_band=None, joint_mbps=None,
                  feed=None):
    """The flow network of one snapshot from :func:`visible_blocks` arcs.

    ``sat_op``/``sat_cap`` per satellite; ``cap_density`` per operator (Mbps per km² into one cell), or per
    operator and cell (a 2-D array: each operator's cap into each cell in Mbps, e.g. pre-clipped per beam cell by
    :func:`satsov.capacity.beams.pre_clipped_caps`); ``cell_area_km2`` and ``demand_mbps`` per cell (grid order); ``force_links`` (n_ops, n_cells) bool: give
    these (cell, operator) pairs a link node even where the cap cannot bind (denials zero them per case);
    ``exclude`` (n_ops, n_cells) bool: pairs that no case may serve (an operator without landing rights): their
    arcs are left out of the network altogether. ``op_band`` (per operator, an integer band, -1 for none): the
    operators of one band share its spectrum in each cell (47 CFR § 25.261: NGSO systems split the band during
    in-line events): where their caps into a cell add up to more than the largest of them, and the cell asks more
    than that, their deliveries into the cell pass through a (cell, band) node capped at the largest cap (the
    band's capacity with the best system's efficiency), so that together they deliver no more than one band.
    ``joint_mbps`` (per cell): the most every operator together can deliver into the cell
    (:func:`satsov.capacity.beams.joint_caps`); where it binds, everything into the cell passes through one more
    node capped there. ``feed`` (:class:`satsov.capacity.ground.Feed`): the gateways that feed the satellites
    (their nodes between the source and the satellites); the satellites it feeds get no arc from the source.
    """
    from satsov.capacity.flow import INT_CAP, Network

    sat, level_index, block = (np.asarray(a, np.int64) for a in (sat, level_index, block))
    sat_op = np.asarray(sat_op, np.int64)
    sat_cap = np.asarray(sat_cap, np.int64)
    n_sats, n_levels, n_slots = len(sat_cap), len(tree.levels), tree.n_slots
    real = tree.cells >= 0
    slot_cell = np.where(real, tree.cells, 0)
    slot_demand = np.where(real, np.asarray(demand_mbps, np.int64)[slot_cell], 0)
    slot_area = np.where(real, np.asarray(cell_area_km2, float)[slot_cell], 0.0)
    per_cell = np.ndim(cap_density) == 2

    def cap_into(ops, slots):   # each operator's cap into each slot's cell (Mbps)
        if per_cell:
            return np.where(real[slots], np.asarray(cap_density)[ops, slot_cell[slots]], 0).astype(np.int64)
        return np.floor(np.asarray(cap_density, float)[ops] * slot_area[slots]).astype(np.int64)
    op = sat_op[sat]
    flat = tree.level_offset[level_index] + block
    leaf = level_index == n_levels - 1
    # per-operator block nodes: used by a satellite, or below one that is
    active, prev = [], np.zeros(0, np.int64)
    for li in range(n_levels - 1):
        keys = (flat * n_ops + op)[level_index == li]
        if li > 0 and len(prev):
            parent, kids = _children(tree, li - 1, prev // n_ops)
            keys = np.concatenate([keys, (tree.level_offset[li] + kids) * n_ops + (prev % n_ops)[parent]])
        prev = np.unique(keys)
        active.append(prev)
    nodes = np.concatenate(active) if active else np.zeros(0, np.int64)
    # what reaches each (slot, operator) from below the tree: satellites at leaf level and the lowest blocks
    if n_levels > 1 and len(active[-1]):
        parent, kids = _children(tree, n_levels - 2, active[-1] // n_ops)
        lowest_parent, lowest_slot, lowest_op = parent, kids, (active[-1] % n_ops)[parent]
    else:
        lowest_parent = lowest_slot = lowest_op = np.zeros(0, np.int64)
    excl = None if exclude is None else np.asarray(exclude, bool)
    sat_leaf, block_leaf, op_leaf = sat[leaf], block[leaf], op[leaf]
    if excl is not None:  # no arc where the operator may not serve the cell
        ok = ~(real[block_leaf] & excl[op_leaf, slot_cell[block_leaf]])
        sat_leaf, block_leaf, op_leaf = sat_leaf[ok], block_leaf[ok], op_leaf[ok]
        ok = ~(real[lowest_slot] & excl[lowest_op, slot_cell[lowest_slot]])
        lowest_parent, lowest_slot, lowest_op = lowest_parent[ok], lowest_slot[ok], lowest_op[ok]
    leaf_slot = np.concatenate([block_leaf, lowest_slot])
    leaf_op = np.concatenate([op_leaf, lowest_op])
    link_cap_of = cap_into(leaf_op, leaf_slot)
    needs = link_cap_of < slot_demand[leaf_slot]
    if force_links is not None:
        needs |= np.asarray(force_links, bool)[leaf_op, slot_cell[leaf_slot]]
    links = np.unique(leaf_slot[needs] * n_ops + leaf_op[needs])
    link_slot, link_op = links // n_ops, links % n_ops
    # each operator's cap into each slot (0 where it may not serve it), and what it offers there at this snapshot
    # (its cap where one of its satellites reaches the slot)
    caps_all = (np.stack([cap_into(np.full(n_slots, o), np.arange(n_slots)) for o in range(n_ops)]) if n_ops
                else np.zeros((0, n_slots), np.int64))
    if excl is not None:
        caps_all[excl[:, slot_cell] & real[None, :]] = 0
    present = np.zeros((n_ops, n_slots), bool)
    present[leaf_op, leaf_slot] = True
    offered = np.where(present, caps_all, 0)
    # (slot, band) nodes where a band's operators together could deliver more than the band (the largest of their
    # caps) into a cell that asks more than that
    band_of = None if op_band is None else np.asarray(op_band, np.int64)
    n_bands = 0 if band_of is None or not (band_of >= 0).any() else int(band_of.max()) + 1
    top = np.stack([offered[band_of == bnd].max(axis=0) if (band_of == bnd).any() else np.zeros(n_slots, np.int64)
                    for bnd in range(n_bands)]) if n_bands else np.zeros((0, n_slots), np.int64)
    keys = [np.flatnonzero(real & (offered[band_of == bnd].sum(axis=0) > top[bnd]) & (slot_demand > top[bnd]))
            * n_bands + bnd for bnd in range(n_bands) if (band_of == bnd).sum() >= 2]
    bands = np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
    band_cap = top[bands % max(n_bands, 1), bands // max(n_bands, 1)] if len(bands) else np.zeros(0, np.int64)
    # (slot) joint nodes where every operator together could deliver more than the joint cap and the cell asks more
    joints = np.zeros(0, np.int64)
    joint_cap = np.zeros(0, np.int64)
    if joint_mbps is not None:
        jc = np.where(real, np.asarray(joint_mbps, np.int64)[slot_cell], 0)
        possible = top.sum(axis=0) + offered[band_of < 0].sum(axis=0) if n_bands else offered.sum(axis=0)
        joints = np.flatnonzero(real & (possible > jc) & (slot_demand > jc))
        joint_cap = jc[joints]
    # node numbers
    ground0 = 1 + n_sats
    block0 = ground0 + (feed.n_nodes if feed is not None else 0)
    link0 = block0 + len(nodes)
    band0 = link0 + len(links)
    joint0 = band0 + len(bands)
    cell0 = joint0 + len(joints)
    sink = cell0 + n_slots
    joint_of = np.full(n_slots, -1, np.int64)
    joint_of[joints] = np.arange(len(joints))

    def to_cell(slots):
        """The node a delivery into a slot's cell reaches last before the cell: its joint node where there is one."""
        j = joint_of[slots]
        return np.where(j >= 0, joint0 + j, cell0 + slots)

    def into_cell(slots, ops):
        """The node an operator's delivery into a slot's cell goes to: its (slot, band) node where there is one."""
        out = to_cell(slots)
        if len(bands):
            k = slots * n_bands + np.where(band_of[ops] >= 0, band_of[ops], 0)
            i = np.minimum(np.searchsorted(bands, k), len(bands) - 1)
            hit = (bands[i] == k) & (band_of[ops] >= 0)
            out = np.where(hit, band0 + i, out)
        return out

    def block_node(keys):
        return block0 + np.searchsorted(nodes, keys)

    def cell_or_link(slots, ops):
        keys = slots * n_ops + ops
        i = np.minimum(np.searchsorted(links, keys), max(len(links) - 1, 0))
        hit = links[i] == keys if len(links) else np.zeros(len(keys), bool)
        return np.where(hit, link0 + i, into_cell(slots, ops)), ~hit

    tails, heads, caps, ops, deliver = [], [], [], [], []

    def add(t, h, c, o, d=None):
        tails.append(t)
        heads.append(h)
        caps.append(c)
        ops.append(o)
        deliver.append(np.full(len(t), -1, np.int64) if d is None else d)

    from_source = np.arange(n_sats) if feed is None else np.flatnonzero(~feed.fed)
    add(np.zeros(len(from_source), np.int64), 1 + from_source, sat_cap[from_source], sat_op[from_source])
    feed_first = sum(len(t) for t in tails)
    if feed is not None and len(feed.tail):   # source → gateways → satellites (satsov.capacity.ground)
        add(np.where(feed.tail >= 0, ground0 + feed.tail, 0),
            np.where(feed.head_sat >= 0, 1 + feed.head_sat, ground0 + feed.head), feed.cap, feed.op)
    inner = ~leaf
    add(1 + sat[inner], block_node((flat * n_ops + op)[inner]), sat_cap[sat[inner]], op[inner])
    h, direct = cell_or_link(block_leaf, op_leaf)
    add(1 + sat_leaf, h, sat_cap[sat_leaf], op_leaf, np.where(direct, block_leaf, -1))
    for li in range(n_levels - 2):
        parent, kids = _children(tree, li, active[li] // n_ops)
        keys = (tree.level_offset[li + 1] + kids) * n_ops + (active[li] % n_ops)[parent]
        add(block_node(active[li][parent]), block_node(keys), np.full(len(keys), INT_CAP),
            (active[li] % n_ops)[parent])
    if len(lowest_parent):
        h, direct = cell_or_link(lowest_slot, lowest_op)
        add(block_node(active[-1][lowest_parent]), h, np.full(len(h), INT_CAP), lowest_op,
            np.where(direct, lowest_slot, -1))
    link_first = sum(len(t) for t in tails)
    link_caps = cap_into(link_op, link_slot)
    add(link0 + np.arange(len(links)), into_cell(link_slot, link_op), link_caps, link_op, link_slot)
    if len(bands):   # the band's capacity into the cell, shared by its operators
        add(band0 + np.arange(len(bands)), to_cell(bands // n_bands), band_cap, np.full(len(bands), -1, np.int64))
    if len(joints):  # every operator together into the cell
        add(joint0 + np.arange(len(joints)), cell0 + joints, joint_cap, np.full(len(joints), -1, np.int64))
    cell_first = sum(len(t) for t in tails)
    slots = np.arange(n_slots)
    add(cell0 + slots, np.full(n_slots, sink), slot_demand, np.full(n_slots, -1, np.int64))
    cat = np.concatenate
    tail, head, cap = cat(tails), cat(heads), cat(caps).astype(np.int64)
    arc_op, deliver_slot = cat(ops), cat(deliver)
    # a link node with one arc in is a detour: its arc to the cell starts at that arc's tail instead (the arc
    # in is a satellite's, already bounded by the satellite's own capacity, or a block's, unbounded), so the
    # flows are the same with one node and one arc fewer (most GEO links: one block node of the operator)
    into = np.flatnonzero((head >= link0) & (head < band0))
    indeg = np.bincount(head[into] - link0, minlength=len(links))
    single = into[indeg[head[into] - link0] == 1]
    if len(single):
        link_of = head[single] - link0
        tail[link_first + link_of] = tail[single]
        keep = np.ones(len(tail), bool)
        keep[single] = False
        tail, head, cap, arc_op, deliver_slot = tail[keep], head[keep], cap[keep], arc_op[keep], deliver_slot[keep]
        link_first -= len(single)   # every arc into a link node comes before the link arcs
        cell_first -= len(single)
    # alone: per operator and cell, min(cap into the cell, the capacity of its satellites that see it)
    diff = np.zeros((n_ops, n_slots + 1), np.int64)
    size = np.left_shift(1, tree.levels[level_index])
    lo = block * size
    hi = np.minimum(lo + size, n_slots)
    np.add.at(diff, (op, lo), sat_cap[sat])
    np.add.at(diff, (op, hi), -sat_cap[sat])
    seen = np.cumsum(diff, axis=1)[:, :n_slots]
    reach_op = np.minimum(seen, caps_all)   # 0 where it may not serve the cell (caps_all is)
    net = Network(sink + 1, tail, head, cap, cell_first + slots)
    # the first slot each node covers (block nodes: their block's; links and cells: their cell's), so that the
    # arcs out of satellites towards the region are known: a geofence over the region drops them per case
    first_slot = np.full(sink + 1, -1, np.int64)
    if len(nodes):
        flat_of = nodes // n_ops
        li = np.searchsorted(tree.level_offset, flat_of, side="right") - 1
        first_slot[block0:link0] = (flat_of - tree.level_offset[li]) << tree.levels[li]
    first_slot[link0:band0] = link_slot
    first_slot[band0:joint0] = bands // max(n_bands, 1)
    first_slot[joint0:cell0] = joints
    first_slot[cell0:sink] = slots
    to = first_slot[head]
    arc_region = (tail >= 1) & (tail <= n_sats) & (to >= 0) & (to < tree.region_slots)
    return BlockNetwork(net, arc_op, deliver_slot, link_first + np.arange(len(links)), link_slot, link_op,
                        reach_op, arc_region, feed, feed_first)


def visible_pairs(sat_xyz: np.ndarray, min_elevation_deg: np.ndarray, cell_xyz: np.ndarray, cell_up: np.ndarray,
                  tree=None) -> tuple[np.ndarray, np.ndarray]:
    """(satellite, cell) pairs with the satellite at or above its own minimum elevation over the cell's WGS-84
    horizon. Candidates come from a k-d tree within a conservative chord of the footprint; each is then tested
    exactly, ``(s - p)·up >= sin ε |s - p|``."""
    from scipy.spatial import cKDTree
    tree = tree or cKDTree(cell_xyz)
    ok = np.isfinite(sat_xyz).all(axis=1)
    idx = np.flatnonzero(ok)
    if not len(idx) or not len(cell_xyz):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    s = sat_xyz[idx]
    r = np.linalg.norm(s, axis=1)
    eps = np.radians(min_elevation_deg[idx])
    ratio = np.clip((WGS84_A_KM * np.cos(eps)) / r, -1.0, 1.0)
    lam = np.arccos(ratio) - eps + math.radians(0.5)
    chord = 2.0 * WGS84_A_KM * np.sin(np.clip(lam, 0.0, math.pi) / 2.0) + 30.0
    foot = s / r[:, None] * WGS84_A_KM
    hits = tree.query_ball_point(foot, chord)
    counts = np.fromiter((len(h) for h in hits), np.int64, len(hits))
    sat = np.repeat(idx, counts)
    cell = np.fromiter((c for h in hits for c in h), np.int64, int(counts.sum()))
    d = sat_xyz[sat] - cell_xyz[cell]
    dn = np.einsum("ij,ij->i", d, cell_up[cell])
    sin_e = np.sin(np.radians(min_elevation_deg[sat]))
    keep = (dn > 0) & (dn * dn >= np.where(sin_e > 0, sin_e * sin_e, 0.0) * np.einsum("ij,ij->i", d, d))
    return sat[keep], cell[keep]


def sees_any(sat_xyz: np.ndarray, site_xyz: np.ndarray, site_up: np.ndarray, min_elevation_deg: float,
             chunk: int = 4096) -> np.ndarray:
    """Per satellite: whether any of a few sites (gateways) sees it at or above ``min_elevation_deg``: the exact
    test of :func:`visible_pairs` on the dense (satellite, site) matrix, in chunks of satellites."""
    out = np.zeros(len(sat_xyz), bool)
    if not len(site_xyz):
        return out
    sin_e = math.sin(math.radians(min_elevation_deg))
    for a in range(0, len(sat_xyz), chunk):
        d = sat_xyz[a:a + chunk, None, :] - site_xyz[None, :, :]
        dn = np.einsum("ijk,jk->ij", d, site_up)
        ok = (dn > 0) & (dn * dn >= (sin_e * sin_e if sin_e > 0 else 0.0) * np.einsum("ijk,ijk->ij", d, d))
        out[a:a + chunk] = ok.any(axis=1)  # NaN positions compare False: a failed satellite sees nothing
    return out
