"""Checks that a detector never misbehaves on extreme input (issue 12).

* Scores are finite for any finite input (up to +-1e308, subnormals), fitted or scored.
* A row's score never depends on the other rows in its batch (batches of 1, 2, 12, 1,000).
* Monotone in the tail: a value beyond anything seen in training scores at least as anomalous
  as a smaller extreme value (the training maximum included), up to 1e308.
* Through a model (``jupyter_ad.fit``), ``inf``/``-inf`` score as the most extreme values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from jupyter_ad.testing._data import EXTREMES, gaussian

__all__ = ["EXTREME_CHECKS", "assert_monotone", "tail_values"]

Make = Callable[[], Any]
BATCH_SIZES = (1, 2, 12, 1000)


def _finite(scores: Any, what: str) -> np.ndarray:
    s = np.asarray(scores, dtype=np.float64)
    if not np.isfinite(s).all():
        raise AssertionError(f"{what}: {int((~np.isfinite(s)).sum())} non-finite score(s) "
                             f"({s[~np.isfinite(s)][:3]}); scores must always be finite.")
    return s


def _probes(d: int) -> np.ndarray:
    """Rows with one extreme value each (others 0), and rows extreme in every feature."""
    rows = []
    for j in range(d):
        for v in EXTREMES:
            row = np.zeros(d)
            row[j] = v
            rows.append(row)
    signs = np.where(np.arange(d) % 2 == 0, 1.0, -1.0)
    rows += [np.full(d, 1e308), np.full(d, -1e308), signs * 1e308, np.full(d, 5e-324)]
    return np.asarray(rows)


def tail_values(top: float, spread: float, sign: float) -> np.ndarray:
    """Increasingly extreme values from the training extreme ``top`` outwards, to +-1e308."""
    steps = top + sign * spread * np.array([0.0, 0.5, 1.0, 2.0, 10.0, 1e3, 1e6])
    far = sign * np.array([1e10, 1e100, 1e155, 1e200, 1e300, 1e308])
    return np.concatenate([steps, far[np.abs(far) > np.abs(steps[-1])]])


def assert_monotone(values: np.ndarray, scores: np.ndarray, what: str) -> None:
    """``scores`` of increasingly extreme ``values`` must never decrease."""
    for k in range(1, len(scores)):
        slack = 1e-9 * max(1.0, abs(float(scores[k - 1])))
        if scores[k] < scores[k - 1] - slack:
            raise AssertionError(
                f"{what}: the value {values[k]:.6g} scores {scores[k]:.6g}, less than the "
                f"smaller extreme {values[k - 1]:.6g} ({scores[k - 1]:.6g}); a value beyond "
                "anything seen in training must score at least as anomalous.")


def check_extreme_values_score_finite(make: Make) -> None:
    """Rows with values up to +-1e308 and subnormals get finite scores and 0/1 labels."""
    X = gaussian()
    det = make().fit(X)
    probes = _probes(X.shape[1])
    _finite(det.score_samples(probes), "scores of rows with values up to +-1e308")
    _finite(det.decision_function(probes), "decision_function of extreme rows")
    if not set(np.unique(det.predict(probes))) <= {0, 1}:
        raise AssertionError("predict of extreme rows must give 1 or 0.")


def check_extreme_training_values(make: Make) -> None:
    """Training data with +-1e308 or subnormal values fits (or raises a DataError)."""
    from jupyter_ad.errors import DataError

    X = gaussian(n=60)
    huge = X.copy()
    huge[0, 0], huge[1, 0] = 1e308, -1e308
    tiny = X * 1e-310  # subnormal numbers
    for what, data in (("+-1e308 in a column", huge), ("subnormal values", tiny)):
        try:
            det = make().fit(data)
        except DataError:
            continue  # a named data error is an acceptable answer
        except Exception as exc:
            raise AssertionError(
                f"Fitting on training data with {what} raised {type(exc).__name__}: {exc}; "
                "score it, or raise a jupyter_ad DataError naming the problem.") from exc
        _finite(det.decision_scores_, f"training scores with {what}")
        _finite(det.score_samples(_probes(X.shape[1])), f"scores after fitting on {what}")


def check_scores_do_not_depend_on_the_batch(make: Make) -> None:
    """A row scores the same alone and in batches of 2, 12 and 1,000 rows (extremes among them)."""
    X = gaussian()
    det = make().fit(X)
    rng = np.random.default_rng(1)
    probes = np.vstack([X[:3], _probes(X.shape[1])[::5]])
    alone = np.array([det.score_samples(p[None, :])[0] for p in probes])
    pool = np.vstack([gaussian(1000, X.shape[1], seed=2), _probes(X.shape[1])])
    for size in BATCH_SIZES[1:]:
        per = 1 if size == 2 else min(len(probes), size // 2)
        for start in range(0, len(probes), per):
            chunk = np.arange(start, min(start + per, len(probes)))
            batch = np.vstack([probes[chunk],
                               pool[rng.choice(len(pool), size - len(chunk), replace=False)]])
            order = rng.permutation(size)  # the probes land anywhere in the batch
            scores = np.empty(size)
            scores[order] = det.score_samples(batch[order])
            if not np.allclose(scores[:len(chunk)], alone[chunk], rtol=1e-9, atol=1e-12):
                raise AssertionError(
                    f"In a batch of {size} rows, rows score {scores[:len(chunk)][:3]} but alone "
                    f"{alone[chunk][:3]}: a row's score must not depend on the other rows.")


def check_monotone_in_the_tail(make: Make) -> None:
    """Values beyond the training range, ever larger (to +-1e308), never score lower."""
    X = gaussian()
    det = make().fit(X)
    centre = np.median(X, axis=0)
    for j in range(X.shape[1]):
        q1, q3 = np.percentile(X[:, j], [25, 75])
        for sign, top in ((1.0, X[:, j].max()), (-1.0, X[:, j].min())):
            values = tail_values(float(top), float(q3 - q1), sign)
            rows = np.tile(centre, (len(values), 1))
            rows[:, j] = values
            scores = _finite(det.score_samples(rows), "scores in the tail")
            assert_monotone(values, scores, f"feature {j}, {'upper' if sign > 0 else 'lower'} "
                            "tail")


EXTREME_CHECKS: list[tuple[str, Callable[[Make], None]]] = [
    ("extreme_values_score_finite", check_extreme_values_score_finite),
    ("extreme_training_values", check_extreme_training_values),
    ("scores_do_not_depend_on_the_batch", check_scores_do_not_depend_on_the_batch),
    ("monotone_in_the_tail", check_monotone_in_the_tail),
]
