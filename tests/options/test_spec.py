"""One option spec: the same names and values in Python, magics, CLI, config file and env."""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from jupyter_ad.errors import ConfigError, ParameterError
from jupyter_ad.options import DETECTION, OPTIONS, resolve, set_config_file

# option, as text (CLI, magic, %%detect body, env var), as Python, as TOML, normalised value
CASES: list[tuple[str, str, Any, str, Any]] = [
    ("algorithm", "IForest,ECOD", ["iforest", "ecod"], '["iforest", "ecod"]',
     ["iforest", "ecod"]),
    ("algorithm", "ecod", "ECOD", '"ecod"', "ecod"),
    ("contamination", "5%", "5%", '"5%"', 0.05),
    ("contamination", "0.02", 0.02, "0.02", 0.02),
    ("contamination", "mad", "MAD", '"mad"', "mad"),
    ("threshold", "2.5", 2.5, "2.5", 2.5),
    ("top_k", "20", 20, "20", 20),
    ("features", "amount, n_items", ["amount", "n_items"], '["amount", "n_items"]',
     ["amount", "n_items"]),
    ("exclude", '["a, b", "c"]', ["a, b", "c"], '["a, b", "c"]', ["a, b", "c"]),
    ("params", "n_estimators=50, max_samples=64", {"n_estimators": 50, "max_samples": 64},
     "{ n_estimators = 50, max_samples = 64 }", {"n_estimators": 50, "max_samples": 64}),
    ("preprocessing", '{"scaling": "minmax"}', {"scaling": "minmax"}, '{ scaling = "minmax" }',
     {"scaling": "minmax"}),
    ("ensemble", "combination=max", {"combination": "max"}, '{ combination = "max" }',
     {"combination": "max"}),
    ("random_state", "7", 7, "7", 7),
    ("max_rows", "1000", 1000, "1000", 1000),
]
IDS = [f"{c[0]}={c[1]}" for c in CASES]


@pytest.fixture(autouse=True)
def _clean_config(tmp_path, monkeypatch):
    """No configuration file or variable leaks in: an empty working folder and user folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    for name in list(__import__("os").environ):
        if name.startswith("JUPYTER_AD_") and name not in ("JUPYTER_AD_HOME",):
            monkeypatch.delenv(name)
    set_config_file(None)


def _cli(name: str, text: str) -> Any:
    from jupyter_ad.cli.main import build_parser

    args = build_parser().parse_args(["detect", "data.csv", OPTIONS[name].flag, text])
    return getattr(args, name)


def _magic_line(name: str, text: str) -> Any:
    from jupyter_ad.magics._magics import DETECT_PARSER
    from jupyter_ad.magics._parser import parse_argv

    return getattr(parse_argv(DETECT_PARSER, f"df {OPTIONS[name].flag} {shlex.quote(text)}"),
                   name)


def _magic_cell(name: str, text: str) -> Any:
    from jupyter_ad.magics._cell import parse_cell
    from jupyter_ad.magics._magics import DETECT_OPTIONS

    return parse_cell(f"{name.replace('_', '-')}: {text}", DETECT_OPTIONS)[name]


@pytest.mark.parametrize(("name", "text", "python", "toml", "expected"), CASES, ids=IDS)
def test_every_front_end_reads_an_option_the_same_way(name, text, python, toml, expected,
                                                        tmp_path, monkeypatch):
    # Python: the explicit value of AnomalyModel/ad.detect
    assert resolve(DETECTION, {name: python})[name].value == expected
    # the command line, the %detect line and the %%detect body
    assert _cli(name, text) == expected
    assert _magic_line(name, text) == expected
    assert _magic_cell(name, text) == expected
    # an environment variable
    monkeypatch.setenv(OPTIONS[name].env, text)
    setting = resolve(DETECTION)[name]
    assert (setting.value, setting.source) == (expected, OPTIONS[name].env)
    monkeypatch.delenv(OPTIONS[name].env)
    # jupyter-ad.toml in the working folder
    (tmp_path / "jupyter-ad.toml").write_text(f"{name} = {toml}\n")
    setting = resolve(DETECTION)[name]
    assert setting.value == expected and setting.level == "file"


@pytest.mark.parametrize("name", list(DETECTION))
def test_a_bad_value_is_refused_alike_everywhere(name, tmp_path, monkeypatch):
    bad = {"algorithm": "nosuch", "contamination": "0.9", "threshold": "high", "top_k": "-2",
           "features": "[1, 2", "exclude": "[", "params": "{bad", "preprocessing": "scale=1",
           "ensemble": "mix=1", "random_state": "-1", "max_rows": "1"}[name]
    with pytest.raises(ParameterError) as python:
        resolve(DETECTION, {name: bad})
    first = str(python.value).split(";")[0].split(".")[0]
    from jupyter_ad.cli.main import main

    assert main(["detect", "data.csv", OPTIONS[name].flag, bad]) == 2
    from jupyter_ad.magics._errors import OptionError

    with pytest.raises(OptionError, match=first[:20].replace("(", r"\(").replace("[", r"\[")):
        _magic_line(name, bad)
    monkeypatch.setenv(OPTIONS[name].env, bad)
    with pytest.raises(ConfigError, match=OPTIONS[name].env):
        resolve(DETECTION)


def test_flags_and_names_follow_one_rule():
    for option in OPTIONS.values():
        assert option.flag == "--" + option.name.replace("_", "-")
        assert option.env == "JUPYTER_AD_" + option.name.upper()
        assert option.help.endswith(".") and option.default == option.value(option.default)


def test_old_spellings_are_hidden_aliases(capsys):
    from jupyter_ad.cli.main import build_parser

    parser = build_parser()
    args = parser.parse_args(["detect", "x.csv", "--seed", "3"])
    assert args.random_state == 3
    args = parser.parse_args(["report", "x.csv", "--target", "y"])
    assert args.labels == "y"
    args = parser.parse_args(["benchmark", "d", "--label-column", "y"])
    assert args.labels == "y"
    with pytest.raises(SystemExit):
        parser.parse_args(["detect", "--help"])
    shown = capsys.readouterr().out
    assert "--random-state" in shown and "--labels" in shown and "--seed" not in shown


def test_repeated_column_flags_add_up():
    from jupyter_ad.cli.main import build_parser

    args = build_parser().parse_args(["detect", "x.csv", "--exclude", "a,b", "--exclude", "c"])
    assert args.exclude == ["a", "b", "c"]
