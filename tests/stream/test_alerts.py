"""Alerts: a webhook on a local HTTP server (signature, retries, Slack payload), e-mail to a
local aiosmtpd server, de-duplication, rate limits, and a full queue that never blocks."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ConfigError
from jupyter_ad.stream.alerts import (
    AlertManager,
    EmailChannel,
    FunctionChannel,
    Rule,
    WebhookChannel,
    load_alerts,
)
from jupyter_ad.stream.alerts.channels import SIGNATURE_HEADER, sign
from tests.stream.conftest import free_port, numeric_frame


class Hook:
    """A local HTTP server recording POSTs; answers 500 to the first ``fail`` requests."""

    def __init__(self, fail: int = 0) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.fail = fail
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append((dict(self.headers), body))
                code = 500 if hook.fail > 0 else 200
                hook.fail -= 1
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


def _wait(condition, timeout=20.0):
    end = time.time() + timeout
    while not condition() and time.time() < end:
        time.sleep(0.02)
    return condition()


def test_webhook_is_signed_retried_and_slack_compatible(hook, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", "s3cret")
    hook.fail = 2
    channel = WebhookChannel(hook.url, secret="env:HOOK_SECRET", retries=3)
    channel.send({"rule": "r", "message": "m", "score": 1.5})
    assert len(hook.requests) == 3  # two 500s, then delivered
    headers, body = hook.requests[-1]
    assert headers[SIGNATURE_HEADER] == sign("s3cret", body)
    assert json.loads(body)["score"] == 1.5
    WebhookChannel(hook.url, format="slack").send({"rule": "r", "message": "hello"})
    assert json.loads(hook.requests[-1][1]) == {"text": "[jupyter-ad] r: hello"}
    hook.fail = 10
    with pytest.raises(RuntimeError, match="HTTP 500"):
        WebhookChannel(hook.url, retries=1).send({"rule": "r", "message": "m"})


def test_webhook_times_out_on_a_server_that_never_answers():
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections, never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    start = time.perf_counter()
    with pytest.raises(Exception, match=r"timed out|Timeout"):
        WebhookChannel(url, timeout_s=0.3, retries=1).send({"rule": "r", "message": "m"})
    assert time.perf_counter() - start < 5
    listener.close()


def test_email_reaches_a_local_smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Keep(Message):
        def handle_message(self, message: Any) -> None:
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        EmailChannel("127.0.0.1", ["ops@example.com"], port=port).send(
            {"rule": "big", "message": "event 7 scored 0.9", "time": 0})
    finally:
        controller.stop()
    assert len(received) == 1
    assert received[0]["Subject"] == "[jupyter-ad] big: event 7 scored 0.9"
    assert received[0]["To"] == "ops@example.com"


def test_rules_deduplicate_and_rate_limit_and_alerts_reach_the_hook(hook, numeric_model):
    rules = [Rule("every anomaly", on="anomaly", max_per_minute=5, dedupe_s=3600),
             Rule("rate", on="anomaly_rate", window=500, above=0.001)]
    manager = AlertManager(rules, {"hook": WebhookChannel(hook.url)})
    frame = numeric_frame(2000, seed=50)
    frame.iloc[:40, 1] += 9.0
    rows = frame.to_dict("records")
    s = ad.stream(rows + rows[:40], numeric_model, alerts=manager, batch_size=100)
    s.join(60)
    assert _wait(lambda: len(hook.requests) >= 6)
    time.sleep(0.3)
    bodies = [json.loads(b) for _, b in hook.requests]
    per_rule = {r: [b for b in bodies if b["rule"] == r] for r in ("every anomaly", "rate")}
    assert len(per_rule["every anomaly"]) == 5  # rate limit: at most 5 a minute
    assert len({b["event_id"] for b in per_rule["every anomaly"]}) == 5
    assert len(per_rule["rate"]) == 1  # de-duplicated: the same condition once per dedupe_s
    assert "anomaly rate" in per_rule["rate"][0]["message"]
    stats = s.stats()
    assert stats["alerts_sent"] == 6 and stats["alerts_suppressed"] > 0


def test_a_full_alert_queue_drops_and_counts_without_blocking_scoring(numeric_model):
    release = threading.Event()
    manager = AlertManager([Rule("all", on="anomaly", max_per_minute=10**6, dedupe_s=0)],
                           {"slow": FunctionChannel(lambda alert: release.wait(10))},
                           queue_size=3)
    frame = numeric_frame(3000, seed=51)
    frame.iloc[:, 0] += 9.0  # every event an anomaly
    start = time.perf_counter()
    s = ad.stream(frame.to_dict("records"), numeric_model, alerts=manager, batch_size=500)
    assert _wait(lambda: s.stats()["scored"] == 3000, 60)
    elapsed = time.perf_counter() - start
    assert elapsed < 8  # the stalled channel held nothing up (it waits 10 s per alert)
    assert s.stats()["alerts_dropped"] > 0
    release.set()
    s.join(30)


def test_alerts_file_is_checked(tmp_path, hook):
    path = tmp_path / "alerts.toml"
    path.write_text(f'[channel.ops]\ntype = "webhook"\nurl = "{hook.url}"\nformat = "slack"\n'
                    '[[rule]]\nname = "big"\non = "anomaly"\nmin_confidence = 0.9\n'
                    'channels = ["ops"]\n')
    rules, channels = load_alerts(path)
    assert rules[0].min_confidence == 0.9 and channels["ops"].format == "slack"
    path.write_text('[[rule]]\nname = "x"\non = "anomalies"\n')
    with pytest.raises(ConfigError, match="'on' must be one of anomaly"):
        load_alerts(path)
    path.write_text('[[rule]]\nname = "x"\nchannels = ["nope"]\n')
    with pytest.raises(ad.ParameterError, match="unknown channel"):
        AlertManager(*load_alerts(path))
