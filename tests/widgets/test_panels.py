"""The panels without a browser: state, messages, payload, snapshots, display outputs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ParameterError
from jupyter_ad.widgets import ChartView, ComparisonPanel, DetectionPanel, VegaRuntime
from jupyter_ad.widgets._table import threshold_steps
from tests.conftest import planted_frame

WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def planted_result():
    df, _ = planted_frame(n=300, d=4, n_out=6)
    return ad.detect(df, algorithm="iforest")


@pytest.fixture
def panel(planted_result):
    planted_result.threshold = planted_result.model.threshold_  # undo earlier tests
    planted_result.feedback.clear()
    return DetectionPanel(planted_result)


@pytest.fixture(scope="module")
def cards_result():
    cards = ad.datasets.load_card_transactions(n_rows=3_000)
    return ad.detect(cards, exclude=["is_fraud"])


def test_initial_state_matches_result(panel, planted_result):
    assert panel.threshold == pytest.approx(planted_result.threshold)
    assert panel.n_flagged == planted_result.n_anomalies
    assert panel.n_rows == len(planted_result)
    assert panel.summary.startswith("Found")
    assert len(panel.rows) == 50
    scores = [r["score"] for r in panel.rows]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(planted_result.scores.max())
    assert panel.rows[0]["rank"] == 1
    keys = [c["key"] for c in panel.columns]
    assert {"index", "score", "rank", "f0", "f3"} <= set(keys)
    assert all(c["format"]["kind"] in ("number", "text", "bool") for c in panel.columns)
    assert panel.selected_row == -1 and panel.explanation_spec == {}
    assert panel.histogram_spec == {} and panel.runtime is None  # charts come after display


def test_constructing_a_panel_does_not_import_altair():
    """The first paint must not wait for Altair (5 s to import here, cold)."""
    code = ("import warnings; warnings.simplefilter('ignore')\n"
            "import sys, jupyter_ad as ad\n"
            "from tests.conftest import planted_frame\n"
            "res = ad.detect(planted_frame()[0], algorithm='iforest')\n"
            "from jupyter_ad.widgets import DetectionPanel\n"
            "DetectionPanel(res)\n"
            "print('altair' in sys.modules, 'vl_convert' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_slider_steps_flag_exact_counts_on_a_log_scale():
    scores = np.sort(np.random.default_rng(0).lognormal(0, 2, 20_000))
    steps = threshold_steps(scores)
    counts = [k for k, _ in steps]
    assert counts[:5] == [0, 1, 2, 3, 4] and counts == sorted(counts)
    assert len(steps) <= 400 and counts[-1] == 19_999
    for k, t in steps:  # each step flags exactly its count (no ties here)
        assert int((scores > t).sum()) == k
    ratios = np.diff(np.log(counts[30:]))
    assert ratios.max() < 3 * np.median(ratios)  # evenly spread in log(count)
    tied = threshold_steps(np.sort(np.r_[np.zeros(50), np.arange(1.0, 11.0)]))
    assert len({t for _, t in tied}) == len(tied)  # ties give one step each


@pytest.mark.parametrize("from_browser", [False, True])
def test_threshold_updates_result_count_summary_and_code(panel, planted_result, from_browser):
    new = float(np.quantile(planted_result.scores, 0.5))
    if from_browser:
        panel.set_state({"threshold": new})  # what the slider's save_changes() does
    else:
        panel.threshold = new
    expected = int((planted_result.scores > new).sum())
    assert planted_result.threshold == new
    assert planted_result.n_anomalies == expected
    assert panel.n_flagged == expected
    assert f"{expected:,} anomal" in panel.summary
    assert f"res.threshold = {new!r}" in panel.code
    assert panel.error == ""


def test_invalid_threshold_is_refused(panel, planted_result):
    before = planted_result.threshold
    with pytest.raises(ParameterError):
        panel.threshold = float("nan")
    assert planted_result.threshold == before and panel.threshold == before


def test_selecting_a_row_explains_it(panel, planted_result):
    top = int(np.argmax(planted_result.scores))
    panel.set_state({"selected_row": top})  # a click on a table row
    assert panel.error == ""
    assert panel.selected_label == str(planted_result.data.index[top])
    assert panel.explanation_text.startswith("Score ")
    assert any(f"f{j}" in panel.explanation_text for j in range(4))
    spec = panel.explanation_spec
    assert spec and "f" in json.dumps(spec)
    first = panel._explanations[top]
    panel.select(None)
    assert panel.explanation_text == "" and panel.explanation_spec == {}
    panel.select(top)
    assert panel._explanations[top] is first  # cached per row
    panel.select(1)
    assert panel.explanation_spec != spec


def test_bad_row_shows_an_error(panel):
    panel.set_state({"selected_row": 10_000})
    assert "No row at position" in panel.error


def test_feedback_is_keyed_by_position_and_lands_in_the_result(panel, planted_result):
    label = planted_result.data.index[2]
    panel._handle_custom_msg({"kind": "feedback", "row": 2, "value": 1}, [])
    assert planted_result.feedback == {label: 1}
    panel._handle_custom_msg({"kind": "feedback", "row": 5, "value": 0}, [])
    assert planted_result.feedback[planted_result.data.index[5]] == 0
    # the front end looks marks up by the rows' position: the key the rows carry
    assert panel.feedback == {"2": 1, "5": 0}
    assert {r["row"] for r in panel.rows} >= {2, 5}
    assert "res.feedback.update({2: 1, 5: 0})" in panel.code  # carried into the copied code
    panel._handle_custom_msg({"kind": "feedback", "row": 2, "value": None}, [])
    assert planted_result.feedback == {planted_result.data.index[5]: 0}
    with pytest.raises(ParameterError):
        panel.mark(2, 3)


def test_marks_are_usable_by_learning_from_labels(panel, planted_result):
    for row in range(6):
        panel.mark(row, 1)
    for row in range(6, 16):
        panel.mark(row, 0)
    learned = planted_result.learn()
    assert len(learned) == len(planted_result)


def test_a_ping_gets_a_pong(panel, monkeypatch):
    sent = []
    monkeypatch.setattr(panel, "send", sent.append)
    panel._handle_custom_msg({"kind": "ping"}, [])
    assert sent == [{"kind": "pong"}]


def test_charts_and_the_shared_runtime(panel, planted_result):
    panel.render_charts()
    assert isinstance(panel.runtime, VegaRuntime)
    assert "vegaEmbed" in panel.runtime._esm and len(panel.runtime._esm) > 500_000
    params = {p["name"] for p in panel.scatter_spec["params"]}
    assert {"threshold", "selected_row", "marked_anomaly", "marked_normal", "brush"} <= params
    assert any(p["name"] == "threshold" for p in panel.histogram_spec["params"])
    other = DetectionPanel(planted_result)
    other.render_charts()
    assert other.runtime is panel.runtime  # one copy of Vega per kernel


def test_brush_filters_the_table(panel):
    panel.render_charts()
    points = panel._points
    x_cut = float(points["x"].median())
    panel.set_state({"brush": {"x": [x_cut, 1e9], "y": [-1e9, 1e9]}})
    inside = set(points.loc[points["x"] >= x_cut, "row"])
    rows = panel.rows
    assert rows and {r["row"] for r in rows} <= inside
    assert len(rows) == min(50, len(inside))
    assert "box drawn" in panel.table_note
    panel.set_state({"brush": {}})
    assert len(panel.rows) == 50 and "box drawn" not in panel.table_note


def test_copy_as_code_is_valid_and_reproduces_threshold_and_marks(panel, planted_result):
    panel.threshold = 0.123456789
    panel.mark(3, 1)
    code = panel.code
    compile(code, "<copy-as-code>", "exec")
    assert "ad.detect(df, algorithm='iforest')" in code
    df, _ = planted_frame(n=300, d=4, n_out=6)
    namespace: dict = {"df": df}
    exec(code, namespace)
    again = namespace["res"]
    assert again.threshold == planted_result.threshold
    assert again.feedback == planted_result.feedback
    np.testing.assert_allclose(again.scores, planted_result.scores)


def test_panel_follows_the_variable_rebound_by_the_copied_code(planted_result):
    """Issue 13 item 5: running the copied code must not leave the panel on a stale object."""
    ip = _shell()
    df, _ = planted_frame(n=300, d=4, n_out=6)
    planted_result.feedback.clear()
    planted_result.threshold = planted_result.model.threshold_
    ip.user_ns.update(df=df, res=planted_result)
    try:
        panel = DetectionPanel(planted_result, var_name="res")
        panel.mark(4, 1)
        panel.threshold = float(np.quantile(planted_result.scores, 0.8))
        ip.run_cell(panel.code, store_history=False)  # the user runs the copied code
        fresh = ip.user_ns["res"]
        assert fresh is not planted_result and fresh.feedback == {4: 1}
        panel.mark(7, 0)  # the next action drives the object the user now holds
        assert panel.result is fresh and fresh.feedback == {4: 1, 7: 0}
        panel.threshold = float(np.quantile(fresh.scores, 0.9))
        assert fresh.threshold == panel.threshold
    finally:
        for name in ("df", "res", "ad"):
            ip.user_ns.pop(name, None)


def test_number_formats_follow_the_data(cards_result):
    panel = DetectionPanel(cards_result)
    by_key = {c["key"]: c["format"] for c in panel.columns}
    assert by_key["amount"] == {"kind": "number", "decimals": 2, "group": True}
    assert by_key["txn_id"]["group"] is False
    top = max(panel.rows, key=lambda r: r["amount"])
    assert isinstance(top["amount"], float)  # raw values: the front end formats and sorts
    html = panel.snapshot_html()
    assert f"{top['amount']:,.2f}" in html  # the same text in the snapshot


def test_display_emits_the_widget_then_a_synced_snapshot(panel, planted_result, monkeypatch):
    from jupyter_ad.widgets import _output

    def no_loop():  # a kernel refreshes on its event loop; without one, at once. (Playwright's
        raise RuntimeError("no running event loop")  # sync API leaves a loop in this thread.)

    monkeypatch.setattr(_output.asyncio, "get_running_loop", no_loop)
    ip = _shell()
    published: list[tuple[str, dict]] = []
    pub = ip.display_pub
    original = pub.publish

    def record(data, metadata=None, source=None, *, transient=None, update=False, **kw):
        published.append(("update" if update else "display", dict(data),
                          dict(transient or {})))

    pub.publish = record
    try:
        ip.display_formatter.format(panel)  # what displaying the panel does
        panel.mark(1, 1)  # no event loop here: the snapshot is refreshed at once
    finally:
        pub.publish = original
    kinds = [p[0] for p in published]
    assert kinds[:2] == ["display", "display"] and "update" in kinds
    widget, snapshot = published[0][1], published[1][1]
    assert WIDGET in widget and "text/html" not in widget
    assert "jupyter-ad detection panel" in widget["text/plain"]
    assert "jupyter-ad-snapshot" in snapshot["text/html"] and WIDGET not in snapshot
    display_id = published[1][2]["display_id"]
    updates = [p for p in published if p[0] == "update"]
    assert all(u[2]["display_id"] == display_id for u in updates)
    last = updates[-1][1]["text/html"]
    assert "data:image/png;base64," in last  # the charts, once drawn
    assert "✔ anomaly" in last  # the mark the user just made


def test_snapshot_is_offline_and_escaped(cards_result):
    data = cards_result.data
    data["merchant_category"] = data["merchant_category"].astype(object)
    top = int(np.argmax(cards_result.scores))
    data.iloc[top, data.columns.get_loc("merchant_category")] = "<script>alert(1)</script>"
    try:
        html = DetectionPanel(cards_result).snapshot_html()
    finally:
        data.iloc[top, data.columns.get_loc("merchant_category")] = "jewelry"
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert not re.search(r"(src|href)\s*=\s*['\"]?https?:", html)


def _shell():
    """IPython's test shell (started once per process, by whichever test comes first)."""
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    start_ipython()
    return get_ipython()


