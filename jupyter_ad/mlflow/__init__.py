"""MLflow model registry integration (``pip install 'jupyter-ad[mlflow]'``).

.. code-block:: python

    import jupyter_ad as ad
    info = ad.mlflow.log_model(model, "fraud", alias="staging")
    ad.mlflow.promote("fraud@staging", "production")    # the store's alias and MLflow's
    model = ad.load("models:/fraud@production")          # verified, then monitored

:func:`log_model` saves the model in the local store (unless it was loaded from it), then logs
the store's signed version folder as an MLflow ``pyfunc`` model ("models from code": no
cloudpickle of our objects) with the detection options as params, the training statistics as
metrics and the input schema as signature, and registers it. ``mlflow.pyfunc.load_model(
"models:/fraud/1").predict(df)`` returns ``score``, ``label`` and ``confidence`` equal to
``model.score(df)``. Registry versions are tagged with the store version they hold, so an alias
means the same model in both places (:func:`promote`, :func:`sync_aliases`).

Offline by default: without ``[mlflow] tracking_uri`` or ``MLFLOW_TRACKING_URI``, the registry
is a SQLite file ``.mlflow/mlflow.db`` in the model store's folder, artifacts beside it.
MLflow's telemetry is off unless ``[mlflow] telemetry = true``. ``mlflow`` itself is imported
only when one of these functions runs (it takes about a second).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ModelNotFoundError, OptionalDependencyError, ParameterError

__all__ = ["LoggedModel", "load_model", "log_model", "promote", "sync_aliases", "tracking_uri"]

INSTALL = "pip install 'jupyter-ad[mlflow]'  (mlflow-skinny, SQLAlchemy and alembic)"
STORE_VERSION_TAG = "jupyter_ad.store_version"
_CODE = Path(__file__).with_name("_model_code.py")


@dataclass(frozen=True)
class LoggedModel:
    """A model logged and registered in MLflow.

    ``name`` and ``version``: the registered model and its MLflow version;
    ``store_version``: the version of the local store it holds; ``run_id``; ``uri``
    (``models:/name/version``).
    """

    name: str
    version: int
    store_version: int
    run_id: str
    uri: str


def _store_root(root: Any = None) -> Path:
    from jupyter_ad.io.store import ModelStore

    return ModelStore(root).root


def tracking_uri(root: Any = None) -> str:
    """The tracking URI in use: ``[mlflow] tracking_uri``, ``$MLFLOW_TRACKING_URI``, else a
    SQLite file in the model store's folder (created on first use).
    """
    from jupyter_ad.mlflow.settings import mlflow_settings

    uri = mlflow_settings()["tracking_uri"] or os.environ.get("MLFLOW_TRACKING_URI")
    if uri:
        return str(uri)
    folder = _store_root(root) / ".mlflow"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{folder / 'mlflow.db'}"


def _mlflow(root: Any = None) -> Any:
    """``mlflow``, imported now, telemetry off (unless turned on), tracking URI set."""
    from jupyter_ad.mlflow.settings import mlflow_settings

    if not mlflow_settings()["telemetry"]:
        os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    try:
        import mlflow
    except ImportError as exc:
        raise OptionalDependencyError(f"MLflow is needed for the model registry: {INSTALL}"
                                      ) from exc
    uri = tracking_uri(root)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return mlflow


def _experiment(mlflow: Any, name: str) -> str:
    """The id of experiment ``name`` (created with its artifacts beside a SQLite registry)."""
    found = mlflow.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    uri = mlflow.get_tracking_uri()
    location = None
    if uri.startswith("sqlite:///"):
        location = (Path(uri[len("sqlite:///"):]).parent / "artifacts").as_uri()
    return str(mlflow.create_experiment(name, artifact_location=location))


def _store_version(model: Any, name: str, root: Any) -> tuple[int, Path]:
    """The store version holding ``model``: the one it was loaded from, else a new save."""
    monitor = getattr(model, "__dict__", {}).get("_monitor")
    if monitor is not None and monitor.name == name and monitor.version is not None:
        folder = _store_root(root) / name / str(monitor.version)
        if folder.is_dir():
            return int(monitor.version), folder
    ref = model.save(name, root=root)
    return int(ref.version), Path(ref.path)


def _signature(mlflow: Any, model: Any) -> Any:
    from mlflow.models import infer_signature

    columns = list(model.feature_names)
    example = model.reference_rows_[columns].head(5).reset_index(drop=True)
    res = model.score(example, extra_columns="ignore")
    output = {"score": res.scores, "label": res.labels, "confidence": res.confidence}
    import pandas as pd

    return infer_signature(example, pd.DataFrame(output)), example


def log_model(model: Any, name: str, *, alias: str | None = None, root: Any = None,
              experiment: str | None = None) -> LoggedModel:
    """Log ``model`` to MLflow as a pyfunc model and register it as ``name``.

    Parameters
    ----------
    model : AnomalyModel
        A fitted model; saved in the local store as the next version of ``name`` unless it
        was loaded from the store under that name (then that version is logged).
    name : str
        The registered model name (also the store name).
    alias : str, optional
        Point this alias at the new version, in the store and in MLflow.
    root : str or path, optional
        The model store (default ``$JUPYTER_AD_HOME`` or the user data folder).
    experiment : str, optional
        The MLflow experiment (default ``[mlflow] experiment``, ``"jupyter-ad"``).

    Returns
    -------
    LoggedModel
    """
    from jupyter_ad.io.store import parse_spec
    from jupyter_ad.mlflow.settings import mlflow_settings

    if not isinstance(name, str) or "@" in name:
        raise ParameterError(f"log_model takes a model name without a version, got {name!r}.")
    parse_spec(name)  # the store's naming rule
    if not hasattr(model, "detector_"):
        raise ParameterError("log_model needs a fitted AnomalyModel (ad.fit(data) or "
                             "AnomalyModel(...).fit(data)).")
    store_version, folder = _store_version(model, name, root)
    mlflow = _mlflow(root)
    from jupyter_ad.mlflow._pyfunc import ARTIFACT

    experiment_id = _experiment(mlflow, experiment or mlflow_settings()["experiment"])
    signature, example = _signature(mlflow, model)
    params = {k: str(s.value)[:500] for k, s in getattr(model, "options_", {}).items()
              if s.value is not None}
    params["algorithm_fitted"] = model.algorithm_name
    metrics = {k: float(v) for k, v in model.metrics_.items() if isinstance(v, int | float)}
    metrics.update({f"train_score_{k}": float(v)
                    for k, v in model.metrics_.get("score_quantiles", {}).items()})
    metrics["threshold"] = float(model.threshold_)
    from jupyter_ad import __version__

    with mlflow.start_run(experiment_id=experiment_id,
                          run_name=f"{name}@{store_version}") as run:
        mlflow.log_params(params)
        mlflow.log_metrics(metrics)
        mlflow.set_tags({"jupyter_ad.name": name, STORE_VERSION_TAG: str(store_version),
                         "jupyter_ad.algorithm": model.algorithm_name})
        info = mlflow.pyfunc.log_model(
            name="model", python_model=str(_CODE), artifacts={ARTIFACT: str(folder)},
            signature=signature, input_example=example, registered_model_name=name,
            pip_requirements=[f"jupyter-ad=={__version__}", "mlflow-skinny"],
            metadata={"jupyter_ad": {"name": name, "store_version": store_version}})
    version = int(info.registered_model_version)
    client = mlflow.MlflowClient()
    client.set_model_version_tag(name, str(version), STORE_VERSION_TAG, str(store_version))
    logged = LoggedModel(name, version, store_version, run.info.run_id,
                         f"models:/{name}/{version}")
    if alias is not None:
        promote(f"{name}@{store_version}", alias, root=root)
    return logged


def _registry_version(client: Any, name: str, store_version: int) -> int:
    """The newest MLflow version of ``name`` that holds store version ``store_version``."""
    found = [int(mv.version) for mv in client.search_model_versions(f"name = '{name}'")
             if (mv.tags or {}).get(STORE_VERSION_TAG) == str(store_version)]
    if not found:
        raise ModelNotFoundError(
            f"{name}@{store_version} was never logged to MLflow: log it first with "
            f"jupyter_ad.mlflow.log_model(jupyter_ad.load('{name}@{store_version}'), "
            f"'{name}').")
    return max(found)


def promote(spec: str, alias: str, *, root: Any = None) -> dict[str, Any]:
    """Point ``alias`` at the version ``spec`` names, in the store and in MLflow.

    ``spec`` is ``"fraud@3"`` (store version 3), ``"fraud"`` (the newest) or
    ``"fraud@staging"`` (the version another alias points to). Returns ``{"name", "alias",
    "store_version", "previous", "mlflow_version"}``.
    """
    from jupyter_ad.io.store import ModelStore

    store: Any = ModelStore(root)  # aliases: ModelStore.promote/aliases/rollback
    change = store.promote(spec, alias)
    mlflow = _mlflow(root)
    client = mlflow.MlflowClient()
    version = _registry_version(client, change.name, int(change.version))
    client.set_registered_model_alias(change.name, alias, str(version))
    return {"name": change.name, "alias": alias, "store_version": change.version,
            "previous": change.previous, "mlflow_version": version}


def sync_aliases(name: str, *, root: Any = None) -> dict[str, int]:
    """Make MLflow's aliases of ``name`` point where the store's do (the store decides);
    returns ``{alias: mlflow_version}`` for the aliases set. Store versions never logged to
    MLflow are skipped.
    """
    from jupyter_ad.io.store import ModelStore

    store: Any = ModelStore(root)
    table = store.aliases(name)
    client = _mlflow(root).MlflowClient()
    out = {}
    for alias, store_version in table.items():
        try:
            version = _registry_version(client, name, store_version)
        except ModelNotFoundError:
            continue
        client.set_registered_model_alias(name, alias, str(version))
        out[alias] = version
    return out


def _artifact_folder(mlflow: Any, local: Path, artifact: str) -> Path | None:
    """The folder of the signed model inside a downloaded pyfunc model, from its MLmodel."""
    try:
        flavor = mlflow.models.Model.load(str(local)).flavors.get("python_function", {})
        path = flavor.get("artifacts", {}).get(artifact, {}).get("path")
    except Exception:
        return None
    folder = local / path if path else None
    return folder if folder is not None and (folder / "manifest.json").is_file() else None


def load_model(uri: str, *, trusted: bool = False, root: Any = None) -> Any:
    """Load ``"models:/name@alias"``, ``"models:/name/3"`` or ``"runs:/<id>/model"``: the
    signed artifact is downloaded and verified against the store key before it is unpickled;
    the model is monitored like one loaded from the store.
    """
    return load_model_manifest(uri, trusted=trusted, root=root)[0]


def load_model_manifest(uri: str, *, trusted: bool = False, root: Any = None
                        ) -> tuple[Any, dict[str, Any]]:
    """:func:`load_model`, with the store manifest of the version: ``(model, manifest)``."""
    mlflow = _mlflow(root)
    from jupyter_ad.mlflow._pyfunc import ARTIFACT, load_verified

    with tempfile.TemporaryDirectory(prefix="jupyter-ad-mlflow-") as tmp:
        try:
            local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=tmp)
        except Exception as exc:
            raise ModelNotFoundError(f"Cannot load {uri!r} from MLflow at "
                                     f"{mlflow.get_tracking_uri()}: {exc}") from exc
        folder = _artifact_folder(mlflow, Path(local), ARTIFACT)
        if folder is None:
            raise ModelNotFoundError(f"{uri!r} is not a jupyter-ad model (no {ARTIFACT} "
                                     "artifact); log models with jupyter_ad.mlflow.log_model.")
        model, manifest = load_verified(str(folder), trusted=trusted, root=root)
    from jupyter_ad.monitoring import attach

    attach(model, str(manifest.get("name")), manifest.get("version"), root=root,
           mlflow={"tracking_uri": mlflow.get_tracking_uri(), "uri": uri})
    return model, manifest
