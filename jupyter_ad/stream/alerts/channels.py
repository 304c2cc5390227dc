"""Alert channels: a webhook (httpx; timeouts, retries with backoff, an HMAC-SHA256 signature
header, a Slack-compatible payload option), e-mail (smtplib), the log, a Python function.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.stream._deps import require

__all__ = ["Channel", "EmailChannel", "FunctionChannel", "LogChannel", "WebhookChannel",
           "SIGNATURE_HEADER", "sign"]

SIGNATURE_HEADER = "X-Jupyter-AD-Signature"
log = logging.getLogger("jupyter_ad.stream.alerts")


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` + HMAC-SHA256 of the body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _secret(value: str | None) -> str | None:
    """A secret given as ``env:NAME`` is read from that environment variable."""
    if value and value.startswith("env:"):
        name = value[4:]
        if name not in os.environ:
            raise ParameterError(f"The alert secret names the environment variable {name!r}, "
                                 "which is not set.")
        return os.environ[name]
    return value


class Channel:
    """Delivers an alert (a dict with ``rule``, ``kind``, ``message``, ``time``, ...)."""

    name = "channel"

    def send(self, alert: dict[str, Any]) -> None:
        """Deliver ``alert``; raise on failure (the alert is then counted as failed)."""
        raise NotImplementedError


class LogChannel(Channel):
    """Write alerts to the ``jupyter_ad.stream.alerts`` logger (warning level)."""

    def __init__(self, name: str = "log") -> None:
        self.name = name

    def send(self, alert: dict[str, Any]) -> None:
        """Deliver one alert (see :meth:`Channel.send`)."""
        log.warning("%s: %s", alert["rule"], alert["message"])


class FunctionChannel(Channel):
    """Call a Python function with each alert."""

    def __init__(self, function: Callable[[dict[str, Any]], Any], name: str = "") -> None:
        self.name = name or getattr(function, "__name__", "function")
        self._function = function

    def send(self, alert: dict[str, Any]) -> None:
        """Deliver one alert (see :meth:`Channel.send`)."""
        self._function(alert)


class WebhookChannel(Channel):
    """POST each alert as JSON to ``url``.

    Parameters
    ----------
    url : str
    secret : str, optional
        Signs the body: header ``X-Jupyter-AD-Signature: sha256=<hex HMAC>`` (``env:NAME``
        reads it from an environment variable).
    format : {"json", "slack"}, default "json"
        ``"slack"`` posts ``{"text": message}``, which Slack and compatible chats accept.
    timeout_s : float, default 5
    retries : int, default 3
        Further attempts after a failure (connection error, HTTP 5xx or 429), waiting 0.2 s,
        0.4 s, 0.8 s... between them.
    """

    def __init__(self, url: str, *, secret: str | None = None, format: str = "json",
                 timeout_s: float = 5.0, retries: int = 3, name: str = "webhook") -> None:
        if format not in ("json", "slack"):
            raise ParameterError(f"A webhook's format is 'json' or 'slack', got {format!r}.")
        if not url.startswith(("http://", "https://")):
            raise ParameterError(f"A webhook URL starts with http:// or https://, got {url!r}.")
        self.url, self.format, self.retries, self.name = url, format, int(retries), name
        self._secret = _secret(secret)
        httpx = require("httpx", "Webhook alerts")
        self._client = httpx.Client(timeout=timeout_s)
        self._httpx = httpx

    def send(self, alert: dict[str, Any]) -> None:
        """Deliver one alert (see :meth:`Channel.send`)."""
        payload = {"text": f"[jupyter-ad] {alert['rule']}: {alert['message']}"} \
            if self.format == "slack" else alert
        body = json.dumps(payload, separators=(",", ":"), default=str).encode()
        headers = {"Content-Type": "application/json"}
        if self._secret:
            headers[SIGNATURE_HEADER] = sign(self._secret, body)
        delay = 0.2
        for attempt in range(self.retries + 1):
            try:
                response = self._client.post(self.url, content=body, headers=headers)
                if response.status_code < 500 and response.status_code != 429:
                    response.raise_for_status()
                    return
                error: Exception = RuntimeError(f"HTTP {response.status_code}")
            except self._httpx.HTTPStatusError:
                raise
            except self._httpx.HTTPError as exc:
                error = exc
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        raise error


class EmailChannel(Channel):
    """Send each alert as an e-mail through an SMTP server.

    Parameters
    ----------
    host : str
    port : int, default 25
    sender : str
    to : list of str
    username, password : str, optional
        Log in first (``env:NAME`` reads the password from an environment variable).
    starttls : bool, default False
    timeout_s : float, default 10
    """

    def __init__(self, host: str, to: list[str] | str, *, port: int = 25,
                 sender: str = "jupyter-ad@localhost", username: str | None = None,
                 password: str | None = None, starttls: bool = False,
                 timeout_s: float = 10.0, name: str = "email") -> None:
        self.host, self.port, self.sender, self.name = host, int(port), sender, name
        self.to = [to] if isinstance(to, str) else list(to)
        if not self.to:
            raise ParameterError("An e-mail channel needs at least one address in 'to'.")
        self.username, self._password = username, _secret(password)
        self.starttls, self.timeout = starttls, timeout_s

    def send(self, alert: dict[str, Any]) -> None:
        """Deliver one alert (see :meth:`Channel.send`)."""
        message = EmailMessage()
        message["Subject"] = f"[jupyter-ad] {alert['rule']}: {alert['message']}"[:200]
        message["From"] = self.sender
        message["To"] = ", ".join(self.to)
        message.set_content(json.dumps(alert, indent=2, default=str))
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self._password or "")
            smtp.send_message(message)
