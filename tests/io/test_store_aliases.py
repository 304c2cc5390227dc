"""Aliases in the model store: set, promote, roll back, remove, history, signatures, deletes,
``ad.load("name@alias")``, and concurrent changes from real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import jupyter_ad as ad
from jupyter_ad.errors import (
    ModelNotFoundError,
    ModelStoreError,
    ParameterError,
    UntrustedModelError,
)
from jupyter_ad.io.store import ModelStore, check_alias, parse_ref, parse_spec
from tests.conftest import planted_frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    store = ModelStore(tmp_path / "store")
    for i in range(1, 5):
        store.save("fraud", {"v": i})
    return store


def test_specs_with_aliases() -> None:
    assert parse_ref("fraud@production") == ("fraud", None, "production")
    assert parse_ref("fraud@3") == ("fraud", 3, None)
    assert parse_ref("fraud@latest") == ("fraud", None, None)
    for bad in ("fraud@LATEST", "fraud@3x", "fraud@-prod", "fraud@a b", "fraud@" + "a" * 65):
        with pytest.raises(ParameterError):
            parse_ref(bad)
    with pytest.raises(ParameterError, match="'name@N'"):
        parse_spec("fraud@production")  # parse_spec keeps taking numbers only
    for bad in ("latest", "Latest", "3", "1st", "", "prod uction", "prod.1", None):
        with pytest.raises(ParameterError, match="an alias has"):
            check_alias(bad)
    assert check_alias("prod_2-b") == "prod_2-b"


def test_promote_rollback_and_history(store: ModelStore) -> None:
    assert store.aliases("fraud") == {}
    change = store.promote("fraud@2", "production")
    assert (change.version, change.previous, str(change)) == (
        2, None, "fraud@production: nothing -> fraud@2 (promote)")
    store.promote("fraud@3", "production")
    store.promote("fraud", "staging")  # the newest: 4
    store.promote("fraud@staging", "production")  # what staging points to
    assert store.aliases("fraud") == {"production": 4, "staging": 4}
    assert store.load("fraud@production")[0] == {"v": 4}
    assert store.load("fraud@production")[1]["version"] == 4

    assert store.rollback("fraud", "production").version == 3
    assert store.rollback("fraud", "production").version == 2
    with pytest.raises(ModelStoreError, match="no earlier version"):
        store.rollback("fraud", "production")
    assert store.aliases("fraud")["production"] == 2
    store.set_alias("fraud", "production", 2)  # no change: nothing recorded
    history = store.alias_history("fraud")
    assert list(history["action"]) == ["promote", "promote", "promote", "promote", "rollback",
                                       "rollback"]
    assert list(history["version"]) == [2, 3, 4, 4, 3, 2]
    assert list(history["previous"].fillna(0).astype(int)) == [0, 2, 0, 3, 4, 3]
    assert all("@" in user for user in history["user"])
    assert datetime.fromisoformat(history["time"].iloc[0]).utcoffset().total_seconds() == 0
    assert store.remove_alias("fraud", "staging").previous == 4
    assert store.aliases("fraud") == {"production": 2}
    table = store.list()
    assert table.set_index("version").loc[2, "aliases"] == ["production"]


def test_unknown_aliases_and_versions(store: ModelStore) -> None:
    with pytest.raises(ModelNotFoundError, match=r"no alias 'production'.*promote fraud@N"):
        store.load("fraud@production")
    with pytest.raises(ModelNotFoundError, match="no version 9"):
        store.set_alias("fraud", "production", 9)
    with pytest.raises(ModelNotFoundError):
        store.promote("nothing@1", "production")
    with pytest.raises(ModelNotFoundError):
        store.rollback("fraud", "nope")
    with pytest.raises(ParameterError):
        store.promote("fraud@2", "latest")


def test_a_version_behind_an_alias_cannot_be_deleted(store: ModelStore) -> None:
    store.promote("fraud@2", "production")
    store.promote("fraud@3", "production")
    store.promote("fraud@4", "production")
    with pytest.raises(ModelStoreError, match="alias 'production' points to it"):
        store.delete("fraud@4")
    with pytest.raises(ModelStoreError, match="alias 'production'"):
        store.delete("fraud")
    assert store.versions("fraud") == [1, 2, 3, 4]
    assert store.delete("fraud@3") == [3]  # in the rollback stack only: forgotten there
    assert store.rollback("fraud", "production").version == 2
    assert list(store.alias_history("fraud")["action"])[-2:] == ["delete", "rollback"]
    with pytest.raises(ParameterError, match="not through an alias"):
        store.delete("fraud@production")


def test_an_edited_alias_file_is_refused(store: ModelStore) -> None:
    store.promote("fraud@2", "production")
    path = store.root / "fraud" / "aliases.json"
    doc = json.loads(path.read_text())
    doc["aliases"]["production"]["version"] = 1  # an attacker points production elsewhere
    path.write_text(json.dumps(doc))
    with pytest.raises(UntrustedModelError, match="signature does not match"):
        store.load("fraud@production")
    with pytest.raises(UntrustedModelError):
        store.promote("fraud@3", "production")
    assert store.load("fraud@production", trusted=True)[0] == {"v": 1}
    assert store.list()["aliases"].map(len).sum() == 0  # the listing shows none, not a lie
    path.write_text("{nope")
    with pytest.raises(UntrustedModelError, match="cannot be read"):
        store.aliases("fraud")


def test_ad_load_resolves_an_alias(tmp_path: Path) -> None:
    frame, _ = planted_frame(n=150)
    for algorithm in ("iforest", "ecod"):
        ad.fit(frame, algorithm=algorithm).save("fraud")
    ModelStore().promote("fraud@1", "production")
    assert ad.load("fraud@production").algorithm_name == "iforest"
    ModelStore().promote("fraud@2", "production")
    assert ad.load("fraud@production").algorithm_name == "ecod"
    ModelStore().rollback("fraud", "production")
    assert ad.load("fraud@production").algorithm_name == "iforest"


PROMOTER = r"""
import sys
from jupyter_ad.io.store import ModelStore

store, tag = ModelStore(sys.argv[1]), sys.argv[2]
for i in range(15):
    store.promote(f"m@{1 + (i % 3)}", "production")
    store.promote(f"m@{1 + (i % 3)}", tag)
print("done", flush=True)
"""


@pytest.mark.slow
def test_concurrent_promotions_lose_no_update(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    for i in range(3):
        store.save("m", i)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", PROMOTER, str(store.root), tag],
                                 stdout=subprocess.PIPE, text=True, env=env)
                for tag in ("a", "b", "c")]
    outputs = [child.communicate(timeout=120)[0] for child in children]
    assert [c.returncode for c in children] == [0, 0, 0] and all("done" in o for o in outputs)
    history = store.alias_history("m")
    changes = history[history["alias"] == "production"]
    # every change recorded: each entry's previous is the version before it
    assert list(changes["previous"].iloc[1:].astype(int)) == list(
        changes["version"].iloc[:-1].astype(int))
    assert {a: len(history[history["alias"] == a]) for a in "abc"} == {"a": 15, "b": 15, "c": 15}
    assert set(store.aliases("m")) == {"production", "a", "b", "c"}
