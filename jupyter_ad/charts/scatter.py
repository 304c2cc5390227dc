"""A 2-D scatter of the scored rows, bounded in size, with brush and click selections."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.charts._common import (
    ANOMALY_COLOR,
    NORMAL_COLOR,
    check_int,
    field,
    heavy_tailed,
    inline,
    label,
    symlog_constant,
    vl_type,
)
from jupyter_ad.errors import ParameterError

__all__ = ["score_scatter"]

METHODS = ("auto", "drivers", "pca", "tsne")
N_TOOLTIP_COLUMNS = 4
PCA_FIT_ROWS = 50_000
_RESERVED = {"row", "label_index", "score", "label", "status", "x", "y"}


def score_scatter(result: Any, *, max_points: int = 5000, method: str = "auto",
                  random_state: int = 0, threshold_param: bool = True) -> alt.Chart:
    """The rows in two dimensions, coloured by anomaly score, anomalies drawn as triangles.

    Which two dimensions (``method``):

    - ``"drivers"``: the two numeric input columns that drive most anomalies
      (``result.drivers()``), in their own units; an axis whose values are heavy-tailed
      (amounts) is drawn on a symmetric-log scale, so the bulk of the rows spreads out
      instead of hugging the axis.
    - ``"pca"``: the first two principal components of the preprocessed features after a
      symmetric-log squash (``sign(z) * log1p(|z|)`` of the robust-scaled values), so one
      extreme column does not make a component of its own. Fitted on at most 50,000 rows.
    - ``"tsne"``: t-SNE of the rows shown (slower).
    - ``"auto"`` (default): ``"drivers"`` when two numeric columns drive the anomalies,
      else ``"pca"``. With one or two features, the features themselves (one: against the
      score).

    Payload bound: at most ``max_points`` rows are drawn. All the top anomalies (labelled 1,
    highest score first, up to ``max_points // 2`` of them) are always included; the rest of
    the budget is a random sample, seeded by ``random_state``, of the other rows. The title
    gives the number shown and the total.

    Each point carries ``row`` (its position in ``result.data``), ``label_index`` (its index
    label, as text), ``score``, ``label`` and the raw values of up to four input columns that
    deviate most among the anomalies (in the tooltip). With ``threshold_param``, which rows are
    drawn as anomalies follows an ``alt.param`` named ``threshold`` (a front end moves it);
    otherwise the result's threshold is fixed in the chart. Three more parameters let a front
    end mark rows: ``selected_row`` (a row position, drawn large) and ``marked_anomaly`` /
    ``marked_normal`` (lists of row positions, ringed red / blue); they start from
    ``result.feedback``.

    Parameters
    ----------
    result : DetectionResult
        The scored rows.
    max_points : int, default 5000
        Most rows to put in the chart (>= 1).
    method : {"auto", "drivers", "pca", "tsne"}, default "auto"
        How the two axes are chosen (above).
    random_state : int, default 0
        Seed of the row sample and of the projection.
    threshold_param : bool, default True
        Make the threshold a parameter a front end can move.

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
    view = _coordinates(result, features, scores, shown, method, rng, random_state)

    frame = pd.DataFrame({"row": shown, "label_index": [str(i) for i in result.data.index[shown]],
                          "score": scores[shown], "label": labels[shown].astype(np.int64),
                          "x": _rounded(view.xy[:, 0]), "y": _rounded(view.xy[:, 1])})
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
        subtitle=[(f"all {n_total:,} rows" if n_shown == n_total else
                   f"the {n_top:,} highest scores + a random sample of the other rows")
                  + "; drag to select, click a point to pick it",
                  "triangles: above the threshold; rings: marked true anomaly (red) or "
                  "normal (blue)"],
    )
    threshold = alt.param(name="threshold", value=float(result.threshold))
    marked = _marked_positions(result)
    selected = alt.param(name="selected_row", value=-1)
    yes = alt.param(name="marked_anomaly", value=marked[1])
    no = alt.param(name="marked_normal", value=marked[0])
    flagged = alt.datum.score > (threshold if threshold_param else float(result.threshold))
    is_yes = "indexof(marked_anomaly, datum.row) >= 0"
    is_no = "indexof(marked_normal, datum.row) >= 0"
    chart = alt.Chart(inline(frame), title=title).mark_point(filled=True, opacity=0.8)
    chart = chart.transform_calculate(status=alt.expr.if_(flagged, "anomaly", "normal"))
    return chart.encode(
        x=alt.X("x:Q", title=label(view.x_title), scale=view.x_scale),
        y=alt.Y("y:Q", title=label(view.y_title), scale=view.y_scale),
        color=alt.when(brush).then(alt.Color("score:Q", title="score", scale=_color_scale(scores)))
        .otherwise(alt.value("lightgray")),
        shape=alt.Shape("status:N", title=None, scale=alt.Scale(
            domain=["normal", "anomaly"], range=["circle", "triangle-up"])),
        size=alt.when("datum.row === selected_row").then(alt.value(220))
        .when(pick, empty=False).then(alt.value(160))
        .when(is_yes).then(alt.value(110)).when(is_no).then(alt.value(110))
        .when(flagged).then(alt.value(70)).otherwise(alt.value(25)),
        stroke=alt.when(is_yes).then(alt.value(ANOMALY_COLOR))
        .when(is_no).then(alt.value(NORMAL_COLOR))
        .when(flagged).then(alt.value("black")).otherwise(alt.value("transparent")),
        strokeWidth=alt.when(is_yes).then(alt.value(2.5)).when(is_no).then(alt.value(2.5))
        .otherwise(alt.value(1)),
        tooltip=tooltip,
    ).add_params(brush, pick, selected, yes, no,
                 *([threshold] if threshold_param else [])).properties(width=500, height=350)


