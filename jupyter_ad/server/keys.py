"""API keys: created once, stored only as scrypt hashes, checked in constant time.

A key looks like ``jad_<id>_<secret>``: ``id`` (8 hex characters) names the key in listings and
logs, ``secret`` (32 random bytes, URL-safe base64) is the part that is never stored or logged.
``jupyter-ad keys create`` prints a new key once and writes only its scrypt hash (salted,
``hashlib.scrypt``) to the keys file (JSON, replaced atomically, mode 0600); ``keys revoke``
marks it revoked, and a running service re-reads the file when it changes, so a revoked key
stops working without a restart.

For containers, ``JUPYTER_AD_API_KEYS`` holds comma-separated ``KEY`` or ``KEY:scope+scope``
entries (a bare ``KEY`` gets the ``score`` scope); they live only in the process's memory.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ConfigError, JupyterADError, ParameterError
from jupyter_ad.server.settings import SCOPES, parse_rate

__all__ = ["ENV_KEYS", "ApiKey", "KeyFile", "KeyRing", "default_keys_file", "hash_secret",
           "parse_env_keys"]

ENV_KEYS = "JUPYTER_AD_API_KEYS"
FORMAT = "jupyter-ad-api-keys/1"
_PREFIX = "jad_"
_KEY_RE = re.compile(r"jad_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_MIN_ENV_KEY = 16
#: How often (seconds) a running service looks at the keys file: a revoked key stops working
#: within this time.
RELOAD_SECONDS = 0.5


def default_keys_file() -> Path:
    """``api-keys.json`` in the user configuration folder."""
    import platformdirs

    return Path(platformdirs.user_config_dir("jupyter-ad")) / "api-keys.json"


def hash_secret(secret: str, salt: bytes | None = None, *, n: int = _SCRYPT["n"],
                r: int = _SCRYPT["r"], p: int = _SCRYPT["p"]) -> str:
    """``"scrypt$n$r$p$salt$hash"`` of ``secret`` (base64 parts), with a new salt if none."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.urlsafe_b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def _verify(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches the ``hash_secret`` value ``stored`` (constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest)
        found = hashlib.scrypt(secret.encode("utf-8"), salt=base64.urlsafe_b64decode(salt),
                               n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


@dataclass(frozen=True)
class ApiKey:
    """One key's public record: never its secret."""

    id: str
    scopes: tuple[str, ...]
    name: str = ""
    created: str = ""
    revoked: str | None = None
    rate_limit: str | None = None
    source: str = "file"
    hash: str = field(default="", repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The record without its hash (for listings)."""
        out = asdict(self)
        out.pop("hash")
        out["scopes"] = list(self.scopes)
        return out


def _check_scopes(scopes: Any) -> tuple[str, ...]:
    if isinstance(scopes, str):
        scopes = [s for s in re.split(r"[+,\s]+", scopes) if s]
    out = tuple(dict.fromkeys(scopes))
    if not out:
        raise ParameterError(f"Give at least one scope: {', '.join(SCOPES)}.")
    for scope in out:
        if scope not in SCOPES:
            from jupyter_ad.options._spec import suggest

            raise ParameterError(f"Unknown scope {scope!r}.{suggest(scope, SCOPES)} "
                                 f"Scopes: {', '.join(SCOPES)}.")
    return out


class KeyFile:
    """The keys file written by ``jupyter-ad keys`` and read by the service.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default :func:`default_keys_file`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_keys_file()

    def stamp(self) -> tuple[int, int, int] | None:
        """``(mtime_ns, size, inode)`` of the file, or ``None`` if it does not exist."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigError(f"Cannot read the keys file {self.path}: {exc}.") from exc
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def read(self) -> list[ApiKey]:
        """Every key in the file, revoked ones included (``[]`` if there is no file)."""
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise ConfigError(f"The keys file {self.path} cannot be read ({exc}); restore it "
                              "or delete it and create new keys.") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(
                doc.get("keys"), list):
            raise ConfigError(f"{self.path} is not a jupyter-ad keys file (format {FORMAT}).")
        try:
            return [ApiKey(**{**k, "scopes": tuple(k["scopes"])}) for k in doc["keys"]]
        except (TypeError, KeyError) as exc:
            raise ConfigError(f"{self.path} has a damaged key record ({exc}).") from exc

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[ApiKey]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            with contextlib.suppress(ImportError):
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX)
            yield self.read()
        finally:
            os.close(fd)

    def _write(self, keys: list[ApiKey]) -> None:
        doc = {"format": FORMAT, "keys": [asdict(k) for k in keys]}
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def create(self, scopes: Any, *, name: str = "", rate_limit: str | None = None
               ) -> tuple[str, ApiKey]:
        """A new key with ``scopes``: returns ``(the key, its record)``; only the record,
        with the secret's scrypt hash, is written.
        """
        scopes = _check_scopes(scopes)
        rate = parse_rate(rate_limit, "rate_limit") if rate_limit is not None else None
        with self._locked() as keys:
            taken = {k.id for k in keys}
            key_id = secrets.token_hex(4)
            while key_id in taken:
                key_id = secrets.token_hex(4)
            secret = secrets.token_urlsafe(32)
            record = ApiKey(id=key_id, scopes=scopes, name=name,
                            created=datetime.now(UTC).isoformat(timespec="seconds"),
                            rate_limit=rate, hash=hash_secret(secret))
            self._write([*keys, record])
        return f"{_PREFIX}{key_id}_{secret}", record

    def revoke(self, key_id: str) -> ApiKey:
        """Mark key ``key_id`` revoked (its record stays, for the listing)."""
        key_id = key_id.strip()
        if key_id.startswith(_PREFIX):  # a whole key was pasted: take its id only
            key_id = key_id[len(_PREFIX):len(_PREFIX) + 8]
        with self._locked() as keys:
            for i, key in enumerate(keys):
                if key.id == key_id:
                    if key.revoked is None:
                        key = ApiKey(**{**asdict(key), "scopes": key.scopes,
                                        "revoked": datetime.now(UTC).isoformat(
                                            timespec="seconds")})
                        keys[i] = key
                        self._write(keys)
                    return key
        known = ", ".join(k.id for k in keys) or "none"
        raise ParameterError(f"No key with id {key_id!r} in {self.path}; keys: {known}.")


def parse_env_keys(text: str | None) -> list[tuple[str, ApiKey]]:
    """``(key, record)`` for each ``KEY`` or ``KEY:scope+scope`` entry of ``text``."""
    out: list[tuple[str, ApiKey]] = []
    for n, entry in enumerate(p.strip() for p in (text or "").split(",")):
        if not entry:
            continue
        key, _, scopes = entry.partition(":")
        if len(key) < _MIN_ENV_KEY or any(c.isspace() for c in key):
            raise ConfigError(f"{ENV_KEYS}: entry {n + 1} is not a key of at least "
                              f"{_MIN_ENV_KEY} characters without spaces (make one with: "
                              "python -c 'import secrets; print(secrets.token_urlsafe(32))').")
        try:
            scope_list = _check_scopes(scopes or "score")
        except ParameterError as exc:
            raise ConfigError(f"{ENV_KEYS}: entry {n + 1}: {exc}") from None
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        out.append((key, ApiKey(id=f"env{n + 1}", scopes=scope_list, source="environment",
                                hash=f"sha256${digest}")))
    return out


class KeyRing:
    """The keys a running service accepts: the keys file (re-read when it changes) and the
    ``JUPYTER_AD_API_KEYS`` entries.

    :meth:`check` costs one scrypt the first time a key is seen; the outcome is then cached
    under an HMAC of the key with a per-process secret (the key itself is never kept), and
    re-checked against the current file, so revoking works at once.
    """

    def __init__(self, key_file: KeyFile, env_text: str | None = None) -> None:
        self.key_file = key_file
        self._env = [(hashlib.sha256(k.encode()).digest(), rec)
                     for k, rec in parse_env_keys(env_text)]
        self._file: dict[str, ApiKey] = {}
        self._stamp: tuple[int, int, int] | None = None
        self._pepper = secrets.token_bytes(32)
        self._cache: OrderedDict[bytes, str | None] = OrderedDict()
        self._lock = threading.Lock()
        self._checked = -1e9
        self.reload()

    def reload(self, *, at_most_every: float = 0.0) -> bool:
        """Re-read the keys file if it changed; returns whether it did. With
        ``at_most_every``, the file is looked at no more often than that (seconds).
        """
        now = time.monotonic()
        if now - self._checked < at_most_every:
            return False
        self._checked = now
        stamp = self.key_file.stamp()
        if stamp == self._stamp and (stamp is not None or not self._file):
            return False
        keys = self.key_file.read() if stamp is not None else []
        with self._lock:
            self._file = {k.id: k for k in keys}
            self._stamp = stamp
            self._cache.clear()
        return True

    def __len__(self) -> int:
        return sum(1 for k in self._file.values() if k.revoked is None) + len(self._env)

    def _cache_key(self, presented: str) -> bytes:
        return hmac.new(self._pepper, presented.encode("utf-8", "replace"), "sha256").digest()

    def peek(self, presented: str) -> tuple[bool, ApiKey | None]:
        """``(True, key or None)`` if ``presented`` was checked before (no scrypt needed),
        else ``(False, None)``: then call :meth:`check` (in a worker thread).
        """
        with contextlib.suppress(JupyterADError):  # a damaged file mid-edit: keep the last
            self.reload(at_most_every=RELOAD_SECONDS)
        with self._lock:
            token = self._cache_key(presented)
            if token not in self._cache:
                return False, None
            cached = self._cache[token]
        return True, self._active(cached)

    def check(self, presented: str) -> ApiKey | None:
        """The active key ``presented`` is, or ``None`` (unknown, wrong or revoked)."""
        with contextlib.suppress(JupyterADError):  # a damaged file mid-edit: keep the last
            self.reload()
        token = self._cache_key(presented)
        with self._lock:
            known = token in self._cache
            cached = self._cache.get(token)
        if not known:
            cached = self._lookup(presented)
            with self._lock:
                self._cache[token] = cached
                while len(self._cache) > 10_000:
                    self._cache.popitem(last=False)
        return self._active(cached)

    def _active(self, cached: str | None) -> ApiKey | None:
        if cached is None:
            return None
        if cached.startswith("env"):
            return next((rec for _, rec in self._env if rec.id == cached), None)
        record = self._file.get(cached)
        return record if record is not None and record.revoked is None else None

    def _lookup(self, presented: str) -> str | None:
        """The id of the key ``presented`` is (one scrypt for a file key), or ``None``."""
        match = _KEY_RE.fullmatch(presented)
        if match is not None:
            record = self._file.get(match.group(1))
            if record is not None and _verify(match.group(2), record.hash):
                return record.id
        digest = hashlib.sha256(presented.encode("utf-8", "replace")).digest()
        found = None
        for expected, record in self._env:  # every entry compared: constant time
            if hmac.compare_digest(digest, expected):
                found = record.id
        return found
