"""DetectionPanel and ComparisonPanel without a browser: state, messages, payload, snapshot."""

from __future__ import annotations

import json

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ParameterError
from jupyter_ad.widgets import ComparisonPanel, DetectionPanel
from tests.conftest import planted_frame


@pytest.fixture(scope="module")
def planted_result():
    df, _ = planted_frame(n=300, d=4, n_out=6)
    return ad.detect(df, algorithm="iforest")


@pytest.fixture
def panel(planted_result):
    planted_result.threshold = planted_result.model.threshold_  # undo earlier tests
    planted_result.feedback.clear()
    return DetectionPanel(planted_result)


def _selections(brush=None, pick=None):
    """The `_vl_selections` message the JupyterChart front end sends."""
    return {"brush": {"value": brush, "store": []},
            "pick": {"value": None if pick is None else {"vlPoint": {"or": [{"row": pick}]}},
                     "store": []}}


def test_initial_state_matches_result(panel, planted_result):
    c = panel.controls
    assert c.threshold == pytest.approx(planted_result.threshold)
    assert c.n_flagged == planted_result.n_anomalies
    assert c.n_rows == len(planted_result)
    assert c.score_min <= c.threshold <= c.score_max
    assert c.summary.startswith("Found")
    assert len(c.rows) == 50
    scores = [r["score"] for r in c.rows]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(planted_result.scores.max())
    assert c.rows[0]["rank"] == 1
    assert {"index", "score", "rank", "f0", "f3"} <= set(c.columns)
    assert panel.histogram.params.threshold == pytest.approx(planted_result.threshold)
    assert c.selected_row == -1 and panel.explanation_chart is None


@pytest.mark.parametrize("from_browser", [False, True])
def test_threshold_updates_result_count_and_histogram(panel, planted_result, from_browser):
    new = float(np.quantile(planted_result.scores, 0.5))
    if from_browser:
        panel.controls.threshold = new  # what the slider's save_changes() does
    else:
        panel.threshold = new
    expected = int((planted_result.scores > new).sum())
    assert planted_result.threshold == new
    assert planted_result.n_anomalies == expected
    assert panel.controls.n_flagged == expected
    assert panel.histogram.params.threshold == new
    assert panel.scatter.params.threshold == new  # the anomaly markers follow
    assert f"{expected:,} anomal" in panel.controls.summary
    assert panel.controls.error == ""


def test_invalid_threshold_is_refused(panel):
    with pytest.raises(ParameterError):
        panel.threshold = float("nan")


def test_selecting_a_row_explains_it(panel, planted_result):
    top = int(np.argmax(planted_result.scores))
    panel.controls.selected_row = top  # a click on a table row
    c = panel.controls
    assert c.error == ""
    assert c.selected_label == str(planted_result.data.index[top])
    assert c.explanation_text.startswith("Score ")
    assert any(f"f{j}" in c.explanation_text for j in range(4))
    spec = panel.explanation_chart.spec
    assert spec is not None and "f" in json.dumps(spec)
    assert panel.explanation_chart in panel.children
    first = panel._explanations[top]
    panel.select(None)
    assert c.explanation_text == ""
    panel.select(top)
    assert panel._explanations[top] is first  # cached per row
    panel.select(1)
    assert panel.explanation_chart.spec != spec


def test_bad_row_shows_an_error(panel):
    panel.controls.selected_row = 10_000
    assert "No row at position" in panel.controls.error


def test_scatter_pick_selects_the_row(panel):
    panel.scatter._vl_selections = _selections(pick=3)
    assert panel.controls.selected_row == 3
    assert panel.controls.explanation_text


def test_feedback_message_lands_in_result(panel, planted_result):
    label = planted_result.data.index[2]
    panel.controls._handle_custom_msg({"kind": "feedback", "row": 2, "value": 1}, [])
    assert planted_result.feedback == {label: 1}
    panel.controls._handle_custom_msg({"kind": "feedback", "row": 5, "value": 0}, [])
    assert planted_result.feedback[planted_result.data.index[5]] == 0
    assert panel.controls.feedback == {str(label): 1, str(planted_result.data.index[5]): 0}
    with pytest.raises(ParameterError):
        panel.mark(2, 3)