class _View:
    """Coordinates of the shown rows, axis titles and scales."""

    def __init__(self, xy: np.ndarray, x_title: str, y_title: str, x_scale: Any = None,
                 y_scale: Any = None) -> None:
        self.xy = xy
        self.x_title, self.y_title = x_title, y_title
        self.x_scale = x_scale or alt.Scale(zero=False)
        self.y_scale = y_scale or alt.Scale(zero=False)


def _rounded(values: np.ndarray, digits: int = 5) -> np.ndarray:
    """Coordinates to ``digits`` significant digits of their largest magnitude (a pixel is
    far coarser): a smaller payload. Scores keep full precision (the threshold test).
    """
    finite = np.abs(values[np.isfinite(values)])
    if not finite.size or float(finite.max()) == 0.0:
        return values
    decimals = int(max(0, digits - 1 - np.floor(np.log10(float(finite.max())))))
    return np.round(values, decimals)


def _color_scale(scores: np.ndarray) -> alt.Scale:
    """Viridis over the scores; symmetric-log when a few scores dwarf the rest."""
    if heavy_tailed(scores):
        return alt.Scale(scheme="viridis", type="symlog", constant=symlog_constant(scores))
    return alt.Scale(scheme="viridis")


def _marked_positions(result: Any) -> tuple[list[int], list[int]]:
    """Row positions marked normal (0) and true anomaly (1) in ``result.feedback``."""
    out: tuple[list[int], list[int]] = ([], [])
    feedback = getattr(result, "feedback", None) or {}
    index = result.data.index
    for key, value in feedback.items():
        try:
            pos = index.get_loc(key)
        except KeyError:
            continue
        if isinstance(pos, int | np.integer) and value in (0, 1):
            out[int(value)].append(int(pos))
    return sorted(out[0]), sorted(out[1])


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


def _axis(values: np.ndarray, title: str) -> tuple[Any, str]:
    """A symmetric-log scale and a titled note for heavy-tailed ``values``, else linear."""
    if heavy_tailed(values):
        return (alt.Scale(type="symlog", constant=symlog_constant(values), zero=False),
                f"{title} (log scale)")
    return alt.Scale(zero=False), title


