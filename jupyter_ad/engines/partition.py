"""The pure per-partition scoring function shared by every engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["OUTPUT_COLUMNS", "score_partition"]

OUTPUT_COLUMNS = ("score", "label", "confidence")


def score_partition(frame: pd.DataFrame, model: Any, *,
                    extra_columns: str = "ignore") -> pd.DataFrame:
    """Scores of the rows of ``frame`` (same index): ``score``, ``label``, ``confidence``.

    Pure: the result depends only on ``frame`` and the fitted ``model`` (a row scores the same
    in any partition), so partitions can be scored anywhere, in any order.
    """
    if len(frame) == 0:
        return pd.DataFrame({"score": np.empty(0), "label": np.empty(0, dtype=np.int64),
                             "confidence": np.empty(0)}, index=frame.index)
    res = model.score(frame, extra_columns=extra_columns)
    return pd.DataFrame({"score": res.scores, "label": res.labels,
                         "confidence": res.confidence}, index=frame.index)
