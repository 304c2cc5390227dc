"""A 2-D scatter of the scored rows, bounded in size, with brush and click selections."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.charts._common import check_int, field, inline, label, vl_type
from jupyter_ad.errors import ParameterError

__all__ = ["score_scatter"]

METHODS = ("pca", "tsne")
N_TOOLTIP_COLUMNS = 4
PCA_FIT_ROWS = 50_000
_RESERVED = {"row", "label_index", "score", "label", "status", "x", "y"}


def score_scatter(result: Any, *, max_points: int = 5000, method: str = "pca",
                  random_state: int = 0, threshold_param: bool = True) -> alt.Chart:
    """The rows in two dimensions, coloured by anomaly score, anomalies drawn as triangles.

    Coordinates come from ``result.features`` (the preprocessed matrix): with one feature,
    that feature against the score; with two, the two features; otherwise a projection
    (``method``).

    Payload bound: at most ``max_points`` rows are drawn. All the top anomalies (labelled 1,
    highest score first, up to ``max_points // 2`` of them) are always included; the rest of
    the budget is a random sample, seeded by ``random_state``, of the other rows. The title
    gives the number shown and the total.

    Each point carries ``row`` (its position in ``result.data``), ``label_index`` (its index
    label, as text), ``score``, ``label`` and the raw values of up to four input columns that
    deviate most among the anomalies (in the tooltip). With ``threshold_param``, which rows are
    drawn as anomalies follows an ``alt.param`` named ``threshold`` (a front end moves it);
    otherwise the result's threshold is fixed in the chart.

    Parameters
    ----------
    result : DetectionResult
        The scored rows.
    max_points : int, default 5000
        Most rows to put in the chart (>= 1).
    method : {"pca", "tsne"}, default "pca"
        Projection used when there are more than two features. PCA is fitted on at most
        50,000 randomly chosen rows; t-SNE (slower) runs on the rows shown only.
    random_state : int, default 0
        Seed of the row sample and of the projection.

    Returns
    -------
    altair.Chart
        ``mark: point`` with an interval selection named ``"brush"`` and a click point
        selection named ``"pick"`` on the ``row`` field.
    """
    max_points = check_int("max_points", max_points, 1)
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}; got {method!r}.")
    scores = np.asarray(result.scores, dtype=np.float64)
    labels = np.asarray(result.labels)
    features = np.nan_to_num(np.asarray(result.features, dtype=np.float64).reshape(len(scores),
                                                                                   -1))
    rng = np.random.default_rng(random_state)
    shown = _choose_rows(scores, labels, max_points, rng)
    xy, x_title, y_title = _coordinates(result, features, scores, shown, method, rng,
                                        random_state)

    frame = pd.DataFrame({"row": shown, "label_index": [str(i) for i in result.data.index[shown]],
                          "score": scores[shown], "label": labels[shown].astype(np.int64),
                          "x": xy[:, 0], "y": xy[:, 1]})
    tooltip: list[Any] = [alt.Tooltip("label_index:N", title="row"),
                          alt.Tooltip("score:Q", format=".4g"), alt.Tooltip("status:N")]
    for col in _tooltip_columns(result, labels):
        key = str(col) if str(col) not in _RESERVED else f"{col}_input"
        values = result.data[col].iloc[shown].to_numpy()
        frame[key] = values
        tooltip.append(alt.Tooltip(field=field(key), type=vl_type(result.data[col]),
                                   title=label(col)))
    frame = frame.sort_values("score", kind="stable")  # highest scores drawn last, on top

    brush = alt.selection_interval(name="brush")
    pick = alt.selection_point(name="pick", fields=["row"], on="click")
    n_total, n_shown, n_top = len(scores), len(shown), int(min(labels.sum(), max_points // 2))
    title = alt.TitleParams(
        text=f"Rows by anomaly score: {n_shown:,} of {n_total:,} shown",
        subtitle=(f"all {n_total:,} rows" if n_shown == n_total else
                  f"the {n_top:,} top anomalies + a random sample of the rest")
        + "; drag to select, click a point to pick it",
    )
    threshold = alt.param(name="threshold", value=float(result.threshold))
    flagged = alt.datum.score > (threshold if threshold_param else float(result.threshold))
    chart = alt.Chart(inline(frame), title=title).mark_point(filled=True, opacity=0.8)
    chart = chart.transform_calculate(status=alt.expr.if_(flagged, "anomaly", "normal"))
    return chart.encode(
        x=alt.X("x:Q", title=label(x_title), scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=label(y_title), scale=alt.Scale(zero=False)),
        color=alt.when(brush).then(alt.Color("score:Q", title="score",
                                             scale=alt.Scale(scheme="viridis")))
        .otherwise(alt.value("lightgray")),
        shape=alt.Shape("status:N", title=None, scale=alt.Scale(
            domain=["normal", "anomaly"], range=["circle", "triangle-up"])),
        size=alt.when(pick, empty=False).then(alt.value(160))
        .when(flagged).then(alt.value(70)).otherwise(alt.value(25)),
        stroke=alt.when(flagged).then(alt.value("black")).otherwise(alt.value("transparent")),
        tooltip=tooltip,
    ).add_params(brush, pick, *([threshold] if threshold_param else [])).properties(
        width=500, height=350)


def _choose_rows(scores: np.ndarray, labels: np.ndarray, max_points: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Positions to draw: the top anomalies, then a seeded random sample of the rest."""
    n = len(scores)
    if n <= max_points:
        return np.arange(n)
    order = np.argsort(-scores, kind="stable")
    n_top = int(min(labels.sum(), max_points // 2))
    top = order[:n_top]
    rest = order[n_top:]
    sample = rng.choice(rest, size=max_points - n_top, replace=False)
    return np.sort(np.concatenate([top, sample]))


def _coordinates(result: Any, features: np.ndarray, scores: np.ndarray, shown: np.ndarray,
                 method: str, rng: np.random.Generator, random_state: int
                 ) -> tuple[np.ndarray, str, str]:
    """The (x, y) of the shown rows and the two axis titles."""
    names = [str(n) for n in getattr(getattr(result.model, "preprocessor_", None),
                                     "feature_names_out_", [])]
    if len(names) != features.shape[1]:
        names = [f"feature {j}" for j in range(features.shape[1])]
    if features.shape[1] == 1:
        return np.column_stack([features[shown, 0], scores[shown]]), names[0], "anomaly score"
    if features.shape[1] == 2:
        return features[shown], names[0], names[1]
    if method == "tsne":
        from sklearn.manifold import TSNE

        n = len(shown)
        if n < 4:
            return np.zeros((n, 2)), "t-SNE 1", "t-SNE 2"
        tsne = TSNE(n_components=2, perplexity=min(30.0, (n - 1) / 3), init="pca",
                    random_state=random_state)
        return tsne.fit_transform(features[shown]), "t-SNE 1", "t-SNE 2"
    from sklearn.decomposition import PCA

    fit_rows = features
    if len(features) > PCA_FIT_ROWS:
        fit_rows = features[rng.choice(len(features), PCA_FIT_ROWS, replace=False)]
    if len(fit_rows) < 2:
        return np.zeros((len(shown), 2)), "PC1", "PC2"
    pca = PCA(n_components=2, random_state=random_state).fit(fit_rows)
    ratio = np.nan_to_num(pca.explained_variance_ratio_)
    return (pca.transform(features[shown]), f"PC1 ({ratio[0]:.0%} of variance)",
            f"PC2 ({ratio[1]:.0%} of variance)")


def _tooltip_columns(result: Any, labels: np.ndarray) -> list[Any]:
    """Up to four input columns, those deviating most among the anomalies first."""
    columns = list(result.data.columns)
    model = result.model
    try:
        used = [c for c in model.feature_names if c in result.data.columns]
        idx = np.flatnonzero(labels)
        if not idx.size:
            idx = np.argsort(-np.asarray(result.scores))[:10]
        z = np.abs(np.nan_to_num(model.deviations(result.features[idx]))).mean(axis=0)
        ranked: list[Any] = []
        for j in np.argsort(-z, kind="stable"):
            col = model.source_column(int(j))
            match = next((c for c in used if str(c) == col), None)
            if match is not None and match not in ranked:
                ranked.append(match)
        ranked += [c for c in used if c not in ranked]
        columns = ranked or columns
    except (AttributeError, IndexError, TypeError, ValueError):
        pass
    return columns[:N_TOOLTIP_COLUMNS]
