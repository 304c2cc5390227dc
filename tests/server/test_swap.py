"""Aliases and deployments: the service follows an alias, swaps models without failing a
request under load, and admin routes promote (after verifying the version) and roll back.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import (
    JUPYTER_AD,
    create_key,
    fit_and_save,
    signing,
    start_server,
    transactions,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("server-swap")]


def _served_version(client: httpx.Client) -> int:
    return int(client.get("/v1/models/fraud").json()["version"])


def _wait_for(client: httpx.Client, version: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while _served_version(client) != version:
        assert time.monotonic() < deadline, f"the service did not swap to version {version}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory, server_key_file: Path):
    with signing(server_key_file):
        yield from _deployed(tmp_path_factory)


def _deployed(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("swap")
    store, keys_file = root / "store", root / "keys.json"
    for seed in range(3):
        fit_and_save(store, "fraud", random_state=seed)
    from jupyter_ad.io.store import ModelStore

    ModelStore(store).set_alias("fraud", "production", 1)
    key = create_key(keys_file, "score+admin", "1000000/second")
    server = start_server(["--store", str(store), "--keys-file", str(keys_file), "--models",
                           "fraud@production", "--watch-interval", "0.3"])
    try:
        yield store, key, server
    finally:
        server.stop()


def test_swaps_under_load_fail_no_request(deployed) -> None:
    store, key, server = deployed
    rows = json.loads(transactions(200).to_json(orient="records"))
    seen: set[str] = set()
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def load(batch: int) -> None:
        with server.client(key) as c:
            i = 0
            while not stop.is_set():
                body = {"rows": rows[i % 150:i % 150 + batch]}
                try:
                    answer = c.post("/v1/models/fraud/score", json=body)
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
                    continue
                if answer.status_code != 200:
                    failures.append(answer.text)
                else:
                    seen.add(answer.json()["model"])
                    answered[0] += 1
                i += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in (1, 1, 1, 25)]
    for t in threads:
        t.start()
    try:
        with server.client(key) as admin:
            for version in (2, 3, 1, 3):  # through the admin route: swapped before the answer
                moved = admin.put("/v1/models/fraud/aliases/production",
                                  json={"version": version}).json()
                assert moved["version"] == version and moved["served"] == f"fraud@{version}"
                time.sleep(0.4)
            back = admin.post("/v1/models/fraud/aliases/production/rollback").json()
            assert back["version"] == 1 and back["served"] == "fraud@1"
            time.sleep(0.4)
            # through the store (as 'jupyter-ad models promote' does): the watcher swaps
            from jupyter_ad.io.store import ModelStore

            ModelStore(store).promote("fraud@2", "production")
            _wait_for(admin, 2)
            time.sleep(0.4)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert failures == []
    assert answered[0] > 50
    assert {"fraud@1", "fraud@2", "fraud@3"} <= seen
    assert '"event":"model_swap"' in server.log


def test_promote_verifies_the_version_before_the_alias_moves(deployed) -> None:
    store, key, server = deployed
    with server.client(key) as c:
        start = _served_version(c)
        ref = fit_and_save(store, "fraud", random_state=9)
        version = int(ref.split("@")[1])
        pkl = Path(store) / "fraud" / str(version) / "model.pkl"
        pkl.write_bytes(pkl.read_bytes()[:-10])  # damaged after saving
        refused = c.put("/v1/models/fraud/aliases/production", json={"version": version})
        assert refused.status_code == 409, refused.text
        assert "SHA-256" in refused.json()["message"]
        assert c.get("/v1/models/fraud/aliases").json()["aliases"]["production"] == start
        assert _served_version(c) == start
        bad_alias = c.put("/v1/models/fraud/aliases/latest", json={"version": 1})
        assert bad_alias.status_code == 422
        missing = c.put("/v1/models/fraud/aliases/production", json={"version": "2"})
        assert missing.status_code == 422 and missing.json()["field"] == "version"


def test_a_removed_alias_keeps_the_model_served(tmp_path: Path) -> None:
    store, keys_file = tmp_path / "store", tmp_path / "keys.json"
    fit_and_save(store, "fraud")
    fit_and_save(store, "fraud", random_state=1)
    from jupyter_ad.io.store import ModelStore

    ModelStore(store).set_alias("fraud", "production", 2)
    key = create_key(keys_file, "score")
    server = start_server(["--store", str(store), "--keys-file", str(keys_file), "--models",
                           "fraud@production", "--watch-interval", "0.2"])
    try:
        (store / "fraud" / "aliases.json").write_text("{}")  # broken by hand
        time.sleep(1.5)
        with server.client(key) as c:
            answer = c.post("/v1/models/fraud/score",
                            json={"rows": json.loads(transactions(3).to_json(orient="records"))})
            assert answer.status_code == 200 and answer.json()["model"] == "fraud@2"
        assert "model_error" in server.log
    finally:
        server.stop()


def test_serve_refuses_an_unknown_alias_at_start(tmp_path: Path) -> None:
    fit_and_save(tmp_path / "store", "fraud")
    done = subprocess.run([JUPYTER_AD, "serve", "--store", str(tmp_path / "store"),
                           "--models", "fraud@production", "--port", "0"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "no alias 'production'" in done.stderr and "promote" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
