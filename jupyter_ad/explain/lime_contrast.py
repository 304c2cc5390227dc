"""LIME on a contrast with normal rows: which input columns make a row anomalous.

Plain :class:`lime.lime_tabular.LimeTabularExplainer` misleads on anomaly scores: its
quartile bins put an extreme value in the same bin as a quarter of the normal data, and the
score is flat around an extreme point. Here the interpretable features are the row's **input
columns**, switched on or off:

1. Draw binary masks ``z`` over the input columns (1 = keep the row's value, 0 = take that
   column from a normal reference row); a datetime or one-hot column switches all its
   preprocessed features together. The first mask keeps everything (the row itself).
2. Build the hybrid rows in preprocessed space, each with a random normal reference row,
   and score them with the detector in one batch (higher = more anomalous).
3. Weight each mask by a kernel on its cosine distance to the all-ones mask and fit LIME's
   weighted local linear model (:meth:`lime.lime_base.LimeBase.explain_instance_with_data`).
   A column's coefficient is its contribution to the anomaly score.

Normal reference rows are, in order of preference: the normal rows of ``reference`` (e.g. the
training data), the normal training rows the model keeps (``model.reference_rows_``, up to 500,
saved with it), the rows of the result the model labels normal (score <= threshold), or, if
there are fewer than ten of those, one typical row built from the training medians. The
reference rows and the normal ranges are computed once per result (and reference, threshold and
seed) and reused.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.core.interfaces import ScoredResult
from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import ParameterError
from jupyter_ad.explain.explanation import ColumnContribution, Explanation
from jupyter_ad.explain.sentences import ColumnStats, describe, stats_from_model, stats_from_rows

__all__ = ["DEFAULT_SAMPLES", "explain_row", "feature_importance"]

DEFAULT_SAMPLES = 1000
KERNEL_WIDTH = 0.25  # on the cosine distance, as LIME uses for text and images
MAX_REFERENCE = 100  # normal rows hybrids are drawn from
MIN_REFERENCE = 10  # fewer normal rows than this: use the training medians instead
MAX_STATS_ROWS = 5000  # normal rows the normal ranges are computed from
RIDGE_ALPHA = 1.0


@dataclass
class _Context:
    """What every explanation of rows of one result shares."""

    result: ScoredResult
    columns: list[str]
    feature_column: np.ndarray  # preprocessed feature index -> input column index
    reference: np.ndarray  # normal rows, preprocessed
    stats: dict[str, ColumnStats]
    note: str


# result -> ((threshold, seed), reference, context): the last context of each live result.
_CACHE: weakref.WeakKeyDictionary[ScoredResult, tuple[Any, Any, _Context]] = (
    weakref.WeakKeyDictionary())


def _rng(random_state: int | None, *salt: int) -> np.random.Generator:
    return np.random.default_rng(None if random_state is None else [random_state, *salt])


def _check(result: Any, n_samples: Any, random_state: Any) -> None:
    if not all(hasattr(result, a) for a in ("scores", "model", "features", "data")):
        raise ParameterError(
            f"Expected a DetectionResult (from jupyter_ad.detect or model.score), got "
            f"{type(result).__name__}.")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or (
            n_samples < 20):
        raise ParameterError(f"n_samples must be a whole number >= 20, got {n_samples!r}.")
    if random_state is not None and (isinstance(random_state, bool) or not isinstance(
            random_state, int | np.integer) or random_state < 0):
        raise ParameterError(
            f"random_state must be an integer >= 0 or None, got {random_state!r}.")


def _context(result: ScoredResult, reference: Any, random_state: int | None) -> _Context:
    """The shared context, computed once per result, reference, threshold and seed."""
    key = (result.threshold, random_state)
    cached = _CACHE.get(result)
    if cached is not None and cached[0] == key and cached[1] is reference:
        return cached[2]
    ctx = _build_context(result, reference, random_state)
    _CACHE[result] = (key, reference, ctx)
    return ctx


def _build_context(result: ScoredResult, reference: Any,
                   random_state: int | None) -> _Context:
    model = result.model
    columns = [str(c) for c in model.preprocessor_.columns_]
    n_features = len(model.preprocessor_.feature_names_out_)
    feature_column = np.array([columns.index(model.source_column(j)) for j in range(n_features)])
    rng = _rng(random_state, 1)
    kept = getattr(model, "reference_rows_", None)
    if reference is None and kept is not None and len(kept) >= MIN_REFERENCE:
        reference = kept  # normal training rows saved with the model
    if reference is not None:
        frame = as_dataframe(reference)
        if len(frame) > MAX_STATS_ROWS:
            frame = frame.iloc[np.sort(rng.choice(len(frame), MAX_STATS_ROWS, replace=False))]
        frame, X, _ = model.preprocess(frame, extra_columns="ignore")
        normal = model.detector_.score_samples(X) <= result.threshold
        if not normal.any():
            raise ParameterError(
                f"None of the {len(frame):,} reference rows scores as normal (<= threshold "
                f"{result.threshold:.4g}); pass rows that represent normal data.")
        note = (f"{int(normal.sum()):,} normal training rows kept with the model"
                if reference is kept else
                f"{int(normal.sum()):,} normal rows of the given reference data")
    else:
        frame, X = result.data, result.features
        normal = result.labels == 0
        note = f"{int(normal.sum()):,} rows of this result labelled normal"
    idx = np.flatnonzero(normal)
    if idx.size < MIN_REFERENCE and reference is None:
        return _Context(result, columns, feature_column,
                        _typical_row(result, columns, feature_column)[None, :],
                        stats_from_model(model),
                        f"the training medians (only {idx.size} normal row(s) in this result; "
                        "pass reference= to compare with real rows)")
    stats_idx = idx if idx.size <= MAX_STATS_ROWS else np.sort(
        rng.choice(idx, MAX_STATS_ROWS, replace=False))
    ref_idx = idx if idx.size <= MAX_REFERENCE else rng.choice(idx, MAX_REFERENCE,
                                                              replace=False)
    return _Context(result, columns, feature_column, np.asarray(X)[ref_idx],
                    stats_from_rows(frame.iloc[stats_idx], model), note)


def _typical_row(result: ScoredResult, columns: list[str],
                 feature_column: np.ndarray) -> np.ndarray:
    """Training medians in preprocessed space; a one-hot column gets its most common category."""
    model = result.model
    pre = model.preprocessor_
    typical = np.array(model.center_, dtype=np.float64)
    for k, col in enumerate(columns):
        block = np.flatnonzero(feature_column == k)
        names = [pre.feature_names_out_[j] for j in block]
        if len(block) > 1 and all(n.startswith(f"{col}=") for n in names):
            hot = f"{col}={pre.categories_[col].index[0]}"
            raw = np.array([1.0 if n == hot else 0.0 for n in names])
            typical[block] = (raw - pre.center_[block]) / pre.scale_[block]
    return typical


def _position(result: ScoredResult, i: Any) -> int:
    n = len(result.data)
    if not isinstance(i, bool | np.bool_):
        try:
            found = i in result.data.index
        except (TypeError, ValueError):
            found = False
        if found:
            loc = result.data.index.get_loc(i)
            if isinstance(loc, int | np.integer):
                return int(loc)
            raise ParameterError(
                f"Row label {i!r} appears more than once in the data; pass a position "
                f"(0 to {n - 1}) instead.")
        if isinstance(i, int | np.integer) and -n <= i < n:
            return int(i) % n
    raise ParameterError(
        f"No row {i!r}: give an index label of result.data or a position from 0 to {n - 1}.")


def _masks(n_columns: int, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Binary masks, the first all ones; the others switch off 1..n_columns random columns."""
    masks = np.ones((n_samples, n_columns))
    n_off = rng.integers(1, n_columns + 1, size=n_samples - 1)
    ranks = rng.random((n_samples - 1, n_columns)).argsort(axis=1).argsort(axis=1)
    masks[1:] = ranks >= n_off[:, None]
    return masks


