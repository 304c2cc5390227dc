"""Alert rules and channels from a TOML file (``--alerts alerts.toml``, ``alerts=``).

An example::

[channel.ops]
type = "webhook"                 # or "email", "log"
url = "https://hooks.example/T0"
secret = "env:ALERT_SECRET"      # HMAC-SHA256 signature header
format = "slack"                 # or "json"

[channel.mail]
type = "email"
host = "smtp.example"
port = 587
to = ["oncall@example.com"]
starttls = true

[[rule]]
name = "big anomaly"
on = "anomaly"                   # or "anomaly_rate", "drift"
min_confidence = 0.9
channels = ["ops"]

[[rule]]
name = "rate"
on = "anomaly_rate"
window = 1000                    # events
above = 0.05
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ConfigError, ParameterError
from jupyter_ad.stream.alerts.channels import (
    Channel,
    EmailChannel,
    LogChannel,
    WebhookChannel,
)
from jupyter_ad.stream.alerts.rules import Rule

__all__ = ["load_alerts", "parse_alerts"]

_CHANNELS: dict[str, Any] = {"webhook": WebhookChannel, "email": EmailChannel,
                             "log": LogChannel}


def parse_alerts(config: dict[str, Any], where: str = "alerts") -> tuple[list[Rule],
                                                                         dict[str, Channel]]:
    """Rules and channels from a dict shaped like the TOML file."""
    unknown = set(config) - {"rule", "channel"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; use [[rule]] "
                          "and [channel.NAME].")
    channels: dict[str, Channel] = {}
    for name, spec in (config.get("channel") or {}).items():
        spec = dict(spec)
        kind = spec.pop("type", "webhook")
        if kind not in _CHANNELS:
            raise ConfigError(f"{where}: channel {name!r} has type {kind!r}; use "
                              f"{', '.join(_CHANNELS)}.")
        if kind == "email" and "from" in spec:
            spec["sender"] = spec.pop("from")
        try:
            channels[name] = _CHANNELS[kind](name=name, **spec)
        except TypeError as exc:
            raise ConfigError(f"{where}: channel {name!r}: {exc}.") from None
    rules: list[Rule] = []
    for k, spec in enumerate(config.get("rule") or []):
        spec = dict(spec)
        spec.setdefault("name", f"rule {k + 1}")
        try:
            rules.append(Rule(**spec))
        except TypeError as exc:
            raise ConfigError(f"{where}: rule {spec['name']!r}: {exc}.") from None
        except ParameterError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return rules, channels or {"log": LogChannel()}


def load_alerts(path: str | Path) -> tuple[list[Rule], dict[str, Channel]]:
    """Rules and channels from an alerts TOML file."""
    file = Path(path).expanduser()
    try:
        config = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"No alerts file at {str(file)!r}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc}).") from None
    return parse_alerts(config, str(file))
