"""DetectionResult: the plain value every adapter (magic, widget, CLI, service) renders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from jupyter_ad.core.confidence import exceed_confidence
from jupyter_ad.core.interfaces import FittedModel
from jupyter_ad.core.thresholds import ThresholdRule
from jupyter_ad.errors import ParameterError

__all__ = ["DetectionResult"]

_OUTPUT_COLUMNS = ("score", "label", "confidence", "rank")


class DetectionResult:
    """Scores, labels and explanations of one detection run.

    Conventions: ``scores`` are higher for more anomalous rows and always finite; ``labels``
    are 1 for anomalies (score above ``threshold``) and 0 otherwise; ``rank`` 1 is the most
    anomalous row. Setting ``threshold`` relabels the rows.

    Attributes
    ----------
    data : pandas.DataFrame
        The rows that were scored, as given (after conversion to a DataFrame).
    scores : ndarray of shape (n_rows,)
    model : AnomalyModel
        The fitted model that produced the scores (``res.model.score(new_rows)``); typed by
        the :class:`~jupyter_ad.core.interfaces.FittedModel` protocol.
    features : ndarray of shape (n_rows, n_features)
        The preprocessed matrix the detector saw.
    preprocessing : PreprocessingReport
        What preprocessing did to these rows.
    feedback : dict
        Row label -> 1 (true anomaly) or 0 (normal), as marked by the user.
    """

    def __init__(self, *, data: pd.DataFrame, scores: np.ndarray, model: FittedModel,
                 features: np.ndarray, preprocessing: Any,
                 threshold_rule: ThresholdRule) -> None:
        self.data = data
        self.scores = np.asarray(scores, dtype=np.float64)
        self.model = model
        self.features = features
        self.preprocessing = preprocessing
        self.threshold_rule = threshold_rule
        self.feedback: dict[Any, int] = {}
        self._threshold = float(threshold_rule.value)

    # -- threshold and labels -------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        """Score above which a row is an anomaly. Assign to relabel."""
        return self._threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) or (
            not np.isfinite(value)
        ):
            raise ParameterError(f"threshold must be a finite number, got {value!r}.")
        self._threshold = float(value)
        self.threshold_rule = ThresholdRule("score", float(value))

    @property
    def labels(self) -> np.ndarray:
        """1 = anomaly, 0 = normal."""
        return (self.scores > self._threshold).astype(np.int64)

    @property
    def confidence(self) -> np.ndarray:
        """Confidence in each row's label, in [0, 1].

        ExCeeD; see :mod:`jupyter_ad.core.confidence`.
        """
        return exceed_confidence(self.scores, self.model.train_scores_sorted_, self._threshold,
                                 self.labels)

    @property
    def rank(self) -> np.ndarray:
        """1 for the highest score; ties share the best rank."""
        return rankdata(-self.scores, method="min").astype(np.int64)

    @property
    def n_anomalies(self) -> int:
        """Number of rows labelled 1."""
        return int(self.labels.sum())

    @property
    def algorithm(self) -> str:
        """Name of the detector (or ``"a+b"`` for an ensemble)."""
        return self.model.algorithm_name

    # -- views ----------------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The input rows plus ``score``, ``label``, ``confidence`` and ``rank`` columns.

        If the input already has such a column, the new one is suffixed ``_ad``.
        """
        out = self.data.copy()
        values = {"score": self.scores, "label": self.labels, "confidence": self.confidence,
                  "rank": self.rank}
        for name in _OUTPUT_COLUMNS:
            out[name + "_ad" if name in out.columns else name] = values[name]
        return out

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` most anomalous rows (as in :meth:`to_frame`), highest score first."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ParameterError(f"n must be a whole number >= 0, got {n!r}.")
        frame = self.to_frame()
        return frame.iloc[np.argsort(-self.scores, kind="stable")[:n]]

    def drivers(self, n_rows: int | None = None) -> pd.DataFrame:
        """For each anomaly (or the top ``n_rows``), the column that deviates most from normal.

        Deviations are robust z-scores against the training data (median and scaled IQR of
        each preprocessed feature). Returns columns ``row``, ``column``, ``deviation``.
        """
        idx = np.flatnonzero(self.labels) if n_rows is None else np.argsort(-self.scores)[:n_rows]
        z = self.model.deviations(self.features[idx])
        best = np.abs(z).argmax(axis=1) if z.size else np.array([], dtype=int)
        return pd.DataFrame({
            "row": self.data.index[idx],
            "column": [self.model.source_column(j) for j in best],
            "deviation": z[np.arange(len(idx)), best] if len(idx) else [],
        })

    def explain(self, i: Any, **kwargs: Any) -> Any:
        """Why row ``i`` (index label or position) is anomalous: an ``Explanation``.

        See :func:`jupyter_ad.explain.explain_row` for the options (imports LIME now).
        """
        from jupyter_ad.explain import explain_row

        return explain_row(self, i, **kwargs)

    def feature_importance(self, **kwargs: Any) -> pd.DataFrame:
        """Columns ranked by how much they drive the top anomalies (LIME, imported now).

        See :func:`jupyter_ad.explain.feature_importance` for the options.
        """
        from jupyter_ad.explain import feature_importance

        return feature_importance(self, **kwargs)

    def summary(self) -> str:
        """A few plain sentences: how many anomalies, how sure, which columns drive them."""
        n, k = self.scores.size, self.n_anomalies
        lines = [
            f"Found {k:,} anomal{'y' if k == 1 else 'ies'} in {n:,} rows ({k / n:.1%}) with "
            f"{self.algorithm}; threshold {self._threshold:.4g} from "
            f"{self.threshold_rule.describe()}."
        ]
        if k:
            conf = self.confidence[self.labels == 1]
            sure = int((conf >= 0.9).sum())
            lines.append(f"{sure:,} of them with high confidence (>= 0.9); median confidence "
                         f"{np.median(conf):.2f}.")
            counts = self.drivers()["column"].value_counts()
            parts = [f"{c} ({v:,} row{'s' if v > 1 else ''})" for c, v in counts.head(3).items()]
            lines.append("Columns that drive them most: " + ", ".join(parts) + ".")
            lines.append(f"Most anomalous row: {self.data.index[int(self.scores.argmax())]!r} "
                         f"(score {self.scores.max():.4g}).")
        else:
            lines.append("No row scores above the threshold; lower it (threshold=, "
                         "contamination= or top_k=) to see the most unusual rows.")
        reason = getattr(self.model, "auto_reason_", "")
        if reason:
            lines.append(f'algorithm="auto" ran {self.algorithm}: {reason}.')
        note = getattr(self.model, "labels_note_", "")
        if note:
            lines.append(note)
        dropped = getattr(self.preprocessing, "dropped", {})
        if dropped:
            lines.append("Columns not used: " + ", ".join(f"{c} ({w})" for c, w in
                                                            dropped.items()) + ".")
        return "\n".join(lines)

    def plot(self, kind: str = "overview", **kwargs: Any) -> Any:
        """An Altair chart of this result; imports :mod:`jupyter_ad.charts` (and altair) now.

        Parameters
        ----------
        kind : {"overview", "histogram", "scatter"}, default "overview"
            :func:`~jupyter_ad.charts.overview`, :func:`~jupyter_ad.charts.score_histogram`
            or :func:`~jupyter_ad.charts.score_scatter`.
        **kwargs
            Passed on to that function, e.g. ``bins=60`` or ``max_points=2000``.
        """
        kinds = {"overview": "overview", "histogram": "score_histogram",
                 "scatter": "score_scatter"}
        if kind not in kinds:
            raise ParameterError(f"kind must be one of {', '.join(kinds)}; got {kind!r}.")
        from jupyter_ad import charts

        return getattr(charts, kinds[kind])(self, **kwargs)

    def to_html(self, path: str | os.PathLike[str], **kwargs: Any) -> Path:
        """Write a one-file HTML report (summary, charts, top rows, explanations) that opens
        offline; see :func:`jupyter_ad.report.write_html` for ``title``, ``n_top``,
        ``n_explain``. Returns the path written.
        """
        from jupyter_ad.report import write_html

        return write_html(self, path, **kwargs)

    def tune_threshold(self, labels: Any = None, **kwargs: Any) -> Any:
        """Choose the threshold from labelled rows (or ``feedback``): a ``ThresholdChoice``.

        See :func:`jupyter_ad.evaluate.threshold_tuning.tune_threshold` for the options
        (``cost_false_negative``, ``cost_false_positive``, ``objective``); ``.apply()`` it.
        """
        from jupyter_ad.evaluate.threshold_tuning import tune_threshold

        return tune_threshold(self, labels, **kwargs)

    def learn(self, labels: Any = None, **kwargs: Any) -> DetectionResult:
        """A new result re-ranked with labelled rows (or ``feedback``).

        See :func:`jupyter_ad.learn_from_labels`.
        """
        from jupyter_ad.evaluate.learn import learn_from_labels

        return learn_from_labels(self, labels, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict of everything above (lists of plain numbers)."""
        return {
            "algorithm": self.algorithm,
            "params": self.model.params_for_display(),
            "threshold": {**self.threshold_rule.to_dict(), "value": self._threshold},
            "n_rows": int(self.scores.size),
            "n_anomalies": self.n_anomalies,
            "index": [_plain(i) for i in self.data.index],
            "scores": self.scores.tolist(),
            "labels": self.labels.tolist(),
            "confidence": self.confidence.tolist(),
            "rank": self.rank.tolist(),
            "preprocessing": self.preprocessing.to_dict(),
            "feedback": {str(k): int(v) for k, v in self.feedback.items()},
            "summary": self.summary(),
        }

    def derive(self, *, scores: np.ndarray, model: FittedModel,
               threshold_rule: ThresholdRule) -> DetectionResult:
        """A new result for the same rows with other scores (a re-ranked model's, say); the
        feedback marks are kept.
        """
        new = DetectionResult(data=self.data, scores=scores, model=model,
                              features=self.features, preprocessing=self.preprocessing,
                              threshold_rule=threshold_rule)
        new.feedback = dict(self.feedback)
        return new

    def __len__(self) -> int:
        return int(self.scores.size)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The scores: ``np.asarray(res)`` is ``res.scores`` (as for a scikit-learn score)."""
        return np.array(self.scores, dtype=dtype, copy=True if copy is None else copy)

    def __repr__(self) -> str:
        return (f"DetectionResult(algorithm={self.algorithm!r}, n_rows={self.scores.size}, "
                f"n_anomalies={self.n_anomalies}, threshold={self._threshold:.4g})")


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)
