"""``jupyter-ad deploy``: promote a challenger only when its metrics on labelled rows are at
least the champion's; the exit status says which (0 promoted, 3 not).
"""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import pytest

from tests.conftest import planted_frame
from tests.server.conftest import JUPYTER_AD

pytestmark = pytest.mark.slow


def _deploy(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JUPYTER_AD, "deploy", *args, "--store", str(store)],
                          capture_output=True, text=True, timeout=300)


def _alias(store: Path) -> dict[str, int]:
    from jupyter_ad.io.store import ModelStore

    return dict(ModelStore(store).aliases("fraud"))


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    import jupyter_ad as ad

    frame, _y = planted_frame(n=600, d=4, n_out=30, seed=1)
    store = tmp_path / "store"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # version 1 cannot see f0, where the anomalies are: a poor model
        ad.fit(frame, algorithm="iforest", features=["f1", "f2", "f3"]).save("fraud", root=store)
        ad.fit(frame, algorithm="iforest").save("fraud", root=store)  # version 2: good
    holdout, y2 = planted_frame(n=400, d=4, n_out=20, seed=2)
    holdout["is_anomaly"] = y2
    path = tmp_path / "holdout.csv"
    holdout.to_csv(path, index=False)
    return store, path


def test_promotes_only_a_challenger_at_least_as_good(versions: tuple[Path, Path]) -> None:
    store, holdout = versions
    first = _deploy(store, "fraud@1", "--alias", "production", "--labels", str(holdout))
    assert first.returncode == 0, first.stderr
    assert "does not exist yet" in first.stdout and _alias(store) == {"production": 1}

    better = _deploy(store, "fraud@2", "--alias", "production", "--labels", str(holdout),
                     "--json")
    assert better.returncode == 0, better.stderr
    decision = json.loads(better.stdout)
    assert decision["promoted"] and decision["champion"] == 1
    assert decision["challenger_metrics"]["roc_auc"] > decision["champion_metrics"]["roc_auc"]
    assert _alias(store) == {"production": 2}

    worse = _deploy(store, "fraud@1", "--alias", "production", "--labels", str(holdout),
                    "--label-column", "is_anomaly")
    assert worse.returncode == 3, worse.stdout + worse.stderr
    assert "Not promoted" in worse.stdout and "roc_auc" in worse.stdout
    assert _alias(store) == {"production": 2}

    lenient = _deploy(store, "fraud@1", "--alias", "production", "--labels", str(holdout),
                      "--tolerance", "1.0", "--dry-run")
    assert lenient.returncode == 0 and "would be promoted" in lenient.stdout
    assert _alias(store) == {"production": 2}  # a dry run moves nothing


def test_deploy_errors_are_one_line_with_the_fix(versions: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    store, holdout = versions
    wrong = _deploy(store, "fraud@2", "--alias", "production", "--labels", str(holdout),
                    "--label-column", "is_anomly")
    assert wrong.returncode == 2 and "is_anomaly" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    metric = _deploy(store, "fraud@2", "--alias", "production", "--labels", str(holdout),
                     "--metric", "accuracy")
    assert metric.returncode == 2 and "roc_auc" in metric.stderr
    missing = _deploy(store, "fraud@7", "--alias", "production", "--labels", str(holdout))
    assert missing.returncode == 1 and "no version 7" in missing.stderr