def _comparison_panel_checks(cmp, **kwargs):
    p = ComparisonPanel(cmp, **kwargs)
    names = [r["detector"] for r in p.view.rows]
    assert names == list(cmp.to_frame().index)
    p.render_charts()
    assert p.view.bars_spec and p.view.agreement_spec and p.view.runtime is not None
    html = p.snapshot_html() if hasattr(p, "snapshot_html") else p.snapshot_bundle()["text/html"]
    assert html.count("data:image/png;base64,") >= 2
    return p


def test_comparison_panel_opens_a_detectors_panel_and_shares_the_selection():
    df, y = planted_frame(n=200)
    df["label"] = y
    cmp = ad.compare(df, "iforest,ecod", labels="label")
    p = _comparison_panel_checks(cmp, data=df, options={"labels": "label"})
    assert p.view.curves_spec
    p.view.set_state({"selected": "ecod"})  # a click on the row in the browser
    assert p.selected == "ecod" and cmp.selected == "ecod"
    assert isinstance(p.detection, DetectionPanel) and p.detection in p.detail.children
    res = p.results["ecod"]
    assert "label" not in res.model.feature_names  # the label column stays out
    np.testing.assert_allclose(res.scores, cmp.scores["ecod"])
    assert res.n_anomalies == int(cmp.to_frame().loc["ecod", "n_flagged"])
    p.select(None)
    assert cmp.selected is None and p.detail.children == ()
    with pytest.raises(ParameterError):
        p.select("nope")


