"""Aliases of a model name (``fraud@production``) and their history, in ``<name>/aliases.json``.

The file is signed with the store key like the manifests, replaced atomically, and changed only
while the name's lock is held, so concurrent promotions never lose an update. Each alias keeps
the stack of versions it pointed to before (what :meth:`ModelStore.rollback` returns to); the
history records every change with its time (UTC), user and host.
"""

from __future__ import annotations

import builtins
import contextlib
import getpass
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ad.errors import ModelNotFoundError, ModelStoreError, UntrustedModelError
from jupyter_ad.io.store.layout import locked, read_json, remember_version, write_private
from jupyter_ad.io.store.names import check_alias, check_name, parse_ref
from jupyter_ad.io.store.signing import key_id, sign, signature_matches

if TYPE_CHECKING:
    import pandas as pd

    from jupyter_ad.io.store.signing import StoreKey

__all__ = ["ALIAS_FILE", "AliasChange", "AliasMethods", "read_aliases", "write_aliases"]

ALIAS_FILE = "aliases.json"
ALIAS_FORMAT = "jupyter-ad-aliases/1"


@dataclass(frozen=True)
class AliasChange:
    """One change of an alias: ``name@alias`` now points to ``version`` (was ``previous``)."""

    name: str
    alias: str
    version: int | None
    previous: int | None
    action: str

    def __str__(self) -> str:
        before = "nothing" if self.previous is None else f"{self.name}@{self.previous}"
        after = "nothing" if self.version is None else f"{self.name}@{self.version}"
        return f"{self.name}@{self.alias}: {before} -> {after} ({self.action})"


def empty(name: str) -> dict[str, Any]:
    return {"format": ALIAS_FORMAT, "name": name, "aliases": {}, "history": []}


def read_aliases(folder: Path, name: str, keys: list[bytes], *,
                 trusted: bool = False) -> dict[str, Any]:
    """The alias document of ``name`` (empty if none), verified with one of ``keys``.

    Raises
    ------
    UntrustedModelError
        The file is unreadable, edited outside jupyter-ad or signed with another key, and
        ``trusted`` is false.
    """
    path = folder / ALIAS_FILE
    try:
        doc = read_json(path)
    except FileNotFoundError:
        return empty(name)
    except (OSError, ValueError) as exc:
        if trusted:
            return empty(name)
        raise UntrustedModelError(_refusal(path, f"it cannot be read ({exc})")) from exc
    well_formed = (isinstance(doc, dict) and doc.get("format") == ALIAS_FORMAT
                   and doc.get("name") == name and isinstance(doc.get("aliases"), dict)
                   and isinstance(doc.get("history"), list))
    if not well_formed:
        if trusted:
            return empty(name)
        raise UntrustedModelError(_refusal(path, f"it is not an alias file of {name!r}"))
    if not trusted and not any(signature_matches(doc, key) for key in keys):
        raise UntrustedModelError(_refusal(
            path, "its signature does not match the store key (it was edited outside "
            "jupyter-ad, or another key signed it)"))
    return doc


def _refusal(path: Path, why: str) -> str:
    return (f"Refusing the aliases in {path}: {why}. Check the file; delete it to start the "
            "aliases afresh (their history is lost), or pass trusted=True to use it as it is.")


def write_aliases(folder: Path, doc: dict[str, Any], key: bytes) -> None:
    """Sign ``doc`` with ``key`` and replace the alias file atomically (0600)."""
    doc = {k: v for k, v in doc.items() if k not in ("signature", "key_id")}
    doc["key_id"] = key_id(key)
    doc["signature"] = sign(key, doc)
    write_private(folder / ALIAS_FILE, json.dumps(doc, indent=2, sort_keys=True))


