"""A daily scoring flow for Prefect (or any scheduler) that only calls jupyter-ad's Python API.

Prefect is not a dependency of jupyter-ad: the functions below are plain Python, and the flow
is built only where Prefect is installed. Run it once by hand::

    python examples/pipelines/prefect_flow.py fraud@production data/in/day.parquet out.parquet

or deploy ``daily_scoring`` with a cron schedule (``daily_scoring.serve(cron="15 2 * * *")``).
An Airflow DAG would call the same two functions from ``PythonOperator`` tasks.
"""

from __future__ import annotations

import sys
from typing import Any

import jupyter_ad as ad

LIMITS = {"drift": 0.3, "anomaly_rate": 0.05}


def score_file(model_spec: str, source: str, target: str) -> dict[str, Any]:
    """Score a Parquet file with a stored model (one monitoring record for the file)."""
    model = ad.load(model_spec)
    summary = model.score_file(source, target)
    return {"model": model.monitor.name if model.monitor else model_spec,
            "rows": summary["n_rows"], "anomalies": summary["n_anomalies"]}


def check_monitoring(name: str, limits: dict[str, float] | None = None) -> list[str]:
    """The limits the latest monitoring record of ``name`` crosses (empty: all fine)."""
    history = ad.monitoring.history(name)
    if history.empty:
        return [f"{name}: no monitoring record"]
    last = history.iloc[-1]
    return [f"{name}: {column} {last[column]:.3g} above {limit:g}"
            for column, limit in (limits or LIMITS).items() if last[column] > limit]


try:  # the flow exists only where Prefect is installed
    from prefect import flow, task
except ImportError:  # pragma: no cover - Prefect is optional
    daily_scoring = None
else:
    @flow(name="jupyter-ad daily scoring")
    def daily_scoring(model_spec: str, source: str, target: str) -> dict[str, Any]:
        """Score the day's file, then fail the run if monitoring crosses a limit."""
        summary = task(score_file)(model_spec, source, target)
        alerts = task(check_monitoring)(summary["model"])
        if alerts:
            raise RuntimeError("; ".join(alerts))
        return summary


if __name__ == "__main__":
    spec, src, dst = sys.argv[1:4]
    result = score_file(spec, src, dst)
    problems = check_monitoring(result["model"])
    print(result, *problems, sep="\n")
    sys.exit(3 if problems else 0)
