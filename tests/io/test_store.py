"""The model store: versions, specs, listing, verification, atomicity under SIGKILL, concurrency."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jupyter_ad.io.store as store_module
from jupyter_ad.errors import (
    ModelNotFoundError,
    ModelStoreError,
    ParameterError,
    UntrustedModelError,
)
from jupyter_ad.io import ModelRef, ModelStore, load_file, parse_spec

TRUST_HINT = "pass trusted=True only if you trust where the file came from"
COLUMNS = ["name", "version", "created", "algorithm", "features", "metrics", "aliases", "status",
           "problem", "path"]


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path / "store")


def _child_env() -> dict[str, str]:
    """Environment for a child Python that imports this checkout of jupyter_ad."""
    repo = str(Path(__file__).resolve().parents[2])
    extra = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": repo + (os.pathsep + extra if extra else "")}


class _Sentinel:
    """Unpickling this creates a folder: shows whether (and when) a pickle was executed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (str(self.path),))


# --- round trip, versions, listing --------------------------------------------------------------
def test_round_trip_of_dict_with_numpy_arrays(store: ModelStore) -> None:
    obj = {"weights": np.arange(12.0).reshape(3, 4), "labels": ["a", "b"], "n": 3}
    ref = store.save("fraud", obj, metadata={"algorithm": "iforest"})

    assert isinstance(ref, ModelRef)
    assert (ref.name, ref.version, str(ref)) == ("fraud", 1, "fraud@1")
    assert ref.path == store.root / "fraud" / "1"
    assert sorted(p.name for p in ref.path.iterdir()) == ["manifest.json", "model.pkl"]

    loaded, manifest = store.load("fraud")
    assert loaded.keys() == obj.keys()
    np.testing.assert_array_equal(loaded["weights"], obj["weights"])
    assert loaded["labels"] == ["a", "b"] and loaded["n"] == 3

    on_disk = json.loads((ref.path / "manifest.json").read_text())
    assert manifest == on_disk
    assert manifest["format"] == "jupyter-ad-model/1"
    assert (manifest["name"], manifest["version"]) == ("fraud", 1)
    assert manifest["sha256"] == hashlib.sha256((ref.path / "model.pkl").read_bytes()).hexdigest()
    assert set(manifest["libraries"]) == {
        "python",
        "jupyter-ad",
        "numpy",
        "pandas",
        "scikit-learn",
        "pyod",
        "scipy",
    }
    assert manifest["libraries"]["numpy"] == np.__version__
    assert manifest["metadata"] == {"algorithm": "iforest"}
    assert len(manifest["signature"]) == 64
    assert datetime.fromisoformat(manifest["created"]).utcoffset().total_seconds() == 0
    # the pickle is protocol 5, readable by plain pickle
    assert (ref.path / "model.pkl").read_bytes()[:2] == b"\x80\x05"


def test_store_key_is_private_stable_and_outside_the_store(store: ModelStore) -> None:
    store.save("a", 1)
    key_path = Path(os.environ["JUPYTER_AD_STORE_KEY_FILE"])
    assert store.key.path == key_path and not key_path.is_relative_to(store.root)
    key = key_path.read_bytes()
    assert len(key) == 32
    if os.name == "posix":
        assert key_path.stat().st_mode & 0o777 == 0o600
    assert not (store.root / ".store-key").exists()
    store.save("b", 2)
    ModelStore(store.root).save("a", 3)
    assert key_path.read_bytes() == key
    assert not list(key_path.parent.glob(f".{key_path.name}.tmp-*"))
    manifest = json.loads((store.root / "a" / "1" / "manifest.json").read_text())
    assert manifest["key_id"] == store_module.signing.key_id(key)


def test_versions_increment_and_specs_pick_the_right_one(store: ModelStore) -> None:
    assert store.versions("m") == []
    refs = [store.save("m", {"i": i}) for i in range(3)]
    assert [r.version for r in refs] == [1, 2, 3]
    assert store.versions("m") == [1, 2, 3]
    for i in range(3):
        assert store.load(f"m@{i + 1}")[0] == {"i": i}
    assert store.load("m")[0] == {"i": 2}
    assert store.load("m@latest")[0] == {"i": 2}
    assert store.load(" m@latest ")[1]["version"] == 3
    assert store.load(str(refs[0]))[0] == {"i": 0}


