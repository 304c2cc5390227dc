"""``jupyter-ad models``: a readable listing, aliases (promote, rollback, unalias, history),
deletes and the key migration, through the real command-line entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import jupyter_ad as ad
from jupyter_ad.cli.main import main
from tests.conftest import planted_frame


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    frame, _ = planted_frame(n=200)
    frame["merchant"] = ["grocery", "travel", "fuel", "restaurant"] * 50
    for algorithm in ("iforest", "ecod+copod+hbos+pca+knn", "hbos"):
        ad.fit(frame, algorithm=algorithm.split("+") if "+" in algorithm else algorithm
               ).save("fraud-detector-for-cards")
    return tmp_path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["-q", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_listing_is_a_readable_table(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["models"], ["models", "list"]):
        code, out, err = cli(capsys, *argv)
        assert code == 0 and not err
        lines = out.splitlines()
        assert lines[0].split() == ["name", "version", "aliases", "created", "algorithm",
                                    "features", "rows", "anomaly", "rate", "status"]
        assert len(lines) == 4 and max(map(len, lines)) <= 140, out
        assert "{" not in out and "score_quantiles" not in out  # no raw metrics dict
        assert "200" in lines[1] and "%" in lines[1] and lines[1].rstrip().endswith("ok")
        assert "ecod+copod+hbos+pca+knn" in out
    code, out, _ = cli(capsys, "models", "--json")
    rows = json.loads(out)
    assert rows[0]["metrics"]["score_quantiles"] and rows[0]["status"] == "ok"
    code, out2, _ = cli(capsys, "models", "list", "--json")
    assert json.loads(out2) == rows


def test_promote_rollback_unalias_and_history(saved: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    name = "fraud-detector-for-cards"
    code, out, _ = cli(capsys, "models", "promote", f"{name}@1", "--alias", "production")
    assert code == 0 and out.strip() == f"{name}@production: nothing -> {name}@1 (promote)"
    assert cli(capsys, "models", "promote", f"{name}@3", "--alias", "production")[0] == 0
    assert ad.load(f"{name}@production").algorithm_name == "hbos"
    code, out, _ = cli(capsys, "models", "rollback", name, "--alias", "production")
    assert code == 0 and f"{name}@3 -> {name}@1 (rollback)" in out
    assert ad.load(f"{name}@production").algorithm_name == "iforest"
    code, out, _ = cli(capsys, "models")
    assert "production" in out.splitlines()[1]
    code, out, _ = cli(capsys, "models", "aliases", name)
    assert f"{name}@production -> {name}@1" in out and "History:" in out and "rollback" in out
    history = json.loads(cli(capsys, "models", "aliases", name, "--json")[1])
    assert [h["action"] for h in history["history"]] == ["promote", "promote", "rollback"]
    code, _, err = cli(capsys, "models", "delete", f"{name}@1")
    assert code == 1 and "alias 'production' points to it" in err
    code, out, _ = cli(capsys, "models", "unalias", name, "--alias", "production")
    assert code == 0 and "(remove)" in out
    code, out, _ = cli(capsys, "models", "delete", f"{name}@1")
    assert code == 0 and "will not be used again" in out


def test_errors_are_one_line(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "fraud-detector-for-cards"
    cases = [(["models", "promote", f"{name}@9", "--alias", "production"], 1, "no version 9"),
             (["models", "promote", f"{name}@1", "--alias", "latest"], 2, "an alias has"),
             (["models", "rollback", name, "--alias", "production"], 1, "no alias"),
             (["models", "promote", f"{name}@1"], 2, "--alias"),
             (["models", "rollback", "nosuch", "--alias", "x"], 1, "nosuch"),
             (["models", "frobnicate"], 2, "invalid choice")]
    for argv, status, words in cases:
        code, _, err = cli(capsys, *argv)
        assert code == status and words in err, (argv, err)
        assert "Traceback" not in err


def test_migrate_key_and_store_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "models", "migrate-key", "--store", str(tmp_path / "s"))
    assert code == 0 and "Nothing to migrate" in out
    code, out, _ = cli(capsys, "models", "--store", str(tmp_path / "empty"))
    assert code == 0 and "No saved models yet" in out


@pytest.mark.slow
def test_models_from_a_real_shell(saved: Path) -> None:
    run = [sys.executable, "-m", "jupyter_ad", "models", "promote",
           "fraud-detector-for-cards@2", "--alias", "canary"]
    out = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    listing = subprocess.run([sys.executable, "-m", "jupyter_ad", "models"],
                             capture_output=True, text=True, timeout=120)
    assert "canary" in listing.stdout and listing.returncode == 0