def test_brush_filters_the_table(panel):
    points = panel._points
    x_cut = float(points["x"].median())
    panel.scatter._vl_selections = _selections(brush={"x": [x_cut, 1e9], "y": [-1e9, 1e9]})
    inside = set(points.loc[points["x"] >= x_cut, "row"])
    rows = panel.controls.rows
    assert rows and {r["row"] for r in rows} <= inside
    assert len(rows) == min(50, len(inside))
    assert "brushed" in panel.controls.table_note
    panel.scatter._vl_selections = _selections(brush={})
    assert len(panel.controls.rows) == 50
    assert "brushed" not in panel.controls.table_note


def test_copy_as_code_is_valid_and_reproduces_threshold(panel, planted_result):
    panel.threshold = 0.123456789
    code = panel.code()
    compile(code, "<copy-as-code>", "exec")
    assert "ad.detect(df, algorithm='iforest')" in code
    assert "res.threshold = 0.123456789" in code
    df, _ = planted_frame(n=300, d=4, n_out=6)
    namespace: dict = {"df": df}
    exec(code, namespace)
    again = namespace["res"]
    assert again.threshold == planted_result.threshold
    assert again.n_anomalies == planted_result.n_anomalies
    np.testing.assert_allclose(again.scores, planted_result.scores)


def test_mimebundle_has_static_html_fallback(panel, planted_result):
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert "data:image/svg+xml;base64," in page and "Found" in page and "<table" in page
    assert f"{planted_result.scores.max():.4g}" in page
    assert "http://" not in page.replace("http://www.w3.org", "")


def _comparison_panel_checks(cmp):
    p = ComparisonPanel(cmp)
    for name in cmp.scores:
        assert name in p.leaderboard.value
    assert p.bars.spec and p.agreement.spec
    bundle = p._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].count("data:image/svg+xml") >= 2
    return p


def test_comparison_panel_labelled():
    df, y = planted_frame(n=200)
    p = _comparison_panel_checks(ad.compare(df, "iforest,ecod", labels=y))
    assert p.curves is not None and p.curves in p.children
    assert "average precision" in p.leaderboard.value


def test_comparison_panel_unlabelled():
    df, _ = planted_frame(n=200)
    p = _comparison_panel_checks(ad.compare(df, "iforest,ecod,hbos"))
    assert p.curves is None


def test_panels_reject_other_objects():
    with pytest.raises(ParameterError):
        DetectionPanel("not a result")
    with pytest.raises(ParameterError):
        ComparisonPanel(42)


def _state_bytes(panel) -> int:
    """JSON size of the data sent to the browser: the anywidget's whole state plus the
    JupyterCharts' specs, params and selections (their ~0.9 MB of JavaScript is left out:
    it is the same whatever the data)."""
    total = len(json.dumps(panel.controls.get_state()))
    charts = [panel.histogram, panel.scatter, panel.explanation_chart]
    for chart in filter(None, charts):
        state = chart.get_state()
        total += sum(len(json.dumps(state[k])) for k in ("spec", "_params", "_vl_selections"))
    return total


@pytest.mark.slow
def test_payload_is_bounded_for_a_million_rows():
    res = ad.detect(np.random.default_rng(0).normal(size=(1_000_000, 5)), algorithm="ecod")
    panel = DetectionPanel(res)
    panel.select(int(np.argmax(res.scores)))
    size = _state_bytes(panel)
    print(f"state for 1,000,000 rows: {size:,} bytes")
    assert size <= 2_000_000
    spec = panel.scatter.spec
    points = spec["datasets"] if "datasets" in spec else {"data": spec["data"]["values"]}
    assert sum(len(v) for v in points.values()) <= 5000
    assert len(panel.controls.rows) == 50
    panel.threshold = float(np.quantile(res.scores, 0.999))
    assert panel.controls.n_flagged == res.n_anomalies


def test_front_end_loads_nothing_from_the_network():
    from jupyter_ad.widgets._assets import asset

    for name in ("detection_panel.js", "detection_panel.css"):
        text = asset(name)
        assert "http://" not in text and "https://" not in text
    js = asset("detection_panel.js")
    assert not [line for line in js.splitlines() if line.startswith("import ")]
    assert "export default" in js