def test_list_dataframe(store: ModelStore) -> None:
    empty = store.list()
    assert isinstance(empty, pd.DataFrame) and empty.empty
    assert list(empty.columns) == COLUMNS

    store.save("zeta", 0)
    store.save(
        "alpha",
        0,
        metadata={
            "algorithm": "iforest",
            "features": pd.Index(["amount", "count"]),
            "metrics": {"auc": np.float64(0.91), "n": np.int64(5)},
            "extra": "not listed",
        },
    )
    store.save("alpha", 1, metadata={"algorithm": "lof"})
    (store.root / "alpha" / ".tmp-deadbeef").mkdir()  # half-written save: ignored

    frame = store.list()
    assert list(frame.columns) == COLUMNS
    assert list(frame["status"]) == ["ok", "ok", "ok"] and frame["problem"].isna().all()
    assert list(frame["aliases"]) == [[], [], []]
    assert list(zip(frame["name"], frame["version"], strict=True)) == [
        ("alpha", 1),
        ("alpha", 2),
        ("zeta", 1),
    ]
    assert frame["version"].dtype == np.int64
    first = frame.iloc[0]
    assert first["algorithm"] == "iforest"
    assert first["features"] == ["amount", "count"]
    assert first["metrics"] == {"auc": 0.91, "n": 5}
    assert type(first["metrics"]["n"]) is int
    assert frame.iloc[1]["algorithm"] == "lof"
    assert pd.isna(frame.iloc[2]["algorithm"]) and frame.iloc[2]["features"] is None
    assert first["path"] == str(store.root / "alpha" / "1")
    for created in frame["created"]:
        assert datetime.fromisoformat(created).utcoffset().total_seconds() == 0


def test_metadata_is_converted_or_refused(store: ModelStore) -> None:
    ref = store.save(
        "m",
        0,
        metadata={
            "flag": np.bool_(True),
            "arr": np.array([1, 2]),
            "tuple": (1, "x"),
            "nested": {"f": np.float32(0.5)},
        },
    )
    meta = store.load(str(ref))[1]["metadata"]
    assert meta == {"flag": True, "arr": [1, 2], "tuple": [1, "x"], "nested": {"f": 0.5}}
    assert type(meta["flag"]) is bool

    with pytest.raises(ParameterError, match=r"metadata\['bad'\]\[0\] has type object"):
        store.save("m", 0, metadata={"bad": [object()]})
    with pytest.raises(ParameterError, match="keys must be strings"):
        store.save("m", 0, metadata={1: "x"})
    with pytest.raises(ParameterError, match="metadata must be a dict"):
        store.save("m", 0, metadata=["algorithm"])  # type: ignore[arg-type]
    assert store.versions("m") == [1]  # nothing written by the refused saves


# --- names and specs ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["", ".hidden", "-dash", "_under", "a/b", "a b", "a@b", "é", "x" * 101, "..", 7]
)
def test_bad_names_raise_parameter_error(store: ModelStore, name: object) -> None:
    with pytest.raises(ParameterError, match="starts with a letter or digit"):
        store.save(name, 1)  # type: ignore[arg-type]
    with pytest.raises(ParameterError):
        store.versions(name)  # type: ignore[arg-type]
    assert not store.root.exists() or not any(store.root.iterdir())


@pytest.mark.parametrize("name", ["a", "Fraud-v2.1_b", "0", "x" * 100])
def test_good_names(store: ModelStore, name: str) -> None:
    assert store.save(name, 1).version == 1
    assert store.load(name)[0] == 1


def test_parse_spec() -> None:
    assert parse_spec("fraud") == ("fraud", None)
    assert parse_spec("fraud@latest") == ("fraud", None)
    assert parse_spec("fraud@3") == ("fraud", 3)
    assert parse_spec("fraud@0012") == ("fraud", 12)


@pytest.mark.parametrize(
    "spec", ["fraud@0", "fraud@-1", "fraud@", "fraud@1.5", "a@1@2", "fraud@LATEST", "fraud@x y"]
)
def test_bad_version_specs_name_the_fix(store: ModelStore, spec: str) -> None:
    with pytest.raises(ParameterError, match=r"'name@latest', or 'name@N'"):
        parse_spec(spec)
    with pytest.raises(ParameterError):
        store.load(spec)