def _kernel(width: float) -> Any:
    def kernel(d: np.ndarray) -> np.ndarray:
        return np.asarray(np.sqrt(np.exp(-(d ** 2) / width ** 2)))
    return kernel


def _lime(ctx: _Context, pos: int, n_samples: int, random_state: int | None) -> tuple[
        float, np.ndarray, float]:
    """(intercept, contribution per column, local R^2) for the row at ``pos``."""
    from lime.lime_base import LimeBase
    from sklearn.linear_model import Ridge

    rng = _rng(random_state, 2, pos)
    m = len(ctx.columns)
    masks = _masks(m, n_samples, rng)
    row = ctx.result.features[pos]
    refs = ctx.reference[rng.integers(0, len(ctx.reference), size=n_samples)]
    hybrid = np.where(masks[:, ctx.feature_column] > 0, row, refs)
    scores = ctx.result.model.detector_.score_samples(hybrid)
    kept = masks.sum(axis=1)
    distances = np.where(kept > 0, 1.0 - np.sqrt(kept / m), 1.0)
    seed = None if random_state is None else int(random_state)
    explainer = LimeBase(_kernel(KERNEL_WIDTH), random_state=seed)
    intercept, weights, r2, _ = explainer.explain_instance_with_data(
        masks, scores[:, None], distances, label=0, num_features=m, feature_selection="none",
        model_regressor=Ridge(alpha=RIDGE_ALPHA))
    coef = np.zeros(m)
    for k, w in weights:
        coef[int(k)] = float(w)
    return float(intercept), coef, float(r2)


