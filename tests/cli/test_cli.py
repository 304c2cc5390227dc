"""The jupyter-ad command, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import planted_frame


def run(*args: str, cwd: Path, env_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JUPYTER_AD_HOME": str(env_home)}
    return subprocess.run([sys.executable, "-m", "jupyter_ad", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def csv(tmp_path):
    df, _ = planted_frame(n=200)
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    return path


def test_demo_runs_with_no_setup(tmp_path):
    out = run("demo", cwd=tmp_path, env_home=tmp_path / "store")
    assert out.returncode == 0, out.stderr
    assert "Found" in out.stdout and "ROC-AUC" in out.stdout
    written = pd.read_csv(tmp_path / "jupyter-ad-demo.csv")
    assert {"score", "label", "confidence", "rank"} <= set(written.columns)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_detect_writes_results(csv, tmp_path, suffix):
    target = tmp_path / f"out{suffix}"
    out = run("detect", str(csv), "--algorithm", "ecod", "--top-k", "5", "-o", str(target),
              cwd=tmp_path, env_home=tmp_path / "store")
    assert out.returncode == 0, out.stderr
    frame = (pd.read_csv(target) if suffix == ".csv" else pd.read_parquet(target)
             if suffix == ".parquet" else pd.read_json(target, lines=True))
    assert frame["label"].sum() == 5 and len(frame) == 200


def test_train_score_models(csv, tmp_path):
    home = tmp_path / "store"
    assert run("train", str(csv), "--name", "fraud", "-a", "hbos", cwd=tmp_path,
               env_home=home).returncode == 0
    trained = run("train", str(csv), "--name", "fraud", cwd=tmp_path, env_home=home)
    assert "fraud@2" in trained.stdout
    scored = run("score", str(csv), "--model", "fraud@1", "-o", str(tmp_path / "s.csv"),
                 cwd=tmp_path, env_home=home)
    assert scored.returncode == 0, scored.stderr
    listing = run("models", "--json", cwd=tmp_path, env_home=home)
    rows = json.loads(listing.stdout)
    assert [r["version"] for r in rows] == [1, 2] and rows[0]["algorithm"] == "hbos"


def test_check_and_algorithms(csv, tmp_path):
    out = run("check", str(csv), "--json", cwd=tmp_path, env_home=tmp_path)
    assert out.returncode == 0 and json.loads(out.stdout)["n_rows"] == 200
    algos = run("algorithms", cwd=tmp_path, env_home=tmp_path)
    assert "iforest" in algos.stdout and "ecod" in algos.stdout


@pytest.mark.parametrize(("args", "code", "words"), [
    (["detect", "{csv}", "--contamination", "0.9"], 2, "(0, 0.5]"),
    (["detect", "{csv}", "--algorithm", "nope"], 2, "Unknown algorithm"),
    (["detect", "{csv}", "--params", "{bad"], 2, "not valid JSON"),
    (["detect", "{csv}", "--bogus"], 2, "unrecognized arguments"),
    (["detect", "{csv}", "--features", "zzz"], 1, "no column named 'zzz'"),
    (["detect", "missing.csv"], 1, "No such data file"),
    (["score", "{csv}", "--model", "nothing"], 1, "nothing"),
    ([], 2, "usage"),
])
def test_errors_exit_codes_and_stderr(csv, tmp_path, args, code, words):
    out = run(*[a.replace("{csv}", str(csv)) for a in args], cwd=tmp_path, env_home=tmp_path)
    assert out.returncode == code
    assert words in out.stderr
    assert "Traceback" not in out.stderr


def test_help_everywhere(tmp_path):
    for cmd in ([], ["detect"], ["train"], ["score"], ["models"], ["check"], ["demo"]):
        out = run(*cmd, "--help", cwd=tmp_path, env_home=tmp_path)
        assert out.returncode == 0 and "usage:" in out.stdout


def test_progress_bar_shows_when_forced(tmp_path, csv):
    from jupyter_ad.cli.progress import Progress

    bar = Progress(force=True)
    bar.stage("reading")
    bar.stage("detecting")
    assert bar._bar is not None and bar._bar.n == 2
    bar.close()


def test_threshold_method_names_and_percentages(csv, tmp_path):
    out = run("detect", str(csv), "-a", "ecod", "-c", "mad", cwd=tmp_path, env_home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "median" in out.stdout.lower() or "mad" in out.stdout.lower()
    out = run("detect", str(csv), "-a", "ecod", "-c", "5%", cwd=tmp_path, env_home=tmp_path)
    assert "Found 10 anomalies" in out.stdout
    bad = run("detect", str(csv), "-c", "lots", cwd=tmp_path, env_home=tmp_path)
    assert bad.returncode == 2 and "lots" in bad.stderr


def test_bad_output_is_refused_before_work(csv, tmp_path):
    out = run("detect", str(csv), "-o", str(tmp_path / "x.xlsx"), cwd=tmp_path,
              env_home=tmp_path)
    assert out.returncode == 2 and ".xlsx" in out.stderr and "Found" not in out.stdout


def test_score_streams_parquet_to_parquet(tmp_path):
    df, _ = planted_frame(n=3000)
    source = tmp_path / "big.parquet"
    df.to_parquet(source)
    home = tmp_path / "store"
    assert run("train", str(source), "--name", "m", "-a", "ecod", cwd=tmp_path,
               env_home=home).returncode == 0
    out = run("score", str(source), "--model", "m", "-o", str(tmp_path / "out.parquet"),
              cwd=tmp_path, env_home=home)
    assert out.returncode == 0, out.stderr
    assert "in batches" in out.stdout
    assert len(pd.read_parquet(tmp_path / "out.parquet")) == 3000


def test_options_are_checked_before_the_data_is_read(tmp_path, capsys):
    from jupyter_ad.cli.main import main

    code = main(["detect", str(tmp_path / "missing.csv"), "-a", "iforest",
                 "--params", "n_estimatorz=3"])
    err = capsys.readouterr().err
    assert code == 2 and "n_estimatorz" in err and "missing.csv" not in err


def test_warnings_are_one_plain_line(tmp_path):
    import subprocess
    import sys

    import jupyter_ad as ad

    path = tmp_path / "tx.csv"
    ad.datasets.load_transactions(n_rows=300).to_csv(path, index=False)
    out = subprocess.run([sys.executable, "-m", "jupyter_ad", "detect", str(path), "-n", "0"],
                         capture_output=True, text=True, check=True)
    warnings = [line for line in out.stderr.splitlines() if "warning" in line]
    assert warnings == ["jupyter-ad detect: warning: Column 'transaction_id' dropped: looks like "
                        "an ID (unique integers in sequence)."]
    assert "sys.exit" not in out.stderr and ".py:" not in out.stderr


def test_detect_scores_against_a_label_column(tmp_path, capsys):
    import jupyter_ad as ad
    from jupyter_ad.cli.main import main

    path = tmp_path / "tx.csv"
    ad.datasets.load_transactions(n_rows=400).to_csv(path, index=False)
    assert main(["-q", "detect", str(path), "--labels", "is_anomaly", "-n", "0"]) == 0
    out = capsys.readouterr().out
    assert "Against labels 'is_anomaly' (400 labelled rows): ROC-AUC" in out
    assert main(["-q", "detect", str(path), "--labels", "amount"]) == 2
    assert "labels must be 1 (anomaly), 0 (normal) or missing" in capsys.readouterr().err