@pytest.mark.parametrize("spec", ["@3", "", "a b@1", None])
def test_bad_spec_names(store: ModelStore, spec: object) -> None:
    with pytest.raises(ParameterError):
        parse_spec(spec)  # type: ignore[arg-type]
    with pytest.raises(ParameterError):
        store.delete(spec)  # type: ignore[arg-type]


# --- not found, delete --------------------------------------------------------------------------
def test_missing_name_or_version(store: ModelStore) -> None:
    with pytest.raises(ModelNotFoundError, match="the store is empty"):
        store.load("fraud")
    store.save("fraud", 1)
    store.save("fraud", 2)
    store.save("churn", 3)
    with pytest.raises(KeyError, match=r"Did you mean 'fraud'\?.*Saved models: churn, fraud"):
        store.load("frud")
    with pytest.raises(ModelNotFoundError, match="no version 5; available versions: 1, 2") as err:
        store.load("fraud@5")
    assert isinstance(err.value, KeyError) and isinstance(err.value, ModelStoreError)
    with pytest.raises(ModelNotFoundError):
        store.delete("fraud@9")


def test_delete(store: ModelStore) -> None:
    for i in range(3):
        store.save("m", i)
    store.save("other", 0)
    assert store.delete("m@2") == [2]
    assert store.versions("m") == [1, 3]
    store.delete("m@latest")
    assert store.versions("m") == [1]
    assert store.load("m")[0] == 0
    store.delete("m")
    assert store.versions("m") == []
    assert list(store.list()["name"]) == ["other"]
    with pytest.raises(ModelNotFoundError):
        store.delete("m")
    assert store.save("m", 9).version == 4  # numbers are never used twice
    store.delete("m@latest")
    assert store.save("m", 10).version == 5
    assert ModelStore(store.root).save("m", 11).version == 6  # kept on disk, not in memory


# --- verification -------------------------------------------------------------------------------
def test_replaced_model_pickle_is_refused_before_unpickling(
    store: ModelStore, tmp_path: Path
) -> None:
    ref = store.save("m", {"ok": True})
    sentinel = tmp_path / "pickle-was-executed"
    (ref.path / "model.pkl").write_bytes(pickle.dumps(_Sentinel(sentinel), protocol=5))

    with pytest.raises(UntrustedModelError, match=r"SHA-256 of model\.pkl") as err:
        store.load("m")
    assert TRUST_HINT in str(err.value)
    assert not sentinel.exists(), "the pickle ran before verification"

    store.load("m", trusted=True)
    assert sentinel.is_dir()


