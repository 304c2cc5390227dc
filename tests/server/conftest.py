"""A real service for the tests: ``jupyter-ad serve`` started as a process on a free loopback
port (``--port 0``; the port is read from its first line), called over HTTP with httpx.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

JUPYTER_AD = str(Path(sys.executable).with_name("jupyter-ad"))


@pytest.fixture(scope="session")
def server_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store signing key for the server tests of a session (see ``_isolated_store``)."""
    return tmp_path_factory.mktemp("server-key") / "store.key"


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                    server_key_file: Path) -> Path:
    """As the suite's own (a store per test), but signed with the session's key: the services
    are module fixtures, started (and their models saved) before a test's own fixtures run.
    """
    root = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("JUPYTER_AD_HOME", str(root))
    monkeypatch.setenv("JUPYTER_AD_STORE_KEY_FILE", str(server_key_file))
    monkeypatch.delenv("JUPYTER_AD_STORE_KEY", raising=False)
    return root


@contextmanager
def signing(key_file: Path) -> Iterator[None]:
    """The environment of a module fixture: the session's store key, never the user's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_AD_STORE_KEY_FILE", str(key_file))
        patch.delenv("JUPYTER_AD_STORE_KEY", raising=False)
        yield


def transactions(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Rows of every column kind the models see (timestamps as text, as JSON sends them)."""
    import jupyter_ad as ad

    data = ad.datasets.load_transactions(n_rows=n, random_state=seed).drop(columns=["is_anomaly"])
    data["timestamp"] = data["timestamp"].astype(str)
    return data


def fit_and_save(store: Path, name: str = "fraud", *, random_state: int = 0, n: int = 1500,
                 algorithm: str = "iforest", data: pd.DataFrame | None = None) -> str:
    """Fit a model on the transactions and save it into ``store``; returns ``name@version``."""
    import jupyter_ad as ad

    frame = transactions(n) if data is None else data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ad.fit(frame, algorithm=algorithm, random_state=random_state)
    return str(model.save(name, root=store))


def create_key(keys_file: Path, scopes: str, rate_limit: str | None = None) -> str:
    """A key made by the real command (``jupyter-ad keys create``)."""
    argv = [JUPYTER_AD, "keys", "create", "--scope", scopes, "--keys-file", str(keys_file)]
    if rate_limit:
        argv += ["--rate-limit", rate_limit]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip()


@dataclass
class Server:
    """A running ``jupyter-ad serve`` process."""

    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    def client(self, key: str | None = None, *, headers: dict[str, str] | None = None
               ) -> httpx.Client:
        sent = {"X-API-Key": key} if key else {}
        return httpx.Client(base_url=self.url, headers={**sent, **(headers or {})}, timeout=60)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start_server(args: list[str], env: dict[str, str] | None = None, *,
                 argv: list[str] | None = None, ready: bool = True,
                 timeout: float = 120) -> Server:
    """Start ``jupyter-ad serve --port 0 ARGS`` (or ``argv``) and wait until it answers."""
    command = argv if argv is not None else [JUPYTER_AD, "serve", "--host", "127.0.0.1",
                                             "--port", "0", *args]
    full_env = {**os.environ, **(env or {})}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, env=full_env)
    assert process.stderr is not None
    lines: list[str] = []
    url: list[str] = []
    got_url = threading.Event()

    def pump() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if "listening on http://" in line and not url:
                url.append(line.split("listening on ")[1].strip())
                got_url.set()
        got_url.set()

    threading.Thread(target=pump, daemon=True).start()
    if not got_url.wait(timeout) or not url:
        process.kill()
        raise RuntimeError("the service did not start:\n" + "\n".join(lines[-30:]))
    server = Server(process, url[0], lines)
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = httpx.get(f"{server.url}/readyz" if ready else f"{server.url}/healthz",
                               timeout=10)
            if answer.status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("the service did not get ready:\n" + "\n".join(lines[-30:]))
        time.sleep(0.2)


@dataclass
class Setup:
    store: Path
    keys_file: Path
    keys: dict[str, str]
    server: Server
    data: pd.DataFrame


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, server_key_file: Path) -> Iterator[Setup]:
    """One service for a test module: model ``fraud`` (2 versions, alias production -> 1) and
    ``tiny``; keys for every scope and one with all of them.
    """
    with signing(server_key_file):
        yield from _service(tmp_path_factory)


def _service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    root = tmp_path_factory.mktemp("service")
    store, keys_file = root / "store", root / "keys.json"
    fit_and_save(store, "fraud")
    fit_and_save(store, "fraud", random_state=1)
    rng = np.random.default_rng(0)
    tiny = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    fit_and_save(store, "tiny", data=tiny)
    from jupyter_ad.io.store import ModelStore

    ModelStore(store).set_alias("fraud", "production", 1)
    keys = {scope: create_key(keys_file, scope, "100000/second")
            for scope in ("score", "explain", "feedback", "admin", "metrics")}
    keys["all"] = create_key(keys_file, "score+explain+feedback+admin+metrics", "100000/second")
    server = start_server(["--store", str(store), "--keys-file", str(keys_file),
                           "--models", "fraud@production,tiny", "--watch-interval", "0.5",
                           "--auth-failure-limit", "100000/second"])
    try:
        yield Setup(store, keys_file, keys, server, transactions(1500))
    finally:
        server.stop()
