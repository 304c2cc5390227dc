"""Small datasets generated on the fly (no network, no files), for demos, docs and tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["load_transactions"]

_MERCHANTS = ["grocery", "fuel", "restaurant", "online", "pharmacy", "travel", "electronics"]
_WEIGHTS = [0.32, 0.18, 0.2, 0.18, 0.06, 0.03, 0.03]


def load_transactions(n_rows: int = 2000, anomaly_rate: float = 0.02,
                      random_state: int = 7) -> pd.DataFrame:
    """Card transactions with planted anomalies, labelled in ``is_anomaly``.

    Columns: ``transaction_id`` (an ID), ``timestamp``, ``amount``, ``merchant``, ``n_items``,
    ``distance_km`` (from home), ``customer_age``, ``is_anomaly`` (1 for planted anomalies:
    very large amounts, purchases far from home at night, unusual merchant/item combinations).

    Parameters
    ----------
    n_rows : int, default 2000
    anomaly_rate : float, default 0.02
    random_state : int, default 7

    Returns
    -------
    pandas.DataFrame
    """
    rng = np.random.default_rng(random_state)
    n_anom = max(1, round(n_rows * anomaly_rate))
    merchant = rng.choice(_MERCHANTS, size=n_rows, p=_WEIGHTS)
    base = {"grocery": 45, "fuel": 60, "restaurant": 35, "online": 70, "pharmacy": 25,
            "travel": 400, "electronics": 250}
    amount = np.array([base[m] for m in merchant]) * rng.lognormal(0, 0.45, n_rows)
    n_items = np.maximum(1, rng.poisson(np.clip(amount / 25, 1, 12)))
    hour = np.clip(rng.normal(14, 3.5, n_rows), 6, 23).astype(int)
    start = pd.Timestamp("2026-01-01")
    days = rng.integers(0, 90, n_rows)
    minutes = rng.integers(0, 60, n_rows)
    distance = rng.gamma(2.0, 4.0, n_rows)
    age = np.clip(rng.normal(42, 13, n_rows), 18, 90).round()

    anomalous = rng.choice(n_rows, size=n_anom, replace=False)
    kinds = rng.integers(0, 3, n_anom)
    for row, kind in zip(anomalous, kinds, strict=True):
        if kind == 0:  # a very large amount
            amount[row] *= rng.uniform(12, 30)
        elif kind == 1:  # far from home, at night
            distance[row] = rng.uniform(400, 3000)
            hour[row] = rng.integers(1, 5)
        else:  # many items for a tiny amount
            n_items[row] = rng.integers(40, 80)
            amount[row] = rng.uniform(1, 5)
    labels = np.zeros(n_rows, dtype=np.int64)
    labels[anomalous] = 1
    timestamp = start + pd.to_timedelta(days, unit="D") + pd.to_timedelta(
        hour * 60 + minutes, unit="min")
    return pd.DataFrame({
        "transaction_id": np.arange(100_000, 100_000 + n_rows),
        "timestamp": timestamp,
        "amount": amount.round(2),
        "merchant": merchant,
        "n_items": n_items.astype(np.int64),
        "distance_km": distance.round(1),
        "customer_age": age.astype(np.int64),
        "is_anomaly": labels,
    })