def test_flipped_byte_in_model_pickle_is_refused(store: ModelStore) -> None:
    ref = store.save("m", list(range(100)))
    data = bytearray((ref.path / "model.pkl").read_bytes())
    data[len(data) // 2] ^= 0x01
    (ref.path / "model.pkl").write_bytes(bytes(data))
    with pytest.raises(UntrustedModelError, match="SHA-256"):
        store.load("m@1")
    with pytest.raises(UntrustedModelError):
        load_file(ref.path, store=store)


def test_edited_manifest_is_refused(store: ModelStore) -> None:
    ref = store.save("m", 1, metadata={"metrics": {"auc": 0.6}})
    path = ref.path / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["metadata"]["metrics"]["auc"] = 0.99
    path.write_text(json.dumps(manifest))
    with pytest.raises(UntrustedModelError, match="signature does not match") as err:
        store.load("m")
    assert TRUST_HINT in str(err.value)
    obj, loaded = store.load("m", trusted=True)
    assert obj == 1 and loaded["metadata"]["metrics"]["auc"] == 0.99


def test_consistently_swapped_pickle_and_hash_is_refused(store: ModelStore, tmp_path: Path) -> None:
    ref = store.save("m", 1)
    sentinel = tmp_path / "ran"
    evil = pickle.dumps(_Sentinel(sentinel), protocol=5)
    (ref.path / "model.pkl").write_bytes(evil)
    manifest = json.loads((ref.path / "manifest.json").read_text())
    manifest["sha256"] = hashlib.sha256(evil).hexdigest()
    (ref.path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UntrustedModelError, match="signature"):
        store.load("m")
    assert not sentinel.exists()


def test_renamed_version_folder_is_refused(store: ModelStore) -> None:
    store.save("m", "one")
    store.save("m", "two")
    shutil.rmtree(store.root / "m" / "2")
    os.rename(store.root / "m" / "1", store.root / "m" / "2")
    with pytest.raises(UntrustedModelError, match="describes m@1"):
        store.load("m@2")


@pytest.mark.parametrize("target_has_key", [False, True])
def test_folder_copied_from_another_store_is_refused(tmp_path: Path, target_has_key: bool) -> None:
    source = ModelStore(tmp_path / "src", key_file=tmp_path / "someone-else.key")
    target = ModelStore(tmp_path / "dst", key_file=tmp_path / "mine.key")
    source.save("m", {"from": "source"})
    if target_has_key:
        target.save("other", 0)
    shutil.copytree(source.root / "m", target.root / "m")

    assert target.versions("m") == [1]
    with pytest.raises(UntrustedModelError, match=r"signature|no store key") as err:
        target.load("m")
    assert TRUST_HINT in str(err.value)
    with pytest.raises(UntrustedModelError):
        load_file(target.root / "m" / "1", store=target)
    assert target.load("m", trusted=True)[0] == {"from": "source"}
    assert load_file(target.root / "m" / "1", store=target, trusted=True)[0] == {"from": "source"}
    assert load_file(target.root / "m" / "1", store=source)[0] == {"from": "source"}
    assert target.list().set_index("name").loc["m", "status"] == "broken"


def test_missing_or_broken_files(store: ModelStore) -> None:
    ref = store.save("m", 1)
    (ref.path / "manifest.json").write_text("{not json")
    with pytest.raises(UntrustedModelError, match=r"manifest\.json cannot be read"):
        store.load("m")
    assert store.load("m", trusted=True)[0] == 1
    (ref.path / "manifest.json").unlink()
    with pytest.raises(UntrustedModelError, match=r"manifest\.json is missing"):
        store.load("m")
    (ref.path / "model.pkl").unlink()
    with pytest.raises(ModelStoreError, match=r"model\.pkl is missing"):
        store.load("m", trusted=True)


def test_unpickling_error_with_trusted_raises_model_store_error(store: ModelStore) -> None:
    ref = store.save("m", 1)
    (ref.path / "model.pkl").write_bytes(b"not a pickle at all")
    with pytest.raises(UntrustedModelError):
        store.load("m")
    with pytest.raises(ModelStoreError, match="Cannot unpickle") as err:
        store.load("m", trusted=True)
    assert not isinstance(err.value, UntrustedModelError)


def test_damaged_key(store: ModelStore) -> None:
    store.save("m", 1)
    assert store.key.path is not None
    store.key.path.write_bytes(b"short")
    with pytest.raises(UntrustedModelError, match="damaged"):
        store.load("m")
    assert store.load("m", trusted=True)[0] == 1
    with pytest.raises(ModelStoreError, match="damaged"):
        store.save("m", 2)
    assert store.versions("m") == [1]


def test_unpicklable_object_leaves_nothing_behind(store: ModelStore) -> None:
    with pytest.raises(ModelStoreError, match="Cannot pickle"):
        store.save("m", lambda: 1)
    assert store.versions("m") == []
    assert not list((store.root / "m").iterdir())


# --- load_file and the default root -------------------------------------------------------------
def test_load_file(store: ModelStore, tmp_path: Path) -> None:
    ref = store.save("m", [1, 2, 3])
    assert load_file(ref.path, store=store)[0] == [1, 2, 3]
    assert load_file(str(ref.path / "model.pkl"), store=store)[1]["version"] == 1
    with pytest.raises(ModelNotFoundError, match="No model folder"):
        load_file(tmp_path / "nowhere", store=store)


def test_jupyter_ad_home_is_the_default_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_AD_HOME", str(tmp_path / "home"))
    assert ModelStore().root == tmp_path / "home"
    ref = ModelStore().save("m", "hello")
    assert ref.path == tmp_path / "home" / "m" / "1"
    assert load_file(ref.path)[0] == "hello"  # default store: the same key

    import platformdirs

    monkeypatch.delenv("JUPYTER_AD_HOME")
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / f"data-{app}"))
    assert ModelStore().root == tmp_path / "data-jupyter-ad" / "models"


def test_root_must_be_a_path() -> None:
    with pytest.raises(ParameterError, match="root must be"):
        ModelStore(5)  # type: ignore[arg-type]


# --- atomicity and concurrency ------------------------------------------------------------------
def _open_store(root: Path) -> ModelStore:
    """A store opened as a new process would (the per-process clean-up throttle reset)."""
    store_module.layout._cleaned.clear()
    return ModelStore(root)