def test_comparison_panel_without_data_says_how_to_open_one():
    df, _ = planted_frame(n=200)
    p = _comparison_panel_checks(ad.compare(df, "iforest,ecod,hbos"))
    assert not p.view.curves_spec
    p.view.set_state({"selected": "hbos"})
    assert p.selected == "hbos" and "data=" in p.view.status and p.detection is None


def test_panels_reject_other_objects():
    with pytest.raises(ParameterError):
        DetectionPanel("not a result")
    with pytest.raises(ParameterError):
        ComparisonPanel(42)


def test_chart_bundle_has_a_png_beside_the_live_chart(planted_result):
    import base64

    from jupyter_ad.widgets._chart import chart_bundle

    bundle = chart_bundle(planted_result.plot("histogram"))
    assert WIDGET in bundle and bundle["text/plain"].startswith("<chart: Anomaly scores")
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2_000
    view_id = bundle[WIDGET]["model_id"]
    from ipywidgets.widgets.widget import _instances

    assert isinstance(_instances[view_id], ChartView)


def test_enable_notebook_registers_the_renderer(planted_result):
    import altair as alt

    from jupyter_ad import charts

    previous = alt.renderers.active
    try:
        charts.enable_notebook()
        bundle = planted_result.plot("scatter")._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        assert WIDGET in data and "image/png" in data
    finally:
        alt.renderers.enable(previous)


