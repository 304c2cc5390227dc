"""Speed and memory of jupyter-ad against scikit-learn and PyOD, measured in the same run.

Each case runs in a fresh subprocess (so peak memory is that case's own) on the same data:

* ``detect``: ``ad.detect(X)`` with defaults, end to end (validation, preprocessing, fit,
  score, threshold) vs scikit-learn ``IsolationForest().fit(X).score_samples(X)`` and PyOD
  ``IForest().fit(X).decision_function(X)``;
* ``batch``: scoring rows with a fitted default model (rows/s/core) vs scikit-learn's;
* ``one``: ``model.score_one(row_dict)`` vs scikit-learn ``score_samples`` on one row;
* ``memory``: peak memory of ``ad.detect`` over the size of the input array;
* ``stream``: scoring a Parquet file in batches (peak memory stays bounded).

Run: ``python benchmarks/speed.py [--rows 1000000] [--stream-rows 10000000] [--write]``;
``--write`` replaces the speed section of docs/benchmarks.md (between its ``speed:start`` and
``speed:end`` markers). Absolute times depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent('''
import json, os, resource, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
case, rows, cols, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(0)
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {}
if case != "stream":
    X = rng.normal(size=(rows, cols))
    X[: rows // 1000] += 5
    import jupyter_ad as ad
    ad.fit(X[:5000])  # compile the kernels outside the timings (cached on disk after)
    base = peak_mb()
if case == "detect":
    t = time.perf_counter(); res = ad.detect(X); out["jupyter_ad"] = time.perf_counter() - t
    from sklearn.ensemble import IsolationForest
    t = time.perf_counter(); IsolationForest(random_state=0).fit(X).score_samples(X)
    out["sklearn"] = time.perf_counter() - t
    from pyod.models.iforest import IForest
    t = time.perf_counter(); IForest(random_state=0).fit(X).decision_function(X)
    out["pyod"] = time.perf_counter() - t
    out["algorithm"] = res.algorithm
elif case == "memory":
    res = ad.detect(X)
    out["peak_over_input"] = (peak_mb() - base) / (X.nbytes / 2**20)
    out["input_mb"] = X.nbytes / 2**20
elif case == "batch":
    model = ad.fit(X)
    t = time.perf_counter(); model.score_samples(X); out["jupyter_ad"] = time.perf_counter() - t
    from sklearn.ensemble import IsolationForest
    sk = IsolationForest(random_state=0).fit(X)
    t = time.perf_counter(); sk.score_samples(X); out["sklearn"] = time.perf_counter() - t
    out["cores"] = os.cpu_count()
elif case == "one":
    import pandas as pd
    names = [f"x{i}" for i in range(cols)]
    model = ad.fit(pd.DataFrame(X, columns=names))
    rows_ = [dict(zip(names, r)) for r in X[:2000].tolist()]
    for r in rows_[:50]:
        model.score_one(r)
    t = time.perf_counter()
    for r in rows_:
        model.score_one(r)
    out["jupyter_ad"] = (time.perf_counter() - t) / len(rows_)
    from sklearn.ensemble import IsolationForest
    sk = IsolationForest(random_state=0).fit(X)
    t = time.perf_counter()
    for r in X[:200]:
        sk.score_samples(r.reshape(1, -1))
    out["sklearn"] = (time.perf_counter() - t) / 200
elif case == "stream":
    import jupyter_ad as ad
    import pyarrow as pa, pyarrow.parquet as pq
    path = extra
    model = ad.fit(pq.ParquetFile(path).read_row_group(0).to_pandas())
    base = peak_mb()
    t = time.perf_counter()
    summary = model.score_file(path, path + ".scored.parquet")
    out["seconds"] = time.perf_counter() - t
    out["rows"] = summary["n_rows"]
    out["peak_mb"] = peak_mb()
    out["peak_over_start_mb"] = peak_mb() - base
    os.remove(path + ".scored.parquet")
print(json.dumps(out))
''')


def run_case(case: str, rows: int, cols: int, extra: str = "") -> dict[str, float]:
    """Run one case in a fresh interpreter and return its measurements."""
    done = subprocess.run([sys.executable, "-c", CHILD, case, str(rows), str(cols), extra],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def make_parquet(rows: int, cols: int, folder: str) -> str:
    """A Parquet file of ``rows`` x ``cols`` normal values, written in 1M-row groups."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = os.path.join(folder, "big.parquet")
    rng = np.random.default_rng(0)
    names = [f"x{i}" for i in range(cols)]
    with pq.ParquetWriter(path, pa.schema([(n, pa.float64()) for n in names])) as writer:
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            block = rng.normal(size=(n, cols))
            writer.write_table(pa.table(dict(zip(names, block.T, strict=True))))
    return path