@pytest.mark.skipif(os.name != "posix", reason="fcntl locks")
def test_stale_temp_folders_of_any_name_are_cleaned_on_open(store: ModelStore) -> None:
    import fcntl

    store.save("m", 1)
    store.save("n", 1)
    m, n = store.root / "m", store.root / "n"
    folders = {name: parent / f".tmp-{name}" for name, parent in
               [("old", m), ("fresh", m), ("dead", n), ("alive", n)]}
    for folder in folders.values():
        folder.mkdir()
        (folder / "model.pkl").write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    for path in (folders["old"] / "model.pkl", folders["old"]):  # older layout: no lock file
        os.utime(path, (two_hours_ago, two_hours_ago))
    for name in ("dead", "alive"):
        (n / f".tmp-{name}.lock").touch()
    held = os.open(n / ".tmp-alive.lock", os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_EX)  # a writer that is still saving
    (m / ".del-abc").mkdir()  # a delete that was interrupted
    try:
        assert store.versions("m") == [1] and len(store.list()) == 2
        _open_store(store.root)
        assert not folders["old"].exists() and not folders["dead"].exists()
        assert not (n / ".tmp-dead.lock").exists() and not (m / ".del-abc").exists()
        assert folders["fresh"].exists()  # no lock, recent: might be an older writer's
        assert folders["alive"].exists() and (n / ".tmp-alive.lock").exists()
    finally:
        os.close(held)  # the writer ends (or dies): its lock is free
    _open_store(store.root)
    assert not folders["alive"].exists() and not (n / ".tmp-alive.lock").exists()
    assert store.versions("m") == [1] and store.versions("n") == [1]


def test_save_takes_next_version_when_a_concurrent_save_wins(
    store: ModelStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save("m", "first")
    real_rename, calls = os.rename, []

    def rename_after_a_rival(src: str, dst: str) -> None:
        calls.append(Path(dst).name)
        if len(calls) == 1:  # another process commits version 2 just before us
            ModelStore(store.root).save("m", "rival")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename_after_a_rival)
    ref = store.save("m", "mine")
    monkeypatch.undo()

    assert calls == ["2", "2", "3"]
    assert ref.version == 3
    assert store.load("m@2")[0] == "rival"
    obj, manifest = store.load("m@3")
    assert obj == "mine" and manifest["version"] == 3
    assert not list((store.root / "m").glob(".tmp-*"))


