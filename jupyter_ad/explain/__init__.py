"""Why is a row anomalous? LIME explanations of anomaly scores, contrasted with normal rows.

>>> import jupyter_ad as ad
>>> res = ad.detect(ad.datasets.load_transactions(n_rows=500), exclude=["is_anomaly"])
>>> exp = res.explain(res.top(1).index[0])
>>> exp.to_frame().columns[:3].tolist()
['feature', 'contribution', 'value']

Importing this package does not import ``lime``; the first explanation does.
"""

from __future__ import annotations

from jupyter_ad.explain.explanation import ColumnContribution, Explanation
from jupyter_ad.explain.lime_contrast import DEFAULT_SAMPLES, explain_row, feature_importance

__all__ = ["DEFAULT_SAMPLES", "ColumnContribution", "Explanation", "explain_row",
           "feature_importance"]
