"""Per-feature drift tests between a reference sample and a current one.

Numbers: the two-sample Kolmogorov-Smirnov test, and the population stability index (PSI)
over ten reference quantile bins. Categories: Pearson's chi-square test of the two samples'
category counts, and the PSI over the categories. The p-values of all features are corrected
together for multiple testing (Benjamini-Hochberg); a feature drifts when its corrected
p-value is below ``alpha`` *and* the change is large enough to matter (``PSI >= min_psi``):
with ten thousand rows a test finds even negligible changes significant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FeatureDrift", "as_dict", "column_kind", "correct", "feature_drift"]

_EPS = 1e-4  # PSI smoothing of empty bins


@dataclass
class FeatureDrift:
    """The drift of one feature."""

    feature: str
    kind: str  # "numeric" or "categorical"
    test: str  # "ks" or "chi2"
    statistic: float
    p_value: float
    psi: float
    shift: float  # relative change of the median (numbers) or largest share change (categories)
    detail: str  # the plain-language change
    p_adjusted: float = math.nan
    drifted: bool = False
    n_reference: int = 0
    n_current: int = 0


def column_kind(values: pd.Series) -> str:
    """``"numeric"``, ``"categorical"`` or ``"skip"`` (dates, empty columns)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "skip"
    numbers = pd.to_numeric(values, errors="coerce")
    if values.notna().any() and numbers.notna().sum() == values.notna().sum():
        return "numeric"
    return "categorical"


