"""Speed of the scoring service (issue 16), on loopback, against a plain FastAPI endpoint
calling scikit-learn's single-row path, measured in the same run.

Targets: single-row scoring >= 1,000 requests/s with 0 errors and p99 <= 50 ms; batch
scoring >= 200k rows/s through the API; a model swap under load with 0 failed requests.

Run: ``.venv/bin/python benchmarks/serve.py [--seconds 10] [--workers 1]``. Each phase is
bounded in time and count; the machine's load average is printed with the figures (the
machine is shared: compare the ratios, which are measured under the same load).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _serve_load import LoadResult, request_bytes, run_load

from tests.server.conftest import create_key, start_server

N_FEATURES = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.post(url, json={"rows": [{f"f{i}": 0.0 for i in range(N_FEATURES)}]},
                          timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def _setup(folder: Path) -> tuple[Path, pd.DataFrame]:
    import jupyter_ad as ad

    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(20_000, N_FEATURES)),
                         columns=[f"f{i}" for i in range(N_FEATURES)])
    store = folder / "store"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in (0, 1):
            ad.fit(train, algorithm="iforest", random_state=seed).save("bench", root=store)
    from jupyter_ad.io.store import ModelStore

    ModelStore(store).set_alias("bench", "production", 1)
    train.to_parquet(folder / "train.parquet")
    return store, train


def _load_avg() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (10)")
    parser.add_argument("--workers", type=int, default=1, help="service processes (1)")
    parser.add_argument("--concurrency", type=int, default=16, help="connections (16)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jad-serve-bench-"))
    store, train = _setup(folder)
    keys_file = folder / "keys.json"
    key = create_key(keys_file, "score+admin", "1000000/second")
    rows = json.loads(train.head(5000).to_json(orient="records"))
    print(f"# jupyter-ad scoring service, {_load_avg()}, {os.cpu_count()} cores")

    server = start_server(["--store", str(store), "--keys-file", str(keys_file), "--models",
                           "bench@production", "--access-log", "false", "--log-level",
                           "warning", "--workers", str(args.workers), "--watch-interval", "1"])
    port = int(server.url.rsplit(":", 1)[1])
    base_port = _free_port()
    baseline = subprocess.Popen([sys.executable, str(Path(__file__).with_name(
        "_serve_baseline.py")), str(folder / "train.parquet"), str(base_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{base_port}/score")
        one = [request_bytes("POST", "/v1/models/bench/score",
                             orjson.dumps({"rows": [r]}), {"X-API-Key": key}) for r in rows]
        base = [request_bytes("POST", "/score", orjson.dumps({"rows": [r]}), {})
                for r in rows]
        for warm in (one, base):  # warm both up
            run_load("127.0.0.1", port if warm is one else base_port,
                     lambda i, w=warm: w[i % len(w)], concurrency=4, seconds=2,
                     max_requests=500)
        print(f"\n## single row, {args.concurrency} connections, {args.seconds:.0f} s each "
              f"({_load_avg()})")
        ours = run_load("127.0.0.1", port, lambda i: one[i % len(one)],
                        concurrency=args.concurrency, seconds=args.seconds,
                        max_requests=200_000)
        theirs = run_load("127.0.0.1", base_port, lambda i: base[i % len(base)],
                          concurrency=args.concurrency, seconds=args.seconds,
                          max_requests=200_000)
        print(ours.line("jupyter-ad serve       "))
        print(theirs.line("FastAPI + scikit-learn "))
        met = ours.rate >= 1000 and ours.percentile(99) <= 50 and not ours.failed
        print(f"ratio: {ours.rate / theirs.rate:.1f}x the requests/s; target >= 1,000 req/s, "
              f"p99 <= 50 ms, 0 errors: {'met' if met else 'NOT met'}")

        print(f"\n## batches through the API ({_load_avg()})")
        for size, form in ((1000, "rows"), (10_000, "rows"), (10_000, "columns")):
            chunk = rows[:size] if size <= len(rows) else (rows * (size // len(rows) + 1))[:size]
            body = {"rows": chunk} if form == "rows" else {
                "columns": {k: [r[k] for r in chunk] for k in chunk[0]}}
            payload = request_bytes("POST", "/v1/models/bench/score", orjson.dumps(body),
                                    {"X-API-Key": key})
            result = run_load("127.0.0.1", port, lambda i, p=payload: p, concurrency=2,
                              seconds=args.seconds, max_requests=2000)
            print(result.line(f"{size:>6} rows as {form:<7}") +
                  f" -> {result.rate * size:,.0f} rows/s")
        base_body = request_bytes("POST", "/score", orjson.dumps({"rows": rows[:1000]}), {})
        result = run_load("127.0.0.1", base_port, lambda i: base_body, concurrency=2,
                          seconds=args.seconds, max_requests=2000)
        print(result.line("  1000 rows, baseline  ") + f" -> {result.rate * 1000:,.0f} rows/s")

        print(f"\n## model swap under load ({_load_avg()})")
        swaps = [0]
        stop = threading.Event()

        def swapper() -> None:
            import httpx

            with httpx.Client(base_url=server.url, headers={"X-API-Key": key},
                              timeout=60) as c:
                version = 2
                while not stop.is_set():
                    answer = c.put("/v1/models/bench/aliases/production",
                                   json={"version": version})
                    assert answer.status_code == 200, answer.text
                    swaps[0] += 1
                    version = 3 - version
                    stop.wait(0.5)

        thread = threading.Thread(target=swapper)
        thread.start()
        try:
            swapped: LoadResult = run_load("127.0.0.1", port, lambda i: one[i % len(one)],
                                           concurrency=args.concurrency, seconds=args.seconds,
                                           max_requests=200_000, keep_bodies=True)
        finally:
            stop.set()
            thread.join(60)
        served = {orjson.loads(b)["model"] for b in swapped.bodies}
        print(swapped.line("single rows during swaps") +
              f"; {swaps[0]} swaps, versions answering {sorted(served)}")
        print(f"failed requests during swaps: {swapped.failed} (target 0: "
              f"{'met' if swapped.failed == 0 else 'NOT met'})")
    finally:
        baseline.terminate()
        server.stop()
        baseline.wait(20)


if __name__ == "__main__":
    main()