def main(argv: list[str] | None = None) -> str:
    """Run every case and return the markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--stream-rows", type=int, default=10_000_000)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks-speed.md")
    args = parser.parse_args(argv)
    n, d = args.rows, args.cols
    detect = run_case("detect", n, d)
    batch = run_case("batch", n, d)
    one = run_case("one", min(n, 200_000), d)
    memory = run_case("memory", n, d)
    with tempfile.TemporaryDirectory() as folder:
        stream = run_case("stream", args.stream_rows, d, make_parquet(args.stream_rows, d,
                                                                       folder))
    cores = batch.get("cores") or os.cpu_count() or 1
    lines = [
        f"Generated by `python benchmarks/speed.py --rows {n} --stream-rows "
        f"{args.stream_rows} --write` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Ratios compare tools measured in the same run.",
        "",
        "| case | data | jupyter-ad | reference | ratio (reference / jupyter-ad) |",
        "|---|---|---|---|---|",
        f"| `ad.detect(X)` defaults ({detect['algorithm']}), end to end | {n:,} x {d} | "
        f"{detect['jupyter_ad']:.2f} s | scikit-learn IsolationForest fit+score "
        f"{detect['sklearn']:.2f} s | {detect['sklearn'] / detect['jupyter_ad']:.2f}x |",
        f"| same | {n:,} x {d} | {detect['jupyter_ad']:.2f} s | PyOD IForest fit+decision "
        f"{detect['pyod']:.2f} s | {detect['pyod'] / detect['jupyter_ad']:.2f}x |",
        f"| batch scoring, fitted default model | {n:,} x {d} | "
        f"{n / batch['jupyter_ad'] / cores:,.0f} rows/s/core | scikit-learn "
        f"{n / batch['sklearn'] / cores:,.0f} rows/s/core | "
        f"{batch['sklearn'] / batch['jupyter_ad']:.2f}x |",
        f"| `model.score_one(row_dict)` | 1 row, {d} features | {one['jupyter_ad'] * 1e6:.0f} us"
        f" | scikit-learn one-row score_samples {one['sklearn'] * 1e6:.0f} us | "
        f"{one['sklearn'] / one['jupyter_ad']:.1f}x |",
        f"| peak memory of `ad.detect` / input array | {n:,} x {d} ({memory['input_mb']:.0f} MB)"
        f" | {memory['peak_over_input']:.2f}x | target <= 3x | |",
        f"| `model.score_file` Parquet -> Parquet, batches of 262,144 | {stream['rows']:,} x {d} "
        f"| {stream['seconds']:.1f} s, peak RSS {stream['peak_mb']:.0f} MB "
        f"(+{stream['peak_over_start_mb']:.0f} MB while streaming) | bound: about one batch | |",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", report)
    return report


def write_section(path: Path, body: str) -> None:
    """Replace the text between the speed markers of ``path`` with ``body``."""
    start, end = "<!-- speed:start -->", "<!-- speed:end -->"
    text = path.read_text()
    if start not in text or end not in text:
        text = text.rstrip() + f"\n\n## Speed and memory\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{start}\n{body}{end}{tail}")


if __name__ == "__main__":
    main()
