"""Per-row confidence in a label, by ExCeeD (Perini, Vercruyssen & Davis, ECML-PKDD 2020).

For a row with score ``s``, let ``k`` be the number of the ``n`` training scores at or below
``s``. With a uniform prior, the probability that a new training draw scores below ``s`` has
posterior mean ``p = (1 + k) / (2 + n)``. The row is an anomaly when fewer than
``m = n * rate`` of ``n`` draws would score above it, where ``rate`` is the share of training
rows above the threshold; so the probability that it is an anomaly is
``P(Binomial(n, p) > n - m)``. The confidence in the label is that probability for rows
labelled 1 and its complement for rows labelled 0. Rows near the threshold get about 0.5;
rows far from it get close to 1.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

__all__ = ["exceed_confidence"]


def exceed_confidence(scores: np.ndarray, train_sorted: np.ndarray, threshold: float,
                      labels: np.ndarray) -> np.ndarray:
    """Confidence in ``labels`` (0/1) for ``scores``, given the sorted training scores.

    Parameters
    ----------
    scores : ndarray of shape (n_rows,)
    train_sorted : ndarray of shape (n_train,)
        Training scores, sorted ascending.
    threshold : float
        Scores above it are anomalies.
    labels : ndarray of shape (n_rows,)
        The labels whose confidence is wanted.

    Returns
    -------
    ndarray of shape (n_rows,), values in [0, 1]
    """
    n = train_sorted.size
    n_anomalous = n - int(np.searchsorted(train_sorted, threshold, side="right"))
    k = np.searchsorted(train_sorted, scores, side="right")
    posterior = (1.0 + k) / (2.0 + n)
    p_anomaly = binom.sf(n - max(n_anomalous, 1), n, posterior)
    confidence = np.where(labels == 1, p_anomaly, 1.0 - p_anomaly)
    return np.clip(np.asarray(confidence, dtype=np.float64), 0.0, 1.0)
