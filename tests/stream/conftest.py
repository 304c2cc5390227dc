"""Fixtures of the streaming tests: fitted models, a real redis-server on a free port, and
librdkafka's mock Kafka cluster.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def numeric_frame(n: int = 3000, d: int = 5, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, d)), columns=[f"f{j}" for j in range(d)])
    frame.iloc[:20, 0] += 7.0
    return frame


@pytest.fixture(scope="session")
def numeric_model() -> Any:
    import jupyter_ad as ad

    return ad.fit(numeric_frame(), algorithm="iforest")


@pytest.fixture(scope="session")
def transactions() -> pd.DataFrame:
    import jupyter_ad as ad

    return ad.datasets.load_transactions(n_rows=1500).drop(columns="is_anomaly")


@pytest.fixture(scope="session")
def mixed_model(transactions: pd.DataFrame) -> Any:
    import jupyter_ad as ad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ad.fit(transactions, algorithm="iforest")


class RedisServer:
    """A redis-server process on a free port, in its own folder (append-only file on)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed: run `make system-deps` (Debian package)"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def client(self) -> Any:
        import redis

        return redis.Redis(port=self.port)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def kafka_cluster() -> Iterator[str]:
    """Bootstrap servers of a librdkafka mock cluster living in this process."""
    from confluent_kafka import Producer

    keeper = Producer({"test.mock.num.brokers": 1, "bootstrap.servers": "localhost"})
    brokers = keeper.list_topics(timeout=10).brokers
    yield ",".join(f"{b.host}:{b.port}" for b in brokers.values())
    keeper.flush(1)
    del keeper