def _coordinates(result: Any, features: np.ndarray, scores: np.ndarray, shown: np.ndarray,
                 method: str, rng: np.random.Generator, random_state: int) -> _View:
    names = [str(n) for n in getattr(getattr(result.model, "preprocessor_", None),
                                     "feature_names_out_", [])]
    if len(names) != features.shape[1]:
        names = [f"feature {j}" for j in range(features.shape[1])]
    if method in ("auto", "drivers") and features.shape[1] > 2:
        drivers = _driver_columns(result)
        if len(drivers) >= 2 or method == "drivers":
            return _driver_view(result, scores, shown, drivers[:2])
    if features.shape[1] == 1:
        return _View(np.column_stack([features[shown, 0], scores[shown]]), names[0],
                     "anomaly score")
    if features.shape[1] == 2:
        return _View(features[shown], names[0], names[1])
    if method == "tsne":
        from sklearn.manifold import TSNE

        n = len(shown)
        if n < 4:
            return _View(np.zeros((n, 2)), "t-SNE 1", "t-SNE 2")
        tsne = TSNE(n_components=2, perplexity=min(30.0, (n - 1) / 3), init="pca",
                    random_state=random_state)
        return _View(tsne.fit_transform(_squash(features[shown])), "t-SNE 1", "t-SNE 2")
    from sklearn.decomposition import PCA

    squashed = _squash(features)
    fit_rows = squashed
    if len(squashed) > PCA_FIT_ROWS:
        fit_rows = squashed[rng.choice(len(squashed), PCA_FIT_ROWS, replace=False)]
    if len(fit_rows) < 2:
        return _View(np.zeros((len(shown), 2)), "PC1", "PC2")
    pca = PCA(n_components=2, random_state=random_state).fit(fit_rows)
    ratio = np.nan_to_num(pca.explained_variance_ratio_)
    return _View(pca.transform(squashed[shown]), f"PC1 ({ratio[0]:.0%} of variance)",
                 f"PC2 ({ratio[1]:.0%} of variance)")


def _squash(matrix: np.ndarray) -> np.ndarray:
    """``sign(z) * log1p(|z|)``: robust-scaled values stay near linear, tails are compressed."""
    return np.sign(matrix) * np.log1p(np.abs(matrix))


def _driver_columns(result: Any) -> list[Any]:
    """Numeric input columns ordered by how many anomalies they drive (most first)."""
    try:
        counts = result.drivers(n_rows=max(int(result.n_anomalies), 20))["column"].value_counts()
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return []
    out = []
    for name in counts.index:
        match = next((c for c in result.data.columns if str(c) == str(name)), None)
        if match is None:
            continue
        column = result.data[match]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column) \
                and column.nunique(dropna=True) > 2:
            out.append(match)
    return out


def _driver_view(result: Any, scores: np.ndarray, shown: np.ndarray, columns: list[Any]
                 ) -> _View:
    """Input columns in their own units (one column: against the score)."""
    def values(col: Any) -> np.ndarray:
        raw = pd.to_numeric(result.data[col], errors="coerce").to_numpy(dtype=np.float64)
        return np.where(np.isfinite(raw), raw, np.nanmedian(raw))

    if not columns:
        return _View(np.column_stack([np.arange(len(shown), dtype=np.float64), scores[shown]]),
                     "row", "anomaly score")
    x_all = values(columns[0])
    x_scale, x_title = _axis(x_all, str(columns[0]))
    if len(columns) == 1:
        y_scale, y_title = _axis(scores, "anomaly score")
        return _View(np.column_stack([x_all[shown], scores[shown]]), x_title, y_title,
                     x_scale, y_scale)
    y_all = values(columns[1])
    y_scale, y_title = _axis(y_all, str(columns[1]))
    return _View(np.column_stack([x_all[shown], y_all[shown]]), x_title, y_title, x_scale,
                 y_scale)


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
