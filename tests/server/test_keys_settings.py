"""API keys (hashed, revocable, from the environment), the [server] options, the rate-limit
buckets and the OpenTelemetry hook, without a running server.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from jupyter_ad.errors import ConfigError, ParameterError
from jupyter_ad.server.auth import Rate, RateLimiter
from jupyter_ad.server.keys import KeyFile, KeyRing, hash_secret, parse_env_keys
from jupyter_ad.server.settings import SERVER_OPTIONS, parse_rate, server_settings
from tests.server.conftest import JUPYTER_AD


def test_a_created_key_is_stored_only_as_a_scrypt_hash(tmp_path) -> None:
    keys = KeyFile(tmp_path / "keys.json")
    key, record = keys.create("score+explain", name="dashboard")
    assert key.startswith(f"jad_{record.id}_") and len(key) == 4 + 8 + 1 + 43
    text = (tmp_path / "keys.json").read_text()
    assert key not in text and key.split("_", 2)[2] not in text
    stored = json.loads(text)["keys"][0]
    assert stored["hash"].startswith("scrypt$16384$8$1$")
    assert stored["scopes"] == ["score", "explain"] and stored["name"] == "dashboard"
    assert stat.S_IMODE(os.stat(tmp_path / "keys.json").st_mode) == 0o600
    other, _ = keys.create("metrics")
    assert other != key and len(keys.read()) == 2


def test_the_ring_accepts_keys_and_refuses_wrong_or_revoked_ones(tmp_path) -> None:
    keys = KeyFile(tmp_path / "keys.json")
    key, record = keys.create("score")
    ring = KeyRing(keys, env_text="")
    assert ring.peek(key) == (False, None)  # not seen yet: scrypt needed
    assert ring.check(key) == record
    assert ring.peek(key) == (True, record)  # cached
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert ring.check(wrong) is None
    assert ring.check("jad_ffffffff_" + "a" * 43) is None
    keys.revoke(record.id)
    ring.reload()
    assert ring.check(key) is None and ring.peek(key)[1] is None
    assert keys.read()[0].revoked is not None
    with pytest.raises(ParameterError, match="No key with id"):
        keys.revoke("00000000")


def test_environment_keys(tmp_path) -> None:
    entries = parse_env_keys("a-long-key-for-scoring-1:score+explain, b-long-key-for-metrics-2:"
                             "metrics,c-bare-key-defaults-to-score")
    assert [(rec.id, rec.scopes) for _, rec in entries] == [
        ("env1", ("score", "explain")), ("env2", ("metrics",)), ("env3", ("score",))]
    ring = KeyRing(KeyFile(tmp_path / "none.json"),
                   env_text="a-long-key-for-scoring-1:score+explain")
    found = ring.check("a-long-key-for-scoring-1")
    assert found is not None and found.scopes == ("score", "explain")
    assert ring.check("a-long-key-for-scoring-2") is None
    with pytest.raises(ConfigError, match="at least 16 characters"):
        parse_env_keys("short:score")
    with pytest.raises(ConfigError, match=r"Unknown scope 'scorre'.*'score'"):
        parse_env_keys("a-long-key-for-scoring-1:scorre")


def test_hash_is_salted_and_checked_in_constant_time() -> None:
    from jupyter_ad.server import keys as module

    a, b = hash_secret("secret"), hash_secret("secret")
    assert a != b  # a new salt each time
    assert module._verify("secret", a) and not module._verify("secreT", a)
    assert not module._verify("secret", "sha1$abc")
    source = Path(module.__file__).read_text()
    assert "hmac.compare_digest" in source and "==" not in source.split("def _verify")[1][:600]


def test_keys_cli_create_list_revoke(tmp_path) -> None:
    path = str(tmp_path / "keys.json")
    made = subprocess.run([JUPYTER_AD, "keys", "create", "--scope", "score", "--scope",
                           "feedback", "--keys-file", path], capture_output=True, text=True,
                          timeout=60, check=True)
    key = made.stdout.strip()
    assert key.startswith("jad_") and "not shown again" in made.stderr
    listed = subprocess.run([JUPYTER_AD, "keys", "list", "--keys-file", path, "--json"],
                            capture_output=True, text=True, timeout=60, check=True)
    records = json.loads(listed.stdout)
    assert records[0]["scopes"] == ["score", "feedback"] and "hash" not in records[0]
    assert key not in listed.stdout
    subprocess.run([JUPYTER_AD, "keys", "revoke", key, "--keys-file", path], check=True,
                   capture_output=True, timeout=60)
    table = subprocess.run([JUPYTER_AD, "keys", "list", "--keys-file", path],
                           capture_output=True, text=True, timeout=60, check=True).stdout
    assert "revoked" in table
    bad = subprocess.run([JUPYTER_AD, "keys", "create", "--scope", "admn", "--keys-file",
                          path], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "'admin'" in bad.stderr


def test_server_options_come_from_flags_env_and_the_config_file(tmp_path, monkeypatch) -> None:
    (tmp_path / "jupyter-ad.toml").write_text(
        '[server]\nport = 9100\nrate_limit = "10 per 5 seconds"\nmodels = ["fraud@production"]\n'
        'cors_origins = "https://a.example, https://b.example"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_AD_SERVER_MAX_BODY_SIZE", "2MiB")
    settings = server_settings({"host": "0.0.0.0"})
    assert (settings.host, settings.port, settings.max_body_size) == ("0.0.0.0", 9100, 2**21)
    assert settings.rate_limit == "10 per 5 second" and settings.models == ("fraud@production",)
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.sources["port"].endswith("jupyter-ad.toml")
    assert settings.sources["max_body_size"] == "JUPYTER_AD_SERVER_MAX_BODY_SIZE"
    monkeypatch.setenv("JUPYTER_AD_SERVER_PORT", "eighty")
    with pytest.raises(ConfigError, match="JUPYTER_AD_SERVER_PORT"):
        server_settings()
    (tmp_path / "jupyter-ad.toml").write_text("[server]\nprot = 1\n")
    monkeypatch.delenv("JUPYTER_AD_SERVER_PORT")
    with pytest.raises(ConfigError, match="'port'"):
        server_settings()


@pytest.mark.parametrize(("text", "expected"), [
    ("100/second", "100/second"), ("600 per minute", "600/minute"),
    ("10 per 5 seconds", "10 per 5 second"), ("none", None)])
def test_rates(text: str, expected: str | None) -> None:
    assert parse_rate(text) == expected


@pytest.mark.parametrize("bad", ["fast", "0/second", "10/fortnight", 5])
def test_bad_rates_are_refused(bad: object) -> None:
    with pytest.raises(ParameterError, match="rate"):
        parse_rate(bad)


def test_bad_server_values_name_the_option() -> None:
    with pytest.raises(ParameterError, match="max_body_size"):
        SERVER_OPTIONS["max_body_size"].coerce("lots")
    with pytest.raises(ParameterError, match="model name"):
        SERVER_OPTIONS["models"].coerce("../etc")


def test_token_bucket_allows_the_burst_then_refills(monkeypatch) -> None:
    import jupyter_ad.server.auth as auth

    now = [100.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: now[0])
    limiter, rate = RateLimiter(), Rate("3/second")
    assert [limiter.hit(rate, "key", "a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.hit(rate, "key", "a")
    assert wait == pytest.approx(1 / 3)
    assert limiter.hit(rate, "key", "b") == 0.0  # another key has its own bucket
    now[0] += 0.34
    assert limiter.hit(rate, "key", "a") == 0.0
    assert Rate("10 per 5 second").per_second == 2.0


def test_opentelemetry_hook_traces_requests(tmp_path) -> None:
    from fastapi.testclient import TestClient
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from jupyter_ad.server.app import create_app
    from jupyter_ad.server.observability import setup_tracing
    from jupyter_ad.server.settings import ServerSettings

    app = create_app(ServerSettings(store=str(tmp_path / "store"),
                                    keys_file=str(tmp_path / "k.json"), watch_interval=0),
                     env_keys="a-long-key-for-scoring-1:score")
    exporter = InMemorySpanExporter()
    setup_tracing(app, exporter=exporter)
    with TestClient(app) as client:
        assert client.get("/v1/models", headers={"X-API-Key": "a-long-key-for-scoring-1"}
                          ).status_code == 200
        assert client.get("/v1/models").status_code == 401
    names = [span.name for span in exporter.get_finished_spans()]
    assert any("/v1/models" in name for name in names), names
    attributes = [dict(span.attributes or {}) for span in exporter.get_finished_spans()]
    assert not any("a-long-key-for-scoring-1" in json.dumps(a, default=str) for a in attributes)
