"""Learning from a few labels: re-ranking, new-row scoring, persistence, errors."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score

import jupyter_ad as ad
from jupyter_ad.errors import JupyterADError, ParameterError
from jupyter_ad.evaluate.learn import ReRankedDetector, learn_from_labels


def clustered_anomalies(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A tight cluster of 40 anomalies the unsupervised detector ranks poorly (it is dense),
    and 60 benign extreme rows (normal) that it ranks first."""
    rng = np.random.default_rng(seed)
    n, d = 1500, 4
    X = rng.normal(size=(n, d))
    y = np.zeros(n, dtype=int)
    X[:40] = np.array([1.5, 1.5, 0.0, 0.0]) + rng.normal(scale=0.05, size=(40, d))
    y[:40] = 1
    for i in rng.choice(np.arange(40, n), 60, replace=False):
        X[i, rng.integers(d)] = rng.choice([-1, 1]) * rng.uniform(4, 6)
    return pd.DataFrame(X, columns=list("abcd")), y


@pytest.fixture(scope="module")
def case():
    df, y = clustered_anomalies()
    res = ad.detect(df)
    labels = np.full(len(y), np.nan)
    labels[[0, 1, 2]] = 1
    return df, y, res, labels


@pytest.fixture(scope="module")
def learned(case):
    _, _, res, labels = case
    return learn_from_labels(res, labels)


def test_improves_average_precision_on_unlabelled_rows(case, learned):
    _, y, res, labels = case
    unlabelled = np.isnan(labels)
    before = average_precision_score(y[unlabelled], res.scores[unlabelled])
    after = average_precision_score(y[unlabelled], learned.scores[unlabelled])
    assert before < 0.1
    assert after > before + 0.3


def test_same_rows_finite_scores_and_threshold(case, learned):
    _df, _, res, _labels = case
    assert learned.data is res.data and len(learned) == len(res)
    assert np.isfinite(learned.scores).all()
    assert learned.n_anomalies == pytest.approx(res.n_anomalies, abs=2)
    assert learned.labels[[0, 1, 2]].all()  # the labelled anomalies are flagged
    assert isinstance(learned.model, ad.AnomalyModel)
    assert isinstance(learned.model.detector_, ReRankedDetector)
    assert "re-ranked" in learned.algorithm
    assert learned.summary()
    assert res.scores is not learned.scores and res.model is not learned.model


def test_threshold_flags_at_least_the_labelled_anomalies(case):
    _, y, res, _ = case
    res_few = ad.detect(case[0], top_k=1)
    labels = np.where(y == 1, 1.0, np.nan)
    labels[10:] = np.nan
    new = learn_from_labels(res_few, labels)
    assert new.n_anomalies >= 10
    assert res.n_anomalies >= 1


def test_new_rows_score_the_same_alone_or_in_a_batch(case, learned):
    _df, _, _, _ = case
    rng = np.random.default_rng(5)
    fresh = pd.DataFrame(rng.normal(size=(25, 4)), columns=list("abcd"))
    batch = learned.model.score(fresh).scores
    alone = np.array([learned.model.score(fresh.iloc[[i]]).scores[0] for i in range(25)])
    assert batch == pytest.approx(alone)
    assert np.isfinite(batch).all()
    # rows like the labelled anomalies score high as new rows too
    near_cluster = pd.DataFrame([[1.5, 1.5, 0.0, 0.0]], columns=list("abcd"))
    assert learned.model.score(near_cluster).scores[0] > np.median(learned.scores)


def test_save_load_round_trip(case, learned):
    df, _, _, _ = case
    ref = learned.model.save("semi")
    loaded = ad.load(str(ref))
    assert loaded.score_samples(df.iloc[:50]) == pytest.approx(
        learned.model.score_samples(df.iloc[:50]))
    assert loaded.threshold_ == learned.model.threshold_
    again = pickle.loads(pickle.dumps(learned.model))
    assert again.predict(df.iloc[:50]).tolist() == learned.model.predict(df.iloc[:50]).tolist()


def test_feedback_path_and_result_method(case):
    _, y, res, _ = case
    res.feedback = {res.data.index[0]: 1, res.data.index[1]: 1}
    try:
        new = res.learn()
        assert new.feedback == res.feedback and new.feedback is not res.feedback
        assert new.scores[y == 1].mean() > res.scores[y == 1].mean()
        again = new.learn()  # learning again starts from the unsupervised detector
        assert isinstance(again.model.detector_.base, type(res.model.detector_))
    finally:
        res.feedback = {}


def test_labelled_normal_rows_go_down(case, learned):
    _, _, res, labels = case
    top = int(np.argmax(res.scores))  # a benign extreme row
    with_normal = labels.copy()
    with_normal[top] = 0
    new = learn_from_labels(res, with_normal)
    assert res.rank[top] == 1 and new.rank[top] > 1 and new.rank[top] >= learned.rank[top]
    row = np.asarray(res.features, dtype=float)[top:top + 1]

    def evidence(result):
        det = result.model.detector_
        return float(det._evidence(det._standardise(row))[0])

    assert evidence(new) <= evidence(learned)  # told it is normal: not more like the marks
    assert evidence(new) < 0.05


