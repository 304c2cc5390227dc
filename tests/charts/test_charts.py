"""jupyter_ad.charts: every chart checked through ``chart.to_dict()``, never pixels."""

from __future__ import annotations

import json
import socket
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

import jupyter_ad as ad
from jupyter_ad import charts
from tests.conftest import planted_frame


# --- helpers -----------------------------------------------------------------------------------
def values(spec: dict[str, Any], node: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The inline rows a (sub)spec draws, looked up in the top-level datasets."""
    data = (node or spec)["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def marks(node: Any) -> list[str]:
    """Every mark type in a spec, depth first."""
    found: list[str] = []
    if isinstance(node, dict):
        if "mark" in node:
            mark = node["mark"]
            found.append(mark["type"] if isinstance(mark, dict) else mark)
        for key in ("layer", "vconcat", "hconcat", "concat"):
            for child in node.get(key, []):
                found += marks(child)
    return found


def params_by_name(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in spec.get("params", [])}


def layer_with(spec: dict[str, Any], mark: str) -> dict[str, Any]:
    return next(layer for layer in spec["layer"] if marks(layer) == [mark])


@pytest.fixture(scope="module")
def result() -> ad.DetectionResult:
    df, _ = planted_frame(n=400, d=4, n_out=8)
    df["city.name"] = np.random.default_rng(3).choice(["paris", "lyon"], len(df))
    return ad.detect(df)


@pytest.fixture(scope="module")
def big_result() -> ad.DetectionResult:
    df, _ = planted_frame(n=100_000, d=3, n_out=40, seed=5)
    return ad.detect(df, algorithm="ecod")


# --- score_histogram -----------------------------------------------------------------------------
def test_histogram_has_bars_rule_and_threshold_param(result):
    chart = charts.score_histogram(result, bins=30)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "rule"]
    assert params_by_name(spec)["threshold"]["value"] == pytest.approx(result.threshold)
    bars, rule = layer_with(spec, "bar"), layer_with(spec, "rule")
    x = dict(bars["encoding"]["x"])
    x.pop("axis")
    assert x == {"bin": "binned", "field": "bin_start", "title": "anomaly score",
                 "type": "quantitative"}
    assert bars["encoding"]["x2"]["field"] == "bin_end"
    assert bars["encoding"]["y"]["field"] == "count"
    assert bars["encoding"]["color"]["field"] == "side"
    assert "> threshold" in bars["transform"][0]["calculate"]
    assert rule["transform"][0]["calculate"] == "threshold"
    assert rule["encoding"]["x"]["field"] == "threshold_at"
    rows = values(spec, bars)
    assert len(rows) == 30
    assert sum(r["count"] for r in rows) == len(result)
    assert spec["title"]["text"] == f"Anomaly scores of {len(result):,} rows"
    assert "flagged" not in json.dumps(spec["title"])  # the threshold moves: no stale count
    fixed = charts.score_histogram(result, threshold_param=False).to_dict()
    assert f"{len(result):,} rows, {result.n_anomalies:,} flagged" in fixed["title"]["text"]


def test_histogram_bin_edge_sits_on_the_threshold(result):
    rows = values(spec := charts.score_histogram(result).to_dict(), layer_with(spec, "bar"))
    starts = [r["bin_start"] for r in rows]
    assert result.threshold in starts
    above = sum(r["count"] for r in rows if r["bin_start"] >= result.threshold)
    assert above == int((result.scores >= result.threshold).sum())


def test_histogram_without_param_uses_a_constant(result):
    spec = charts.score_histogram(result, threshold_param=False).to_dict()
    assert "threshold" not in params_by_name(spec)
    assert repr(result.threshold) in layer_with(spec, "bar")["transform"][0]["calculate"]
    rule = layer_with(spec, "rule")
    assert values(spec, rule) == [{"initial_threshold": result.threshold}]


@pytest.mark.parametrize("bins", [1, 17, 40])
def test_histogram_payload_is_bins_whatever_the_row_count(big_result, bins):
    spec = charts.score_histogram(big_result, bins=bins).to_dict()
    assert len(values(spec, layer_with(spec, "bar"))) == bins
    assert len(json.dumps(spec)) < 20_000


@pytest.mark.parametrize("bins", [0, -3, 2.5, True, "10"])
def test_histogram_rejects_bad_bins(result, bins):
    with pytest.raises(ad.ParameterError, match="bins"):
        charts.score_histogram(result, bins=bins)


# --- score_scatter -------------------------------------------------------------------------------
def test_scatter_encodings_selections_and_datum_fields(result):
    chart = charts.score_scatter(result)
    assert isinstance(chart, alt.Chart)
    spec = chart.to_dict()
    assert marks(spec) == ["point"]
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"]) == ("x", "y")
    # auto: the two numeric columns that drive the most anomalies
    drivers = result.drivers(n_rows=max(result.n_anomalies, 20))["column"].value_counts()
    assert [enc["x"]["title"], enc["y"]["title"]] == [str(c) for c in drivers.index[:2]]
    assert enc["color"]["condition"]["field"] == "score"
    assert enc["color"]["condition"]["param"] == "brush"
    assert enc["color"]["condition"]["scale"]["scheme"] == "viridis"
    assert enc["shape"]["field"] == "status"
    params = params_by_name(spec)
    assert params["selected_row"]["value"] == -1
    assert params["marked_anomaly"]["value"] == [] and params["marked_normal"]["value"] == []
    assert params["brush"]["select"] == {"type": "interval"}
    assert params["pick"]["select"] == {"type": "point", "fields": ["row"], "on": "click"}
    rows = values(spec)
    assert len(rows) == len(result)
    first = rows[0]
    assert {"row", "label_index", "score", "label", "x", "y"} <= set(first)
    assert isinstance(first["row"], int) and isinstance(first["label_index"], str)
    assert first["label_index"] == str(result.data.index[first["row"]])
    assert first["score"] == pytest.approx(result.scores[first["row"]])
    assert {r["row"] for r in rows if r["label"] == 1} == set(np.flatnonzero(result.labels))
    tooltip_titles = {t.get("title", t["field"]) for t in enc["tooltip"]}
    raw = tooltip_titles & set(result.data.columns)
    assert 1 <= len(raw) <= 4
    if "city.name" in raw:  # dotted column names are stored under a safe key
        assert any(t["field"].startswith("city_name__") for t in enc["tooltip"])
    assert f"{len(result):,} of {len(result):,} shown" in spec["title"]["text"]


def test_scatter_payload_is_bounded_and_keeps_every_top_anomaly(big_result):
    # 6,000 > Altair's default 5,000-row limit: the chart bounds its payload itself
    spec = charts.score_scatter(big_result, max_points=6000).to_dict()
    rows = values(spec)
    assert len(rows) == 6000 < len(big_result)
    shown = {r["row"] for r in rows}
    anomalies = np.flatnonzero(big_result.labels)
    assert 0 < anomalies.size <= 3000
    assert set(anomalies) <= shown
    assert f"{len(rows):,} of {len(big_result):,} shown" in spec["title"]["text"]
    again = {r["row"] for r in values(charts.score_scatter(big_result, max_points=6000).to_dict())}
    assert again == shown  # seeded
    other = charts.score_scatter(big_result, max_points=6000, random_state=1).to_dict()
    assert {r["row"] for r in values(other)} != shown


def test_scatter_keeps_the_highest_scores_when_anomalies_exceed_half_the_budget():
    df, _ = planted_frame(n=3000, d=3, n_out=10)
    res = ad.detect(df, algorithm="ecod", top_k=400)
    rows = values(charts.score_scatter(res, max_points=300).to_dict())
    assert len(rows) == 300
    top = np.argsort(-res.scores, kind="stable")[:150]
    assert set(top) <= {r["row"] for r in rows}


def test_scatter_uses_the_features_themselves_when_one_or_two():
    df, _ = planted_frame(n=200, d=2)
    res = ad.detect(df, algorithm="ecod")
    spec = charts.score_scatter(res).to_dict()
    assert spec["encoding"]["x"]["title"] == "f0" and spec["encoding"]["y"]["title"] == "f1"
    row = values(spec)[0]
    assert [row["x"], row["y"]] == pytest.approx(list(res.features[row["row"]]), abs=1e-3)

    res1 = ad.detect(df[["f0"]], algorithm="ecod")
    spec1 = charts.score_scatter(res1).to_dict()
    assert spec1["encoding"]["y"]["title"] == "anomaly score"
    row = values(spec1)[0]
    assert row["y"] == pytest.approx(res1.scores[row["row"]], abs=1e-3)


def test_scatter_pca_titles_and_marks_from_feedback(result):
    spec = charts.score_scatter(result, method="pca").to_dict()
    assert spec["encoding"]["x"]["title"].startswith("PC1")
    result.feedback.update({result.data.index[3]: 1, result.data.index[7]: 0})
    try:
        params = params_by_name(charts.score_scatter(result).to_dict())
    finally:
        result.feedback.clear()
    assert params["marked_anomaly"]["value"] == [3] and params["marked_normal"]["value"] == [7]


def _spread(spec: dict, axis: str) -> float:
    """Interquartile range of the drawn coordinates over their range, on the axis' scale."""
    v = np.array([r[axis] for r in values(spec)], dtype=float)
    scale = spec["encoding"][axis].get("scale", {})
    if scale.get("type") == "symlog":
        c = scale["constant"]
        v = np.sign(v) * np.log1p(np.abs(v) / c)
    q1, q3 = np.quantile(v, [0.25, 0.75])
    return float((q3 - q1) / (v.max() - v.min()))


@pytest.mark.parametrize("method", ["auto", "pca"])
def test_scatter_spreads_skewed_data(method):
    """Issue 13 item 2: on heavy-tailed card data the bulk is not a strip along one axis."""
    cards = ad.datasets.load_card_transactions(n_rows=5_000)
    res = ad.detect(cards, algorithm="iforest", exclude=["is_fraud"])
    spec = charts.score_scatter(res, method=method).to_dict()
    assert _spread(spec, "x") > 0.1 and _spread(spec, "y") > 0.1
    # without the squash the first component is a strip: the old default
    from sklearn.decomposition import PCA
    raw = PCA(n_components=2).fit_transform(res.features)[:, 0]
    q1, q3 = np.quantile(raw, [0.25, 0.75])
    assert (q3 - q1) / np.ptp(raw) < 0.1


def test_scatter_spreads_gaussian_data(result):
    spec = charts.score_scatter(result).to_dict()
    assert _spread(spec, "x") > 0.1 and _spread(spec, "y") > 0.1


def test_histogram_uses_a_log_axis_for_heavy_tailed_scores():
    cards = ad.datasets.load_card_transactions(n_rows=5_000)
    res = ad.detect(cards, exclude=["is_fraud"], algorithm="knn")  # distances: a long tail
    spec = charts.score_histogram(res).to_dict()
    bars = layer_with(spec, "bar")
    assert bars["encoding"]["x"]["scale"]["type"] == "symlog"
    rows = values(spec, bars)
    counts = np.array([r["count"] for r in rows])
    assert (counts > 0).sum() >= 20  # the rows spread over many bars, not one
    linear = values(spec2 := charts.score_histogram(res, scale="linear").to_dict(),
                    layer_with(spec2, "bar"))
    assert "scale" not in layer_with(spec2, "bar")["encoding"]["x"]
    # the linear axis piles most rows into its first bars; the log axis spreads them out
    assert counts.max() < 0.6 * max(r["count"] for r in linear)
    with pytest.raises(ad.ParameterError, match="scale"):
        charts.score_histogram(res, scale="log")


def test_gaussian_scores_keep_a_linear_axis(result):
    bars = layer_with(charts.score_histogram(result).to_dict(), "bar")
    assert "scale" not in bars["encoding"]["x"]


def test_scatter_tsne_and_bad_method(result):
    spec = charts.score_scatter(result, method="tsne", max_points=120).to_dict()
    assert spec["encoding"]["x"]["title"] == "t-SNE 1"
    assert len(values(spec)) <= 120
    with pytest.raises(ad.ParameterError, match="pca"):
        charts.score_scatter(result, method="umap")
    with pytest.raises(ad.ParameterError, match="max_points"):
        charts.score_scatter(result, max_points=0)


# --- feature_contributions -----------------------------------------------------------------------
CONTRIB = pd.DataFrame({
    "feature": ["amount", "city", "hour", "count"],
    "contribution": [0.1, 2.5, -0.4, 0.9],
    "value": [9.5, "nice", 3, 12],
    "normal_low": [1.0, ["paris", "lyon"], 8, 1],
    "normal_high": [5.0, None, 20, 6],
    "deviation": [4.0, np.nan, -2.0, 3.1],
})


class _Explanation:
    row = "r17"
    score = 3.25

    def to_frame(self) -> pd.DataFrame:
        return CONTRIB


@pytest.mark.parametrize("explanation", [CONTRIB, _Explanation()], ids=["frame", "object"])
def test_contributions_sorted_and_coloured(explanation):
    spec = charts.feature_contributions(explanation).to_dict()
    assert marks(spec) == ["bar"]
    enc = spec["encoding"]
    assert enc["x"]["field"] == "contribution" and enc["y"]["field"] == "feature"
    assert enc["y"]["sort"] == ["city", "count", "amount", "hour"]
    rows = values(spec)
    assert [r["feature"] for r in rows] == ["city", "count", "amount", "hour"]
    assert {r["feature"]: r["direction"] for r in rows}["hour"] == "towards normal"
    assert {r["direction"] for r in rows} == {"towards anomalous", "towards normal"}
    assert enc["color"]["field"] == "direction"
    assert len(set(enc["color"]["scale"]["range"])) == 2
    by = {r["feature"]: r for r in rows}
    assert by["amount"]["normal_range"] == "1 to 5" and by["amount"]["value"] == "9.5"
    assert by["city"]["normal_range"] == "paris, lyon"
    fields = {t["field"] for t in enc["tooltip"]}
    assert {"value", "normal_range", "deviation"} <= fields
    if isinstance(explanation, _Explanation):
        assert "r17" in spec["title"]["text"] and "3.25" in spec["title"]["text"]


def test_contributions_show_values_in_their_columns_formats():
    formats = {"amount": {"kind": "number", "decimals": 2, "group": True}}
    frame = CONTRIB.assign(value=[11127.91, "nice", 3, 12])
    rows = {r["feature"]: r for r in values(charts.feature_contributions(
        frame, formats=formats).to_dict())}
    assert rows["amount"]["value"] == "11,127.91"  # not "1.113e+04"
    assert rows["amount"]["normal_range"] == "1.00 to 5.00"
    plain = {r["feature"]: r for r in values(charts.feature_contributions(frame).to_dict())}
    assert plain["amount"]["value"] == "11127.9"


def test_contributions_reject_bad_input():
    with pytest.raises(ad.ParameterError, match="to_frame"):
        charts.feature_contributions([1, 2])
    with pytest.raises(ad.ParameterError, match="contribution"):
        charts.feature_contributions(pd.DataFrame({"feature": ["a"]}))


# --- comparison_bars -----------------------------------------------------------------------------
BOARD = pd.DataFrame({
    "roc_auc": [0.91, 0.97, 0.85],
    "average_precision": [0.4, 0.6, 0.7],
    "n_flagged": [12, 15, 9],
    "fit_seconds": [1.5, 0.2, 3.0],
    "notes": ["a", "b", "c"],
}, index=pd.Index(["iforest", "ecod", "knn"]))


def test_comparison_bars_defaults_to_roc_auc_best_first():
    spec = charts.comparison_bars(BOARD).to_dict()
    assert marks(spec) == ["bar"]
    assert spec["encoding"]["x"]["field"] == "roc_auc"
    assert spec["encoding"]["y"]["field"] == "detector"
    assert spec["encoding"]["y"]["sort"] == ["ecod", "iforest", "knn"]
    assert len(values(spec)) == 3


def test_comparison_bars_metric_choice_and_detector_column():
    frame = BOARD.drop(columns="roc_auc").rename_axis("detector").reset_index()
    spec = charts.comparison_bars(frame).to_dict()
    assert spec["encoding"]["x"]["field"] == "average_precision"
    assert spec["encoding"]["y"]["sort"] == ["knn", "ecod", "iforest"]
    spec = charts.comparison_bars(BOARD, metric="fit_seconds").to_dict()
    assert spec["encoding"]["y"]["sort"] == ["ecod", "iforest", "knn"]  # faster first


@pytest.mark.parametrize("metric", ["precision", "notes"])
def test_comparison_bars_bad_metric_names_the_columns(metric):
    with pytest.raises(ad.ParameterError) as err:
        charts.comparison_bars(BOARD, metric=metric)
    for col in ("roc_auc", "average_precision", "n_flagged", "fit_seconds"):
        assert col in str(err.value)


# --- roc_pr_curves -------------------------------------------------------------------------------
def test_roc_pr_curves_downsampled_with_auc_in_legend():
    rng = np.random.default_rng(0)
    y = (rng.random(5000) < 0.1).astype(int)
    scores = {"good": y * 1.5 + rng.normal(size=y.size), "poor": rng.normal(size=y.size)}
    chart = charts.roc_pr_curves(scores, y)
    assert isinstance(chart, alt.HConcatChart)
    spec = chart.to_dict()
    assert len(spec["hconcat"]) == 2
    assert marks(spec) == ["line", "line", "line", "line"]
    auc = roc_auc_score(y, scores["good"])
    ap = average_precision_score(y, scores["good"])
    for panel in spec["hconcat"]:
        lines = panel["layer"][1]
        rows = values(spec, lines)
        names = {r["detector"] for r in rows}
        assert f"good (AUC {auc:.3f}, AP {ap:.3f})" in names
        for name in names:
            assert 2 <= sum(r["detector"] == name for r in rows) <= 200
        assert lines["encoding"]["color"]["field"] == "detector"
        assert lines["encoding"]["color"]["sort"][0].startswith("good")


def test_roc_pr_curves_reject_bad_input():
    with pytest.raises(ad.ParameterError, match="both"):
        charts.roc_pr_curves({"a": np.arange(4.0)}, [0, 0, 0, 0])
    with pytest.raises(ad.ParameterError, match="values"):
        charts.roc_pr_curves({"a": np.arange(3.0)}, [0, 1, 0, 1])
    with pytest.raises(ad.ParameterError, match="non-empty"):
        charts.roc_pr_curves({}, [0, 1])


# --- agreement_heatmap ---------------------------------------------------------------------------
def test_agreement_heatmap_rect_and_text():
    names = ["iforest", "ecod", "knn"]
    matrix = pd.DataFrame([[1, 0.8, -0.2], [0.8, 1, 0.1], [-0.2, 0.1, 1]], index=names,
                          columns=names)
    spec = charts.agreement_heatmap(matrix).to_dict()
    assert marks(spec) == ["rect", "text"]
    rows = values(spec)
    assert len(rows) == 9
    assert {(r["row"], r["column"]): r["value"] for r in rows}[("ecod", "iforest")] == 0.8
    rect, text = spec["layer"]
    assert rect["encoding"]["color"]["field"] == "value"
    assert rect["encoding"]["color"]["scale"]["domain"] == [-1, 1]
    assert text["encoding"]["text"]["field"] == "value"
    assert rect["encoding"]["x"]["sort"] == names
    with pytest.raises(ad.ParameterError, match="square"):
        charts.agreement_heatmap(matrix.iloc[:2])


# --- threshold_tradeoff --------------------------------------------------------------------------
def _curve(n: int = 50, cost: bool = False) -> pd.DataFrame:
    t = np.linspace(0, 1, n)
    frame = pd.DataFrame({"threshold": t, "precision": t, "recall": 1 - t,
                          "f1": 2 * t * (1 - t)})
    if cost:
        frame["cost"] = 100 * (1 - t) + 10 * t
    return frame


def test_threshold_tradeoff_lines_and_chosen_rule():
    spec = charts.threshold_tradeoff(_curve(), chosen=0.3).to_dict()
    assert marks(spec) == ["line", "rule"]
    line, rule = spec["layer"]
    assert line["transform"][0] == {"fold": ["precision", "recall", "f1"],
                                    "as": ["metric", "value"]}
    assert line["encoding"]["x"]["field"] == "threshold"
    assert line["encoding"]["y"]["field"] == "value"
    assert line["encoding"]["color"]["field"] == "metric"
    assert values(spec, rule) == [{"threshold": 0.3}]
    assert "resolve" not in spec


def test_threshold_tradeoff_cost_axis_attrs_and_downsampling():
    curve = _curve(n=3000, cost=True)
    curve.attrs["chosen"] = 0.5
    spec = charts.threshold_tradeoff(curve).to_dict()
    assert marks(spec) == ["line", "line", "rule"]
    assert spec["layer"][1]["encoding"]["y"]["field"] == "cost"
    assert spec["resolve"] == {"scale": {"y": "independent"}}
    assert values(spec, spec["layer"][2]) == [{"threshold": 0.5}]
    assert len(values(spec, spec["layer"][0])) <= 500

    flagged = _curve().assign(chosen=lambda f: f["threshold"].eq(f["threshold"].iloc[7]))
    spec = charts.threshold_tradeoff(flagged).to_dict()
    assert values(spec, spec["layer"][-1])[0]["threshold"] == pytest.approx(7 / 49)
    assert marks(charts.threshold_tradeoff(_curve()).to_dict()) == ["line"]
    with pytest.raises(ad.ParameterError, match="chosen"):
        charts.threshold_tradeoff(_curve(), chosen=float("nan"))
    with pytest.raises(ad.ParameterError, match="threshold"):
        charts.threshold_tradeoff(pd.DataFrame({"precision": [0.5]}))


# --- overview and DetectionResult.plot -----------------------------------------------------------
def test_overview_stacks_histogram_over_scatter(result):
    chart = charts.overview(result)
    assert isinstance(chart, alt.VConcatChart)
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "rule", "point"]
    assert {"threshold", "brush", "pick"} <= set(params_by_name(spec))
    assert spec["resolve"]["scale"]["color"] == "independent"
    json.dumps(spec)


