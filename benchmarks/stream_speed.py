"""Streaming speed, with river measured in the same run for a ratio.

Cases (each bounded in events and time; loopback only):

* ``in-process``: an in-process source of DataFrames (micro-batches of ``--batch`` events)
  through an Isolation Forest model (``algorithm="iforest"``) into an in-process sink that
  keeps nothing: events/s; and the same events as dicts;
* ``stored``: the same frames through a model loaded from a store by name (monitored: one
  record per flush window, source ``stream``) and, for the ratio, with monitoring off;
* ``river``: river's ``HalfSpaceTrees`` ``score_one`` + ``learn_one`` on the same events as
  dicts (its streaming path): events/s;
* ``latency``: events paced at ``--rate`` events/s from a generator into the stream; added
  latency per event (from the moment the generator yields it to the sink write), p50/p99;
* ``redis``: a real ``redis-server`` on a free port: ``--redis-events`` entries read through a
  consumer group, scored, written to another stream (XADD) and acknowledged: events/s;
* ``drift``: ``ad.drift`` of a 10,000-row window against a 10,000-row reference at 20
  features: milliseconds (best of 5).

Run: ``python benchmarks/stream_speed.py [--events 2000000] [--quick]``. The machine may be
shared: the figures are those measured under the load the run saw (printed with them).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")


def _model(features: int) -> Any:
    import jupyter_ad as ad

    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(20_000, features)),
                         columns=[f"f{j}" for j in range(features)])
    return ad.fit(train, algorithm="iforest")


def _events(n: int, features: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.normal(size=(n, features)), columns=[f"f{j}" for j in range(features)])


def in_process(model: Any, frame: pd.DataFrame, batch: int, as_dicts: bool) -> float:
    """Events per second, source to sink, all in this process."""
    import jupyter_ad as ad

    count = 0

    def sink(scored: Any) -> None:
        nonlocal count
        count += len(scored)

    if as_dicts:
        source: Any = frame.to_dict("records")
    else:
        source = [frame.iloc[i:i + batch] for i in range(0, len(frame), batch)]
    ad.stream(source[:2] if not as_dicts else source[:batch], model, sink=sink,
              batch_size=batch, drift_every=0).join()  # warm-up (compiled kernels)
    count = 0
    start = time.perf_counter()
    ad.stream(source, model, sink=sink, batch_size=batch, drift_every=0).join()
    seconds = time.perf_counter() - start
    assert count == len(frame)
    return len(frame) / seconds


def stored_rates(model: Any, frame: pd.DataFrame, batch: int, rounds: int = 4
                 ) -> dict[str, float]:
    """Events per second through a model loaded from a store by name, monitored and not
    (best of ``rounds`` interleaved runs each).
    """
    import jupyter_ad as ad

    folder = tempfile.mkdtemp()
    previous = os.environ.get("JUPYTER_AD_MONITORING_ENABLED")
    try:
        model.save("bench", root=folder)
        source = [frame.iloc[i:i + batch] for i in range(0, len(frame), batch)]
        rates: dict[str, list[float]] = {"on": [], "off": []}
        for label in ("off", "on") * rounds:  # interleaved: both see the same machine load
            os.environ["JUPYTER_AD_MONITORING_ENABLED"] = "true" if label == "on" else "false"
            ad.stream(source[:2], "bench", store=folder, drift_every=0,
                      batch_size=batch).join()  # warm-up
            start = time.perf_counter()
            s = ad.stream(source, "bench", sink=lambda _: None, store=folder,
                          batch_size=batch, drift_every=0)
            s.join()
            rates[label].append(len(frame) / (time.perf_counter() - start))
        out = {label: max(values) for label, values in rates.items()}
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_AD_MONITORING_ENABLED", None)
        else:
            os.environ["JUPYTER_AD_MONITORING_ENABLED"] = previous
        shutil.rmtree(folder, ignore_errors=True)
    return {"monitored_per_s": out["on"], "unmonitored_per_s": out["off"]}


def river_rate(frame: pd.DataFrame) -> float:
    """river HalfSpaceTrees score_one + learn_one, events per second (NaN without river)."""
    try:
        from river import anomaly
    except ImportError:
        print("river is not installed (pip install 'jupyter-ad[river]'): no ratios")
        return float("nan")

    rows = frame.to_dict("records")
    model = anomaly.HalfSpaceTrees(seed=0)
    for row in rows[:1000]:
        model.learn_one(row)
    start = time.perf_counter()
    for row in rows:
        model.score_one(row)
        model.learn_one(row)
    return len(rows) / (time.perf_counter() - start)


def latency(model: Any, features: int, rate: float, seconds: float) -> dict[str, float]:
    """Added latency per event at a paced rate (ms): p50, p99, max."""
    import jupyter_ad as ad

    n = int(rate * seconds)
    rows = _events(n, features, seed=2).to_dict("records")
    delays: list[float] = []

    def events() -> Any:
        start = time.perf_counter()
        for i, row in enumerate(rows):
            due = start + i / rate
            while time.perf_counter() < due:
                pass
            row["t0"] = time.perf_counter()
            yield row

    def sink(scored: Any) -> None:
        now = time.perf_counter()
        delays.extend(now - r["t0"] for r in scored.records)

    ad.stream(events(), model, sink=sink, batch_size=1000, max_latency_ms=1,
              drift_every=0).join()
    values = np.asarray(delays) * 1000.0
    return {"events": float(n), "p50_ms": float(np.percentile(values, 50)),
            "p99_ms": float(np.percentile(values, 99)), "max_ms": float(values.max())}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_round_trip(model: Any, features: int, n: int) -> dict[str, float]:
    """Redis source -> score -> Redis sink -> XACK, events per second."""
    import redis

    import jupyter_ad as ad

    binary = shutil.which("redis-server")
    if binary is None:
        return {"error": "redis-server is not installed (make system-deps)"}  # type: ignore
    port = _free_port()
    folder = tempfile.mkdtemp()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--dir", folder], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        rows = _events(n, features, seed=3).to_dict("records")
        start = time.perf_counter()
        for k in range(0, n, 10_000):
            pipe = client.pipeline(transaction=False)
            for row in rows[k:k + 10_000]:
                pipe.xadd("events", {"data": json.dumps(row)})
            pipe.execute()
        xadd = n / (time.perf_counter() - start)
        del rows, pipe  # the producer is another process in real use: its events are not
        gc.collect()  # this process's to keep (their dicts would slow every GC pass)
        url = f"redis://127.0.0.1:{port}/0"
        done = threading.Event()
        finished = [0.0]

        def check(stream: Any) -> None:  # in the stream's thread, after each batch's XACK
            if not done.is_set() and stream.stats()["scored"] >= n:
                finished[0] = time.perf_counter()
                done.set()

        s = ad.stream(f"{url}/events?group=bench", model, f"{url}/scored", batch_size=2000,
                      drift_every=0, start=False)  # connected, imports done: not timed
        s.on_batch(check)
        start = time.perf_counter()
        s.start()
        done.wait(300)  # no polling: the main thread sleeps until the last event is scored
        seconds = (finished[0] or time.perf_counter()) - start
        s.stop()
        assert client.xlen("scored") == n
        return {"events": float(n), "events_per_s": n / seconds, "xadd_per_s": xadd}
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


def drift_ms(rows: int = 10_000, features: int = 20) -> float:
    """ad.drift of a window against a reference, best of 5 (ms)."""
    import jupyter_ad as ad

    reference = _events(rows, features, seed=4)
    current = _events(rows, features, seed=5)
    current["f3"] += 0.5
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        report = ad.drift(reference, current)
        best = min(best, time.perf_counter() - start)
    assert report.drifted == ["f3"], report.drifted
    return best * 1000.0


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run every case and print the table; returns the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=8)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--redis-events", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.redis_events, args.seconds = 100_000, 10_000, 1.0
    model = _model(args.features)
    frame = _events(args.events, args.features)
    river_frame = frame.iloc[: min(len(frame), 50_000)]
    out: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    out["river_per_s"] = river_rate(river_frame)
    out["frames_per_s"] = in_process(model, frame, args.batch, as_dicts=False)
    out["stored"] = stored_rates(model, frame, args.batch)
    out["dicts_per_s"] = in_process(model, frame.iloc[: min(len(frame), 300_000)],
                                    args.batch, as_dicts=True)
    out["latency"] = latency(model, args.features, args.rate, args.seconds)
    out["redis"] = redis_round_trip(model, args.features, args.redis_events)
    out["drift_ms"] = drift_ms()
    out["load_after"] = os.getloadavg()[0]
    river = out["river_per_s"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{out['load_before']:.1f} -> {out['load_after']:.1f}")
    print(f"features {args.features}, in-process batch {args.batch}, iforest model")
    print(f"{'case':<44}{'figure':>16}{'vs river':>10}")
    rows = [("in-process, frames (events/s)", out["frames_per_s"]),
            ("in-process, dicts (events/s)", out["dicts_per_s"]),
            ("stored model, monitored (events/s)", out["stored"]["monitored_per_s"]),
            ("stored model, monitoring off (events/s)", out["stored"]["unmonitored_per_s"]),
            ("river HalfSpaceTrees score+learn (events/s)", river)]
    redis_rate = out["redis"].get("events_per_s")
    if redis_rate:
        rows.append(("Redis Streams round trip (events/s)", redis_rate))
    for name, value in rows:
        print(f"{name:<44}{value:>16,.0f}{value / river:>9.1f}x")
    lat = out["latency"]
    label = f"added latency at {args.rate:,.0f} events/s, p50 / p99 (ms)"
    print(f"{label:<44}"
          f"{lat['p50_ms']:>8.2f} / {lat['p99_ms']:.2f}")
    print(f"{'drift check, 10k rows x 20 features (ms)':<44}{out['drift_ms']:>16.1f}")
    if redis_rate:
        print(f"(pipelined XADD alone: {out['redis']['xadd_per_s']:,.0f} entries/s)")
    return out


if __name__ == "__main__":
    main()