def test_series_labels_are_aligned_on_the_index(case, learned):
    _df, _, res, _labels = case
    series = pd.Series({res.data.index[i]: 1 for i in (2, 0, 1)})
    assert learn_from_labels(res, series).scores == pytest.approx(learned.scores)


@pytest.mark.parametrize(("labels", "kwargs", "match"), [
    (None, {}, "at least one row labelled 1"),
    ("zeros", {}, "at least one row labelled 1"),
    ("twos", {}, "1 \\(anomaly\\), 0"),
    ("short", {}, "values for 1500 rows"),
    ("ones", {"random_state": -1.5}, "random_state"),
])
def test_errors(case, labels, kwargs, match):
    _, y, res, _ = case
    values = {None: None, "zeros": np.zeros(len(y)), "twos": np.full(len(y), 2.0),
              "short": np.ones(3), "ones": np.ones(len(y))}[labels]
    with pytest.raises(ParameterError, match=match) as info:
        learn_from_labels(res, values, **kwargs)
    assert isinstance(info.value, JupyterADError)


def test_exported():
    assert ad.learn_from_labels is learn_from_labels
    assert "learn_from_labels" in ad.__all__


def test_marks_with_nothing_in_common_keep_the_unsupervised_ranking():
    """Three "anomalies" drawn like every other row: nothing to learn, the ranking is kept
    and the summary says so."""
    rng = np.random.default_rng(11)
    df = pd.DataFrame(rng.normal(size=(800, 3)), columns=list("xyz"))
    res = ad.detect(df, "iforest", random_state=0)
    labels = np.full(len(df), np.nan)
    labels[rng.choice(np.flatnonzero(res.rank > 200), 3, replace=False)] = 1
    new = learn_from_labels(res, labels)
    assert new.model.detector_.fallback_ and new.model.detector_.weight_ == 0.0
    np.testing.assert_array_equal(new.scores, res.scores)
    assert "kept the unsupervised ranking" in new.summary()


def test_a_large_weight_must_halve_the_held_out_error():
    """Weights above 2 are taken only when they halve the share of unmarked rows on the wrong
    side of the held-out marks; a small gain is not enough."""
    from jupyter_ad.evaluate.learn import _held_out_check

    t = np.linspace(0.0, 5.0, 101)  # row 90 is marked; the 10 unmarked rows above it
    evidence = np.zeros(101)  # (t 4.55 .. 5.0) get no evidence
    labelled = np.array([90])
    # held-out evidence 0.03: weight 8 lifts the mark to 4.74 (5-6 rows above), not half of 10
    small = _held_out_check(t, evidence, np.array([0.03]), labelled, n_pos=1)
    assert small["weight"] == 2.0 and small["re-ranked"] < small["unsupervised"]
    # held-out evidence 0.1: weight 8 lifts it to 5.3, above every unmarked row
    large = _held_out_check(t, evidence, np.array([0.1]), labelled, n_pos=1)
    assert large["weight"] == 8.0 and large["re-ranked"] == 0.0


def test_a_weight_needs_most_marks_to_agree_or_a_clear_gain():
    """A slightly lower mean error is not enough when it comes from one mark. Under weight 1
    mark A (row 90) climbs above all 10 rows over it while mark B (row 80) drops 8 places
    (rows 72-79 have evidence, B has none): the mean falls by 7% (14.5 -> 13.5 rows) with one
    mark better and one worse, so weight 0. A larger gain of the same split (B dropping 3
    places: 14.5 -> 11 rows, a quarter) counts on its own."""
    from jupyter_ad.evaluate.learn import _CLEAR_GAIN, _held_out_check

    t = np.linspace(0.0, 5.0, 101)
    evidence = np.zeros(101)
    evidence[70:80] = 0.45
    split = _held_out_check(t, evidence, np.array([0.5, 0.0]), np.array([90, 80]), n_pos=2)
    assert split["weight"] == 0.0
    evidence[:] = 0.0
    evidence[75:80] = 0.2
    clear = _held_out_check(t, evidence, np.array([0.5, 0.0]), np.array([90, 80]), n_pos=2)
    assert clear["weight"] > 0
    assert clear["re-ranked"] <= (1 - _CLEAR_GAIN) * clear["unsupervised"]


@pytest.mark.parametrize(("n_up", "n_down", "taken"), [(7, 4, False), (11, 0, True)])
def test_a_majority_of_marks_must_be_more_than_chance(n_up, n_down, taken):
    """Eleven marked anomalies near the top, each some 50-100 unmarked rows below the top.
    Under weight 1 some climb one place and some drop one: far from a tenth of the error, so
    only the marks' majority can carry the weight, and 7 up against 4 down is what chance
    gives (a sign test at two sigmas: 3 < 2 sqrt(11)); 11 up and none down is not."""
    from jupyter_ad.evaluate.learn import _held_out_check

    t = np.linspace(0.0, 5.0, 1001)
    evidence = np.zeros(1001)
    labelled = np.arange(900, 955, 5)[: n_up + n_down]  # 11 marks, 5 rows apart
    held = np.zeros(labelled.size)
    held[:n_up] = 0.006  # one step of t is 0.005: these pass the unmarked row above them
    evidence[labelled[n_up:] - 1] = 0.006  # the row below each other mark passes it
    found = _held_out_check(t, evidence, held, labelled, n_pos=labelled.size)
    assert found["rule"] == "unmarked rows"
    assert found["re-ranked"] > 0.9 * found["unsupervised"]  # no clear gain
    assert (found["weight"] > 0) is taken


