"""The sampled k-NN detector (the neighbour member of the default) and its compiled kernel."""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.core.detectors.sampled_knn import SampledKNN


def brute_force(det: SampledKNN, X: np.ndarray, skip_self: bool) -> np.ndarray:
    """The k-th nearest reference distance, by numpy in float64."""
    ref = det.reference_.T.astype(np.float64)
    z = (X - det.center_) * det.inv_scale_
    if det.squash:
        z = np.sign(z) * np.log1p(np.abs(z))
    d = ((z[:, None, :] - ref[None, :, :]) ** 2).sum(axis=-1)
    if skip_self:
        d[det.reference_index_, np.arange(ref.shape[0])] = np.inf
    return np.sqrt(np.sort(d, axis=1)[:, det.n_neighbors_ - 1])


@pytest.mark.parametrize("squash", [True, False])
@pytest.mark.parametrize("n", [40, 2500])  # all rows as reference; a sample (parallel kernel)
def test_kernel_equals_brute_force(n, squash):
    rng = np.random.default_rng(1)
    X = rng.lognormal(size=(n, 6)) * [1, 10, 100, 1, 1, 1000]
    det = SampledKNN(random_state=0, squash=squash).fit(X)
    assert det.reference_.shape == (6, min(n, det.max_reference))
    assert det.max_reference == 512 and det.n_neighbors_ == 20  # the documented defaults
    train = det._training_scores(X)  # rows in the reference skip themselves
    np.testing.assert_allclose(train, brute_force(det, X, True), rtol=1e-4)
    fresh = rng.lognormal(size=(300, 6))
    np.testing.assert_allclose(det.score_samples(fresh), brute_force(det, fresh, False),
                               rtol=1e-4)


def test_one_row_scores_as_in_a_batch_and_the_sample_is_seeded():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5000, 8))
    det = SampledKNN(random_state=3).fit(X)
    batch = det.score_samples(X[:1500])  # the parallel path
    alone = np.array([det.score_samples(X[i:i + 1])[0] for i in range(0, 1500, 50)])
    assert alone.tolist() == batch[::50].tolist()  # the same bits
    again = SampledKNN(random_state=3).fit(X)
    assert again.reference_index_.tolist() == det.reference_index_.tolist()
    other = SampledKNN(random_state=4).fit(X)
    assert other.reference_index_.tolist() != det.reference_index_.tolist()


def test_finds_planted_outliers_and_one_heavy_column_does_not_decide():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(3000, 5))
    X[:, 0] = rng.lognormal(0, 2.5, 3000)  # heavy-tailed, normal rows
    X[:10, 1:] += 6  # outliers in the other columns
    for seed in range(4):  # the reference sample differs per seed; the outcome must not
        worst = {}
        for squash in (True, False):
            scores = SampledKNN(random_state=seed, squash=squash).fit(X).decision_scores_
            worst[squash] = int((-scores).argsort().argsort()[:10].max())
        # squashed: all 10 outliers within the top 50 of 3,000 rows (about 20-33 measured);
        # without the squash the heavy column pushes some below rank 100 (117-153 measured)
        assert worst[True] < 50 and worst[False] > 2 * worst[True], (seed, worst)


def test_tiny_data_and_a_single_row():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    det = SampledKNN().fit(X)
    assert det.n_neighbors_ == 2 and np.isfinite(det.decision_scores_).all()
    one = SampledKNN().fit(X[:1])
    assert np.isfinite(one.score_samples(X)).all()


def test_default_runs_the_pair_and_score_one_matches_the_batch():
    df = ad.datasets.load_card_transactions(2_000, seed=1)
    res = ad.detect(df, exclude=["is_fraud"])
    assert res.model.algorithm_ == ["iforest", "sampled_knn"]
    assert 'algorithm="auto" ran' in res.summary()
    rows = df.drop(columns="is_fraud").iloc[:20]
    batch = res.model.score(rows).scores
    alone = [res.model.score_one(r) for r in rows.to_dict("records")]
    assert np.allclose(alone, batch, rtol=1e-12, atol=1e-12)
    # a training row drawn into the k-NN reference was scored without itself (leave-one-out);
    # scored again, it is its own neighbour, so it scores no higher; every other row the same
    knn = res.model.detector_.detectors_[1]
    in_ref = np.isin(np.arange(20), knn.reference_index_)
    assert np.allclose(batch[~in_ref], res.scores[:20][~in_ref], rtol=1e-9, atol=1e-9)
    assert (batch[in_ref] <= res.scores[:20][in_ref] + 1e-9).all()
