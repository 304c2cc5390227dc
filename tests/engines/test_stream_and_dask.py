"""Bounded-memory Parquet scoring and the Dask engine give the same scores as in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.engines import score_partition
from jupyter_ad.io.stream import sample_parquet, score_parquet


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(20_000, 5)), columns=list("abcde"))
    df["kind"] = rng.choice(["x", "y", "z"], len(df))
    df.loc[:20, "a"] += 9
    return df


@pytest.fixture(scope="module")
def model(frame):
    return ad.fit(frame)


def test_score_parquet_streams_equal_scores(tmp_path, frame, model):
    source, target = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame.to_parquet(source, row_group_size=3000)
    summary = score_parquet(model, source, target, batch_rows=4096)
    out = pd.read_parquet(target)
    assert summary["n_rows"] == len(frame) == len(out)
    np.testing.assert_allclose(out["score"], model.score_samples(frame), rtol=1e-10)
    assert summary["n_anomalies"] == int(out["label"].sum())
    assert list(out.columns[:6]) == list(frame.columns)


def test_score_parquet_failure_leaves_no_partial_file(tmp_path, frame, model):
    source, target = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame.drop(columns="a").to_parquet(source)
    with pytest.raises(ad.ColumnMismatchError, match="'a'"):
        score_parquet(model, source, target)
    assert not target.exists()
    assert not list(tmp_path.glob(".out.parquet.*"))


def test_sample_parquet_is_seeded_and_bounded(tmp_path, frame):
    source = tmp_path / "in.parquet"
    frame.to_parquet(source, row_group_size=1000)
    a = sample_parquet(source, 500, seed=1, batch_rows=700)
    b = sample_parquet(source, 500, seed=1, batch_rows=2000)
    assert len(a) == 500
    pd.testing.assert_frame_equal(a, b)
    assert len(sample_parquet(source, 10**9)) == len(frame)


def test_score_partition_is_pure(frame, model):
    part = frame.iloc[100:200]
    alone = score_partition(part, model)
    inside = score_partition(frame.iloc[:1000], model).loc[part.index]
    pd.testing.assert_frame_equal(alone, inside)


@pytest.mark.slow
@pytest.mark.xdist_group("dask")
def test_dask_scoring_on_a_two_worker_cluster_equals_in_process(frame, model):
    import dask.dataframe as dd

    from jupyter_ad.engines.dask_engine import local_client

    ddf = dd.from_pandas(frame, npartitions=4)
    with local_client(n_workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        lazy = model.score(ddf)
        scored = lazy.compute()
    expected = score_partition(frame, model)
    pd.testing.assert_frame_equal(scored.sort_index(), expected)


def test_fit_on_a_sample_of_a_parquet_file(tmp_path, frame):
    source = tmp_path / "in.parquet"
    frame.to_parquet(source, row_group_size=2000)
    model = ad.fit(str(source), max_rows=5000, algorithm="ecod")
    assert model.metrics_["n_rows"] == 5000
    again = ad.fit(str(source), max_rows=5000, algorithm="ecod")
    np.testing.assert_array_equal(model.score_samples(frame.iloc[:50]),
                                  again.score_samples(frame.iloc[:50]))
    assert ad.fit(frame, max_rows=300).metrics_["n_rows"] == 300
    with pytest.raises(ad.ParameterError, match="max_rows"):
        ad.fit(frame, max_rows=1)


@pytest.mark.slow
@pytest.mark.xdist_group("dask")
def test_detect_with_the_dask_engine_equals_in_process_scoring(frame):
    import dask.dataframe as dd

    res = ad.detect(frame, engine="dask")
    expected = ad.fit(frame).score(frame)
    np.testing.assert_allclose(res.scores, expected.scores, rtol=1e-10)
    assert res.n_anomalies == expected.n_anomalies and len(res) == len(frame)
    from_dask = ad.detect(dd.from_pandas(frame, npartitions=3), engine="dask")
    np.testing.assert_allclose(from_dask.scores,
                               expected.scores, rtol=1e-10)
    with pytest.raises(ad.ParameterError, match="engine"):
        ad.detect(frame, engine="spark")
