"""The detector inside a model (``jupyter_ad.fit``): preprocessing, ``score_one`` and extreme
values, through a temporary registration in the detector registry.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.testing._data import gaussian
from jupyter_ad.testing._extreme import assert_monotone

__all__ = ["MODEL_CHECKS"]

Make = Callable[[], Any]


@contextmanager
def _registered(det: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Register the detector's class under a fresh name; yield (name, its parameters)."""
    from jupyter_ad.core.registry import register_detector, unregister_detector

    name = f"check_detector_{uuid.uuid4().hex[:8]}"
    register_detector(name, type(det), description="jupyter_ad.testing.check_detector")
    try:
        yield name, det.get_params(deep=False)
    finally:
        unregister_detector(name)


def _frame(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])


def check_through_a_model(make: Make) -> None:
    """In ``jupyter_ad.fit``: ``score_one`` equals the batch score, +-inf and values up to
    +-1e308 score as the most extreme (monotone), and +-1e308 in training data is scored.
    """
    import jupyter_ad as ad

    X = gaussian()
    frame = _frame(X)
    with _registered(make()) as (name, params), warnings.catch_warnings():
        warnings.simplefilter("ignore", ad.DataQualityWarning)
        model = ad.fit(frame, algorithm=name, params=params)
        centre = {c: 0.0 for c in frame.columns}
        for sign, top in ((1.0, X[:, 0].max()), (-1.0, X[:, 0].min())):
            values = np.array([top, *(sign * np.array([10.0, 1e3, 1e10, 1e155, 1e200, 1e308,
                                                       np.inf]))])
            one = np.array([model.score_one({**centre, "x0": v}) for v in values])
            if not np.isfinite(one).all():
                raise AssertionError(f"model.score_one gives non-finite scores {one} for x0 in "
                                     f"{values}: scores must always be finite.")
            assert_monotone(values, one, "model.score_one, ever more extreme x0 (to inf)")
            batch = model.score_samples(pd.DataFrame([{**centre, "x0": v} for v in values]))
            if not np.allclose(batch, one, rtol=1e-9, atol=1e-12):
                raise AssertionError(f"model.score_one {one[:3]} differs from the same rows in "
                                     f"a batch {batch[:3]}.")
        extreme = frame.copy()
        extreme.loc[0, "x0"], extreme.loc[1, "x0"] = 1e308, -1e308
        try:
            res = ad.detect(extreme, algorithm=name, params=params)
        except ad.DataError:
            return  # a named data error is an acceptable answer
        except ad.JupyterADError as exc:
            raise AssertionError(f"ad.detect on a column holding 1e308 and -1e308 raised "
                                 f"{type(exc).__name__}: {exc}; a data problem is a "
                                 "DataError.") from exc
        if not np.isfinite(res.scores).all():
            raise AssertionError("ad.detect on a column holding 1e308 and -1e308 gave "
                                 "non-finite scores.")


MODEL_CHECKS: list[tuple[str, Callable[[Make], None]]] = [
    ("through_a_model", check_through_a_model),
]
