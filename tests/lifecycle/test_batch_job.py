"""The documented scheduled job (examples/pipelines): exit codes, one record per file."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "pipelines" / "score_daily.sh"
CLI = Path(sys.executable).with_name("jupyter-ad")

pytestmark = pytest.mark.slow


@pytest.fixture
def days(tmp_path, _isolated_store):
    rng = np.random.default_rng(1)
    cols = ["amount", "items", "km"]
    ad.fit(pd.DataFrame(rng.normal(size=(800, 3)), columns=cols), "iforest",
           contamination=0.02).save("fraud")
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    outbox.mkdir()
    pd.DataFrame(rng.normal(size=(500, 3)), columns=cols).to_parquet(
        inbox / "transactions-2026-12-01.parquet")
    moved = pd.DataFrame(rng.normal(size=(500, 3)), columns=cols)
    moved["amount"] += 4  # a shifted day: drift and many anomalies
    moved.to_parquet(inbox / "transactions-2026-12-02.parquet")
    env = {**os.environ, "MODEL": "fraud", "INBOX": str(inbox), "OUTBOX": str(outbox),
           "JUPYTER_AD": str(CLI), "JUPYTER_AD_HOME": str(_isolated_store)}
    return env, outbox


def _run(env, day):
    return subprocess.run(["bash", str(SCRIPT)], env={**env, "DAY": day}, capture_output=True,
                          text=True, timeout=300)


def test_cron_script_exit_codes(days):
    env, outbox = days
    calm = _run(env, "2026-12-01")
    assert calm.returncode == 0, calm.stderr
    assert (outbox / "scored-2026-12-01.parquet").is_file()
    shifted = _run(env, "2026-12-02")
    assert shifted.returncode == 3, shifted.stderr
    assert "alert: fraud record 2: anomaly rate" in shifted.stderr
    assert "drift" in shifted.stderr and "monitoring alert for fraud" in shifted.stderr
    missing = _run(env, "2026-12-03")
    assert missing.returncode == 1 and "failed (exit 1)" in missing.stderr
    h = ad.monitoring.history("fraud")
    assert h["source"].tolist() == ["file", "file"] and h["rows"].tolist() == [500, 500]


def test_prefect_example_functions_without_prefect(days, tmp_path):
    env, _outbox = days
    spec = importlib.util.spec_from_file_location(
        "prefect_flow", ROOT / "examples" / "pipelines" / "prefect_flow.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    summary = module.score_file("fraud", Path(env["INBOX"]) / "transactions-2026-12-01.parquet",
                                tmp_path / "scored.parquet")
    assert summary["model"] == "fraud" and summary["rows"] == 500
    assert module.check_monitoring("fraud") == []
    module.score_file("fraud", Path(env["INBOX"]) / "transactions-2026-12-02.parquet",
                      tmp_path / "scored2.parquet")
    problems = module.check_monitoring("fraud")
    assert any("drift" in p for p in problems) and any("anomaly_rate" in p for p in problems)
