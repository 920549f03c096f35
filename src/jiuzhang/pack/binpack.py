"""Bin packing of document lengths into fixed-length rows.

`pack_lengths` is what the pipeline uses: the documents are cut, in order, into chunks of
`chunk_docs`; each chunk is packed by best-fit decreasing and then improved by a local search
that maximises the sum of squared row loads (moving one or two documents between two rows, or
swapping such groups), which empties the least-filled rows; chunks pack in parallel.
On 1,000 real CoT documents at 2048 + 1 tokens best-fit decreasing alone needs 431 rows, the
local search 429 (the Martello-Toth L2 lower bound, so optimal there). `next_fit` is the
original's algorithm (SPEC §3.6), kept for `bench/pack.py`.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import itertools
from collections.abc import Sequence

import numpy as np

# Groups of 1 or 2 documents move between rows; adding triples searched more and packed worse
# on the real CoT sample (430 rows instead of 429).
GROUP_SIZES = (1, 2)


def next_fit(lengths: Sequence[int], capacity: int) -> list[list[int]]:
    """The original's packer: walk in order, start a new row when the next item does not fit."""
    bins: list[list[int]] = []
    load = capacity + 1
    for i, size in enumerate(lengths):
        if size > capacity:
            raise ValueError(f"item {i} of length {size} exceeds capacity {capacity}")
        if load + size > capacity:
            bins.append([])
            load = 0
        bins[-1].append(i)
        load += size
    return bins


def best_fit_decreasing(lengths: Sequence[int], capacity: int) -> list[list[int]]:
    """Group item indices into bins of `capacity` by best-fit decreasing; deterministic."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    bins: list[list[int]] = []
    # (remaining space, bin index) kept sorted, so the tightest bin that fits is a bisect away.
    free: list[tuple[int, int]] = []
    for i in order:
        size = lengths[i]
        if size > capacity:
            raise ValueError(f"item {i} of length {size} exceeds capacity {capacity}")
        pos = bisect.bisect_left(free, (size, -1))
        if pos < len(free):
            space, b = free.pop(pos)
            bins[b].append(i)
            bisect.insort(free, (space - size, b))
        else:
            bins.append([i])
            bisect.insort(free, (capacity - size, len(bins) - 1))
    return bins


def _groups(items: Sequence[int], lengths: Sequence[int]) -> list[tuple[tuple[int, ...], int]]:
    """Every group of GROUP_SIZES items of a bin with its total length."""
    out = []
    for k in GROUP_SIZES:
        for group in itertools.combinations(items, k):
            out.append((group, sum(lengths[i] for i in group)))
    return out


class _Table:
    """The non-full bins of one pass: their 1-2 item groups as a padded weight matrix."""

    def __init__(self, work: list[list[int]], live: list[int], lengths: Sequence[int]) -> None:
        self.work, self.live, self.lengths = work, live, lengths
        self.groups: list[list[tuple[tuple[int, ...], int]]] = [[] for _ in live]
        width = max(len(_groups(work[k], lengths)) for k in live) + 1
        self.weights = np.full((len(live), width), -1, dtype=np.int64)  # -1 = no group
        self.load = np.zeros(len(live), dtype=np.int64)
        for r in range(len(live)):
            self.refresh(r)

    def refresh(self, r: int) -> None:
        """Recompute row `r` after its bin changed (widening the table if needed)."""
        items = self.work[self.live[r]]
        self.groups[r] = _groups(items, self.lengths)
        ws = [w for _, w in self.groups[r]]
        if len(ws) + 1 > self.weights.shape[1]:
            pad = np.full((len(self.live), len(ws) + 1 - self.weights.shape[1]), -1, np.int64)
            self.weights = np.concatenate([self.weights, pad], axis=1)
        self.weights[r, :] = -1
        self.weights[r, 0] = 0  # the empty group: take nothing back
        self.weights[r, 1 : len(ws) + 1] = ws
        self.load[r] = sum(self.lengths[i] for i in items)


def improve_bins(
    bins: Sequence[Sequence[int]], lengths: Sequence[int], capacity: int, max_passes: int = 100
) -> list[list[int]]:
    """Local search that maximises the sum of squared bin loads; emptied bins are dropped.

    A move takes a group of 1-2 items from a bin `a` and puts it into a bin `b` at least as
    full, taking back a smaller group (or nothing) from `b`: load moves from the emptier bin to
    the fuller one, which strictly increases the sum of squares, so the search terminates.
    Full bins can take part in no such move and are left alone. Ties go to the emptiest `b`.
    """
    work = [sorted(b) for b in bins]
    for _ in range(max_passes):
        live = [k for k, b in enumerate(work) if sum(lengths[i] for i in b) < capacity]
        if len(live) < 2:
            break
        table = _Table(work, live, lengths)
        moved = 0
        for r in np.argsort(table.load, kind="stable"):
            load, weights = table.load, table.weights
            la = load[r]
            if la == 0:
                continue
            mine = table.groups[r]
            wa = np.array([w for _, w in mine], dtype=np.int64)
            delta = wa[:, None, None] - weights[None, :, :]  # (groups of a, bins b, groups of b)
            ok = (weights[None, :, :] >= 0) & (delta > 0)
            ok &= delta <= (capacity - load)[None, :, None]
            ok &= (load >= la)[None, :, None]
            ok[:, r, :] = False
            if not ok.any():
                continue
            gain = np.where(ok, delta * (load[None, :, None] - la + delta), -1)
            by_load = np.argsort(load, kind="stable")
            ranked = gain[:, by_load, :].transpose(1, 0, 2)
            pb, ia, ib = np.unravel_index(int(np.argmax(ranked)), ranked.shape)
            rb = int(by_load[pb])
            give = mine[ia][0]
            take = () if ib == 0 else table.groups[rb][ib - 1][0]
            ka, kb = live[r], live[rb]
            for i in give:
                work[ka].remove(i)
                work[kb].append(i)
            for i in take:
                work[kb].remove(i)
                work[ka].append(i)
            table.refresh(int(r))
            table.refresh(rb)
            moved += 1
        work = [b for b in work if b]
        if not moved:
            break
    return [sorted(b) for b in work]


def _pack_chunk(args: tuple[list[int], int]) -> list[list[int]]:
    lengths, capacity = args
    return improve_bins(best_fit_decreasing(lengths, capacity), lengths, capacity)


def pack_lengths(
    lengths: Sequence[int], capacity: int, *, chunk_docs: int = 2000, workers: int = 1
) -> list[list[int]]:
    """Bins (lists of item indices, ascending) for all items: BFD + local search per chunk."""
    starts = range(0, len(lengths), chunk_docs)
    tasks = [([int(x) for x in lengths[s : s + chunk_docs]], capacity) for s in starts]
    if workers > 1 and len(tasks) > 1:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_pack_chunk, tasks, chunksize=4))
    else:
        results = [_pack_chunk(t) for t in tasks]
    return [[s + i for i in b] for s, bins in zip(starts, results, strict=True) for b in bins]