def _state_bytes(panel) -> int:
    """JSON size of the panel's synced state: what reaches the browser for this panel (the
    shared chart library, about 0.9 MB, is sent once per kernel and left out)."""
    state = panel.get_state()
    return sum(len(json.dumps(v)) for k, v in state.items() if k not in ("_esm", "_css"))


@pytest.mark.slow
def test_payload_is_bounded_for_a_million_rows():
    res = ad.detect(np.random.default_rng(0).normal(size=(1_000_000, 5)), algorithm="ecod")
    panel = DetectionPanel(res)
    panel.render_charts()
    panel.select(int(np.argmax(res.scores)))
    size = _state_bytes(panel)
    print(f"state for 1,000,000 rows: {size:,} bytes")
    assert size <= 2_000_000
    spec = panel.scatter_spec
    assert sum(len(v) for v in spec["datasets"].values()) <= 5000
    assert len(panel.rows) == 50 and len(panel.steps) <= 400
    panel.threshold = float(np.quantile(res.scores, 0.999))
    assert panel.n_flagged == res.n_anomalies


def test_front_end_loads_nothing_from_the_network():
    from jupyter_ad.widgets._assets import asset, module

    for name in ("detection_panel.js", "comparison_panel.js", "chart_view.js", "panel.css"):
        text = module(name) if name.endswith(".js") else asset(name)
        assert "http://" not in text and "https://" not in text
        if name.endswith(".js"):
            assert not [line for line in text.splitlines() if line.startswith("import ")]
            assert "export default" in text