def _psi(ref_share: np.ndarray, cur_share: np.ndarray) -> float:
    ref = np.clip(ref_share, _EPS, None)
    cur = np.clip(cur_share, _EPS, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def _quantiles(values: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Quantiles of sorted ``values`` (linear interpolation, as ``np.quantile``)."""
    position = shares * (values.size - 1)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, values.size - 1)
    return np.asarray(values[low] + (values[high] - values[low]) * (position - low))


def _ks(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov statistic of sorted samples and its asymptotic p-value
    (Kolmogorov's distribution, as scipy's ``ks_2samp(method="asymp")`` for large samples).
    """
    from scipy.special import kolmogorov

    from jupyter_ad.stream.drift._ks_kernel import ks_statistic

    d = float(ks_statistic(np.ascontiguousarray(ref, dtype=np.float64),
                           np.ascontiguousarray(cur, dtype=np.float64)))
    en = ref.size * cur.size / (ref.size + cur.size)
    return d, float(min(1.0, kolmogorov(d * np.sqrt(en))))


def _numeric(name: str, ref: np.ndarray, cur: np.ndarray) -> FeatureDrift:
    ref = np.sort(ref[np.isfinite(ref)])
    cur = np.sort(cur[np.isfinite(cur)])
    if ref.size < 2 or cur.size < 2:
        return FeatureDrift(name, "numeric", "ks", 0.0, 1.0, 0.0, 0.0, "too few values",
                            n_reference=int(ref.size), n_current=int(cur.size))
    statistic, p_value = _ks(ref, cur)
    edges = np.unique(_quantiles(ref, np.linspace(0.1, 0.9, 9)))
    # shares of the ten bins: counts below each edge, from the sorted samples
    ref_share = np.diff(np.searchsorted(ref, edges, side="right"), prepend=0,
                        append=ref.size) / ref.size
    cur_share = np.diff(np.searchsorted(cur, edges, side="right"), prepend=0,
                        append=cur.size) / cur.size
    q_ref = _quantiles(ref, np.array([0.25, 0.5, 0.75]))
    q_cur = _quantiles(cur, np.array([0.25, 0.5, 0.75]))
    med_ref, med_cur = q_ref[1], q_cur[1]
    iqr_ref, iqr_cur = q_ref[2] - q_ref[0], q_cur[2] - q_cur[0]
    direction = "up" if med_cur > med_ref else "down"
    if abs(med_ref) > max(iqr_ref, 1e-12):  # far from zero: a relative change means something
        shift = (med_cur - med_ref) / abs(med_ref)
        detail = (f"{name} shifted {direction} {abs(shift):.0%} "
                  f"(median {med_ref:.4g} -> {med_cur:.4g})")
    else:  # around zero: the change in units of the reference spread (IQR)
        shift = (med_cur - med_ref) / iqr_ref if iqr_ref > 0 else 0.0
        detail = (f"{name} shifted {direction} by {abs(med_cur - med_ref):.4g}, "
                  f"{abs(shift):.2g} IQR (median {med_ref:.4g} -> {med_cur:.4g})")
    if abs(shift) < 0.05 and iqr_ref > 0 and iqr_cur > 0 and not 0.8 < iqr_cur / iqr_ref < 1.25:
        detail = (f"{name}'s spread {'grew' if iqr_cur > iqr_ref else 'shrank'} "
                  f"{iqr_cur / iqr_ref:.2g}x (IQR {iqr_ref:.4g} -> {iqr_cur:.4g})")
    return FeatureDrift(name, "numeric", "ks", statistic, p_value,
                        _psi(ref_share, cur_share), float(shift), detail,
                        n_reference=int(ref.size), n_current=int(cur.size))


def _categorical(name: str, ref: pd.Series, cur: pd.Series) -> FeatureDrift:
    from scipy.stats import chi2_contingency

    ref_counts = ref.astype("string").fillna("<missing>").value_counts()
    cur_counts = cur.astype("string").fillna("<missing>").value_counts()
    cats = ref_counts.index.union(cur_counts.index)
    table = np.vstack([ref_counts.reindex(cats, fill_value=0).to_numpy(dtype=np.float64),
                       cur_counts.reindex(cats, fill_value=0).to_numpy(dtype=np.float64)])
    ref_share, cur_share = table[0] / table[0].sum(), table[1] / table[1].sum()
    if len(cats) < 2:
        stat, p = 0.0, 1.0
    else:
        stat, p = chi2_contingency(table, correction=False)[:2]
    j = int(np.argmax(np.abs(cur_share - ref_share)))
    verb = "rose" if cur_share[j] >= ref_share[j] else "fell"
    detail = (f"{name}: {str(cats[j])!r} {verb} from {ref_share[j]:.0%} to {cur_share[j]:.0%} "
              "of events")
    return FeatureDrift(name, "categorical", "chi2", float(stat), float(p),
                        _psi(ref_share, cur_share), float(cur_share[j] - ref_share[j]), detail,
                        n_reference=int(table[0].sum()), n_current=int(table[1].sum()))


def feature_drift(name: str, reference: pd.Series, current: pd.Series,
                 kind: str | None = None) -> FeatureDrift | None:
    """The drift of one column (``None`` for a column that is not tested)."""
    kind = kind or column_kind(reference)
    if kind == "numeric":
        return _numeric(name, pd.to_numeric(reference, errors="coerce").to_numpy(np.float64),
                        pd.to_numeric(current, errors="coerce").to_numpy(np.float64))
    if kind == "categorical":
        return _categorical(name, reference, current)
    return None


def correct(results: list[FeatureDrift], alpha: float, min_psi: float) -> None:
    """Benjamini-Hochberg adjusted p-values and the drift decision, in place."""
    if not results:
        return
    from scipy.stats import false_discovery_control

    p = np.array([r.p_value for r in results], dtype=np.float64)
    adjusted = false_discovery_control(np.clip(p, 0.0, 1.0), method="bh")
    for r, q in zip(results, adjusted, strict=True):
        r.p_adjusted = float(q)
        r.drifted = bool(q < alpha and r.psi >= min_psi)
        if not r.drifted:
            r.detail = "no significant change"


def as_dict(result: FeatureDrift) -> dict[str, Any]:
    """Plain-dict form (NaN as ``None``)."""
    out = dict(result.__dict__)
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in out.items()}
