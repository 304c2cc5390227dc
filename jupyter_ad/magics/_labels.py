"""``--labels COL``: hold a label column out of the features and score the detection on it."""

from __future__ import annotations

import difflib
from typing import Any

from jupyter_ad.magics._errors import OptionError

__all__ = ["describe", "label_metrics", "label_values"]


def label_values(frame: Any, column: str) -> Any:
    """Column ``column`` of ``frame`` as floats: 1 = anomaly, 0 = normal, NaN = unlabelled."""
    import numpy as np
    import pandas as pd

    if column not in frame.columns:
        names = [str(c) for c in frame.columns]
        close = difflib.get_close_matches(column, names, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"columns: {', '.join(names[:10])}"
        raise OptionError(f"labels: no column named {column!r} ({hint})")
    values = frame[column]
    y = pd.to_numeric(values.map(lambda v: float(v) if isinstance(v, bool) else v),
                      errors="coerce").to_numpy(dtype=np.float64)
    known = y[~np.isnan(y)]
    if not np.isin(known, (0.0, 1.0)).all():
        raise OptionError(f"labels: column {column!r} must hold 1 (anomaly), 0 (normal) or "
                          "missing values")
    if known.size == 0 or known.min() == known.max():
        raise OptionError(f"labels: column {column!r} needs both anomalies (1) and normal "
                          "rows (0)")
    return y


def label_metrics(y: Any, scores: Any, flagged: Any) -> dict[str, float]:
    """ROC-AUC, average precision, precision and recall of ``scores`` against labels ``y``."""
    import numpy as np
    from sklearn.metrics import average_precision_score, roc_auc_score

    known = ~np.isnan(y)
    truth, s, f = y[known].astype(int), np.asarray(scores)[known], np.asarray(flagged)[known]
    hits = int(((f == 1) & (truth == 1)).sum())
    return {
        "roc_auc": float(roc_auc_score(truth, s)),
        "average_precision": float(average_precision_score(truth, s)),
        "precision": hits / int(f.sum()) if f.sum() else 0.0,
        "recall": hits / int(truth.sum()),
        "n_labelled": int(known.sum()),
    }


def describe(metrics: dict[str, float], column: str) -> str:
    """One line for the notebook."""
    return (f"Against labels {column!r} ({metrics['n_labelled']:,} labelled rows): ROC-AUC "
            f"{metrics['roc_auc']:.3f}, average precision {metrics['average_precision']:.3f}, "
            f"precision {metrics['precision']:.2f} and recall {metrics['recall']:.2f} of the "
            "flagged rows.")