def test_marks_of_both_kinds_decide_by_their_pairs():
    """Marks from the top of the ranking: anomalies at rows 95 and 90, a normal row at 93
    ranked between them. Held-out evidence 0.3 for the anomalies and 0 for the normal row:
    weight 1 orders all pairs right where the unsupervised score orders half, so the pairs
    pick the smallest weight that does, even though the unmarked rows above the marks
    (with evidence of their own) do not fall."""
    from jupyter_ad.evaluate.learn import _held_out_check

    t = np.linspace(0.0, 5.0, 101)
    evidence = np.full(101, 0.3)
    labelled = np.array([95, 90, 93])
    found = _held_out_check(t, evidence, np.array([0.3, 0.3, 0.0]), labelled, n_pos=2)
    assert found["rule"] == "pairs" and found["weight"] == 1.0
    assert found["pairs unsupervised"] == 0.5 and found["pairs re-ranked"] == 1.0
    # the same marks with no evidence to tell them apart: the pairs cannot decide, the
    # unmarked rows do (and find nothing either)
    same = _held_out_check(t, evidence, np.array([0.3, 0.3, 0.3]), labelled, n_pos=2)
    assert same["rule"] == "unmarked rows" and same["weight"] == 0.0


def test_a_large_weight_by_the_pairs_must_not_add_rows_above_the_marks():
    """Marked anomalies at rows 97 and 96 (t 4.85, 4.80) with held-out evidence 0.02, a marked
    normal row above them at 99 (t 4.95): only weight 8 (+0.16) orders the pairs right. With
    20 low-scoring unmarked rows of evidence 0.9, weight 8 would also lift them above the
    marked anomalies, so it is refused and the ranking kept; without them it is taken."""
    from jupyter_ad.evaluate.learn import _held_out_check

    t = np.linspace(0.0, 5.0, 101)
    evidence = np.zeros(101)
    evidence[10:30] = 0.9  # unmarked rows that look like the marks but score low
    labelled = np.array([97, 96, 99])  # anomalies, then the normal row above them
    held = np.array([0.02, 0.02, 0.0])
    refused = _held_out_check(t, evidence, held, labelled, n_pos=2)
    assert refused["pairs unsupervised"] == 0.0 and refused["weight"] == 0.0
    evidence[10:30] = 0.0
    taken = _held_out_check(t, evidence, held, labelled, n_pos=2)
    assert taken["rule"] == "pairs" and taken["weight"] == 8.0
    assert taken["pairs re-ranked"] == 1.0


def test_normal_marks_from_the_top_go_through_the_pairs_and_the_summary(case):
    """A reviewer's marks: three of the clustered anomalies and the three highest-scoring
    (benign) rows marked normal. The weight is chosen by the marks' pairs, the summary says
    so with both shares, and AP on the unmarked rows rises."""
    _, y, res, _ = case
    scores = np.asarray(res.scores)
    top_normals = [i for i in np.argsort(-scores) if y[i] == 0][:3]
    labels = np.full(len(y), np.nan)
    labels[[0, 1, 2]] = 1
    labels[top_normals] = 0
    new = learn_from_labels(res, labels)
    check = new.model.detector_.check_
    assert check["rule"] == "pairs" and check["pairs re-ranked"] > check["pairs unsupervised"]
    assert "(anomaly, normal) pairs right" in new.summary()
    free = np.isnan(labels)
    assert average_precision_score(y[free], np.asarray(new.scores)[free]) > \
        2 * average_precision_score(y[free], scores[free])


def test_marks_with_no_row_unlike_them_keep_the_ranking():
    """Every row marked an anomaly: there is nothing to tell the marks from, so no classifier
    is fitted; the result keeps the unsupervised scores, says why, and its model still scores
    and pickles."""
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(12, 3)), columns=list("abc"))
    res = ad.detect(df, "iforest", random_state=0)
    new = learn_from_labels(res, np.ones(12))
    assert new.model.detector_.forest_ is None and new.model.detector_.fallback_
    np.testing.assert_array_equal(new.scores, res.scores)
    assert "no unmarked row is unlike the marks" in new.summary()
    again = pickle.loads(pickle.dumps(new.model))
    np.testing.assert_allclose(again.score_samples(df), res.model.score_samples(df))


def test_the_evidence_is_the_forests_predict_proba(learned):
    """The tree-by-tree evidence (the fast path of single rows) equals scikit-learn's
    ``predict_proba`` of the fitted forest."""
    detector = learned.model.detector_
    z = detector._standardise(np.asarray(learned.features, dtype=np.float64))
    np.testing.assert_allclose(detector._evidence(z),
                               detector.forest_.predict_proba(z)[:, 1], atol=1e-12)
