"""Small datasets generated on the fly (no network, no files), for demos, docs and tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["load_card_transactions", "load_transactions"]

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


# merchant category -> (share of transactions, median amount, log-spread of the amount)
_CATEGORIES = {
    "grocery": (0.24, 38.0, 0.7), "restaurant": (0.17, 27.0, 0.6),
    "fuel": (0.12, 52.0, 0.35), "online_retail": (0.14, 45.0, 1.0),
    "pharmacy": (0.06, 19.0, 0.7), "transport": (0.08, 12.0, 0.8),
    "entertainment": (0.05, 34.0, 0.8), "utilities": (0.04, 88.0, 0.5),
    "electronics": (0.04, 160.0, 1.1), "travel": (0.03, 420.0, 1.0),
    "jewelry": (0.01, 310.0, 1.2), "cash_withdrawal": (0.02, 100.0, 0.6),
}
_COUNTRIES = ["US", "CA", "GB", "MX", "FR", "DE", "JP", "BR", "NG", "RO"]
_COUNTRY_SHARE = [0.93, 0.025, 0.012, 0.01, 0.007, 0.006, 0.004, 0.003, 0.0015, 0.0015]


def load_card_transactions(n_rows: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """Card transactions as a bank exports them: skewed, mixed types, planted fraud.

    A table that looks like real data rather than a textbook example: an ID column, a
    timestamp, a heavy-tailed ``amount`` (cents precision; most purchases are tens of dollars,
    a few legitimate ones are thousands), a merchant category and a country that are both
    dominated by a few values, and a card-present flag. About 0.6% of the rows are planted
    fraud (``is_fraud`` = 1) of four kinds: card-not-present purchases of electronics or
    jewelry far above their usual amount; card-present purchases abroad at night (a
    skimmed card); large cash withdrawals abroad; bursts of online purchases at 3-5 am for
    amounts that are unusual for online retail.

    Columns: ``txn_id`` (int, unique), ``timestamp`` (datetime64), ``amount`` (float, 2
    decimals), ``merchant_category`` (str), ``country`` (str, ISO code), ``card_present``
    (bool), ``is_fraud`` (int, 1 = planted fraud).

    Parameters
    ----------
    n_rows : int, default 20000
        Number of rows (>= 100).
    seed : int, default 0
        Seed of the random generator: the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from jupyter_ad.datasets import load_card_transactions
    >>> df = load_card_transactions(n_rows=1_000)
    >>> df.shape, int(df["is_fraud"].sum())
    ((1000, 7), 6)
    """
    if isinstance(n_rows, bool) or not isinstance(n_rows, int | np.integer) or n_rows < 100:
        from jupyter_ad.errors import ParameterError

        raise ParameterError(f"n_rows must be a whole number >= 100, got {n_rows!r}.")
    rng = np.random.default_rng(seed)
    n = int(n_rows)
    names = list(_CATEGORIES)
    shares = np.array([_CATEGORIES[c][0] for c in names])
    category = rng.choice(names, size=n, p=shares / shares.sum())
    median = np.array([_CATEGORIES[c][1] for c in category])
    spread = np.array([_CATEGORIES[c][2] for c in category])
    amount = median * rng.lognormal(0.0, spread)
    big = rng.random(n) < 0.004  # legitimate large purchases: a Pareto tail
    amount[big] *= 1 + rng.pareto(1.6, big.sum()) * 8
    country = rng.choice(_COUNTRIES, size=n, p=_COUNTRY_SHARE)
    card_present = rng.random(n) < np.where(
        np.isin(category, ["online_retail", "utilities", "travel"]), 0.03, 0.86)
    seconds = rng.integers(0, 90 * 86_400, n)
    hour = np.clip(rng.normal(14.5, 3.8, n), 6, 23.99)
    seconds = seconds - seconds % 86_400 + (hour * 3600).astype(np.int64)

    n_fraud = max(4, round(n * 0.006))
    fraud = rng.choice(n, size=n_fraud, replace=False)
    for k, row in enumerate(fraud):
        kind = k % 4
        if kind == 0:  # card not present, electronics/jewelry far above the usual amount
            category[row] = rng.choice(["electronics", "jewelry"])
            amount[row] = rng.uniform(2_500, 12_000)
            card_present[row] = False
        elif kind == 1:  # skimmed card: present, abroad, at night
            country[row] = rng.choice(["NG", "RO", "BR"])
            card_present[row] = True
            amount[row] = rng.uniform(300, 1_500)
            seconds[row] = seconds[row] - seconds[row] % 86_400 + rng.integers(1, 4) * 3600
        elif kind == 2:  # large cash withdrawal abroad
            category[row] = "cash_withdrawal"
            country[row] = rng.choice(["RO", "NG", "MX"])
            card_present[row] = True
            amount[row] = rng.uniform(800, 3_000)
        else:  # online purchases at 3-5 am for unusual amounts
            category[row] = "online_retail"
            card_present[row] = False
            amount[row] = rng.uniform(900, 4_000)
            seconds[row] = seconds[row] - seconds[row] % 86_400 + rng.integers(3, 5) * 3600
    labels = np.zeros(n, dtype=np.int64)
    labels[fraud] = 1
    start = pd.Timestamp("2026-03-01")
    order = np.argsort(seconds, kind="stable")  # exported in time order
    frame = pd.DataFrame({
        "txn_id": np.arange(4_000_001, 4_000_001 + n, dtype=np.int64),
        "timestamp": (start + pd.to_timedelta(seconds[order], unit="s")).values,
        "amount": np.round(amount[order], 2),
        "merchant_category": category[order],
        "country": country[order],
        "card_present": card_present[order],
        "is_fraud": labels[order],
    })
    return frame
