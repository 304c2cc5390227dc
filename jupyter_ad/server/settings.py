"""The ``[server]`` options of ``jupyter-ad serve``, defined once for every place that sets them.

Each option has one name: the ``jupyter-ad serve`` flag ``--max-body-size``, the key
``max_body_size`` of the ``[server]`` table in ``jupyter-ad.toml``, and the environment variable
``JUPYTER_AD_SERVER_MAX_BODY_SIZE``. API keys for containers come from ``JUPYTER_AD_API_KEYS``
(see :mod:`jupyter_ad.server.keys`), never from a configuration file.

>>> from jupyter_ad.server.settings import SERVER_OPTIONS
>>> o = SERVER_OPTIONS["max_body_size"]
>>> o.flag, o.env, o.coerce("2MiB")
('--max-body-size', 'JUPYTER_AD_SERVER_MAX_BODY_SIZE', 2097152)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.options import values
from jupyter_ad.options._spec import Option, OptionSet

__all__ = ["SCOPES", "SERVER_OPTIONS", "ServerSettings", "parse_rate", "server_settings"]

#: What a key may be allowed to do (``jupyter-ad keys create --scope ...``).
SCOPES = ("score", "explain", "feedback", "admin", "metrics")

_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
_RATE_RE = re.compile(r"(\d+)\s*(?:/|per)\s*(\d+\s*)?(second|minute|hour|day)s?", re.IGNORECASE)


def _size(value: Any) -> int:
    """Bytes: a whole number, or text with a unit (``"16MiB"``, ``"500kB"``)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    match = _SIZE_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()] < 1:
        raise ParameterError(f"max_body_size must be a size in bytes >= 1, e.g. 16MiB or "
                             f"1000000, got {value!r}.")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()])


def parse_rate(value: Any, name: str = "rate_limit") -> str | None:
    """A rate ``"N/second"`` (``minute``, ``hour``, ``day``; ``"N per 10 seconds"``), or
    ``None`` for ``"none"`` (no limit). Returned in the form the ``limits`` library reads.
    """
    if isinstance(value, str) and value.strip().lower() in ("none", "off", "unlimited"):
        return None
    match = _RATE_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match.group(1)) < 1:
        raise ParameterError(f"{name} must be a rate such as 100/second, 600/minute or "
                             f"'10 per 5 seconds', or none; got {value!r}.")
    count, every, unit = match.group(1), (match.group(2) or "").strip(), match.group(3).lower()
    return f"{count} per {every} {unit}" if every else f"{count}/{unit}"


def _strings(value: Any, name: str) -> list[str]:
    """A list of strings (text: comma-separated); empty text or list: ``[]``."""
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ParameterError(f"{name} must be a list of strings or comma-separated text, "
                         f"got {value!r}.")


def _model_specs(value: Any) -> list[str]:
    from jupyter_ad.io.store import parse_ref

    specs = _strings(value, "models")
    for spec in specs:
        parse_ref(spec)  # names the bad spec and the rule
    return specs


def _scopes(value: Any, name: str) -> list[str]:
    scopes = _strings(value.replace("+", ",") if isinstance(value, str) else value, name)
    for scope in scopes:
        if scope not in SCOPES:
            from jupyter_ad.options._spec import suggest

            raise ParameterError(f"Unknown scope {scope!r} in {name}.{suggest(scope, SCOPES)} "
                                 f"Scopes: {', '.join(SCOPES)}.")
    return scopes


def _path(value: Any, name: str) -> str:
    text = values.text(value, name) if not isinstance(value, os.PathLike) else os.fspath(value)
    return str(Path(text).expanduser())


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise ParameterError(f"{name} must be one of {', '.join(allowed)}, got {value!r}.")
    return text


