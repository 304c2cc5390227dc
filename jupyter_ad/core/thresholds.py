"""Turning scores into labels: contamination, a named method, an explicit score, or top-k.

``contamination=`` takes either the expected share of anomalies (a number in (0, 0.5]) or the
name of an unsupervised method that reads the threshold off the training scores:

``"auto"`` / ``"tukey-iqr"`` (the default)
    **Tukey's fence**: a row is an anomaly when its score exceeds ``Q3 + 1.5 * IQR`` of the
    training scores. It needs no guess of the contamination, flags nothing when the scores have
    no upper tail, and is robust to the anomalies themselves. When the scores are so tied that
    the IQR is zero, it falls back to the median plus 3.5 scaled median absolute deviations, and
    finally to "above the median".
``"mad"``
    The median plus 3.5 scaled median absolute deviations (``1.4826 * MAD``, the
    Iglewicz-Hoaglin modified z-score cut-off). Falls back to Tukey's fence when the MAD is 0.
``"zscore"``
    The mean plus 3 standard deviations. Simple, but the anomalies inflate both.
``"otsu"``
    Otsu's method on a 256-bin histogram of the scores: the cut that maximises the variance
    between the two groups it creates. Suited to clearly bimodal scores.
``"gesd"``
    Rosner's generalised extreme studentized deviate test (upper tail, ``alpha = 0.05``, at
    most half of the rows): the largest scores are removed one by one while each is a
    significant outlier of the rest, assuming the normal scores are roughly Gaussian.

Every method runs in well under half a second on 100,000 scores
(``benchmarks/thresholds_speed.py``).
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from jupyter_ad.errors import JupyterADWarning, ParameterError

__all__ = ["AUTO_METHOD", "THRESHOLD_METHODS", "ThresholdRule", "auto_threshold",
           "method_threshold", "resolve_threshold", "warn_if_most_flagged"]

AUTO_METHOD = "tukey-iqr"
_MAD_SCALE = 1.4826


def auto_threshold(scores: np.ndarray) -> float:
    """Tukey's upper fence ``Q3 + 1.5 IQR`` of ``scores`` (see module docstring)."""
    s = np.asarray(scores, dtype=np.float64)
    q1, med, q3 = np.percentile(s, [25, 50, 75])
    if q3 > q1:
        return float(q3 + 1.5 * (q3 - q1))
    mad = float(np.median(np.abs(s - med))) * _MAD_SCALE
    if mad > 0:
        return float(med + 3.5 * mad)
    return float(med)


def mad_threshold(scores: np.ndarray) -> float:
    """Median plus 3.5 scaled median absolute deviations; Tukey's fence if the MAD is 0."""
    s = np.asarray(scores, dtype=np.float64)
    med = float(np.median(s))
    mad = float(np.median(np.abs(s - med))) * _MAD_SCALE
    return med + 3.5 * mad if mad > 0 else auto_threshold(s)


def zscore_threshold(scores: np.ndarray) -> float:
    """Mean plus 3 standard deviations of ``scores``."""
    s = np.asarray(scores, dtype=np.float64)
    return float(s.mean() + 3.0 * s.std())


