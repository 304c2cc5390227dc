"""ad.detect / ad.fit / DetectionResult / AnomalyModel behaviour."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import jupyter_ad as ad
from jupyter_ad.core.auto import LARGE_DATA_ROWS, choose_algorithm
from tests.conftest import planted_frame


def test_detect_with_no_arguments_finds_planted_outliers(planted):
    df, y = planted
    res = ad.detect(df)
    assert isinstance(res, ad.DetectionResult)
    assert np.isfinite(res.scores).all()
    assert roc_auc_score(y, res.scores) > 0.99
    assert set(np.flatnonzero(y)) <= set(np.flatnonzero(res.labels))
    assert res.n_anomalies < 0.1 * len(df)  # not a hard-coded 10%
    assert res.model.auto_reason_


def test_auto_default_is_not_a_fixed_share():
    rates = []
    for n_out in (2, 20):
        df, _ = planted_frame(n=400, n_out=n_out)
        rates.append(ad.detect(df).n_anomalies)
    assert rates[0] < rates[1]


def test_auto_choice_depends_on_size():
    assert choose_algorithm(2, 3)[0] == "ecod"
    assert choose_algorithm(1000, 5)[0] == ["iforest", "sampled_knn"]
    assert choose_algorithm(LARGE_DATA_ROWS, 20)[0] == ["iforest", "sampled_knn"]
    assert choose_algorithm(LARGE_DATA_ROWS + 1, 5)[0] == "iforest"
    assert choose_algorithm(LARGE_DATA_ROWS, 21)[0] == "iforest"  # too many values for k-NN


@pytest.mark.parametrize("kind", ["pandas", "numpy", "polars", "pyarrow", "dict", "csv", "tsv",
                                  "parquet", "jsonl", "json", "csv.gz", "semicolon"])
def test_every_input_kind_gives_the_same_scores(kind, planted, tmp_path):
    df, _ = planted
    expected = ad.detect(df, algorithm="ecod").scores
    if kind == "pandas":
        data = df
    elif kind == "numpy":
        data = df.to_numpy()
    elif kind == "polars":
        import polars as pl

        data = pl.from_pandas(df)
    elif kind == "pyarrow":
        import pyarrow as pa

        data = pa.Table.from_pandas(df)
    elif kind == "dict":
        data = {c: df[c].to_numpy() for c in df.columns}
    else:
        data = tmp_path / f"data.{kind.replace('semicolon', 'csv')}"
        if kind in ("csv", "csv.gz"):
            df.to_csv(data, index=False)
        elif kind == "semicolon":
            df.to_csv(data, index=False, sep=";")
        elif kind == "tsv":
            df.to_csv(data, index=False, sep="\t")
        elif kind == "parquet":
            df.to_parquet(data)
        elif kind == "jsonl":
            df.to_json(data, orient="records", lines=True)
        else:
            df.to_json(data, orient="records")
        data = str(data)
    np.testing.assert_allclose(ad.detect(data, algorithm="ecod").scores, expected, rtol=1e-6)


def test_thresholds_contamination_threshold_top_k(planted):
    df, _ = planted
    assert ad.detect(df, contamination=0.1).n_anomalies == 30
    res = ad.detect(df, top_k=7)
    assert res.n_anomalies == 7
    assert set(np.flatnonzero(res.labels)) == set(np.argsort(-res.scores)[:7])
    explicit = ad.detect(df, threshold=float(np.median(res.scores)))
    assert explicit.n_anomalies == int((res.scores > np.median(res.scores)).sum())
    assert ad.detect(df, top_k=0).n_anomalies == 0


def test_moving_the_threshold_relabels(planted):
    df, _ = planted
    res = ad.detect(df)
    res.threshold = float(np.quantile(res.scores, 0.5))
    assert res.n_anomalies == int((res.scores > res.threshold).sum())
    assert res.to_dict()["threshold"]["method"] == "score"


def test_confidence_is_lower_near_the_threshold(planted):
    df, _ = planted
    res = ad.detect(df)
    conf = res.confidence
    assert ((conf >= 0) & (conf <= 1)).all()
    distance = np.abs(res.scores - res.threshold)
    near, far = np.argsort(distance)[:10], np.argsort(distance)[-10:]
    assert conf[near].mean() < conf[far].mean()
    assert conf[far].min() > 0.95


def test_rank_top_and_frame(planted):
    df, _ = planted
    res = ad.detect(df)
    assert res.rank[np.argmax(res.scores)] == 1
    assert sorted(res.rank) == list(range(1, len(df) + 1))
    frame = res.to_frame()
    assert list(frame.columns[-4:]) == ["score", "label", "confidence", "rank"]
    assert frame.index.equals(df.index)
    top = res.top(5)
    assert list(top["rank"]) == [1, 2, 3, 4, 5]
    assert (np.diff(top["score"]) <= 0).all()


def test_output_columns_do_not_overwrite_input_columns(planted):
    df, _ = planted
    res = ad.detect(df.assign(score=np.arange(len(df)) % 7))
    frame = res.to_frame()
    assert (frame["score"] == np.arange(len(df)) % 7).all()
    assert "score_ad" in frame.columns


def test_to_dict_is_json(planted):
    df, _ = planted
    payload = ad.detect(df).to_dict()
    text = json.dumps(payload)
    assert json.loads(text)["n_rows"] == len(df)
    assert len(payload["scores"]) == len(df)


def test_summary_names_the_driving_column():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(500, 4)), columns=["a", "b", "amount", "d"])
    df.loc[:9, "amount"] += 12
    text = ad.detect(df).summary()
    assert "anomal" in text and "500 rows" in text
    assert "Columns that drive them most: amount" in text
    assert "confidence" in text


def test_fit_once_score_later_never_refits(planted):
    df, _ = planted
    model = ad.fit(df.iloc[100:])
    new = df.iloc[:100]
    res = model.score(new)
    assert len(res) == 100
    assert res.threshold == model.threshold_
    again = model.score(new)
    np.testing.assert_array_equal(res.scores, again.scores)
    np.testing.assert_allclose(model.score_samples(new.iloc[[5]]), res.scores[5:6])
    np.testing.assert_array_equal(model.predict(new), res.labels)


def test_preprocessing_is_reported_and_saved(mixed_frame, tmp_path):
    model = ad.fit(mixed_frame)
    report = model.preprocessor_.report_
    assert "id" in report.dropped and "const" in report.dropped
    assert report.imputed["amount"] == 1
    assert "city" in report.encoded
    assert "when" in report.expanded
    res = ad.detect(mixed_frame)
    assert res.rank[7] <= 3  # amount 5000 among lognormal(3, .5)
    model.save("mixed", root=tmp_path)
    loaded = ad.load("mixed", root=tmp_path)
    new = mixed_frame.iloc[:20].copy()
    new.loc[0, "city"] = "marseille"  # unseen category: scored as rarest, no error
    np.testing.assert_allclose(loaded.score_samples(new), model.score_samples(new))


def test_features_and_exclude(planted):
    df, _ = planted
    assert ad.fit(df, features=["f0", "f1"]).feature_names == ["f0", "f1"]
    assert ad.fit(df, exclude=["f0"]).feature_names == ["f1", "f2", "f3"]


def test_ensemble_by_list(planted):
    df, y = planted
    res = ad.detect(df, algorithm=["iforest", "hbos"], params={"iforest": {"n_estimators": 50}})
    assert res.algorithm == "iforest+hbos"
    assert roc_auc_score(y, res.scores) > 0.99


def test_random_state_makes_runs_reproducible(planted):
    df, _ = planted
    a = ad.detect(df, algorithm="iforest").scores
    b = ad.detect(df, algorithm="iforest").scores
    c = ad.detect(df, algorithm="iforest", random_state=1).scores
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_categorical_rarity_is_anomalous():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=300), "kind": ["common"] * 299 + ["rare"]})
    res = ad.detect(df)
    assert res.rank[299] == 1


def test_models_listing(planted, tmp_path):
    df, _ = planted
    ad.fit(df, algorithm="ecod").save("fraud", root=tmp_path)
    ad.fit(df, algorithm="hbos").save("fraud", root=tmp_path)
    table = ad.models(root=tmp_path)
    assert list(table["version"]) == [1, 2]
    assert list(table["algorithm"]) == ["ecod", "hbos"]
    assert ad.load("fraud", root=tmp_path).algorithm == "hbos"
    assert ad.load("fraud@1", root=tmp_path).algorithm == "ecod"


def test_altered_model_is_refused_unless_trusted(planted, tmp_path):
    df, _ = planted
    ref = ad.fit(df, algorithm="ecod").save("m", root=tmp_path)
    pkl = ref.path / "model.pkl"
    pkl.write_bytes(pkl.read_bytes() + b"\x00")
    with pytest.raises(ad.UntrustedModelError, match="trusted=True"):
        ad.load("m", root=tmp_path)
