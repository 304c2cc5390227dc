"""The compiled kernels against plain reference implementations (numpy / the linked trees)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from jupyter_ad.core.detectors import _iforest_kernel as trees
from jupyter_ad.core.detectors.ecdf_models import COPOD, ECOD
from jupyter_ad.core.detectors.fast_iforest import FastIsolationForest
from jupyter_ad.data import _numeric_kernel as numeric
from jupyter_ad.errors import DataError


def _mixed_data(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([
        rng.normal(size=n), rng.integers(0, 3, n), rng.lognormal(sigma=2, size=n),
        np.round(rng.normal(size=n), 1), rng.standard_cauchy(n), np.zeros(n),
    ])


# -- Isolation Forest ------------------------------------------------------------------------------
@pytest.mark.parametrize("max_samples", [256, 37, 2])
def test_perfect_trees_give_the_linked_trees_path_lengths_exactly(max_samples):
    X = _mixed_data(6000)
    model = FastIsolationForest(max_samples=max_samples, random_state=1).fit(X[:3000])
    for rows in (X[:50], X):  # serial and parallel kernels
        perfect = model.path_lengths(rows)
        linked = model.path_lengths(rows, layout="linked")
        assert np.array_equal(perfect, linked)


@pytest.mark.parametrize(("n_features", "block_rows"), [(1, 128), (6, 128), (40, 64), (300, 16)])
def test_perfect_kernel_blocks_lanes_and_tails_match_the_linked_trees(n_features, block_rows):
    # row counts around the sixteen lanes, the blocks and the parallel tasks; widths from one
    # feature to more than fit a 128-row block in cache (smaller blocks)
    rng = np.random.default_rng(n_features)
    X = rng.normal(size=(2000 + 32 * trees.block_rows(n_features) + 5, n_features))
    model = FastIsolationForest(n_estimators=20, random_state=0).fit(X[:1500])
    assert trees.block_rows(n_features) == block_rows  # 24 KiB of L1 cache, 16 rows at least
    for n in (1, 15, 16, 17, 129, 1999, 2000, X.shape[0]):
        assert np.array_equal(model.path_lengths(X[:n]), model.path_lengths(X[:n],
                                                                            layout="linked")), n


def test_path_lengths_refuse_another_width():
    model = FastIsolationForest(n_estimators=5, random_state=0).fit(_mixed_data(300))
    with pytest.raises(DataError, match="6 features"):
        model.path_lengths(np.zeros((4, 7)))


def test_path_lengths_are_those_of_walking_each_tree_by_hand():
    X = _mixed_data(500)
    model = FastIsolationForest(n_estimators=7, max_samples=64, random_state=3).fit(X)
    feature, threshold, right, value = (model.feature_, model.threshold_split_, model.right_,
                                        model.value_)
    expected = []
    for row in X[:40]:
        total = 0.0
        for root in model.tree_offsets_:
            node = root
            while feature[node] >= 0:
                node = root + right[node] if row[feature[node]] >= threshold[node] else node + 1
            total += value[node]
        expected.append(total / len(model.tree_offsets_))
    assert np.allclose(model.path_lengths(X[:40]), expected, rtol=0, atol=1e-12)


def test_trees_are_grown_to_the_depth_limit_with_valid_leaves():
    X = np.random.default_rng(0).normal(size=(2000, 4))
    model = FastIsolationForest(n_estimators=5, max_samples=128, random_state=0).fit(X)
    assert model.max_depth_ == 7
    splits = model.feature_ >= 0
    assert splits.any()
    # leaf value = depth + c(rows in leaf): between 0 and max depth + c(128)
    used = model.value_[model.feature_ == -1]
    assert (used >= 0).all() and (used <= 7 + 10).all()


def test_deep_trees_fall_back_to_the_linked_layout():
    X = np.random.default_rng(0).normal(size=(20000, 3))
    model = FastIsolationForest(n_estimators=5, max_samples=10000, random_state=0).fit(X)
    assert model.max_depth_ > trees.PERFECT_MAX_DEPTH
    assert model._perfect_trees(3) is None
    scores = model.score_samples(X[:100])
    assert np.isfinite(scores).all() and ((scores > 0) & (scores < 1)).all()


def test_refit_and_pickle_keep_the_fast_layout_consistent():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(3000, 5)), rng.normal(3, 2, size=(4000, 5))
    model = FastIsolationForest(random_state=0).fit(A)
    model.score_samples(A)  # builds the padded trees of A
    model.fit(B)
    fresh = FastIsolationForest(random_state=0).fit(B)
    assert np.array_equal(model.score_samples(B), fresh.score_samples(B))
    loaded = pickle.loads(pickle.dumps(model))
    assert "_perfect" not in loaded.__dict__
    assert np.array_equal(loaded.score_samples(B), fresh.score_samples(B))


def test_seeded_forests_are_reproducible_and_seeds_differ():
    X = np.random.default_rng(0).normal(size=(3000, 5))
    one = FastIsolationForest(random_state=5).fit(X).decision_scores_
    again = FastIsolationForest(random_state=5).fit(X).decision_scores_
    other = FastIsolationForest(random_state=6).fit(X).decision_scores_
    assert np.array_equal(one, again) and not np.array_equal(one, other)


# -- ECOD / COPOD ----------------------------------------------------------------------------------
def _searched_scores(detector: ECOD | COPOD, X: np.ndarray) -> np.ndarray:
    """The ECDF scores by counting with numpy's searchsorted (the definition)."""
    ref = detector.sorted_train_
    m = ref.shape[1]
    neg_log = -np.log(np.maximum(np.arange(m + 1) / m, 0.5 / m))
    out = np.zeros(len(X))
    for j in range(X.shape[1]):
        below = np.searchsorted(ref[j], X[:, j], "left")
        at_most = np.searchsorted(ref[j], X[:, j], "right")
        left, right = neg_log[at_most], neg_log[m - below]
        sign = detector.skew_sign_[j]
        skewed = left if sign < 0 else right if sign > 0 else left + right
        if isinstance(detector, COPOD):
            out += np.maximum(skewed, (left + right) / 2)
        else:
            out += np.maximum(np.maximum(left, right), skewed)
    return out