S = "server"
SERVER_OPTIONS = OptionSet([
    Option("host", "Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every "
           "interface, as in a container).", default="127.0.0.1",
           coerce=partial(values.text, name="host"), metavar="HOST", section=S),
    Option("port", "TCP port (0: any free port, printed at start).", default=8000,
           coerce=values.whole_number("port", 0, example="--port 8000"), metavar="PORT",
           section=S),
    Option("models", "Models to serve: NAME (the newest version, followed as new versions "
           "are saved), NAME@VERSION (pinned) or NAME@ALIAS (followed as the alias moves), "
           "comma-separated. Default: every model in the store.", default=(),
           coerce=_model_specs, metavar="SPECS", example="fraud@production", section=S),
    Option("store", "Model store folder (default: $JUPYTER_AD_HOME, else the user data "
           "folder).", default=None, coerce=partial(_path, name="store"), metavar="DIR",
           section=S),
    Option("keys_file", "File of API key hashes written by 'jupyter-ad keys' (default: "
           "api-keys.json in the user configuration folder).", default=None,
           coerce=partial(_path, name="keys_file"), metavar="PATH", section=S),
    Option("max_body_size", "Largest request body accepted (413 above it).", default=16 * 2**20,
           coerce=_size, metavar="BYTES", example="16MiB", section=S),
    Option("max_rows", "Most rows in one scoring request (413 above it).", default=100_000,
           coerce=values.whole_number("max_rows", 1, example="--max-rows 100000"),
           metavar="N", section=S),
    Option("rate_limit", "Requests allowed per API key (a key may carry its own), e.g. "
           "100/second or 600/minute; none: no limit. 429 with Retry-After above it.",
           default="100/second", coerce=parse_rate, metavar="RATE", section=S),
    Option("auth_failure_limit", "Requests with a missing or wrong key allowed per client "
           "address before 429.", default="60/minute",
           coerce=partial(parse_rate, name="auth_failure_limit"), metavar="RATE", section=S),
    Option("cors_origins", "Origins allowed to call the service from a browser "
           "(comma-separated; empty: CORS off).", default=(),
           coerce=partial(_strings, name="cors_origins"), metavar="ORIGINS",
           example="https://dashboard.example.com", section=S),
    Option("metrics_auth", "Whether /metrics needs a key with the metrics scope.",
           default=True, coerce=partial(values.boolean, name="metrics_auth"), metavar="BOOL",
           section=S),
    Option("watch_interval", "Seconds between checks of the served aliases and newest "
           "versions (0: never re-check).", default=2.0,
           coerce=values.positive_number("watch_interval", example="2", zero=True),
           metavar="SECONDS", section=S),
    Option("explain_samples", "Perturbed rows per explanation (LIME).", default=1000,
           coerce=values.whole_number("explain_samples", 100, example="1000"), metavar="N",
           section=S),
    Option("log_level", "Log level of the JSON logs on stderr.", default="info",
           coerce=partial(_choice, name="log_level",
                          allowed=("debug", "info", "warning", "error")),
           metavar="LEVEL", section=S),
    Option("access_log", "Log one JSON line per request.", default=True,
           coerce=partial(values.boolean, name="access_log"), metavar="BOOL", section=S),
    Option("docs", "Serve the OpenAPI schema and its pages (/openapi.json, /docs) without a "
           "key.", default=False, coerce=partial(values.boolean, name="docs"), metavar="BOOL",
           section=S),
    Option("otel", "Trace requests with OpenTelemetry (needs jupyter-ad[otel]; exporters "
           "are set by the OTEL_* environment variables).", default=False,
           coerce=partial(values.boolean, name="otel"), metavar="BOOL", section=S),
    Option("workers", "Server processes (each loads the models; rate limits and metrics are "
           "then per process).", default=1,
           coerce=values.whole_number("workers", 1, example="--workers 2"), metavar="N",
           section=S),
])


@dataclass(frozen=True)
class ServerSettings:
    """The effective ``[server]`` options (see :data:`SERVER_OPTIONS` for each one)."""

    host: str = "127.0.0.1"
    port: int = 8000
    models: tuple[str, ...] = ()
    store: str | None = None
    keys_file: str | None = None
    max_body_size: int = 16 * 2**20
    max_rows: int = 100_000
    rate_limit: str | None = "100/second"
    auth_failure_limit: str | None = "60/minute"
    cors_origins: tuple[str, ...] = ()
    metrics_auth: bool = True
    watch_interval: float = 2.0
    explain_samples: int = 1000
    log_level: str = "info"
    access_log: bool = True
    docs: bool = False
    otel: bool = False
    workers: int = 1
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def replace(self, **changes: Any) -> ServerSettings:
        """A copy with ``changes`` (checked by the options' rules)."""
        checked = SERVER_OPTIONS.coerce_all(changes)
        data = {**{name: getattr(self, name) for name in SERVER_OPTIONS}, **checked}
        return _build(data, dict(self.sources))


def _build(data: Mapping[str, Any], sources: dict[str, str]) -> ServerSettings:
    tuples = {k: tuple(v) for k, v in data.items() if isinstance(v, list | tuple)}
    return ServerSettings(**{**data, **tuples}, sources=sources)


def server_settings(explicit: Mapping[str, Any] | None = None) -> ServerSettings:
    """The ``[server]`` settings: ``explicit`` values (flags), then ``JUPYTER_AD_SERVER_*``,
    then the ``[server]`` table of ``jupyter-ad.toml``, then the built-in defaults.
    """
    from jupyter_ad.options import resolve

    resolved = resolve(SERVER_OPTIONS, explicit or {}, section="server")
    return _build({name: s.value for name, s in resolved.items()},
                  {name: s.source for name, s in resolved.items()})
