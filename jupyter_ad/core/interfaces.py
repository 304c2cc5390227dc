"""What the layers above the core rely on, as typing protocols (nothing is imported here).

Explanations, reports, evaluation and the front ends take a fitted model and a result by these
interfaces, so the core's modules never import them back (no import circle).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

__all__ = ["FittedModel", "ScoredResult"]


class FittedModel(Protocol):
    """A fitted :class:`~jupyter_ad.core.model.AnomalyModel`, as results use it."""

    algorithm_: str | list[str]
    auto_reason_: str
    train_scores_sorted_: np.ndarray
    threshold_rule_: Any
    preprocessor_: Any
    detector_: Any
    reference_rows_: pd.DataFrame
    center_: np.ndarray
    spread_: np.ndarray
    metrics_: dict[str, Any]

    @property
    def algorithm_name(self) -> str:
        """The fitted detector(s) as one name."""

    @property
    def feature_names(self) -> list[str]:
        """Input columns used."""

    def params_for_display(self) -> dict[str, Any]:
        """The detector's parameters, JSON-friendly."""

    def deviations(self, X: np.ndarray) -> np.ndarray:
        """Robust z-scores against the training data."""

    def source_column(self, feature_index: int) -> str:
        """The input column behind a preprocessed feature."""

    def preprocess(self, data: Any, *, extra_columns: str = "error"
                   ) -> tuple[pd.DataFrame, np.ndarray, Any]:
        """(frame, matrix, report) of new rows."""

    def score_samples(self, X: Any, *, extra_columns: str = "error"
                      ) -> np.ndarray:
        """Anomaly scores of new rows."""


class ScoredResult(Protocol):
    """A :class:`~jupyter_ad.core.result.DetectionResult`, as explanations and evaluation use
    it.
    """

    data: pd.DataFrame
    scores: np.ndarray
    model: FittedModel
    features: np.ndarray
    preprocessing: Any
    feedback: dict[Any, int]

    @property
    def threshold(self) -> float:
        """The score threshold."""

    @property
    def labels(self) -> np.ndarray:
        """1 = anomaly, 0 = normal."""

    @property
    def n_anomalies(self) -> int:
        """Rows labelled 1."""

    @property
    def algorithm(self) -> str:
        """The detector's display name."""

    def derive(self, *, scores: np.ndarray, model: Any,
               threshold_rule: Any) -> Any:
        """A result for the same rows with other scores."""
