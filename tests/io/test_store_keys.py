"""The store's signing key lives outside the store; older stores with the key inside still load
and can be migrated; the store is private to its user; names that Windows reserves are refused;
the listing marks broken versions."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
from pathlib import Path

import pytest

import jupyter_ad as ad
from jupyter_ad.errors import JupyterADWarning, ModelStoreError, ParameterError, UntrustedModelError
from jupyter_ad.io.store import ModelStore, check_name
from jupyter_ad.io.store.signing import KEY_ENV, KEY_FILE_ENV, key_id, sign
from tests.conftest import planted_frame

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix
def test_the_store_is_private_to_its_user(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "deep" / "store")
    frame, _ = planted_frame(n=100)
    ref = ad.fit(frame, algorithm="iforest").save("fraud", root=store.root)
    store.set_alias("fraud", "production", ref.version)
    assert _mode(store.root) == 0o700 and _mode(store.root.parent) == 0o700
    for path in store.root.rglob("*"):
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert {p.name for p in (store.root / "fraud").iterdir()} >= {"1", "aliases.json"}
    assert _mode(store.key.path) == 0o600 and _mode(store.key.path.parent) in (0o700, 0o755)
    # a folder the user made stays as it was; what the store makes inside is private
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    os.chmod(mine, 0o755)
    ModelStore(mine).save("m", 1)
    assert _mode(mine) == 0o755 and _mode(mine / "m") == 0o700
    assert _mode(mine / "m" / "1" / "model.pkl") == 0o600


def test_key_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = secrets.token_bytes(32)
    monkeypatch.setenv(KEY_ENV, key.hex())
    store = ModelStore(tmp_path / "store")
    ref = store.save("m", {"a": 1})
    manifest = json.loads((ref.path / "manifest.json").read_text())
    assert manifest["key_id"] == key_id(key) and manifest["signature"] == sign(key, manifest)
    assert not Path(os.environ[KEY_FILE_ENV]).exists()  # the variable wins over the file
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))  # another key: refused
    with pytest.raises(UntrustedModelError, match=f"signed by key {key_id(key)}"):
        ModelStore(tmp_path / "store").load("m")
    monkeypatch.setenv(KEY_ENV, "not hex")
    with pytest.raises(ModelStoreError, match="64 hexadecimal characters"):
        ModelStore(tmp_path / "store").save("m", 2)


def test_default_key_is_in_the_user_config_folder(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(KEY_FILE_ENV)
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app: str(tmp_path / f"cfg-{app}"))
    store = ModelStore(tmp_path / "store")
    store.save("m", 1)
    assert store.key.path == tmp_path / "cfg-jupyter-ad" / "store.key"
    assert store.key.path.is_file() and not (store.root / ".store-key").exists()


def _legacy_store(root: Path) -> tuple[ModelStore, bytes]:
    """A store as older versions wrote it: the key in <root>/.store-key, no key_id, files
    readable by everyone."""
    legacy = secrets.token_bytes(32)
    store = ModelStore(root, key_file=root.parent / "old-key")  # any key: re-signed below
    for i in range(2):
        ref = store.save("fraud", {"i": i})
        manifest = json.loads((ref.path / "manifest.json").read_text())
        del manifest["key_id"]
        manifest["signature"] = sign(legacy, manifest)
        (ref.path / "manifest.json").write_text(json.dumps(manifest))
    (root / ".store-key").write_bytes(legacy)
    (root.parent / "old-key").unlink()
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return ModelStore(root), legacy


def test_an_old_store_with_the_key_inside_still_loads_then_migrates(tmp_path: Path) -> None:
    store, _ = _legacy_store(tmp_path / "store")
    with pytest.warns(JupyterADWarning, match="migrate-key"):
        assert store.load("fraud@1")[0] == {"i": 0}
    assert list(store.list()["status"]) == ["old key", "old key"]
    # an altered version is not re-signed by the migration
    bad = store.root / "fraud" / "2" / "model.pkl"
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    report = store.migrate_key()
    assert report["resigned"] == ["fraud@1"] and report["refused"] == ["fraud@2"]
    assert report["key_removed"] and not (store.root / ".store-key").exists()
    if os.name == "posix":  # the migration also makes the old store private
        assert _mode(store.root) == 0o700 and _mode(store.root / "fraud" / "1") == 0o700
        assert _mode(store.root / "fraud" / "2" / "manifest.json") == 0o600
    assert store.load("fraud@1")[0] == {"i": 0}  # now checked with the user key
    assert list(store.list()["status"]) == ["ok", "broken"]
    with pytest.raises(UntrustedModelError):
        store.load("fraud@2")
    assert store.migrate_key()["key_removed"] is False  # nothing left to do


def test_moving_the_old_key_out_is_the_other_way(tmp_path: Path) -> None:
    store, _ = _legacy_store(tmp_path / "store")
    assert store.key.path is not None and not store.key.path.exists()
    shutil.move(store.root / ".store-key", store.key.path)  # what the docs say to do
    assert list(store.list()["status"]) == ["ok", "ok"]
    assert store.load("fraud")[0] == {"i": 1}


@pytest.mark.parametrize("name", ["CON", "con", "Nul", "aux.v2", "COM1", "lpt9.model", "prn",
                                  "model.", "a..", "x" * 101])
def test_names_windows_cannot_hold_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ParameterError, match=r"Windows reserves|does not end with a dot|1-100"):
        check_name(name)
    with pytest.raises(ParameterError):
        ModelStore(tmp_path).save(name, 1)


@pytest.mark.parametrize("name", ["console", "COM10", "lpt", "null", "a.b", "con-v2"])
def test_names_close_to_reserved_ones_are_fine(tmp_path: Path, name: str) -> None:
    assert ModelStore(tmp_path).save(name, 1).version == 1


def test_the_listing_marks_broken_versions(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    for i in range(4):
        store.save("m", i, metadata={"algorithm": "iforest"})
    (store.root / "m" / "1" / "manifest.json").write_text("{broken")
    edited = store.root / "m" / "2" / "manifest.json"
    manifest = json.loads(edited.read_text())
    manifest["metadata"]["algorithm"] = "something else"
    edited.write_text(json.dumps(manifest))
    (store.root / "m" / "3" / "model.pkl").unlink()
    table = store.list()
    assert list(table["status"]) == ["broken", "broken", "broken", "ok"]
    assert "cannot be read" in table.loc[0, "problem"]
    assert "signature does not match" in table.loc[1, "problem"]
    assert "model.pkl is missing" in table.loc[2, "problem"]
    assert table.loc[1, "algorithm"] == "something else"  # shown, but marked broken
