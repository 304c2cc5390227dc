"""``check`` and ``detect`` agree on every column: one classifier (jupyter_ad/data/columns.py).

A table of column kinds is read from a DataFrame, a CSV file and a Parquet file; for each
source the quality report's kind and treatment are compared with what the preprocessing of
``ad.detect`` did to the same column (and with the kind it recorded in the model's schema).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.cli.main import main as cli_main
from jupyter_ad.data.columns import classify_column, coerce_datetime, coerce_numeric
from jupyter_ad.errors import DataQualityWarning, MixedTypesError

N = 120


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    stamps = pd.date_range("2024-01-01", periods=N, freq="17h")
    num = rng.normal(size=N)
    num[4] = np.nan
    flag_na = pd.Series(rng.random(N) > 0.5, dtype=object)
    flag_na[3] = None
    num_text_na = pd.Series([f"{v:.3f}" for v in rng.normal(size=N)], dtype=object)
    num_text_na[[2, 9]] = None
    return pd.DataFrame({
        "num": num,
        "count": rng.poisson(3, N),
        "num_text": [f"{v:.2f}" for v in rng.normal(50, 5, N)],
        "num_text_na": num_text_na,
        "flag": rng.random(N) > 0.3,
        "flag_text": rng.choice(["true", "false"], N),
        "flag_na": flag_na,
        "date_iso": stamps.strftime("%Y-%m-%d"),
        "date_us": stamps.strftime("%m/%d/%Y"),
        "date_time": stamps.strftime("%Y-%m-%d %H:%M"),
        "date_named": stamps.strftime("%d %b %Y"),
        "date_dayfirst": stamps.strftime("%d/%m/%Y %H:%M"),
        "stamp": stamps,
        "stamp_tz": stamps.tz_localize("Europe/Paris"),
        "duration": pd.to_timedelta(rng.choice([30, 60, 90, 600], N), unit="s"),
        "city": rng.choice(["paris", "lyon", "nice", "brest"], N),
        "grade": pd.Categorical(rng.choice(list("abc"), N)),
        "name": [f"n{i % 80}" for i in range(N)],
        "user_id": [f"u{i:05d}" for i in range(N)],
        "row_id": np.arange(N),
        "num_id_text": [f"{i:06d}" for i in range(N)],
        "const": 7,
        "const_text": "x",
        "empty": np.nan,
        "amount_na_text": [("n/a" if i % 15 == 0 else f"{i * 1.5:.1f}") for i in range(N)],
    })


# kind and treatment per column when read from a DataFrame or Parquet (CSV: overrides below)
EXPECTED = {
    "num": ("numeric", "number"),
    "count": ("numeric", "number"),
    "num_text": ("numeric", "number"),
    "num_text_na": ("numeric", "number"),
    "flag": ("boolean", "0/1"),
    "flag_text": ("boolean", "0/1"),
    "flag_na": ("boolean", "0/1"),
    "date_iso": ("datetime", "calendar parts"),
    "date_us": ("datetime", "calendar parts"),
    "date_time": ("datetime", "calendar parts"),
    "date_named": ("datetime", "calendar parts"),
    "date_dayfirst": ("datetime", "calendar parts"),
    "stamp": ("datetime", "calendar parts"),
    "stamp_tz": ("datetime", "calendar parts"),
    "duration": ("numeric", "number"),
    "city": ("categorical", "category"),
    "grade": ("categorical", "category"),
    "name": ("categorical", "category"),
    "user_id": ("categorical", "dropped"),
    "row_id": ("numeric", "dropped"),
    "num_id_text": ("numeric", "dropped"),
    "const": ("numeric", "dropped"),
    "const_text": ("categorical", "dropped"),
    "empty": ("empty", "dropped"),
    "amount_na_text": ("mixed", "refused"),
}
CSV_OVERRIDES = {
    "amount_na_text": ("numeric", "number"),  # pandas reads "n/a" in a CSV as missing
}


def _sources(tmp_path: Path) -> dict[str, object]:
    frame = _table()
    csv, parquet = tmp_path / "t.csv", tmp_path / "t.parquet"
    frame.to_csv(csv, index=False)
    frame.to_parquet(parquet, index=False)
    return {"frame": frame, "csv": csv, "parquet": parquet}


def _detect_treatments(source: object, columns: list[str]) -> tuple[dict[str, str],
                                                                     dict[str, str]]:
    """What ad.detect did to each column (treatment) and the kinds in the model's schema."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        res = ad.detect(source, algorithm="iforest", exclude=columns or None)
    report = res.preprocessing
    out = {}
    for name in [*report.used_columns, *report.dropped]:
        if name in report.dropped:
            out[name] = "dropped"
        elif name in report.expanded:
            out[name] = "calendar parts"
        elif name in report.encoded:
            out[name] = "category"
        else:
            out[name] = "number-or-0/1"
    return out, dict(res.model.preprocessor_.schema_.kinds)


