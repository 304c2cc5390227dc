"""MLflow registry round trip on a real SQLite registry (no mocks): log, load, pyfunc, aliases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ModelNotFoundError, UntrustedModelError
from jupyter_ad.io.store import ModelStore

pytest.importorskip("mlflow", reason="mlflow not installed (extra [mlflow])")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mlflow"),
              pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]

HAS_ALIASES = hasattr(ModelStore, "promote")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """One store + SQLite registry for the module (creating MLflow's tables takes a while)."""
    home = tmp_path_factory.mktemp("mlflow-home")
    saved = {k: os.environ.get(k) for k in ("JUPYTER_AD_HOME", "JUPYTER_AD_STORE_KEY_FILE")}
    os.environ["JUPYTER_AD_HOME"] = str(home)
    os.environ["JUPYTER_AD_STORE_KEY_FILE"] = str(home.parent / f"{home.name}.key")
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    data = ad.datasets.load_transactions(n_rows=1200)
    frame = data.drop(columns="is_anomaly")
    first = ad.fit(frame.iloc[:800], "iforest")
    second = ad.fit(frame.iloc[:800], "ecod")
    cwd = Path.cwd()
    os.chdir(home)  # MLflow must not write ./mlruns anywhere
    try:
        info1 = ad.mlflow.log_model(first, "fraud")
        info2 = ad.mlflow.log_model(second, "fraud")
    finally:
        os.chdir(cwd)
    yield {"home": home, "frame": frame, "models": [first, second], "infos": [info1, info2]}
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _use_registry(registry, monkeypatch):
    home = registry["home"]
    monkeypatch.setenv("JUPYTER_AD_HOME", str(home))
    monkeypatch.setenv("JUPYTER_AD_STORE_KEY_FILE", str(home.parent / f"{home.name}.key"))


def test_log_model_registers_store_versions_offline(registry):
    import mlflow

    info1, info2 = registry["infos"]
    assert (info1.version, info1.store_version) == (1, 1)
    assert (info2.version, info2.store_version) == (2, 2)
    home = registry["home"]
    assert mlflow.get_tracking_uri() == f"sqlite:///{home / '.mlflow' / 'mlflow.db'}"
    assert not (home / "mlruns").exists()
    assert os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"
    client = mlflow.MlflowClient()
    mv = client.get_model_version("fraud", "1")
    assert mv.tags["jupyter_ad.store_version"] == "1"
    run = client.get_run(info1.run_id)
    assert run.data.params["algorithm"] == "iforest"
    assert run.data.metrics["n_rows"] == 800
    assert run.data.metrics["threshold"] == pytest.approx(registry["models"][0].threshold_)
    signature = mlflow.models.get_model_info(info1.uri).signature
    assert [c.name for c in signature.inputs] == registry["models"][0].feature_names
    assert [c.name for c in signature.outputs] == ["score", "label", "confidence"]


def test_pyfunc_predictions_equal_model_score(registry):
    import mlflow

    frame = registry["frame"].iloc[800:]
    for model, info in zip(registry["models"], registry["infos"], strict=True):
        out = mlflow.pyfunc.load_model(info.uri).predict(frame)
        res = model.score(frame)
        np.testing.assert_allclose(out["score"].to_numpy(), res.scores, rtol=1e-12)
        np.testing.assert_array_equal(out["label"].to_numpy(), res.labels)
        np.testing.assert_allclose(out["confidence"].to_numpy(), res.confidence, rtol=1e-12)
        assert out["label"].sum() > 0


def test_load_from_registry_in_a_fresh_process(registry, tmp_path):
    frame = registry["frame"].iloc[800:]
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path)
    code = (
        "import json, sys, pandas as pd, jupyter_ad as ad\n"
        "m = ad.load('models:/fraud/2')\n"
        f"s = m.score_samples(pd.read_parquet({str(path)!r}))\n"
        "print(json.dumps({'scores': s.tolist(), 'algo': m.algorithm_name,"
        " 'tracked': [m.monitor.name, m.monitor.version],"
        " 'heavy': 'mlflow' in sys.modules}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600, env={**os.environ}, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["algo"] == "ecod" and got["tracked"] == ["fraud", 2]
    np.testing.assert_allclose(got["scores"], registry["models"][1].score_samples(frame))
    assert not (tmp_path / "mlruns").exists()


def test_registry_model_is_verified_before_unpickling(registry, tmp_path, monkeypatch):
    """A registry artifact signed by another key is refused (SECURITY.md)."""
    import mlflow

    local = Path(mlflow.artifacts.download_artifacts(artifact_uri="models:/fraud/1",
                                                     dst_path=str(tmp_path / "dl")))
    manifest = next(local.glob("artifacts/*/manifest.json"))
    doc = json.loads(manifest.read_text())
    doc["metadata"]["algorithm"] = "tampered"
    manifest.write_text(json.dumps(doc))
    from jupyter_ad.mlflow._pyfunc import load_verified

    with pytest.raises(UntrustedModelError, match="signature"):
        load_verified(str(manifest.parent))
    monkeypatch.setenv("JUPYTER_AD_STORE_KEY_FILE", str(tmp_path / "another.key"))
    ModelStore(tmp_path / "other-store").save("x", {"any": "object"})  # makes the other key
    with pytest.raises(UntrustedModelError):  # another store, another key: refused
        ad.load("models:/fraud/1", root=tmp_path / "other-store")


def test_unknown_registry_model_is_named(registry):
    with pytest.raises(ModelNotFoundError, match="nope"):
        ad.load("models:/nope/1")


def test_import_is_lazy():
    code = ("import sys, jupyter_ad as ad, jupyter_ad.mlflow, jupyter_ad.monitoring; "
            "print('mlflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not HAS_ALIASES, reason="store aliases (ModelStore.promote) not on main yet")
def test_alias_promotion_in_mlflow_and_in_the_store(registry):
    import mlflow

    change = ad.mlflow.promote("fraud@1", "production")
    assert change["store_version"] == 1 and change["mlflow_version"] == 1
    client = mlflow.MlflowClient()
    assert int(client.get_model_version_by_alias("fraud", "production").version) == 1
    assert ModelStore().aliases("fraud")["production"] == 1
    a = ad.load("models:/fraud@production")
    b = ad.load("fraud@production")
    frame = registry["frame"].iloc[800:]
    np.testing.assert_allclose(a.score_samples(frame), b.score_samples(frame))
    ad.mlflow.promote("fraud@2", "production")
    assert int(client.get_model_version_by_alias("fraud", "production").version) == 2
    assert ad.load("models:/fraud@production").algorithm_name == "ecod"
    ModelStore().rollback("fraud", "production")  # the store decides; sync brings MLflow
    assert ad.mlflow.sync_aliases("fraud") == {"production": 1}
    assert int(client.get_model_version_by_alias("fraud", "production").version) == 1