def _record(doc: dict[str, Any], action: str, alias: str | None, version: int | None,
            previous: int | None) -> None:
    """Append a history entry: when, who (user@host), what."""
    doc["history"].append({
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": f"{_user()}@{socket.gethostname()}",
        "action": action, "alias": alias, "version": version, "previous": previous,
    })


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no passwd entry (some containers)
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class AliasMethods:
    """The alias methods of :class:`~jupyter_ad.io.store.ModelStore`."""

    root: Path
    key: StoreKey

    def versions(self, name: str) -> builtins.list[int]:  # pragma: no cover - the store's
        """The saved versions of ``name`` (defined by the store)."""
        raise NotImplementedError

    def _verify_keys(self) -> builtins.list[bytes]:  # pragma: no cover - the store's
        raise NotImplementedError

    def aliases(self, name: str, *, trusted: bool = False) -> dict[str, int]:
        """The aliases of ``name`` and the versions they point to (``{}`` if none)."""
        doc = read_aliases(self.root / check_name(name), name, self._verify_keys(),
                           trusted=trusted)
        return {alias: int(entry["version"]) for alias, entry in sorted(doc["aliases"].items())}

    def alias_version(self, name: str, alias: str, *, trusted: bool = False) -> int:
        """The version ``name@alias`` points to.

        Raises
        ------
        ModelNotFoundError
            No such alias (the message lists the aliases of ``name``).
        """
        check_alias(alias)
        table = self.aliases(name, trusted=trusted)
        if alias not in table:
            known = ", ".join(f"{a} -> {v}" for a, v in table.items()) or "none yet"
            raise ModelNotFoundError(
                f"Model {name!r} has no alias {alias!r} (aliases: {known}). Point it at a "
                f"version with: jupyter-ad models promote {name}@N --alias {alias}"
            )
        return table[alias]

    def alias_history(self, name: str) -> pd.DataFrame:
        """Every change of the aliases of ``name``, oldest first: ``time`` (UTC), ``user``
        (user@host), ``action`` (``promote``, ``set``, ``rollback``, ``remove``, ``delete``),
        ``alias``, ``version`` and ``previous``.
        """
        import pandas as pd

        doc = read_aliases(self.root / check_name(name), name, self._verify_keys())
        table = pd.DataFrame(doc["history"], columns=["time", "user", "action", "alias",
                                                       "version", "previous"])
        return table.astype({"version": "Int64", "previous": "Int64"})

    @contextlib.contextmanager
    def _alias_lock(self, name: str) -> Iterator[dict[str, Any]]:
        """The alias document of ``name``, read and changed under the name's lock."""
        folder = self.root / check_name(name)
        with locked(folder):
            yield read_aliases(folder, name, self._verify_keys())

    def _save_aliases(self, name: str, doc: dict[str, Any]) -> None:
        write_aliases(self.root / name, doc, self.key.ensure())

    def set_alias(self, name: str, alias: str, version: int, *,
                  action: str = "set") -> AliasChange:
        """Point ``name@alias`` at ``version`` (which must exist); the alias remembers where
        it pointed before, for :meth:`rollback`.
        """
        check_alias(alias)
        if isinstance(version, bool) or not isinstance(version, int):
            raise ModelStoreError(f"version must be a version number, got {version!r}.")
        with self._alias_lock(name) as doc:
            available = self.versions(name)
            if version not in available:
                raise ModelNotFoundError(
                    f"Model {name!r} has no version {version}; available versions: "
                    f"{', '.join(map(str, available)) or 'none'}.")
            entry = doc["aliases"].setdefault(alias, {"version": None, "previous": []})
            before = entry["version"]
            if before != version:
                if before is not None:
                    entry["previous"].append(before)
                entry["version"] = version
                _record(doc, action, alias, version, before)
                self._save_aliases(name, doc)
        return AliasChange(name, alias, version, before, action)

    def resolve(self, spec: str) -> tuple[str, int]:
        """``(name, version)`` of ``spec``: ``"fraud@3"``, ``"fraud"`` (the newest version) or
        ``"fraud@staging"`` (the version the alias points to).
        """
        name, version, other = parse_ref(spec)
        if other is not None:
            version = self.alias_version(name, other)
        if version is None:
            available = self.versions(name)
            if not available:
                raise ModelNotFoundError(f"No model {name!r} in the store at {self.root}.")
            version = available[-1]
        return name, int(version)

    def promote(self, spec: str, alias: str) -> AliasChange:
        """Point ``alias`` at the version ``spec`` names: ``"fraud@3"``, ``"fraud"`` (the
        newest) or ``"fraud@staging"`` (the version another alias points to).
        """
        name, version = self.resolve(spec)
        return self.set_alias(name, alias, version, action="promote")

    def rollback(self, name: str, alias: str) -> AliasChange:
        """Point ``name@alias`` back at the version it pointed to before its last change."""
        check_alias(alias)
        with self._alias_lock(name) as doc:
            entry = doc["aliases"].get(alias)
            if entry is None:
                raise ModelNotFoundError(f"Model {name!r} has no alias {alias!r} to roll back.")
            if not entry["previous"]:
                raise ModelStoreError(
                    f"{name}@{alias} has no earlier version to roll back to (it points to "
                    f"{name}@{entry['version']}, its first version).")
            before, entry["version"] = entry["version"], entry["previous"].pop()
            _record(doc, "rollback", alias, entry["version"], before)
            self._save_aliases(name, doc)
        return AliasChange(name, alias, entry["version"], before, "rollback")

    def remove_alias(self, name: str, alias: str) -> AliasChange:
        """Remove ``name@alias`` (the versions stay)."""
        check_alias(alias)
        with self._alias_lock(name) as doc:
            entry = doc["aliases"].pop(alias, None)
            if entry is None:
                raise ModelNotFoundError(f"Model {name!r} has no alias {alias!r}.")
            _record(doc, "remove", alias, None, entry["version"])
            self._save_aliases(name, doc)
        return AliasChange(name, alias, None, entry["version"], "remove")

    def _forget_versions(self, name: str, doc: dict[str, Any], doomed: builtins.list[int],
                         available: builtins.list[int]) -> None:
        """Before deleting ``doomed``: never reuse their numbers, drop them from the aliases'
        rollback stacks, and record the delete if the name has aliases.
        """
        remember_version(self.root / name, max(available))
        if not doc["aliases"] and not doc["history"]:
            return
        for entry in doc["aliases"].values():
            entry["previous"] = [v for v in entry["previous"] if v not in doomed]
        for number in doomed:
            _record(doc, "delete", None, None, number)
        self._save_aliases(name, doc)
