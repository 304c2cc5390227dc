"""The container files: the Dockerfile checked against the rules (multi-stage, slim, non-root,
HEALTHCHECK on /healthz, volumes, no key), the compose file's Prometheus scraping /metrics, and
the image's entrypoint command run here as a process and called over HTTP (no container
engine runs on this machine).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dockerfile_parse import DockerfileParser

from tests.server.conftest import fit_and_save, start_server, transactions

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _parse(tmp_path: Path) -> DockerfileParser:
    parser = DockerfileParser(path=str(tmp_path))
    parser.content = (DEPLOY / "Dockerfile").read_text()
    return parser


def _final_stage(parser: DockerfileParser) -> list[dict]:
    starts = [i for i, ins in enumerate(parser.structure) if ins["instruction"] == "FROM"]
    return parser.structure[starts[-1]:]


def _exec_form(value: str) -> list[str]:
    return json.loads(value)


def test_dockerfile_follows_the_rules(tmp_path: Path) -> None:
    parser = _parse(tmp_path)
    froms = [ins["value"] for ins in parser.structure if ins["instruction"] == "FROM"]
    assert len(froms) >= 2, "multi-stage: a build stage and a run stage"
    assert all("slim" in f.split()[0] for f in froms), froms
    final = _final_stage(parser)
    users = [ins["value"] for ins in final if ins["instruction"] == "USER"]
    assert users and users[-1] not in ("root", "0"), "runs as a user without privileges"
    copies = [ins["value"] for ins in final if ins["instruction"] == "COPY"]
    assert all(c.startswith("--from=") for c in copies), "the run stage copies the build only"
    health = [ins["value"] for ins in final if ins["instruction"] == "HEALTHCHECK"]
    assert health and "/healthz" in health[0]
    volumes = [v for ins in final if ins["instruction"] == "VOLUME"
               for v in _exec_form(ins["value"])]
    assert {"/models", "/config"} <= set(volumes)
    env = parser.envs
    assert env["JUPYTER_AD_HOME"] == "/models"
    assert env["JUPYTER_AD_SERVER_KEYS_FILE"].startswith("/config/")


def test_no_key_is_baked_into_the_image(tmp_path: Path) -> None:
    parser = _parse(tmp_path)
    for ins in parser.structure:
        if ins["instruction"] in ("ENV", "ARG", "LABEL"):
            assert "API_KEYS" not in ins["value"], ins
            for name, value in re.findall(r"(\w+)=(\S+)", ins["value"]):
                if "KEY" in name or "SECRET" in name or "TOKEN" in name:
                    assert value.startswith("/config/"), f"{name} must be a path, not a key"
        if ins["instruction"] in ("COPY", "ADD"):
            assert not re.search(r"key|secret|\.json\b", ins["value"], re.IGNORECASE), ins
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "**/api-keys.json" in ignored and ".venv" in ignored


def test_compose_has_prometheus_scraping_metrics_with_a_key() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["jupyter-ad"]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert any(v.endswith(":/models") for v in service["volumes"])
    assert "JUPYTER_AD_API_KEYS" in service["environment"]
    assert all(p.startswith("127.0.0.1:") for p in service["ports"])
    assert "prometheus" in compose["services"]
    prometheus = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    job = prometheus["scrape_configs"][0]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"][0]["targets"] == ["jupyter-ad:8000"]
    assert job["authorization"]["type"] == "Bearer"
    assert "credentials_file" in job["authorization"]


@pytest.mark.slow
def test_the_entrypoint_command_serves_models_from_the_volume(tmp_path: Path) -> None:
    """Run the image's ENTRYPOINT with its ENV (host and port moved to a free loopback port),
    models and configuration in folders standing for the volumes, keys from the environment.
    """
    parser = _parse(tmp_path)
    final = _final_stage(parser)
    entrypoint = next(_exec_form(i["value"]) for i in final if i["instruction"] == "ENTRYPOINT")
    health = next(i["value"] for i in final if i["instruction"] == "HEALTHCHECK")
    models, config = tmp_path / "models", tmp_path / "config"
    config.mkdir()
    fit_and_save(models, "fraud")
    from jupyter_ad.io.store import ModelStore

    ModelStore(models).set_alias("fraud", "production", 1)
    (config / "jupyter-ad.toml").write_text((DEPLOY / "jupyter-ad.toml").read_text())
    score_key, metrics_key = "s" * 20 + "-score-key", "m" * 20 + "-metrics-key"
    env = {k: v for k, v in parser.envs.items() if k != "PATH"}
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_AD_HOME": str(models),
        "JUPYTER_AD_SERVER_KEYS_FILE": str(config / "api-keys.json"),
        "JUPYTER_AD_SERVER_HOST": "127.0.0.1", "JUPYTER_AD_SERVER_PORT": "0",
        "NUMBA_CACHE_DIR": str(tmp_path / "numba"), "MPLCONFIGDIR": str(tmp_path / "mpl"),
        "JUPYTER_AD_API_KEYS": f"{score_key}:score,{metrics_key}:metrics",
    })
    env.pop("JUPYTER_AD_STORE_KEY_FILE", None)
    old_cwd = Path.cwd()
    os.chdir(config)  # WORKDIR /config: jupyter-ad.toml is read from there
    try:
        server = start_server([], env, argv=entrypoint)
    finally:
        os.chdir(old_cwd)
    try:
        port = server.url.rsplit(":", 1)[1]
        probe = _exec_form(health.split("CMD", 1)[1].strip())
        probe[0] = sys.executable
        done = subprocess.run(probe, env={**env, "JUPYTER_AD_SERVER_PORT": port}, timeout=60)
        assert done.returncode == 0, "the HEALTHCHECK command fails"
        rows = json.loads(transactions(5).to_json(orient="records"))
        with server.client(score_key) as c:
            answer = c.post("/v1/models/fraud/score", json={"rows": rows})
            assert answer.status_code == 200 and answer.json()["model"] == "fraud@1"
            assert c.get("/metrics").status_code == 403
        with server.client(metrics_key) as c:
            assert "jupyter_ad_rows_scored_total" in c.get("/metrics").text
        with server.client() as c:
            assert c.get("/v1/models").status_code == 401
        assert score_key not in server.log and metrics_key not in server.log
    finally:
        server.stop()
