"""Spark local mode: model.score(spark_df) through mapInPandas equals in-process scoring."""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ColumnMismatchError

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (extra [spark])")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime: Spark needs Java 17+ (make test installs "
                "default-jre-headless)", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("jupyter-ad-test")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .getOrCreate())
    yield session
    session.stop()


def test_spark_scores_equal_in_process_scores(spark):
    data = ad.datasets.load_transactions(n_rows=1500)
    frame = data.drop(columns=["is_anomaly", "timestamp"])
    model = ad.fit(frame.iloc[:1000], "iforest")
    new = frame.iloc[1000:].reset_index(drop=True)
    sdf = spark.createDataFrame(new).repartition(3)  # rows spread over three partitions
    scored = model.score(sdf)
    assert type(scored).__module__.startswith("pyspark")  # lazy: nothing computed yet
    assert scored.columns == [*new.columns, "score", "label", "confidence"]
    got = scored.toPandas().sort_values("transaction_id").reset_index(drop=True)
    expected = model.score(new)
    order = np.argsort(new["transaction_id"].to_numpy())
    np.testing.assert_allclose(got["score"], expected.scores[order], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(got["label"], expected.labels[order])
    np.testing.assert_allclose(got["confidence"], expected.confidence[order], rtol=1e-12)
    assert got["label"].sum() > 0


def test_spark_output_column_clash_is_named(spark):
    frame = pd.DataFrame({"a": np.arange(50.0), "score": np.arange(50.0)})
    model = ad.fit(frame[["a"]], "iforest")
    with pytest.raises(ColumnMismatchError, match="'score'"):
        model.score(spark.createDataFrame(frame))
