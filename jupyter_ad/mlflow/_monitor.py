"""Monitoring records logged as MLflow metrics: one run per model version, step = record."""

from __future__ import annotations

import math
import time
from typing import Any

__all__ = ["log_record"]

_METRICS = ("rows", "anomaly_rate", "score_q50", "score_q90", "score_q99", "drift")


def log_record(target: dict[str, Any], name: str, version: int | None, record_id: int,
               record: dict[str, Any]) -> None:
    """Log ``record``'s figures in the run ``monitor name@version`` (created on first use)."""
    from jupyter_ad.mlflow import _experiment, _mlflow

    mlflow = _mlflow()
    if target.get("tracking_uri"):
        mlflow.set_tracking_uri(target["tracking_uri"])
    client = mlflow.MlflowClient()
    run_id = target.get("run_id")
    if run_id is None:
        experiment = _experiment(mlflow, "jupyter-ad-monitoring")
        run = client.create_run(experiment, run_name=f"monitor {name}@{version}",
                                tags={"jupyter_ad.name": name,
                                      "jupyter_ad.store_version": str(version)})
        run_id = target["run_id"] = run.info.run_id
    from mlflow.entities import Metric

    stamp = int(time.time() * 1000)
    values = {k: record.get(k) for k in _METRICS}
    values["latency_ms"] = record["seconds"] / max(record["calls"], 1) * 1000
    metrics = [Metric(k, float(v), stamp, int(record_id)) for k, v in values.items()
               if v is not None and math.isfinite(float(v))]
    client.log_batch(run_id, metrics=metrics)
