"""The monitoring chart (a value), the monitor panel's snapshot, and ``%ad_monitor``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad import charts


@pytest.fixture
def two_versions():
    rng = np.random.default_rng(3)
    train = pd.DataFrame(rng.normal(size=(400, 3)), columns=["x", "y", "z"])
    ad.fit(train, "iforest").save("m")
    ad.fit(train, "knn").save("m")
    for spec in ("m@1", "m@2"):
        model = ad.load(spec)
        for _ in range(2):
            res = model.score(pd.DataFrame(rng.normal(size=(100, 3)), columns=["x", "y", "z"]))
    res.feedback.update({0: 1, 1: 0})
    return model


def test_monitor_chart_marks_versions_and_metrics(two_versions):
    h = two_versions.history()
    spec = h.plot().to_dict()
    assert [p["title"] for p in spec["vconcat"]] == [
        "Anomaly rate", "Drift (largest KS distance of a column)", "Precision from feedback"]
    datasets = spec["datasets"].values()
    versions = {row.get("version") for rows in datasets for row in rows}
    assert {"v1", "v2"} <= versions
    starts = [rows for rows in datasets if rows and set(rows[0]) == {"time", "version"}]
    assert starts and [r["version"] for r in starts[0]] == ["v1", "v2"]
    rates = [r["value"] for rows in datasets for r in rows if r.get("metric") == "anomaly rate"]
    assert rates == pytest.approx(h["anomaly_rate"].tolist())
    assert spec["resolve"]["scale"]["x"] == "shared"


def test_monitor_chart_of_an_empty_history():
    spec = charts.monitor_chart(ad.monitoring.history("nothing")).to_dict()
    assert len(spec["vconcat"]) == 3


def test_monitor_panel_summary_table_and_snapshot(two_versions):
    pytest.importorskip("vl_convert")
    from jupyter_ad.widgets import MonitorPanel

    panel = MonitorPanel("m")
    assert panel.n_records == 4
    assert panel.summary().startswith("m: 4 records (400 rows; versions v1, v2)")
    assert "<td" in panel.table.value and ">4<" in panel.table.value
    from jupyter_ad.widgets._output import widget_bundle

    html = panel.snapshot_bundle()["text/html"]
    assert "jupyter-ad monitor: m" in html and "data:image/png;base64," in html
    assert "application/vnd.jupyter.widget-view+json" in widget_bundle(panel)[0]
    assert panel.chart.spec["vconcat"][0]["title"] == "Anomaly rate"
    two_versions.score(pd.DataFrame(np.zeros((5, 3)), columns=["x", "y", "z"]))
    panel.refresh()
    assert panel.n_records == 5 and "5 records" in panel.header.value
    only = MonitorPanel("m@2")
    assert only.n_records == 3


def test_ad_monitor_magic(two_versions):
    from IPython.core.error import UsageError
    from IPython.testing.globalipapp import start_ipython

    shell = start_ipython() or __import__("IPython").get_ipython()
    shell.run_line_magic("load_ext", "jupyter_ad")
    shell.run_line_magic("ad_monitor", "m -o mon")
    assert shell.user_ns["mon"].n_records == 4
    assert shell.user_ns["_ad_last_monitor"] is shell.user_ns["mon"]
    with pytest.raises(UsageError, match="Invalid model name"):
        shell.run_line_magic("ad_monitor", "bad/name")
    with pytest.raises(UsageError, match="Usage: %ad_monitor"):
        shell.run_line_magic("ad_monitor", "")