def test_key_created_concurrently_is_not_overwritten(
    store: ModelStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    rival_key = os.urandom(32)
    real_link = os.link

    def link_after_a_rival(src: str, dst: str) -> None:
        Path(dst).write_bytes(rival_key)  # another process created the key first
        real_link(src, dst)

    monkeypatch.setattr(os, "link", link_after_a_rival)
    store.save("m", 1)
    monkeypatch.undo()
    assert store.key.path is not None and store.key.path.read_bytes() == rival_key
    assert store.load("m")[0] == 1


KILL_CHILD = r"""
import os, sys, time
from jupyter_ad.io.store import ModelStore

store = ModelStore(sys.argv[1])
store.save("m", {"version": 1})

class Slow:  # pickling this stalls: the save is killed mid-write
    def __reduce__(self):
        print("pickling", flush=True)
        time.sleep(120)
        return (int, (0,))

if sys.argv[2] == "renaming":  # files complete, rename not yet done
    def slow_rename(src, dst):
        print("renaming", flush=True)
        time.sleep(120)
    os.rename = slow_rename
    store.save("m", b"x" * 50_000_000)
else:
    store.save("m", [b"x" * 50_000_000, Slow()])
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("moment", ["pickling", "renaming"])
def test_sigkill_during_save_keeps_earlier_versions(tmp_path: Path, moment: str) -> None:
    root = tmp_path / "store"
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_CHILD, str(root), moment],
        stdout=subprocess.PIPE,
        text=True,
        env=_child_env(),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == moment, "child died before the kill point"
        temp_dirs = [p for p in (root / "m").glob(".tmp-*") if p.is_dir()]
        assert len(temp_dirs) == 1 and (temp_dirs[0] / "model.pkl").stat().st_size > 10**7
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert temp_dirs[0].exists()  # the killed save left its temp folder (50 MB) behind

    store = _open_store(root)
    assert not list((root / "m").glob(".tmp-*"))  # removed when the store was opened
    assert store.versions("m") == [1]
    assert store.load("m")[0] == {"version": 1}
    assert list(store.list()["version"]) == [1]
    ref = store.save("m", {"version": 2})
    assert ref.version == 2
    assert store.load("m@latest")[0] == {"version": 2}
    assert store.load("m@1")[0] == {"version": 1}


PAUSED_CHILD = r"""
import sys, time
from pathlib import Path
from jupyter_ad.io.store import ModelStore

store, go = ModelStore(sys.argv[1]), Path(sys.argv[2])

class WaitForGo:  # pickling waits until the test says go: a save in progress
    def __reduce__(self):
        print("pickling", flush=True)
        while not go.exists():
            time.sleep(0.01)
        return (str, ("done",))

print(store.save(sys.argv[3], [b"x" * 1_000_000, WaitForGo()]).version, flush=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_opening_the_store_cleans_killed_saves_and_spares_running_ones(tmp_path: Path) -> None:
    root, go = tmp_path / "store", tmp_path / "go"
    ModelStore(root).save("m", {"version": 1})
    children = {name: subprocess.Popen([sys.executable, "-c", PAUSED_CHILD, str(root), str(go),
                                        name], stdout=subprocess.PIPE, text=True,
                                       env=_child_env())
                for name in ("killed", "alive", "m")}
    try:
        for child in children.values():
            assert child.stdout is not None and child.stdout.readline().strip() == "pickling"
        os.kill(children["killed"].pid, signal.SIGKILL)
        children["killed"].wait(timeout=30)
        temps = {name: [p for p in (root / name).glob(".tmp-*") if p.is_dir()]
                 for name in ("killed", "alive", "m")}
        assert all(len(found) == 1 for found in temps.values()), temps

        store = _open_store(root)  # as another process opening the store would
        assert not temps["killed"][0].exists()  # its writer is gone
        assert temps["alive"][0].exists() and temps["m"][0].exists()  # still saving
        go.touch()
        outputs = {name: children[name].communicate(timeout=60)[0].split()
                   for name in ("alive", "m")}
    finally:
        for child in children.values():
            child.kill()
            child.wait()
    assert outputs == {"alive": ["1"], "m": ["2"]}
    assert store.versions("alive") == [1] and store.versions("m") == [1, 2]
    assert store.load("alive")[0] == [b"x" * 1_000_000, "done"]
    assert store.versions("killed") == [] and not [
        p for p in (root / "killed").iterdir() if p.name.startswith(".tmp-")]


SAVE_CHILD = r"""
import sys, time
from pathlib import Path
from jupyter_ad.io.store import ModelStore

store, tag, go = ModelStore(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
print(" ".join(str(store.save("shared", {"tag": tag, "i": i}).version) for i in range(8)))
"""


@pytest.mark.slow
def test_concurrent_saves_get_distinct_versions(tmp_path: Path) -> None:
    root, go = tmp_path / "store", tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SAVE_CHILD, str(root), tag, str(go)],
            stdout=subprocess.PIPE,
            text=True,
            env=_child_env(),
        )
        for tag in ("a", "b")
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        go.touch()  # both start saving (and creating the store key) at the same moment
        outputs = [child.communicate(timeout=60)[0] for child in children]
    finally:
        for child in children:
            child.kill()
            child.wait()
    assert [child.returncode for child in children] == [0, 0]

    versions = {tag: [int(v) for v in out.split()] for tag, out in zip("ab", outputs, strict=True)}
    assert sorted(versions["a"] + versions["b"]) == list(range(1, 17))
    store = ModelStore(root)
    assert store.versions("shared") == list(range(1, 17))
    for tag, numbers in versions.items():
        assert numbers == sorted(numbers)
        for i, number in enumerate(numbers):
            assert store.load(f"shared@{number}")[0] == {"tag": tag, "i": i}


def test_store_modules_import_no_notebook_libraries() -> None:
    imported = set()
    for module in Path(store_module.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert "pickle" in imported  # the walk does see the imports
    assert not imported & {"IPython", "ipywidgets", "anywidget", "altair", "lime", "matplotlib"}


def test_store_modules_are_small() -> None:
    sizes = {p.name: len(p.read_text().splitlines())
             for p in Path(store_module.__file__).parent.glob("*.py")}
    assert max(sizes.values()) <= 400, sizes
