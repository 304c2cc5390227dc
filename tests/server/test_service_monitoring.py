"""The service's models are monitored: scoring requests become records of the served version
(single rows folded into one record per flush window), labels sent to the feedback route give
precision in the history, a swapped-in version records under its own number, and
``JUPYTER_AD_MONITORING_ENABLED=false`` turns the records off. Real ``jupyter-ad serve``
processes, read back with ``jupyter_ad.monitoring.history``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.server.conftest import Server, create_key, fit_and_save, signing, start_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("server-monitoring")]

ROWS = pd.DataFrame(np.random.default_rng(0).normal(size=(300, 3)), columns=["a", "b", "c"])


@dataclass
class Monitored:
    store: Path
    key: str
    server: Server


def _start(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Monitored:
    from jupyter_ad.io.store import ModelStore

    root = tmp_path_factory.mktemp("monitored")
    store, keys_file = root / "store", root / "keys.json"
    fit_and_save(store, "tiny", data=ROWS)
    fit_and_save(store, "tiny", data=ROWS * 1.5)
    ModelStore(store).set_alias("tiny", "production", 1)
    key = create_key(keys_file, "score+explain+feedback+admin", "100000/second")
    server = start_server(["--store", str(store), "--keys-file", str(keys_file), "--models",
                           "tiny@production", "--watch-interval", "0"], env=env)
    return Monitored(store, key, server)


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory,
              server_key_file: Path) -> Iterator[Monitored]:
    """A service of ``tiny@production`` (-> 1, version 2 saved), windows written per second."""
    with signing(server_key_file):
        setup = _start(tmp_path_factory, {"JUPYTER_AD_MONITORING_FLUSH_SECONDS": "1"})
    try:
        yield setup
    finally:
        setup.server.stop()


def _history(store: Path, wanted: int, *, seconds: float = 30.0) -> Any:
    """The history of ``tiny`` once it holds ``wanted`` rows (the service writes per second)."""
    from jupyter_ad.monitoring import history

    deadline = time.monotonic() + seconds
    while True:
        table = history("tiny", root=store)
        if int(table["rows"].sum()) >= wanted or time.monotonic() > deadline:
            return table
        time.sleep(0.2)


def _row(i: int, shift: float = 0.0) -> dict[str, float]:
    return {c: float(v) + shift for c, v in ROWS.iloc[i].items()}


def test_scoring_requests_are_records_of_the_served_version(monitored: Monitored) -> None:
    with monitored.server.client(monitored.key) as c:
        singles = [c.post("/v1/models/tiny/score", json={"rows": [_row(i)]}) for i in range(12)]
        batch = c.post("/v1/models/tiny/score", json={"rows": [_row(i) for i in range(20)]})
        explained = c.post("/v1/models/tiny/explain", json={"row": _row(0), "n_samples": 100})
    assert all(r.status_code == 200 for r in [*singles, batch, explained])
    table = _history(monitored.store, 32)
    assert int(table["rows"].sum()) == 32  # the explained row is not scoring traffic
    assert set(table["source"]) == {"service"} and set(table["version"]) == {1}
    assert int(table["calls"].sum()) == 13  # 12 single rows + 1 batch call
    assert len(table) < 13  # single rows are folded into windows, not a record each
    scores = [r.json()["scores"][0] for r in singles] + batch.json()["scores"]
    assert table["score_max"].max() == pytest.approx(max(scores))
    flagged = sum(r.json()["labels"][0] for r in singles) + sum(batch.json()["labels"])
    assert int(table["anomalies"].sum()) == flagged


def test_feedback_sent_to_the_service_shows_as_precision(monitored: Monitored) -> None:
    from jupyter_ad.monitoring import db, history

    odd = [_row(i, shift=8.0) for i in range(3)]
    with monitored.server.client(monitored.key) as c:
        candidates = [_row(i) for i in range(30, 60)]
        given = c.post("/v1/models/tiny/score", json={"rows": candidates}).json()["labels"]
        normal = [row for row, label in zip(candidates, given, strict=True) if not label][:6]
        scored = c.post("/v1/models/tiny/score", json={"rows": normal + odd}).json()
        assert scored["labels"][-3:] == [1, 1, 1]
        by_rows = c.post("/v1/models/tiny/feedback",
                         json={"rows": normal + odd, "labels": [0] * 6 + [1, 1, 0]})
        by_ids = c.post("/v1/models/tiny/feedback",
                        json={"ids": ["tx-1", 2, "tx-3"], "labels": [1, "no", None]})
    assert by_rows.json() == {"model": "tiny@1", "recorded": 9, "unlabelled": 0}
    assert by_ids.json() == {"model": "tiny@1", "recorded": 2, "unlabelled": 1}
    _, feedback = db.read_tables(monitored.store / ".monitoring.sqlite", "tiny")
    assert [(f["row"], f["label"], f["score"]) for f in feedback[-2:]] == [
        ("tx-1", 1, None), ("2", 0, None)]
    assert {f["source"] for f in feedback} == {"service"}
    table = history("tiny", root=monitored.store)
    latest = table.iloc[-1]  # the labels join the record of the request that scored the rows
    assert latest["source"] == "service" and latest["n_feedback"] == 11
    assert latest["alert_precision"] == pytest.approx(2 / 3)  # 2 of the 3 alerts were right
    assert 0.0 < latest["average_precision"] <= 1.0 and 0.0 < latest["precision_at_k"] <= 1.0


def test_a_swapped_in_version_records_under_its_number(monitored: Monitored) -> None:
    with monitored.server.client(monitored.key) as c:
        moved = c.put("/v1/models/tiny/aliases/production", json={"version": 2})
        assert moved.json()["served"] == "tiny@2"
        for i in range(5):
            assert c.post("/v1/models/tiny/score", json={"rows": [_row(i)]}).json()[
                "model"] == "tiny@2"
    deadline = time.monotonic() + 30
    while True:
        from jupyter_ad.monitoring import history

        table = history("tiny", root=monitored.store, version=2)
        if int(table["rows"].sum()) >= 5 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert int(table["rows"].sum()) == 5 and set(table["source"]) == {"service"}


def test_monitoring_off_leaves_the_service_unrecorded(
        tmp_path_factory: pytest.TempPathFactory, server_key_file: Path) -> None:
    from jupyter_ad.monitoring import history

    with signing(server_key_file):
        setup = _start(tmp_path_factory, {"JUPYTER_AD_MONITORING_ENABLED": "false",
                                          "JUPYTER_AD_MONITORING_FLUSH_SECONDS": "1"})
    try:
        with setup.server.client(setup.key) as c:
            for i in range(5):
                assert c.post("/v1/models/tiny/score", json={"rows": [_row(i)]}).status_code \
                    == 200
            assert c.post("/v1/models/tiny/score",
                          json={"rows": [_row(i) for i in range(10)]}).status_code == 200
        time.sleep(2.5)  # two flush windows of the enabled case
    finally:
        setup.server.stop()  # a stopped service writes what is pending when monitoring is on
    assert setup.server.process.returncode is not None
    assert len(history("tiny", root=setup.store)) == 0


def test_pending_rows_are_written_when_the_service_stops(
        tmp_path_factory: pytest.TempPathFactory, server_key_file: Path) -> None:
    from jupyter_ad.monitoring import history

    with signing(server_key_file):
        setup = _start(tmp_path_factory, {"JUPYTER_AD_MONITORING_FLUSH_SECONDS": "3600"})
    try:
        with setup.server.client(setup.key) as c:
            for i in range(7):
                assert c.post("/v1/models/tiny/score", json={"rows": [_row(i)]}).status_code \
                    == 200
        assert len(history("tiny", root=setup.store)) == 0  # still in the hour's window
    finally:
        setup.server.stop()
    table = history("tiny", root=setup.store)
    assert table[["source", "calls", "rows"]].values.tolist() == [["service", 7, 7]]


def test_a_broken_monitoring_database_never_fails_scoring(
        tmp_path_factory: pytest.TempPathFactory, server_key_file: Path) -> None:
    blocker = tmp_path_factory.mktemp("broken") / "a-file"
    blocker.write_text("not a folder")
    with signing(server_key_file):
        setup = _start(tmp_path_factory, {
            "JUPYTER_AD_MONITORING_PATH": str(blocker / "monitoring.sqlite"),
            "JUPYTER_AD_MONITORING_FLUSH_ROWS": "2", "JUPYTER_AD_MONITORING_FLUSH_SECONDS": "1"})
    try:
        with setup.server.client(setup.key) as c:
            answers = [c.post("/v1/models/tiny/score", json={"rows": [_row(i)]})
                       for i in range(6)]
            answers.append(c.post("/v1/models/tiny/score",
                                  json={"rows": [_row(i) for i in range(10)]}))
            time.sleep(1.5)  # the background writer has tried too
            feedback = c.post("/v1/models/tiny/feedback", json={"ids": ["x"], "labels": [1]})
        assert [a.status_code for a in answers] == [200] * 7
        assert feedback.status_code == 503  # the labels were not kept: the client must know
        assert feedback.json()["error"] == "feedback_not_stored"
    finally:
        setup.server.stop()
    warned = [line for line in setup.server.lines if "could not record" in line]
    assert len(warned) == 1, setup.server.log[-3000:]  # once, not per request
