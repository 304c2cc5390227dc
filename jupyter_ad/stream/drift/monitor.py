"""Drift while streaming: features of the recent window against the training reference, and
ADWIN on the score ranks and the anomaly labels of each micro-batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.stream.drift.adwin import ADWIN
from jupyter_ad.stream.drift.report import DriftReport, drift

__all__ = ["DriftMonitor"]


class DriftMonitor:
    """Drift checks of one stream.

    Parameters
    ----------
    model : AnomalyModel
        Its input columns are compared; its ``reference_rows_`` are the reference unless
        ``reference`` is given.
    reference : DataFrame, optional
        The reference sample (e.g. the training data).
    alpha, min_psi : float
        See :func:`jupyter_ad.drift`.
    """

    def __init__(self, model: Any, reference: Any = None, *, alpha: float = 0.01,
                 min_psi: float = 0.1) -> None:
        self.alpha, self.min_psi = alpha, min_psi
        self._own_reference = reference is None
        self.set_model(model, reference)
        self.scores = ADWIN()
        self.rate = ADWIN()
        self.report: DriftReport | None = None

    def set_model(self, model: Any, reference: Any = None) -> None:
        """Use ``model`` (a refit): its columns, and its reference rows if none was given."""
        self.model = model
        self.columns = list(model.preprocessor_.kinds_)
        if reference is not None:
            self.reference = pd.DataFrame(reference)
        elif self._own_reference or not hasattr(self, "reference"):
            self.reference = model.reference_rows_
        self.scores = ADWIN()
        self.rate = ADWIN()

    def update(self, ranks: np.ndarray, labels: np.ndarray) -> list[tuple[str, str]]:
        """Feed a batch's score ranks (in [0, 1]) and labels; the changes ADWIN found, as
        ``(kind, sentence)``.
        """
        found: list[tuple[str, str]] = []
        n = len(labels)
        before = self.scores.mean()
        if self.scores.update(n, float(ranks.sum())):
            after = self.scores.mean()
            found.append(("scores", f"scores shifted {'up' if after > before else 'down'}: "
                                    f"mean training rank {before:.2f} -> {after:.2f}"))
        before = self.rate.mean()
        if self.rate.update(n, float(labels.sum())):
            found.append(("rate", f"anomaly rate changed from {before:.1%} to "
                                  f"{self.rate.mean():.1%}"))
        return found

    def check(self, window: pd.DataFrame) -> DriftReport | None:
        """Feature drift of ``window`` against the reference (``None`` if too small)."""
        columns = [c for c in self.columns if c in window.columns and c in self.reference]
        if len(window) < 50 or not columns:
            return None
        self.report = drift(self.reference, window, features=columns, alpha=self.alpha,
                            min_psi=self.min_psi, model=self.model)
        return self.report
