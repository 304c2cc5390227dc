"""The signing key of the model store, kept outside the store, and the signatures it makes.

Every manifest (and every alias file) is signed with HMAC-SHA256 under a 32-byte key. The key
lives **outside** the store folder, so write access to the store is not enough to sign a model:

1. ``ModelStore(root, key_file=PATH)``: that file;
2. the ``JUPYTER_AD_STORE_KEY`` environment variable: the key itself, 64 hexadecimal
   characters (for containers and CI, from a secret);
3. the ``JUPYTER_AD_STORE_KEY_FILE`` environment variable: the path of a key file;
4. ``store.key`` in the user configuration folder (``platformdirs.user_config_dir``, on Linux
   ``~/.config/jupyter-ad/store.key``), created on the first save (folder 0700, file 0600).

Stores written before the key moved out kept it in ``<store>/.store-key``: their models still
load (checked with that key, with a warning), and :meth:`ModelStore.migrate_key` re-signs them
with the user key and removes the old one.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ModelStoreError
from jupyter_ad.io.store.layout import fsync, fsync_dir, make_private_dir, open_private

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "LEGACY_KEY_FILE", "StoreKey", "key_id", "sign",
           "signature_matches"]

KEY_ENV, KEY_FILE_ENV = "JUPYTER_AD_STORE_KEY", "JUPYTER_AD_STORE_KEY_FILE"
LEGACY_KEY_FILE = ".store-key"
KEY_NAME = "store.key"


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key (names the key in manifests and messages)."""
    return hashlib.sha256(b"jupyter-ad store key id\x00" + key).hexdigest()[:16]


def sign(key: bytes, document: Mapping[str, Any]) -> str:
    """HMAC-SHA256 of ``document`` without its ``signature``, as canonical JSON."""
    body = {k: v for k, v in document.items() if k != "signature"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()


def signature_matches(document: Mapping[str, Any], key: bytes) -> bool:
    """Whether ``document["signature"]`` is the signature of ``document`` under ``key``."""
    found = document.get("signature")
    return isinstance(found, str) and hmac.compare_digest(
        found.encode("utf-8", "replace"), sign(key, document).encode("utf-8"))


@dataclass(frozen=True)
class StoreKey:
    """Where the signing key comes from: a file (``path``) or the environment (``env``)."""

    path: Path | None
    env: str | None = None

    @classmethod
    def resolve(cls, key_file: str | os.PathLike[str] | None = None) -> StoreKey:
        """The key location by the precedence in the module docstring."""
        if key_file is not None:
            return cls(Path(key_file).expanduser())
        if os.environ.get(KEY_ENV):
            return cls(None, env=KEY_ENV)
        if os.environ.get(KEY_FILE_ENV):
            return cls(Path(os.environ[KEY_FILE_ENV]).expanduser())
        import platformdirs

        return cls(Path(platformdirs.user_config_dir("jupyter-ad")) / KEY_NAME)

    def describe(self) -> str:
        """Where the key is, for messages."""
        return f"${self.env}" if self.env else str(self.path)

    def read(self) -> bytes | None:
        """The key, or ``None`` if the key file does not exist yet.

        Raises
        ------
        ModelStoreError
            The key is damaged (not 32 bytes; not 64 hex characters in the environment).
        """
        if self.env is not None:
            text = os.environ.get(self.env, "").strip()
            try:
                key = bytes.fromhex(text)
            except ValueError:
                key = b""
            if len(key) != 32:
                raise ModelStoreError(
                    f"${self.env} must hold the store key as 64 hexadecimal characters (32 "
                    "bytes), e.g. from python -c \"import secrets; print(secrets.token_hex(32))\""
                    f"; it holds {len(text)} characters.")
            return key
        assert self.path is not None
        try:
            key = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ModelStoreError(f"Cannot read the store key {self.path}: {exc}") from exc
        if len(key) != 32:
            raise ModelStoreError(
                f"The store key {self.path} is damaged ({len(key)} bytes, not 32); restore it "
                "from a backup, or delete it to start a new key (models signed with the old "
                "one then need trusted=True)."
            )
        return key

    def ensure(self) -> bytes:
        """The key, created (32 random bytes, 0600, in a 0700 folder) if it does not exist."""
        key = self.read()
        if key is not None:
            return key
        assert self.path is not None  # an environment key always reads or raises
        make_private_dir(self.path.parent)
        tmp = self.path.with_name(f".{self.path.name}.tmp-{secrets.token_hex(8)}")
        try:
            with open_private(tmp) as fh:
                fh.write(secrets.token_bytes(32))
                fsync(fh)
            with contextlib.suppress(FileExistsError):  # another process made the key first
                os.link(tmp, self.path)  # unlike rename, never replaces an existing key
        except OSError as exc:
            raise ModelStoreError(f"Cannot create the store key {self.path}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(self.path.parent)
        key = self.read()
        if key is None:  # pragma: no cover - deleted between link and read
            raise ModelStoreError(f"The store key {self.path} vanished while being created.")
        return key


def read_legacy_key(root: Path) -> bytes | None:
    """The key older versions kept inside the store (``<root>/.store-key``), if any."""
    try:
        key = (root / LEGACY_KEY_FILE).read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None