def _explain(ctx: _Context, pos: int, n_samples: int, random_state: int | None) -> Explanation:
    res = ctx.result
    intercept, coef, r2 = _lime(ctx, pos, n_samples, random_state)
    z = res.model.deviations(res.features[pos][None, :])[0]
    names = res.model.preprocessor_.feature_names_out_
    out = []
    for k, col in enumerate(ctx.columns):
        block = np.flatnonzero(ctx.feature_column == k)
        j = int(block[np.abs(z[block]).argmax()])
        stats = ctx.stats[col]
        part = names[j][len(col) + 1:] if stats.kind == "datetime" else None
        value = res.data[res.model.preprocessor_.columns_[k]].iloc[pos]  # as given, no upcast
        low, high, detail, usual = describe(col, stats, value, part,
                                            raises_score=coef[k] > 0)
        out.append(ColumnContribution(col, float(coef[k]), value, low, high, float(z[j]),
                                      stats.kind, detail, usual))
    return Explanation(row=res.data.index[pos], score=float(res.scores[pos]),
                       threshold=res.threshold, label=int(res.scores[pos] > res.threshold),
                       algorithm=res.algorithm, intercept=intercept, local_r2=r2, columns=out,
                       reference=ctx.note, n_samples=n_samples)


def explain_row(result: ScoredResult, i: Any, *, n_samples: int = DEFAULT_SAMPLES,
                reference: Any = None, random_state: int | None = 0) -> Explanation:
    """Explain one row's anomaly score by its input columns, against normal rows.

    Parameters
    ----------
    result : DetectionResult
        From :func:`jupyter_ad.detect` or ``model.score(rows)``.
    i : index label or int
        A label of ``result.data.index``, else a position (0 to ``len(result) - 1``).
    n_samples : int, default 1000
        Perturbed rows scored (in one batch); more gives steadier contributions.
    reference : DataFrame or other data, optional
        Rows to contrast with, e.g. the training data; only those the model labels normal are
        used. Default: the rows of ``result`` labelled normal.
    random_state : int or None, default 0
        Seed for the sampling, so explanations are reproducible.

    Returns
    -------
    Explanation
        ``to_frame()``, ``sentence()``, ``to_dict()``, ``plot()``.

    Raises
    ------
    ParameterError
        When ``i`` is neither a label nor a valid position, or a parameter is invalid.
    """
    _check(result, n_samples, random_state)
    pos = _position(result, i)
    ctx = _context(result, reference, random_state)
    return _explain(ctx, pos, int(n_samples), random_state)


def feature_importance(result: ScoredResult, *, n_rows: int = 20,
                       n_samples: int = DEFAULT_SAMPLES, reference: Any = None,
                       random_state: int | None = 0) -> pd.DataFrame:
    """Which input columns drive the anomalies overall.

    The mean absolute contribution (see :func:`explain_row`) of each column over the
    ``n_rows`` highest-scoring anomalies (or the ``n_rows`` highest-scoring rows when none is
    labelled an anomaly).

    Returns
    -------
    DataFrame
        Columns ``feature``, ``importance``, ``n_rows``, most important first.
    """
    _check(result, n_samples, random_state)
    if isinstance(n_rows, bool) or not isinstance(n_rows, int | np.integer) or n_rows < 1:
        raise ParameterError(f"n_rows must be a whole number >= 1, got {n_rows!r}.")
    order = np.argsort(-result.scores, kind="stable")
    flagged = order[result.labels[order] == 1]
    rows = (flagged if flagged.size else order)[: int(n_rows)]
    ctx = _context(result, reference, random_state)
    contributions = np.array([_lime(ctx, int(pos), int(n_samples), random_state)[1]
                              for pos in rows])
    importance = np.abs(contributions).mean(axis=0)
    frame = pd.DataFrame({"feature": ctx.columns, "importance": importance,
                          "n_rows": len(rows)})
    return frame.sort_values("importance", ascending=False, kind="stable").reset_index(
        drop=True)
