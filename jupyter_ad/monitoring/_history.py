"""A model's monitoring history: one row per record, with the feedback joined to it.

Feedback rows name the record they belong to (results of tracked models do); feedback given
without one (a labelled file, the service's feedback route) joins the latest record of the
same model version written before it. Per record, over its labelled rows: ``n_feedback``,
``alert_precision`` (true anomalies among the labelled rows the model flagged),
``precision_at_k`` (k = the labelled anomalies) and ``average_precision``
(:mod:`jupyter_ad.evaluate.metrics`), over the labelled rows whose score is known (labels
sent to the service by row id count in ``n_feedback`` only).
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["HISTORY_COLUMNS", "History", "build_history"]

HISTORY_COLUMNS = ["record", "time", "model", "version", "source", "calls", "rows",
                   "anomalies", "anomaly_rate", "score_q50", "score_q90", "score_q99",
                   "score_max", "threshold", "drift", "drift_column", "latency_ms",
                   "n_feedback", "alert_precision", "precision_at_k", "average_precision"]


class History(pd.DataFrame):
    """A DataFrame of monitoring records whose :meth:`plot` draws the monitoring chart.

    Columns: see :data:`HISTORY_COLUMNS`; ``drift_columns`` holds each record's per-column
    drift (``{"column": {"ks": ..., "shift": ...}}``).
    """

    @property
    def _constructor(self) -> Any:
        return History

    def plot(self, **kwargs: Any) -> Any:  # type: ignore[override]
        """The monitoring chart (anomaly rate, drift, precision over time, versions marked):
        :func:`jupyter_ad.charts.monitor_chart` (imports altair now).
        """
        from jupyter_ad.charts.monitor import monitor_chart

        return monitor_chart(self, **kwargs)

    def drift_table(self) -> pd.DataFrame:
        """Per-column drift of each record: one row per (record, column), ``ks`` and
        ``shift``.
        """
        rows = [{"record": r, "time": t, "version": v, "column": c, **stats}
                for r, t, v, cols in zip(self["record"], self["time"], self["version"],
                                         self["drift_columns"], strict=True)
                for c, stats in (cols or {}).items()]
        return pd.DataFrame(rows, columns=["record", "time", "version", "column", "ks", "shift"])


def _metrics(rows: list[dict[str, Any]]) -> dict[str, float]:
    from jupyter_ad.evaluate.metrics import average_precision, precision_at_k

    if not rows:
        return {"n_feedback": 0, "alert_precision": np.nan, "precision_at_k": np.nan,
                "average_precision": np.nan}
    n_feedback = len(rows)
    rows = [r for r in rows if r["score"] is not None]  # labels given by id carry no score
    if not rows:
        return {"n_feedback": n_feedback, "alert_precision": np.nan,
                "precision_at_k": np.nan, "average_precision": np.nan}
    y = np.array([r["label"] for r in rows], dtype=np.float64)
    scores = np.array([r["score"] for r in rows], dtype=np.float64)
    flagged = np.array([r["predicted"] == 1 for r in rows])
    return {
        "n_feedback": n_feedback,
        "alert_precision": float(y[flagged].mean()) if flagged.any() else np.nan,
        "precision_at_k": precision_at_k(y, scores) if y.sum() else np.nan,
        "average_precision": average_precision(y, scores) if y.sum() else np.nan,
    }


def build_history(records: list[dict[str, Any]], feedback: list[dict[str, Any]]) -> History:
    """The history table from the raw records and feedback rows (see the module doc)."""
    by_record: dict[int, list[dict[str, Any]]] = {}
    ids = {r["id"] for r in records}
    timeline: dict[tuple[str, Any], tuple[list[str], list[int]]] = {}
    for r in records:
        times, keys = timeline.setdefault((r["model"], r["version"]), ([], []))
        times.append(r["time"])
        keys.append(r["id"])
    for f in feedback:
        record = f["record_id"]
        if record not in ids:
            times, keys = timeline.get((f["model"], f["version"]), ([], []))
            i = bisect.bisect_right(times, f["time"]) - 1
            record = keys[max(i, 0)] if keys else None
        if record is not None:
            by_record.setdefault(record, []).append(f)
    rows = []
    for r in records:
        latency = r["seconds"] / r["calls"] * 1000 if r["calls"] else np.nan
        rows.append({"record": r["id"], **{k: r[k] for k in (
            "time", "model", "version", "source", "calls", "rows", "anomalies", "anomaly_rate",
            "score_q50", "score_q90", "score_q99", "score_max", "threshold", "drift",
            "drift_column")}, "latency_ms": latency, **_metrics(by_record.get(r["id"], [])),
            "drift_columns": r["drift_columns"]})
    table = History(pd.DataFrame(rows, columns=[*HISTORY_COLUMNS, "drift_columns"]))
    table["time"] = pd.to_datetime(table["time"], utc=True, format="ISO8601")
    table["version"] = table["version"].astype("Int64")
    for col in ("record", "calls", "rows", "anomalies", "n_feedback"):
        table[col] = table[col].astype("int64")
    for col in ("anomaly_rate", "score_q50", "score_q90", "score_q99", "score_max",
                "threshold", "drift", "latency_ms", "alert_precision", "precision_at_k",
                "average_precision"):
        table[col] = table[col].astype("float64")
    return table
