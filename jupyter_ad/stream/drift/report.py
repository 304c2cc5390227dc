"""``ad.drift(reference, current)``: which features drifted, how, and one sentence about it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import ColumnMismatchError, ParameterError
from jupyter_ad.stream.drift.features import (
    FeatureDrift,
    as_dict,
    column_kind,
    correct,
    feature_drift,
)

__all__ = ["DriftReport", "drift"]


@dataclass
class DriftReport:
    """Drift of each feature between a reference sample and a current one.

    ``features`` holds one :class:`~jupyter_ad.stream.drift.features.FeatureDrift` per tested
    column; ``to_frame()``, ``to_dict()``, ``sentence()`` and ``chart()`` present them.
    """

    features: list[FeatureDrift]
    alpha: float
    min_psi: float
    n_reference: int
    n_current: int
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def drifted(self) -> list[str]:
        """Names of the features that drifted, most changed first."""
        return [f.feature for f in sorted(self.features, key=lambda f: -f.psi) if f.drifted]

    @property
    def has_drift(self) -> bool:
        """Whether any feature drifted."""
        return any(f.drifted for f in self.features)

    def to_frame(self) -> pd.DataFrame:
        """One row per feature: kind, test, statistic, p-value, adjusted p-value, PSI, shift,
        drifted, detail; drifted features first.
        """
        columns = ["feature", "kind", "test", "statistic", "p_value", "p_adjusted", "psi",
                   "shift", "drifted", "detail", "n_reference", "n_current"]
        frame = pd.DataFrame([as_dict(f) for f in self.features], columns=columns)
        return frame.sort_values(["drifted", "psi"], ascending=[False, False],
                                 ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON-serialisable)."""
        return {"drifted": self.drifted, "sentence": self.sentence(), "alpha": self.alpha,
                "min_psi": self.min_psi, "n_reference": self.n_reference,
                "n_current": self.n_current, "skipped": dict(self.skipped),
                "features": [as_dict(f) for f in self.features]}

    def sentence(self) -> str:
        """The drift in one sentence.

        For example ``"1 of 6 features drifted: amount shifted up 35% (median 52 -> 70)."``
        """
        n = len(self.features)
        if not self.has_drift:
            return f"No feature drifted ({n} checked, {self.n_current:,} rows against " \
                   f"{self.n_reference:,})."
        by_name = {f.feature: f for f in self.features}
        details = "; ".join(by_name[name].detail for name in self.drifted[:5])
        more = f"; and {len(self.drifted) - 5} more" if len(self.drifted) > 5 else ""
        return f"{len(self.drifted)} of {n} features drifted: {details}{more}."

    def chart(self) -> Any:
        """An Altair bar chart of each feature's PSI, drifted features highlighted."""
        import altair as alt

        frame = self.to_frame()
        frame["status"] = frame["drifted"].map({True: "drifted", False: "stable"})
        return alt.Chart(frame, title="Feature drift (PSI)").mark_bar().encode(
            x=alt.X("psi:Q", title="population stability index"),
            y=alt.Y("feature:N", sort="-x", title=None),
            color=alt.Color("status:N", scale=alt.Scale(domain=["drifted", "stable"],
                                                        range=["#d62728", "#9e9e9e"])),
            tooltip=["feature", "kind", "test", alt.Tooltip("p_adjusted:Q", format=".2g"),
                     alt.Tooltip("psi:Q", format=".3f"), "detail"],
        )

    def __repr__(self) -> str:
        return f"DriftReport({self.sentence()})"

    def _repr_html_(self) -> str:
        from html import escape

        return f"<p>{escape(self.sentence())}</p>" + self.to_frame().to_html(index=False)


def drift(reference: Any, current: Any, *, features: list[str] | None = None,
          alpha: float = 0.01, min_psi: float = 0.1, model: Any = None) -> DriftReport:
    """Compare ``current`` rows with ``reference`` rows, feature by feature.

    Parameters
    ----------
    reference, current : DataFrame, array, table or path
        The two samples (e.g. the training data and the last window of a stream).
    features : list of str, optional
        Columns to compare (default: the model's input columns, else every column present
        in both).
    alpha : float, default 0.01
        Level of the Benjamini-Hochberg corrected tests.
    min_psi : float, default 0.1
        Smallest population stability index that counts as drift (0.1: a moderate change).
    model : AnomalyModel, optional
        Take the columns, and whether each is a number or a category, from its fitted
        preprocessing.

    Returns
    -------
    DriftReport

    Examples
    --------
    >>> import numpy as np, pandas as pd, jupyter_ad as ad
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"amount": rng.normal(100, 10, 2000), "items": rng.poisson(3, 2000)})
    >>> cur = pd.DataFrame({"amount": rng.normal(135, 10, 2000), "items": rng.poisson(3, 2000)})
    >>> report = ad.drift(ref, cur)
    >>> report.drifted
    ['amount']
    >>> report.sentence()
    '1 of 2 features drifted: amount shifted up 35% (median 99.66 -> 135).'
    """
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be in (0, 1), got {alpha!r}.")
    if not (isinstance(min_psi, int | float) and math.isfinite(min_psi) and min_psi >= 0):
        raise ParameterError(f"min_psi must be a number >= 0, got {min_psi!r}.")
    ref, cur = as_dataframe(reference), as_dataframe(current)
    kinds: dict[str, str] = {}
    if model is not None:
        kinds = {name: ("categorical" if kind in ("categorical", "boolean") else
                        "skip" if kind == "datetime" else "numeric")
                 for name, kind in model.preprocessor_.kinds_.items()}
    names = list(features) if features is not None else (
        list(kinds) or [c for c in ref.columns if c in cur.columns])
    missing = [c for c in names if c not in ref.columns or c not in cur.columns]
    if missing:
        raise ColumnMismatchError(
            f"Column(s) {', '.join(map(repr, missing))} are not in both samples; the "
            f"reference has {', '.join(map(repr, list(ref.columns)[:10]))}.")
    results: list[FeatureDrift] = []
    skipped: dict[str, str] = {}
    for name in names:
        kind = kinds.get(name) or column_kind(ref[name])
        if kind == "skip":
            skipped[str(name)] = "dates are not compared"
            continue
        result = feature_drift(str(name), ref[name], cur[name], kind)
        if result is not None:
            results.append(result)
    correct(results, alpha, float(min_psi))
    return DriftReport(results, alpha, float(min_psi), len(ref), len(cur), skipped)