def test_plot_kinds(result):
    assert isinstance(result.plot(), alt.VConcatChart)
    hist = result.plot("histogram", bins=12).to_dict()
    assert len(values(hist, layer_with(hist, "bar"))) == 12
    assert marks(result.plot("scatter", max_points=50).to_dict()) == ["point"]
    with pytest.raises(ad.ParameterError) as err:
        result.plot("pie")
    assert all(k in str(err.value) for k in ("overview", "histogram", "scatter"))


# --- rendering in Jupyter ------------------------------------------------------------------------
def test_jupyter_chart_offline_without_network(result, monkeypatch):
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    try:
        charts.enable_offline()
        assert alt.JupyterChart._is_offline
        widget = alt.JupyterChart(charts.overview(result))
        assert widget.params.threshold == pytest.approx(result.threshold)
        assert {"brush", "pick"} <= set(widget._selection_types)
        hist = alt.JupyterChart(charts.score_histogram(result))
        hist.params.threshold = result.threshold + 1.0
        assert hist._params["threshold"] == pytest.approx(result.threshold + 1.0)
    finally:
        alt.JupyterChart.enable_offline(False)


def test_scatter_anomaly_markers_follow_a_threshold_param(result):
    from jupyter_ad import charts

    spec = charts.score_scatter(result).to_dict()
    assert params_by_name(spec)["threshold"]["value"] == result.threshold
    calc = [t for t in spec["transform"] if t.get("as") == "status"]
    assert calc and "threshold" in calc[0]["calculate"]
    fixed = charts.score_scatter(result, threshold_param=False).to_dict()
    assert "threshold" not in params_by_name(fixed)
    assert str(result.threshold)[:6] in fixed["transform"][0]["calculate"]
