"""ADWIN (Bifet & Gavaldà, "Learning from Time-Changing Data with Adaptive Windowing",
SDM 2007) over batch summaries: a window of recent values in [0, 1] that drops its older part
when the two parts' means differ by more than the Hoeffding-style bound ``eps_cut``.

Each update adds a *bucket* (the count and sum of a micro-batch's values, e.g. its anomaly
labels or score ranks), so one check per batch costs O(buckets) with numpy, whatever the
event rate.

>>> w = ADWIN(delta=0.002)
>>> changes = [w.update(50, 50 * (0.05 if i < 40 else 0.5)) for i in range(80)]
>>> changes.index(True) >= 40, w.mean() > 0.4
(True, True)
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

__all__ = ["ADWIN"]


class ADWIN:
    """Adaptive window over buckets ``(count, sum)`` of values in [0, 1].

    Parameters
    ----------
    delta : float, default 0.002
        Confidence: a smaller value makes a false alarm less likely and detection later.
    max_buckets : int, default 1000
        Oldest buckets beyond this are forgotten (bounded memory).
    min_count : int, default 30
        Fewer values than this on either side of a split are not compared.
    """

    def __init__(self, delta: float = 0.002, max_buckets: int = 1000,
                 min_count: int = 30) -> None:
        self.delta = delta
        self.min_count = min_count
        self._buckets: deque[tuple[int, float]] = deque(maxlen=max_buckets)
        self.n_detections = 0

    def mean(self) -> float:
        """Mean of the values in the window (0 when empty)."""
        n = sum(b[0] for b in self._buckets)
        return sum(b[1] for b in self._buckets) / n if n else 0.0

    def width(self) -> int:
        """Number of values in the window."""
        return sum(b[0] for b in self._buckets)

    def update(self, count: int, total: float) -> bool:
        """Add ``count`` values summing to ``total``; ``True`` when a change was detected
        (the window then keeps only the part after the change).
        """
        if count <= 0:
            return False
        self._buckets.append((int(count), float(total)))
        changed = False
        while len(self._buckets) > 1:
            counts = np.fromiter((b[0] for b in self._buckets), dtype=np.float64)
            sums = np.fromiter((b[1] for b in self._buckets), dtype=np.float64)
            n0 = np.cumsum(counts)[:-1]
            s0 = np.cumsum(sums)[:-1]
            n1 = counts.sum() - n0
            s1 = sums.sum() - s0
            ok = (n0 >= self.min_count) & (n1 >= self.min_count)
            if not ok.any():
                break
            m = 1.0 / (1.0 / n0[ok] + 1.0 / n1[ok])
            d = self.delta / len(self._buckets)
            eps = np.sqrt(np.log(4.0 / d) / (2.0 * m))
            gap = np.abs(s0[ok] / n0[ok] - s1[ok] / n1[ok])
            if not (gap > eps).any():
                break
            changed = True
            self._buckets.popleft()  # drop the oldest bucket and look again
        if changed:
            self.n_detections += 1
        return changed


def hoeffding_bound(n0: int, n1: int, delta: float) -> float:
    """The cut bound for two parts of ``n0`` and ``n1`` values."""
    m = 1.0 / (1.0 / n0 + 1.0 / n1)
    return math.sqrt(math.log(4.0 / delta) / (2.0 * m))
