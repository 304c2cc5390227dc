"""Seconds per threshold method on 100,000 scores (target: under 0.5 s each).

Scores: a mix of Gaussian, heavy-tailed and a planted 1% upper tail, so every method has
something to do. Prints the best of ``--repeat`` runs per method and the share it flags.

Run: ``python benchmarks/thresholds_speed.py [--rows 100000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from jupyter_ad.core.thresholds import THRESHOLD_METHODS, method_threshold


def make_scores(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scores = np.abs(rng.standard_t(df=5, size=n))
    tail = rng.choice(n, max(1, n // 100), replace=False)
    scores[tail] += rng.uniform(5, 15, tail.size)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scores = make_scores(args.rows)
    print(f"{'method':<10} {'seconds':>9} {'flagged':>8}")
    worst = 0.0
    for name in THRESHOLD_METHODS:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            value = method_threshold(scores, name)
            times.append(time.perf_counter() - start)
        best = min(times)
        worst = max(worst, max(times))
        print(f"{name:<10} {best:>9.4f} {float((scores > value).mean()):>8.2%}")
    print(f"\nslowest single run: {worst:.4f} s ({'OK' if worst < 0.5 else 'over'} 0.5 s)")


if __name__ == "__main__":
    main()
