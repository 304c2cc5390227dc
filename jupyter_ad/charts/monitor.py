"""The monitoring chart: anomaly rate, drift and precision over time, model versions marked."""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["monitor_chart"]

_PANELS = (
    ("Anomaly rate", {"anomaly_rate": "anomaly rate"}, ".1%"),
    ("Drift (largest KS distance of a column)", {"drift": "drift"}, ".3f"),
    ("Precision from feedback", {"alert_precision": "alert precision",
                                 "precision_at_k": "precision@k"}, ".0%"),
)

_EMPTY = {
    "Anomaly rate": "no scoring records yet",
    "Drift (largest KS distance of a column)": "no drift figures yet",
    "Precision from feedback": "no feedback yet: res.feedback.update({row: 1 or 0})",
}


def _long(history: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    keep = ["record", "time", "version", "source", "rows", "drift_column", "n_feedback"]
    frame = pd.DataFrame(history[[c for c in keep if c in history.columns] + list(columns)])
    frame["version"] = "v" + frame["version"].astype("string").fillna("?")
    frame["time"] = pd.to_datetime(frame["time"], utc=True).dt.tz_localize(None)
    long = frame.melt(id_vars=[c for c in keep if c in frame.columns],
                      value_vars=list(columns), var_name="metric", value_name="value")
    long["metric"] = long["metric"].map(columns)
    return long.dropna(subset=["value"])


def monitor_chart(history: pd.DataFrame, *, width: int = 560,
                  height: int = 110) -> alt.VConcatChart:
    """Three stacked panels over time: anomaly rate, drift, precision from feedback.

    Points are records (tooltips give the record, source, rows, the drifting column and the
    feedback count); colour is the model version, and a dashed rule marks where each version
    took over.

    Parameters
    ----------
    history : DataFrame
        ``model.history()`` or :func:`jupyter_ad.monitoring.history`.
    width, height : int
        Size of each panel.
    """
    starts = pd.DataFrame(columns=["time", "version"])
    if len(history):
        firsts = history.sort_values("time").groupby("version", dropna=False).head(1)
        starts = pd.DataFrame({
            "time": pd.to_datetime(firsts["time"], utc=True).dt.tz_localize(None),
            "version": "v" + firsts["version"].astype("string").fillna("?")})
    panels = []
    for title, columns, fmt in _PANELS:
        data = _long(history, columns) if len(history) else pd.DataFrame(
            {"time": pd.Series(dtype="datetime64[ns]"), "value": [], "metric": [],
             "version": []})
        base = alt.Chart(data).encode(
            x=alt.X("time:T", title=None, axis=alt.Axis(format="%m-%d %H:%M:%S", tickCount=5,
                                                         labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt),
                    scale=alt.Scale(domain=[0, 1]) if not len(data) else alt.Undefined),
        )
        tooltip = [alt.Tooltip("time:T", format="%Y-%m-%d %H:%M:%S"), "version:N",
                   alt.Tooltip("value:Q", format=fmt), "metric:N"]
        tooltip += [c for c in ("record:Q", "source:N", "rows:Q", "drift_column:N",
                                "n_feedback:Q") if c.split(":")[0] in data.columns]
        several = len(columns) > 1 and len(data) > 0  # an empty legend has no finite size
        lines = base.mark_line(point=alt.OverlayMarkDef(filled=True, size=50)).encode(
            color=alt.Color("version:N", title="version"),
            strokeDash=alt.StrokeDash("metric:N", title=None, legend=None),
            shape=alt.Shape("metric:N", title=None, legend=alt.Legend() if several else None),
            detail="metric:N", tooltip=tooltip)
        rules = alt.Chart(starts).mark_rule(strokeDash=[4, 3], color="#888").encode(
            x="time:T", tooltip=[alt.Tooltip("version:N", title="version starts")])
        labels = alt.Chart(starts).mark_text(align="left", dx=3, dy=-4, color="#555",
                                             baseline="bottom").encode(
            x="time:T", y=alt.value(0), text="version:N")
        layers = [lines, rules, labels]
        if not len(data):  # an empty panel says so (and keeps a finite size when drawn)
            layers.append(alt.Chart(pd.DataFrame({"note": [_EMPTY[title]]})).mark_text(
                color="#888").encode(text="note:N", x=alt.value(width / 2),
                                     y=alt.value(height / 2)))
        panels.append(alt.layer(*layers).properties(title=title, width=width, height=height))
    return alt.vconcat(*panels).resolve_scale(x="shared", color="shared", strokeDash="independent",
                                              shape="independent")
