"""The bundled card-transaction table: skewed, mixed types, reproducible, planted fraud."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ParameterError


@pytest.fixture(scope="module")
def cards() -> pd.DataFrame:
    return ad.datasets.load_card_transactions()


def test_shape_types_and_labels(cards):
    assert cards.shape == (20_000, 7)
    assert list(cards.columns) == ["txn_id", "timestamp", "amount", "merchant_category",
                                   "country", "card_present", "is_fraud"]
    assert cards["txn_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(cards["timestamp"])
    assert cards["timestamp"].is_monotonic_increasing
    assert cards["card_present"].dtype == bool
    assert set(cards["is_fraud"].unique()) == {0, 1}
    assert cards["is_fraud"].sum() == 120
    # cents precision: every amount has at most two decimals
    cents = cards["amount"].to_numpy() * 100
    assert np.allclose(cents, np.round(cents), atol=1e-6)


def test_it_is_skewed_like_real_data(cards):
    amount = cards["amount"]
    assert amount.max() > 100 * amount.median()          # a heavy right tail
    assert amount.skew() > 10
    assert cards["country"].value_counts(normalize=True).iloc[0] > 0.9
    assert cards["merchant_category"].nunique() == 12


def test_same_seed_same_table_other_seed_other_table():
    a = ad.datasets.load_card_transactions(n_rows=500, seed=3)
    pd.testing.assert_frame_equal(a, ad.datasets.load_card_transactions(n_rows=500, seed=3))
    assert not a.equals(ad.datasets.load_card_transactions(n_rows=500, seed=4))


def test_planted_fraud_is_found_by_the_default_detector():
    df = ad.datasets.load_card_transactions(n_rows=4_000)
    res = ad.detect(df, exclude=["is_fraud"])
    top = res.top(10)
    assert top["is_fraud"].mean() >= 0.7


@pytest.mark.parametrize("bad", [10, 99, -1, 2.5, True, "1000"])
def test_bad_row_count_is_refused(bad):
    with pytest.raises(ParameterError, match="n_rows"):
        ad.datasets.load_card_transactions(n_rows=bad)