@pytest.mark.parametrize("source_name", ["frame", "csv", "parquet"])
def test_check_and_detect_agree_on_every_column(tmp_path: Path, source_name: str) -> None:
    source = _sources(tmp_path)[source_name]
    expected = {**EXPECTED, **(CSV_OVERRIDES if source_name == "csv" else {})}
    report = ad.check_data(source)
    seen = {c.name: (c.kind, c.treatment) for c in report.columns}
    assert seen == expected

    refused = [name for name, (_, how) in expected.items() if how == "refused"]
    done, kinds = _detect_treatments(source, refused)
    for name, (kind, how) in expected.items():
        if how == "refused":
            continue
        assert done[name] == ("number-or-0/1" if how in ("number", "0/1") else how), name
        if how != "dropped":
            assert kinds[name] == kind, name  # the model's schema records the same kind
    assert set(done) == set(expected) - set(refused)

    for name in refused:  # the report says "refused": detection raises, naming the column
        with pytest.raises(MixedTypesError, match=repr(name)):
            ad.detect(source, algorithm="iforest", features=["num", name])
        issue = next(i for i in report.issues if i.startswith(repr(name)))
        assert "n/a" in issue and "pd.to_numeric" in issue


def test_dropped_columns_are_the_reports_dropped_columns(tmp_path: Path) -> None:
    frame = _table().drop(columns=["amount_na_text"])
    report = ad.check_data(frame)
    with pytest.warns(DataQualityWarning) as caught:
        res = ad.detect(frame, algorithm="iforest")
    dropped = {c.name for c in report.columns if c.treatment == "dropped"}
    assert set(res.preprocessing.dropped) == dropped
    warned = {str(w.message).split("'")[1] for w in caught}
    assert warned == dropped
    # the same words in both places
    assert "ID" in res.preprocessing.dropped["user_id"] and report["user_id"].id_like
    assert "constant" in res.preprocessing.dropped["const"] and report["const"].is_constant


def test_a_csv_timestamp_is_a_date_in_check_and_in_detect(tmp_path: Path, capsys) -> None:
    path = tmp_path / "events.csv"
    rng = np.random.default_rng(3)
    pd.DataFrame({
        "when": pd.date_range("2026-01-01", periods=300, freq="13min").strftime(
            "%Y-%m-%d %H:%M:%S"),
        "amount": rng.lognormal(3, 1, 300),
    }).to_csv(path, index=False)
    assert cli_main(["check", str(path), "--json"]) == 0
    import json

    column = next(c for c in json.loads(capsys.readouterr().out)["columns"]
                  if c["name"] == "when")
    assert column["kind"] == "datetime" and column["treatment"] == "calendar parts"
    assert cli_main(["check", str(path)]) == 0
    text = capsys.readouterr().out
    assert "consider dropping" not in text and "looks like an ID" not in text
    res = ad.detect(str(path), algorithm="iforest")
    assert res.preprocessing.expanded["when"][0].startswith("when.")
    assert "when" not in res.preprocessing.dropped


@pytest.mark.parametrize(("values", "kind"), [
    (["1", "2", "x"] * 10, "mixed"),  # two thirds numbers: refused, naming the odd row
    (["1", "a", "b"] * 10, "categorical"),  # mostly text: categories
    (["2024-01-05", "2024-02-05", "soon"] * 10, "mixed"),
    ([" TRUE", "False "] * 10, "boolean"),
    (["1e3", "-.5", "+7", "inf", " 4 "] * 6, "numeric"),
])
def test_text_is_classified_from_every_value(values: list[str], kind: str) -> None:
    column = pd.Series(values)
    late = pd.Series(["1"] * 3000 + ["n/a"])  # the odd value far beyond any sample
    assert ad.check_data(pd.DataFrame({"v": column}))["v"].kind == kind
    if kind == "mixed":
        with pytest.raises(MixedTypesError, match="row 2 has"):
            classify_column("v", column)
        with pytest.raises(MixedTypesError, match="row 3000 has 'n/a'"):
            classify_column("v", late)
    else:
        assert classify_column("v", column) == kind
    if kind in ("numeric", "boolean"):
        numbers = coerce_numeric("v", column)
        assert np.isfinite(numbers[:4]).all() or kind == "numeric"
        if kind == "boolean":
            assert list(numbers[:2]) == [1.0, 0.0]
        else:
            assert list(numbers[:5]) == [1000.0, -0.5, 7.0, np.inf, 4.0]


def test_day_first_dates_and_durations_as_text() -> None:
    stamps = pd.date_range("2026-01-01", periods=40, freq="19h")
    text = pd.Series(stamps.strftime("%d/%m/%Y %H:%M"))  # 01/02/2026 is the 1st of February
    parsed = coerce_datetime("t", text)
    assert (parsed == stamps).all()
    durations = pd.Series(pd.to_timedelta(np.arange(30) * 97, unit="s")).astype(str)
    assert durations.iloc[1] == "0 days 00:01:37"
    assert classify_column("d", durations) == "numeric"
    np.testing.assert_array_equal(coerce_numeric("d", durations), np.arange(30) * 97.0)


def test_dates_are_parsed_once_per_distinct_value_and_in_utc() -> None:
    text = pd.Series(["2024-03-01T10:00:00+01:00", "2024-03-01T10:00:00Z", None] * 4)
    stamps = coerce_datetime("t", text)
    assert stamps.iloc[0] == pd.Timestamp("2024-03-01 09:00") and pd.isna(stamps.iloc[2])
    assert stamps.iloc[1] == pd.Timestamp("2024-03-01 10:00")
    periods = pd.Series(pd.period_range("2024-01", periods=3, freq="M"))
    assert classify_column("p", periods) == "datetime"
    assert list(coerce_datetime("p", periods).dt.month) == [1, 2, 3]
