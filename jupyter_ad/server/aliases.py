"""The model store's alias API as the service uses it: ``parse_ref``, ``open_store``.

The store gains aliases on another branch (``ModelStore.set_alias/promote/rollback/aliases/
alias_version``, ``ad.load("fraud@production")``). The service and ``jupyter-ad deploy`` are
written against that interface. When the installed store has it, :func:`open_store` returns the
real :class:`~jupyter_ad.io.store.ModelStore`.

LOCAL SHIM (remove once the store's aliases are on ``main``): until then,
:class:`_AliasShimStore` adds the same methods, keeping ``<name>/aliases.json`` signed with the
store key (HMAC-SHA256, as the manifests), with the same layout as the real alias file
(``aliases: {alias: {version, previous: [...]}}``, ``history``).
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import hmac
import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jupyter_ad.errors import (
    ModelNotFoundError,
    ModelStoreError,
    ParameterError,
    UntrustedModelError,
)
from jupyter_ad.io import store as _store_module

__all__ = ["AliasChange", "has_real_aliases", "open_store", "parse_ref"]

_ALIAS_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_ALIAS_RULE = ("an alias has 1-64 characters (letters, digits, '_', '-'), starts with a letter "
               "and is not 'latest', e.g. 'production'")


def has_real_aliases() -> bool:
    """Whether the installed model store has aliases of its own (then no shim is used)."""
    return hasattr(_store_module.ModelStore, "promote")


def check_alias(alias: object) -> str:
    """``alias`` if it is a valid alias name, else :class:`ParameterError` with the rule."""
    real = getattr(_store_module, "check_alias", None)
    if real is not None:
        return str(real(alias))
    if not isinstance(alias, str) or not _ALIAS_RE.fullmatch(alias) or alias.lower() == "latest":
        raise ParameterError(f"Invalid alias {alias!r}: {_ALIAS_RULE}.")
    return alias


def parse_ref(spec: object) -> tuple[str, int | None, str | None]:
    """``"fraud"`` -> ``("fraud", None, None)``; ``"fraud@3"`` -> ``("fraud", 3, None)``;
    ``"fraud@production"`` -> ``("fraud", None, "production")``.
    """
    real = getattr(_store_module, "parse_ref", None)
    if real is not None:
        return real(spec)  # type: ignore[no-any-return]
    if not isinstance(spec, str):
        raise ParameterError(f"A model spec must be a string like 'fraud', 'fraud@3' or "
                             f"'fraud@production', not {type(spec).__name__}.")
    name, sep, tail = spec.strip().partition("@")
    if sep and tail and not tail.isdigit() and tail != "latest":
        _store_module.parse_spec(name)  # checks the name
        return name, None, check_alias(tail)
    parsed_name, version = _store_module.parse_spec(spec)
    return parsed_name, version, None


@dataclass(frozen=True)
class AliasChange:
    """One change of an alias (the shim's twin of the store's ``AliasChange``)."""

    name: str
    alias: str
    version: int | None
    previous: int | None
    action: str

    def __str__(self) -> str:
        before = "nothing" if self.previous is None else f"{self.name}@{self.previous}"
        after = "nothing" if self.version is None else f"{self.name}@{self.version}"
        return f"{self.name}@{self.alias}: {before} -> {after} ({self.action})"


def open_store(root: str | os.PathLike[str] | None = None) -> Any:
    """The model store at ``root`` with its alias methods (the real ones when installed)."""
    if has_real_aliases():
        return _store_module.ModelStore(root)
    return _AliasShimStore(root)


class _AliasShimStore(_store_module.ModelStore):
    """LOCAL SHIM: the store's alias methods until they land on ``main``."""

    def _alias_path(self, name: str) -> Path:
        _store_module.parse_spec(name)
        return self.root / name / "aliases.json"

    def _doc(self, name: str) -> dict[str, Any]:
        path = self._alias_path(name)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": "jupyter-ad-aliases/1", "name": name, "aliases": {}, "history": []}
        except (OSError, ValueError) as exc:
            raise UntrustedModelError(f"Refusing the aliases in {path}: {exc}.") from exc
        key = self._read_key()
        body = {k: v for k, v in doc.items() if k != "signature"}
        if key is None or not hmac.compare_digest(str(doc.get("signature", "")),
                                                  self._sign(key, body)):
            raise UntrustedModelError(f"Refusing the aliases in {path}: its signature does not "
                                      "match the store key (edited outside jupyter-ad?).")
        return doc

    @staticmethod
    def _sign(key: bytes, body: dict[str, Any]) -> str:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()

    def _write(self, name: str, doc: dict[str, Any]) -> None:
        body = {k: v for k, v in doc.items() if k != "signature"}
        body["signature"] = self._sign(self._ensure_key(), body)
        path = self._alias_path(name)
        tmp = path.with_name(f".aliases-{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps(body, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def aliases(self, name: str, *, trusted: bool = False) -> dict[str, int]:
        """The aliases of ``name`` and the versions they point to."""
        doc = self._doc(name)
        return {a: int(e["version"]) for a, e in sorted(doc["aliases"].items())
                if e.get("version") is not None}

    def alias_version(self, name: str, alias: str, *, trusted: bool = False) -> int:
        """The version ``name@alias`` points to."""
        table = self.aliases(name)
        if check_alias(alias) not in table:
            known = ", ".join(f"{a} -> {v}" for a, v in table.items()) or "none yet"
            raise ModelNotFoundError(
                f"Model {name!r} has no alias {alias!r} (aliases: {known}). Point it at a "
                f"version with: jupyter-ad models promote {name}@N --alias {alias}")
        return table[alias]

    def set_alias(self, name: str, alias: str, version: int, *,
                  action: str = "set") -> AliasChange:
        """Point ``name@alias`` at ``version``."""
        check_alias(alias)
        available = self.versions(name)
        if version not in available:
            raise ModelNotFoundError(f"Model {name!r} has no version {version}; available "
                                     f"versions: {', '.join(map(str, available)) or 'none'}.")
        doc = self._doc(name)
        entry = doc["aliases"].setdefault(alias, {"version": None, "previous": []})
        before = entry["version"]
        if before != version:
            if before is not None:
                entry["previous"].append(before)
            entry["version"] = version
            doc["history"].append({"time": datetime.now(UTC).isoformat(timespec="seconds"),
                                   "action": action, "alias": alias, "version": version,
                                   "previous": before})
            self._write(name, doc)
        return AliasChange(name, alias, version, before, action)

    def promote(self, spec: str, alias: str) -> AliasChange:
        """Point ``alias`` at the version ``spec`` names."""
        name, version, other = parse_ref(spec)
        if other is not None:
            version = self.alias_version(name, other)
        if version is None:
            available = self.versions(name)
            if not available:
                raise ModelNotFoundError(f"No model {name!r} in the store at {self.root}.")
            version = available[-1]
        return self.set_alias(name, alias, version, action="promote")

    def rollback(self, name: str, alias: str) -> AliasChange:
        """Point ``name@alias`` back at the version it pointed to before."""
        check_alias(alias)
        doc = self._doc(name)
        entry = doc["aliases"].get(alias)
        if entry is None:
            raise ModelNotFoundError(f"Model {name!r} has no alias {alias!r} to roll back.")
        if not entry["previous"]:
            raise ModelStoreError(f"{name}@{alias} has no earlier version to roll back to (it "
                                  f"points to {name}@{entry['version']}, its first version).")
        before, entry["version"] = entry["version"], entry["previous"].pop()
        doc["history"].append({"time": datetime.now(UTC).isoformat(timespec="seconds"),
                               "action": "rollback", "alias": alias,
                               "version": entry["version"], "previous": before})
        self._write(name, doc)
        return AliasChange(name, alias, entry["version"], before, "rollback")

    def load(self, spec: str, *, trusted: bool = False) -> tuple[object, dict[str, Any]]:
        """As the store's ``load``, with ``name@alias`` too."""
        name, version, alias = parse_ref(spec)
        if alias is not None:
            version = self.alias_version(name, alias)
        return super().load(name if version is None else f"{name}@{version}", trusted=trusted)

    def names(self) -> builtins.list[str]:
        """The saved model names."""
        with contextlib.suppress(OSError):
            return self._names()
        return []
