"""Speed of the column classifier: ``ad.check_data`` and the preprocessing's fit on a large
mixed table and on a wide numeric one, against pandas computing the report's plainest counts
(``nunique``, ``isna().sum()``, ``duplicated().sum()``) on the same frame.

    .venv/bin/python benchmarks/check_data.py [--rows 1000000] [--repeat 3]

Prints a Markdown table (best of ``--repeat`` runs, seconds). Measured numbers are quoted in
CHANGELOG.md with the date and machine.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd


def mixed_frame(n: int) -> pd.DataFrame:
    """Numbers, counts, an ID, numbers as text, categories, unique text, a categorical dtype,
    booleans, tz-aware times, date text and small integers stored as objects."""
    rng = np.random.default_rng(0)
    cols: dict[str, object] = {f"f{i}": rng.normal(size=n) for i in range(10)}
    cols["id"] = np.arange(n)
    cols["count"] = rng.poisson(3, n)
    cols["s_num"] = pd.Series(rng.integers(0, 500, n)).astype(str)
    cols["city"] = pd.Series(rng.choice([f"c{i}" for i in range(40)], n))
    cols["user"] = pd.Series([f"u{i:07d}" for i in range(n)])
    cols["cat"] = pd.Categorical(rng.integers(0, 10, n))
    cols["b"] = rng.random(n) > 0.5
    cols["t"] = pd.date_range("2020", periods=n, freq="s", tz="UTC")
    cols["t_text"] = pd.date_range("2021-03-01", periods=n, freq="7s").strftime(
        "%Y-%m-%d %H:%M:%S")
    cols["o"] = pd.Series(rng.integers(0, 5, n)).astype(object)
    return pd.DataFrame(cols)


def wide_frame(n: int, d: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(rng.normal(size=(n, d)), columns=[f"w{i}" for i in range(d)])


def best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> str:
    """Run the measurements; returns (and prints) the Markdown table."""
    import jupyter_ad as ad
    from jupyter_ad.data.preprocessing import Preprocessor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    tables = {f"{args.rows:,} x 20 mixed": mixed_frame(args.rows),
              f"{max(args.rows // 50, 100):,} x 2,000 floats": wide_frame(
                  max(args.rows // 50, 100), 2000)}
    lines = ["| table | check_data (s) | preprocessing fit (s) | pandas counts (s) |",
             "|---|---:|---:|---:|"]
    warnings.simplefilter("ignore")
    for label, frame in tables.items():
        check = best(lambda f=frame: ad.check_data(f), args.repeat)
        fit = best(lambda f=frame: Preprocessor().fit_transform(f), args.repeat)
        counts = best(lambda f=frame: (f.nunique(), f.isna().sum(), f.duplicated().sum()),
                      args.repeat)
        lines.append(f"| {label} | {check:.2f} | {fit:.2f} | {counts:.2f} |")
    report = "\n".join(lines)
    print(report)
    return report


if __name__ == "__main__":
    main()