@pytest.mark.parametrize("cls", [ECOD, COPOD])
@pytest.mark.parametrize("case", ["mixed", "discrete", "narrow", "huge"])
def test_ecdf_lookup_tables_count_exactly(cls, case):
    rng = np.random.default_rng(2)
    X = {
        "mixed": _mixed_data(30000, seed=2),
        "discrete": rng.integers(0, 4, size=(30000, 3)).astype(float),
        "narrow": 1.0 + rng.random((30000, 2)) * 1e-300,
        "huge": np.column_stack([rng.choice([-1e308, 0.0, 1e308], 30000),
                                 rng.normal(size=30000) * 1e300]),
    }[case]
    detector = cls(max_reference=20000, random_state=0).fit(X[:25000])
    probes = np.vstack([X[20000:], X[:200] + 1e-9, X[:200] * (1 + 1e-12),
                        np.full((2, X.shape[1]), 1e200), np.full((2, X.shape[1]), -1e200)])
    for rows in (probes[:100], probes):  # serial and parallel kernels
        assert np.array_equal(detector.score_samples(rows), _searched_scores(detector, rows))
    per_feature = detector.feature_contributions(probes)
    assert np.allclose(per_feature.sum(axis=1), detector.score_samples(probes))


def test_ecdf_refit_with_another_reference_size_rebuilds_its_tables():
    rng = np.random.default_rng(0)
    detector = ECOD().fit(rng.normal(size=(300, 3)))
    detector.score_samples(rng.normal(size=(10, 3)))
    X = rng.normal(size=(5000, 3))
    detector.fit(X)
    assert np.array_equal(detector.score_samples(X), ECOD().fit(X).score_samples(X))


# -- numeric passes of the preprocessing -----------------------------------------------------------
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n", [50, 60000])
def test_numeric_passes_equal_numpy(order, n):
    X = np.asarray(_mixed_data(n, seed=4), order=order)
    X[::7, 0] = np.nan
    X[::11, 2] = np.inf
    X[::13, 3] = -np.inf
    X[:, 5] = np.nan
    lo, hi, n_nan, n_inf = numeric.column_summary(X)
    non_nan = np.where(np.isnan(X), np.nan, X)
    assert np.array_equal(n_nan, np.isnan(X).sum(axis=0))
    assert np.array_equal(n_inf, np.isinf(X).sum(axis=0))
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        assert np.array_equal(lo[:5], np.nanmin(non_nan, axis=0)[:5])
        assert np.array_equal(hi[:5], np.nanmax(non_nan, axis=0)[:5])
    assert lo[5] == np.inf and hi[5] == -np.inf  # nothing but NaN

    finite = np.where(np.isfinite(X), X, np.nan)
    with pytest.warns(RuntimeWarning):  # the all-NaN column
        expected = np.nanpercentile(finite, [25, 50, 75], axis=0)
    assert np.allclose(numeric.column_quantiles(X, [25, 50, 75]), expected, equal_nan=True,
                       rtol=1e-12, atol=1e-12)

    fill, center, scale = np.arange(6.0), np.linspace(-1, 1, 6), np.linspace(0.5, 2, 6)
    lo, hi = np.full(6, -3.0), np.full(6, 3.0)
    out, imputed, infinite, clipped = numeric.impute_scale(X, fill, center, scale, lo, hi)
    assert out.flags.c_contiguous
    expected = np.clip((np.where(np.isnan(X), fill, X) - center) / scale, lo, hi)
    assert np.array_equal(out, expected)
    assert np.array_equal(imputed, n_nan) and np.array_equal(infinite, n_inf)
    finite_beyond = np.isfinite(X) & (np.abs((X - center) / scale) > 3.0)
    assert np.array_equal(clipped, finite_beyond.sum(axis=0)) and clipped.any()
    assert out[11, 2] == 3.0 and out[13, 3] == -3.0  # +inf and -inf land on the bounds
    huge = np.asarray(np.where(np.isfinite(X), X, 0.0), order=order)
    huge[[3, 7], 2] = 1.7e308
    huge[5, 2] = -1.7e308
    big = np.full(6, 1e300)
    with np.errstate(over="ignore"):
        expected = np.clip((huge + 1.0) / 0.5, -big, big)  # (x + 1) / 0.5 overflows to inf
    out, *_, clipped = numeric.impute_scale(huge, np.zeros(6), np.full(6, -1.0),
                                            np.full(6, 0.5), -big, big)
    assert np.array_equal(out, expected) and clipped.tolist() == [0, 0, 3, 0, 0, 0]
    assert out[3, 2] == 1e300 and out[5, 2] == -1e300

    assert not numeric.all_finite(X)
    clean = np.asarray(np.nan_to_num(X, nan=0.0, posinf=1.0, neginf=-1.0), order=order)
    assert numeric.all_finite(clean)
    clean[-1, -1] = np.nan
    assert not numeric.all_finite(clean)
