"""Configuration: jupyter-ad.toml and JUPYTER_AD_* variables, precedence, errors, sources."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ConfigError
from jupyter_ad.options import DETECTION, resolve, set_config_file, set_session


@pytest.fixture(autouse=True)
def _clean(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user"))
    for name in list(os.environ):
        if name.startswith("JUPYTER_AD_") and name != "JUPYTER_AD_HOME":
            monkeypatch.delenv(name)
    set_config_file(None)
    yield
    for name in DETECTION:
        set_session(name, None)


def _user_file(tmp_path, text):
    folder = tmp_path / "user" / "jupyter-ad"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jupyter-ad.toml").write_text(text)


def test_precedence_explicit_session_env_file_builtin(tmp_path, monkeypatch):
    assert resolve(DETECTION)["contamination"].level == "built-in"
    _user_file(tmp_path, "contamination = 0.01\nalgorithm = 'knn'\n")
    assert resolve(DETECTION)["contamination"].value == 0.01
    (tmp_path / "jupyter-ad.toml").write_text("contamination = 0.02\n")  # project over user
    settings = resolve(DETECTION)
    assert settings["contamination"].value == 0.02
    assert settings["algorithm"].value == "knn"  # still from the user file
    monkeypatch.setenv("JUPYTER_AD_CONTAMINATION", "3%")
    assert resolve(DETECTION)["contamination"].value == 0.03
    set_session("contamination", 0.04)
    assert resolve(DETECTION)["contamination"].level == "session"
    setting = resolve(DETECTION, {"contamination": 0.05})["contamination"]
    assert (setting.value, setting.level) == (0.05, "explicit")


def test_alternatives_move_together(tmp_path, monkeypatch):
    (tmp_path / "jupyter-ad.toml").write_text("contamination = 0.02\n")
    settings = resolve(DETECTION, {"top_k": 5})
    assert settings["top_k"].value == 5 and settings["contamination"].value is None
    monkeypatch.setenv("JUPYTER_AD_TOP_K", "7")  # env over file, for the whole group
    settings = resolve(DETECTION)
    assert settings["top_k"].value == 7 and settings["contamination"].value is None
    with pytest.raises(ad.ParameterError, match="Give only one of"):
        resolve(DETECTION, {"top_k": 5, "threshold": 2.0})


def test_fit_uses_the_configuration_and_records_it(tmp_path, monkeypatch):
    (tmp_path / "jupyter-ad.toml").write_text("algorithm = 'ecod'\nexclude = ['is_anomaly']\n")
    monkeypatch.setenv("JUPYTER_AD_TOP_K", "4")
    data = ad.datasets.load_transactions(n_rows=300)
    model = ad.fit(data)
    assert model.algorithm_name == "ecod" and model.threshold_rule_.method == "top_k"
    assert int(model.predict(data).sum()) == 4
    assert model.options_["algorithm"].source.endswith("jupyter-ad.toml")
    assert model.options_["top_k"].source == "JUPYTER_AD_TOP_K"
    assert model.get_params()["algorithm"] is None  # the estimator's parameters stay as given
    res = ad.detect(data, "iforest", contamination=0.1)  # explicit wins
    assert res.algorithm == "iforest" and res.threshold_rule.method == "contamination"


def test_unknown_keys_name_the_nearest_valid_one(tmp_path):
    path = tmp_path / "jupyter-ad.toml"
    path.write_text("contamnation = 0.05\n")
    with pytest.raises(ConfigError, match=r"unknown key 'contamnation'\. Did you mean "
                                          "'contamination'"):
        resolve(DETECTION)
    path.write_text("[sever]\nport = 1\n")
    with pytest.raises(ConfigError, match=r"unknown table \[sever\]"):
        resolve(DETECTION)
    path.write_text("contamination = 0.9\n")
    with pytest.raises(ConfigError, match=r"jupyter-ad\.toml: contamination: contamination must"):
        resolve(DETECTION)
    path.write_text("contamination = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        resolve(DETECTION)


def test_config_file_from_the_environment_or_the_command_line(tmp_path, monkeypatch, capsys):
    other = tmp_path / "elsewhere.toml"
    other.write_text("random_state = 9\n")
    (tmp_path / "jupyter-ad.toml").write_text("random_state = 1\n")
    monkeypatch.setenv("JUPYTER_AD_CONFIG", str(other))
    assert resolve(DETECTION)["random_state"].value == 9
    monkeypatch.delenv("JUPYTER_AD_CONFIG")
    from jupyter_ad.cli.main import main

    assert main(["--config", str(other), "config", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    row = next(s for s in shown["settings"] if s["name"] == "random_state")
    assert row["value"] == 9 and row["source"] == str(other.resolve())
    assert resolve(DETECTION)["random_state"].value == 1  # --config lasted one command
    assert main(["--config", str(tmp_path / "missing.toml"), "config"]) == 2


def test_jupyter_ad_config_shows_values_and_sources(tmp_path):
    (tmp_path / "jupyter-ad.toml").write_text("contamination = '2%'\n")
    env = {**os.environ, "JUPYTER_AD_ALGORITHM": "ecod", "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "jupyter_ad", "config"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True).stdout
    lines = {line.split()[0]: line for line in out.splitlines()[2:] if line.strip()}
    assert "0.02" in lines["contamination"] and "jupyter-ad.toml" in lines["contamination"]
    assert '"ecod"' in lines["algorithm"] and "JUPYTER_AD_ALGORITHM" in lines["algorithm"]
    assert "built-in" in lines["random_state"]


def test_magics_config_is_a_session_default(tmp_path):
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()  # the test shell (started here, or by the magics' tests)
    ip.run_line_magic("load_ext", "jupyter_ad")
    ip.run_line_magic("config", "JupyterAD.top_k = 3")
    try:
        assert resolve(DETECTION)["top_k"].source == "%config JupyterAD.top_k"
        data = ad.datasets.load_transactions(n_rows=200)
        assert ad.detect(data, exclude=["is_anomaly"]).n_anomalies == 3  # Python sees it too
    finally:
        ip.run_line_magic("config", "JupyterAD.top_k = None")
