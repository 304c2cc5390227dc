"""What monitoring costs: scoring with and without the tracker of a model loaded from the store.

Prints, for a 20-feature Isolation Forest: score_one per row (tracked rows are gathered and
written per 1,000), and model.score per call for batches of 1, 100 and 10,000 rows (each call
is one record: statistics, drift against the reference rows, one SQLite insert). Best of 5.

    .venv/bin/python benchmarks/monitoring.py
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np
import pandas as pd


def best(fn, repeat: int = 5, number: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def main() -> None:
    os.environ["JUPYTER_AD_HOME"] = tempfile.mkdtemp(prefix="jad-bench-")
    import jupyter_ad as ad

    rng = np.random.default_rng(0)
    columns = [f"f{i}" for i in range(20)]
    train = pd.DataFrame(rng.normal(size=(20_000, 20)), columns=columns)
    ad.fit(train, "iforest").save("bench")
    os.environ["JUPYTER_AD_MONITORING_ENABLED"] = "false"
    plain = ad.load("bench")
    del os.environ["JUPYTER_AD_MONITORING_ENABLED"]
    tracked = ad.load("bench")
    assert plain.monitor is None and tracked.monitor is not None
    row = train.iloc[0].to_dict()
    for model in (plain, tracked):  # warm up (JIT, row transformer)
        for _ in range(2000):
            model.score_one(row)
    n = 20_000
    one_plain = best(lambda: plain.score_one(row), number=n)
    one_tracked = best(lambda: tracked.score_one(row), number=n)
    print(f"score_one: {one_plain * 1e6:.1f} us untracked, {one_tracked * 1e6:.1f} us tracked "
          f"(+{(one_tracked - one_plain) * 1e6:.1f} us per row, records every 1,000 rows)")
    for size in (1, 100, 10_000):
        batch = pd.DataFrame(rng.normal(size=(size, 20)), columns=columns)
        number = 20 if size < 10_000 else 3
        a = best(lambda b=batch: plain.score(b), number=number)
        b = best(lambda b=batch: tracked.score(b), number=number)
        print(f"score({size:>6,} rows): {a * 1e3:7.2f} ms untracked, {b * 1e3:7.2f} ms tracked "
              f"(+{(b - a) * 1e3:.2f} ms per call = one record)")


if __name__ == "__main__":
    main()