def otsu_threshold(scores: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold on a ``bins``-bin histogram: maximal between-class variance.

    Rows scoring at or above the start of the first bin of the upper class are flagged (the
    middle of the empty bins, when the best cut falls in a gap between two groups).
    """
    s = np.asarray(scores, dtype=np.float64)
    lo, hi = float(s.min()), float(s.max())
    if not hi > lo:
        return hi
    counts, edges = np.histogram(s, bins=bins, range=(lo, hi))
    centres = (edges[:-1] + edges[1:]) / 2.0
    w0 = np.cumsum(counts)[:-1] / s.size  # share of rows in the lower class, cut after bin k
    mu = np.cumsum(counts * centres)[:-1] / s.size
    mu_total = float((counts * centres).sum()) / s.size
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu_total * w0 - mu) ** 2 / (w0 * (1.0 - w0))
    between = np.where((w0 > 0) & (w0 < 1), between, -1.0)
    k = int(np.argmax(between))
    # empty bins between two modes give equal variances: cut in the middle of that gap
    run = k
    while run + 1 < between.size and between[run + 1] == between[k]:
        run += 1
    return float(np.nextafter((edges[k + 1] + edges[run + 1]) / 2.0, -np.inf))


def gesd_threshold(scores: np.ndarray, alpha: float = 0.05,
                   max_share: float = 0.5) -> float:
    """Rosner's generalised ESD test on the upper tail (see module docstring).

    Vectorised: removing the largest scores one by one leaves the sorted prefixes, whose means
    and standard deviations come from cumulative sums, so the whole test is O(n log n).
    """
    from scipy.stats import t as student_t

    s = np.sort(np.asarray(scores, dtype=np.float64))
    n = s.size
    r = min(int(n * max_share), n - 3)
    if r < 1:
        return float(s[-1])
    z = s - s[n // 2]
    scale = float(np.abs(z).max()) or 1.0
    z = z / scale
    csum, csq = np.cumsum(z), np.cumsum(z * z)
    m = np.arange(n, n - r, -1)  # rows left before each removal
    mean = csum[m - 1] / m
    var = np.maximum(csq[m - 1] - m * mean**2, 0.0) / (m - 1)
    sd = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(sd > 0, (z[m - 1] - mean) / sd, 0.0)
    t = student_t.ppf(1.0 - alpha / (2.0 * m), m - 2)
    crit = (m - 1) * t / np.sqrt((m - 2 + t * t) * m)
    significant = np.flatnonzero(stat > crit)
    if significant.size == 0:
        return float(s[-1])
    k = int(significant[-1]) + 1  # number of outliers
    return float(np.nextafter(s[n - k], -np.inf))


THRESHOLD_METHODS: dict[str, Callable[[np.ndarray], float]] = {
    AUTO_METHOD: auto_threshold,
    "mad": mad_threshold,
    "zscore": zscore_threshold,
    "otsu": otsu_threshold,
    "gesd": gesd_threshold,
}

_DESCRIPTIONS = {
    AUTO_METHOD: "Tukey's fence on the training scores (Q3 + 1.5 IQR)",
    "mad": "the median + 3.5 scaled MADs of the training scores",
    "zscore": "the mean + 3 standard deviations of the training scores",
    "otsu": "Otsu's method on a 256-bin histogram of the training scores",
    "gesd": "the generalised ESD test (alpha 0.05) on the training scores",
}


def _method_name(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key == "auto":
        return AUTO_METHOD
    if key not in THRESHOLD_METHODS:
        choices = ["auto", *THRESHOLD_METHODS]
        close = difflib.get_close_matches(key, choices, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ParameterError(
            f"Unknown threshold method {name!r}: contamination must be a number in (0, 0.5] "
            f"(the expected share of anomalies) or one of {', '.join(map(repr, choices))}.{hint}"
        )
    return key


def method_threshold(scores: np.ndarray, method: str) -> float:
    """The threshold that the named unsupervised ``method`` reads off ``scores``."""
    return float(THRESHOLD_METHODS[_method_name(method)](np.asarray(scores, dtype=np.float64)))


@dataclass(frozen=True)
class ThresholdRule:
    """How the threshold of a model was chosen, and its value (a score)."""

    method: str
    value: float
    parameter: float | int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON-serialisable)."""
        return {"method": self.method, "value": self.value, "parameter": self.parameter}

    def describe(self) -> str:
        """One phrase for summaries."""
        if self.method == "contamination":
            return f"the top {self.parameter:.1%} of training scores"
        if self.method == "top_k":
            return f"the {self.parameter} highest training scores"
        if self.method == "score":
            return f"an explicit score threshold of {self.value:.4g}"
        return _DESCRIPTIONS.get(self.method, _DESCRIPTIONS[AUTO_METHOD])


def resolve_threshold(
    train_scores: np.ndarray,
    *,
    contamination: Any = None,
    threshold: Any = None,
    top_k: Any = None,
) -> ThresholdRule:
    """Choose the score threshold from at most one of the three options.

    Parameters
    ----------
    train_scores : ndarray
        Scores of the training rows (higher = more anomalous).
    contamination : float in (0, 0.5] or str, optional
        Expected share of anomalies, or a method name: ``"auto"`` (same as ``None``) and
        ``"tukey-iqr"``, ``"mad"``, ``"zscore"``, ``"otsu"``, ``"gesd"`` (see module docstring).
    threshold : float, optional
        An explicit score: rows scoring above it are anomalies.
    top_k : int, optional
        Flag exactly the ``top_k`` highest-scoring training rows.
    """
    given = [
        n
        for n, v in (("contamination", contamination), ("threshold", threshold), ("top_k", top_k))
        if v is not None and not (n == "contamination" and isinstance(v, str) and v == "auto")
    ]
    if len(given) > 1:
        raise ParameterError(
            f"Give only one of contamination, threshold and top_k (got {' and '.join(given)})."
        )
    s = np.asarray(train_scores, dtype=np.float64)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
            raise ParameterError(f"threshold must be a number (a score), got {threshold!r}.")
        if not np.isfinite(float(threshold)):
            raise ParameterError(f"threshold must be a finite number, got {threshold!r}.")
        return ThresholdRule("score", float(threshold))
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or int(top_k) < 0:
            raise ParameterError(f"top_k must be a whole number >= 0, got {top_k!r}.")
        top_k = int(top_k)
        if top_k > s.size:
            raise ParameterError(f"top_k={top_k} is more than the {s.size} rows given.")
        if top_k == 0:
            return ThresholdRule("top_k", float(s.max()), 0)
        ordered = np.sort(s)[::-1]
        # the threshold sits just below the k-th highest score; ties may flag a few more rows
        value = float(np.nextafter(ordered[top_k - 1], -np.inf))
        return ThresholdRule("top_k", value, int(top_k))
    if contamination is None:
        return ThresholdRule(AUTO_METHOD, auto_threshold(s))
    if isinstance(contamination, str):
        method = _method_name(contamination)
        return ThresholdRule(method, float(THRESHOLD_METHODS[method](s)))
    if (
        isinstance(contamination, bool)
        or not isinstance(contamination, numbers.Real)
        or not 0 < float(contamination) <= 0.5
    ):
        raise ParameterError(
            "contamination must be a number in (0, 0.5] (the expected share of anomalies) "
            f"or a method name ({', '.join(map(repr, ['auto', *THRESHOLD_METHODS]))}), "
            f"got {contamination!r}."
        )
    value = float(np.quantile(s, 1.0 - float(contamination), method="higher"))
    value = float(np.nextafter(value, -np.inf))
    return ThresholdRule("contamination", value, float(contamination))


def warn_if_most_flagged(rule: ThresholdRule, sorted_scores: np.ndarray) -> None:
    """Warn when an explicit score threshold flags most training rows (likely a mistake)."""
    share = float((sorted_scores > rule.value).mean())
    if rule.method != "score" or share <= 0.5:
        return
    from jupyter_ad._warn import warn_user

    median = float(sorted_scores[sorted_scores.size // 2])
    warn_user(f"threshold={rule.value:g} flags {share:.0%} of the training rows: their scores "
              f"run from {sorted_scores[0]:.4g} to {sorted_scores[-1]:.4g} (median "
              f"{median:.4g}). Give a higher threshold, or contamination= / top_k= instead.",
              JupyterADWarning)
