"""Tests of jupyter_ad.data.quality.check_data and its report."""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd
import pytest

from jupyter_ad.data.quality import KINDS, ColumnQuality, DataQualityReport, check_data
from jupyter_ad.errors import EmptyDataError, JupyterADError, UnsupportedInputError

N = 200


@pytest.fixture
def messy() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    amount = rng.normal(100, 10, N)
    amount[[3, 7, 11]] = [np.inf, -np.inf, np.inf]
    x = rng.normal(size=N)
    x[: int(0.4 * N)] = np.nan
    return pd.DataFrame({
        "user_id": [f"u{i:04d}" for i in range(N)],
        "amount": amount,
        "mix": pd.Series([1, "a"] * (N // 2), dtype=object),
        "x": x,
        "c": 7,
        "s": np.r_[np.zeros(N - 1), 1000.0],
        "city": [f"city{i % 120}" for i in range(N)],
        "flag": [True, False] * (N // 2),
        "grade": pd.Series(list("abcd") * (N // 4), dtype="category"),
        "when": pd.date_range("2024-01-01", periods=N, freq="h", tz="Europe/Paris"),
        "nothing": np.nan,
        "tags": pd.Series([[i % 3, "t"] for i in range(N)]),
    })


@pytest.fixture
def report(messy: pd.DataFrame) -> DataQualityReport:
    return check_data(messy)


def issues_for(report: DataQualityReport, name: str) -> list[str]:
    return [i for i in report.issues if i.startswith(repr(name))]


# --- kinds -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("column", "kind"),
    [("user_id", "categorical"), ("amount", "numeric"), ("mix", "mixed"), ("x", "numeric"),
     ("c", "numeric"), ("city", "categorical"), ("flag", "boolean"), ("grade", "categorical"),
     ("when", "datetime"), ("nothing", "empty"), ("tags", "mixed")],
)
def test_kind_of_each_column(report: DataQualityReport, column: str, kind: str) -> None:
    assert report[column].kind == kind
    assert report[column].kind in KINDS
    assert report["user_id"].id_like and report["user_id"].treatment == "dropped"


def test_dataset_figures(report: DataQualityReport, messy: pd.DataFrame) -> None:
    assert report.n_rows == N
    assert report.n_columns == messy.shape[1]
    assert [c.name for c in report.columns] == list(messy.columns)
    assert [c.position for c in report.columns] == list(range(messy.shape[1]))
    assert report.n_duplicate_rows == 0
    assert report.duplicate_column_names == []
    assert not report.ok


def test_more_dtypes_kinds() -> None:
    df = pd.DataFrame({
        "nb": pd.array([True, None, False, True], dtype="boolean"),
        "ob": pd.Series([True, False, None, True], dtype=object),
        "i64": pd.array([5, None, 5, 9], dtype="Int64"),
        "f64": pd.array([1.5, None, 2.5, 9.0], dtype="Float64"),
        "onum": pd.Series([1, 2.5, None, 4], dtype=object),
        "td": pd.to_timedelta([1, 2, 3, 4], unit="s"),
        "odt": pd.Series([pd.Timestamp("2020-01-01")] * 4, dtype=object),
        "ostr": pd.Series(["a", "b", "a", None], dtype=object),
        "allnone": pd.Series([None] * 4, dtype=object),
        "strna": pd.Series([None] * 4, dtype="str"),
    })
    r = check_data(df)
    kinds = {c.name: c.kind for c in r.columns}
    assert kinds == {"nb": "boolean", "ob": "boolean", "i64": "numeric", "f64": "numeric",
                     "onum": "numeric", "td": "numeric", "odt": "datetime",
                     "ostr": "categorical", "allnone": "empty", "strna": "empty"}
    assert r["i64"].n_missing == 1 and r["i64"].n_unique == 2
    assert r["i64"].min == 5 and r["i64"].max == 9 and isinstance(r["i64"].min, int)
    assert r["f64"].min == 1.5 and r["f64"].max == 9.0
    assert r["onum"].min == 1.0 and r["onum"].max == 4.0
    assert r["ostr"].dtype == "object" and r["ostr"].n_unique == 2
    assert r["nb"].skew is None and r["nb"].min is None


def test_pandas3_string_dtype_is_text() -> None:
    df = pd.DataFrame({"s": ["a", "b", "c", "d"], "t": ["x", "x", "y", None]})
    assert str(df["s"].dtype) == "str"
    r = check_data(df)
    assert r["s"].kind == "categorical" and not r["s"].id_like  # 4 values: too few for an ID
    assert r["t"].kind == "categorical" and not r["t"].id_like
    many = check_data(pd.DataFrame({"s": [f"k{i}" for i in range(25)]}))
    assert many["s"].kind == "categorical" and many["s"].id_like
    assert r["t"].n_missing == 1 and r["t"].pct_missing == pytest.approx(25.0)


# --- per-column figures ----------------------------------------------------------------------
def test_missing_and_infinite(report: DataQualityReport) -> None:
    x = report["x"]
    assert x.n_missing == int(0.4 * N) and x.pct_missing == pytest.approx(40.0)
    amount = report["amount"]
    assert amount.n_infinite == 3 and amount.n_missing == 0
    assert np.isfinite(amount.min) and np.isfinite(amount.max)
    assert report["nothing"].n_missing == N and report["nothing"].pct_missing == 100.0


def test_constant_and_unique(report: DataQualityReport) -> None:
    assert report["c"].is_constant and report["c"].n_unique == 1
    assert report["nothing"].is_constant and report["nothing"].n_unique == 0
    assert not report["amount"].is_constant
    assert report["grade"].n_unique == 4
    assert report["tags"].n_unique == 3  # lists are compared by str(), not crashing


def test_high_cardinality(report: DataQualityReport) -> None:
    assert report["city"].high_cardinality and report["city"].n_unique == 120
    assert not report["grade"].high_cardinality
    assert not report["user_id"].high_cardinality  # text-id, not categorical


def test_id_like_rules() -> None:
    n = 25  # an ID needs at least 20 values (columns.ID_MIN_ROWS), as in the preprocessing
    df = pd.DataFrame({
        "inc": np.arange(10, 10 + n),
        "dec": np.arange(10 + n, 10, -1),
        "shuffled": np.r_[3, 1, 2, 0, np.arange(4, n)],
        "floats": np.arange(n, dtype=float),
        "text": [f"k{i}" for i in range(n)],
        "nullable": pd.array([*range(n - 1), None], dtype="Int64"),
        "numtext": [f"{i:05d}" for i in range(n)],
    })
    r = check_data(df)
    assert r["inc"].id_like and r["dec"].id_like and r["nullable"].id_like
    assert r["inc"].kind == "numeric" and r["numtext"].kind == "numeric"
    assert r["numtext"].id_like and r["numtext"].converted == "numbers stored as text"
    assert not r["shuffled"].id_like
    assert not r["floats"].id_like
    assert r["text"].id_like and r["text"].kind == "categorical"
    assert {c.name for c in r.columns if c.treatment == "dropped"} == {
        "inc", "dec", "nullable", "numtext", "text"}
    few = check_data(df.iloc[:19])
    assert not any(c.id_like for c in few.columns)


def test_skew_matches_scipy_on_finite_values() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    v = rng.lognormal(0, 1.5, 500)
    w = v.copy()
    w[:5] = np.inf
    w[5:10] = np.nan
    r = check_data(pd.DataFrame({"v": v, "w": w, "t": ["a"] * 500}))
    assert r["v"].skew == pytest.approx(stats.skew(v))
    assert r["w"].skew == pytest.approx(stats.skew(w[10:]))
    assert isinstance(r["v"].skew, float)
    assert r["t"].skew is None


def test_mixed_types_are_named(report: DataQualityReport) -> None:
    assert report["mix"].mixed_types == ["int", "str"]
    assert report["tags"].mixed_types == ["list"]
    assert report["amount"].mixed_types is None


def test_mixed_types_found_after_the_sample() -> None:
    values = [1.5] * 20_000 + ["oops"]
    r = check_data(pd.DataFrame({"v": pd.Series(values, dtype=object)}))
    assert r["v"].kind == "mixed"
    assert r["v"].mixed_types == ["float", "str"]


def test_dicts_and_lists_never_crash() -> None:
    df = pd.DataFrame({"d": pd.Series([{"a": 1}, [1], "s", None, {"a": 1}]), "n": range(5)})
    r = check_data(df)
    assert r["d"].kind == "mixed" and r["d"].mixed_types == ["dict", "list", "str"]
    assert r["d"].n_missing == 1 and r["d"].n_unique == 3
    assert "'d' mixes dict, list and str values" in " ".join(r.issues)
    assert ".astype(str) or drop it" in issues_for(r, "d")[0]


# --- issues ----------------------------------------------------------------------------------
def test_issue_texts_name_the_right_column(report: DataQualityReport) -> None:
    assert issues_for(report, "user_id") == [
        "'user_id' looks like an ID (every value unique): it will be dropped before detection."]
    assert issues_for(report, "amount") == [
        "'amount' has 3 infinite values: they score as more extreme than any training value."]
    assert issues_for(report, "mix") == [
        "'mix' mixes int and str values: convert it with pd.to_numeric(errors='coerce') or "
        ".astype(str)."]
    assert issues_for(report, "x") == [
        "'x' is 40.0% missing: missing values are imputed with the median."]
    assert issues_for(report, "c") == ["'c' is constant: it will be dropped."]
    assert issues_for(report, "nothing") == [
        f"'nothing' has no values (all {N} missing): it will be dropped."]
    (skew_issue,) = issues_for(report, "s")
    assert skew_issue.startswith("'s' is heavily skewed (skew ")
    assert skew_issue.endswith("): consider a log transform.")
    assert report["s"].skew > 5
    (city_issue,) = issues_for(report, "city")
    assert "120 distinct values" in city_issue and "60.0% of rows" in city_issue
    (tags_issue,) = issues_for(report, "tags")
    assert "holds list values" in tags_issue
    for clean in ("flag", "grade", "when"):
        assert issues_for(report, clean) == []


def test_missing_text_and_boolean_use_most_frequent() -> None:
    df = pd.DataFrame({"t": ["a", None, "b", "a"], "b": pd.array([True, None, False, True])})
    r = check_data(df)
    assert issues_for(r, "t") == [
        "'t' is 25.0% missing: missing values are imputed with the most frequent value."]
    assert "most frequent value" in issues_for(r, "b")[0]


def test_one_infinite_value_grammar() -> None:
    r = check_data(pd.DataFrame({"a": [1.0, np.inf, 3.0, 1.0]}))
    assert issues_for(r, "a") == [
        "'a' has 1 infinite value: it scores as more extreme than any training value."]


def test_clean_data_is_ok() -> None:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"a": rng.normal(size=100), "b": rng.choice(["x", "y", "z"], 100),
                       "c": rng.random(100) > 0.5})
    r = check_data(df)
    assert r.ok and r.issues == []
    assert "0 issues" in repr(r) and "No issues found." in repr(r)


# --- dataset level ---------------------------------------------------------------------------
def test_duplicate_rows_are_counted() -> None:
    df = pd.DataFrame({"a": [1, 2, 1, 1, np.nan, np.nan], "b": ["x", "y", "x", "z", None, None]})
    r = check_data(df)
    assert r.n_duplicate_rows == 2
    assert any(i.startswith("2 rows are exact duplicates") for i in r.issues)
    assert r.n_duplicate_rows == int(df.duplicated().sum())


def test_duplicate_rows_with_unhashable_cells() -> None:
    df = pd.DataFrame({"l": pd.Series([[1, 2], [1, 2], [3], {"k": 1}]), "n": [1, 1, 1, 1]})
    r = check_data(df)
    assert r.n_duplicate_rows == 1
    assert "1 row is an exact duplicate of an earlier row" in " ".join(r.issues)


def test_duplicate_column_names_are_handled_positionally() -> None:
    df = pd.DataFrame([[1, "a", 1.5], [2, "b", np.nan], [3, "c", 2.5]], columns=["a", "a", "b"])
    r = check_data(df)
    assert r.duplicate_column_names == ["a"]
    assert [c.name for c in r.columns] == ["a", "a", "b"]
    assert r.columns[0].kind == "numeric" and r.columns[1].kind == "categorical"
    assert r["a"] is r.columns[0]
    assert any("Column name 'a' is used by 2 columns" in i for i in r.issues)
    frame = r.to_frame()
    assert list(frame.index) == ["a", "a", "b"]


def test_non_string_column_names() -> None:
    df = pd.DataFrame(np.random.default_rng(0).normal(size=(20, 3)))
    df[1] = 1.0
    r = check_data(df)
    assert [c.name for c in r.columns] == ["0", "1", "2"]
    assert r[1] is r["1"] and r["1"].is_constant
    assert "'1' is constant: it will be dropped." in r.issues


def test_single_row() -> None:
    r = check_data(pd.DataFrame({"a": [1.0], "b": ["x"], "c": [np.nan]}))
    assert r.n_rows == 1 and r.n_duplicate_rows == 0
    assert r["a"].is_constant and r["a"].skew is None and not r["a"].id_like
    assert not r["b"].id_like and r["b"].kind == "categorical"
    assert r["c"].kind == "empty"


# --- empty input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frame", "fragment"),
    [(pd.DataFrame({"a": [], "b": []}), "0 rows"),
     (pd.DataFrame(index=range(3)), "no columns"),
     (pd.DataFrame(), "no columns")],
)
def test_empty_input_raises(frame: pd.DataFrame, fragment: str) -> None:
    with pytest.raises(EmptyDataError, match=fragment) as info:
        check_data(frame)
    assert isinstance(info.value, ValueError) and isinstance(info.value, JupyterADError)
    assert "pass" in str(info.value)  # says how to fix it


def test_zero_rows_message_names_columns() -> None:
    with pytest.raises(EmptyDataError, match="'amount'"):
        check_data(pd.DataFrame({"amount": pd.Series([], dtype=float)}))


# --- input conversion ------------------------------------------------------------------------
def test_numpy_input() -> None:
    arr = np.array([[1.0, np.inf], [np.nan, 2.0], [3.0, 3.0]])
    r = check_data(arr)
    assert r.n_rows == 3 and r.n_columns == 2
    assert r.columns[1].n_infinite == 1 and r.columns[0].n_missing == 1


def test_fallback_without_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jupyter_ad.data.readers", None)  # import now fails
    r = check_data(np.arange(6.0).reshape(3, 2) ** 2)
    assert [c.name for c in r.columns] == ["x0", "x1"]
    assert check_data(np.array([1.0, 2.0, 2.0])).n_columns == 1
    assert check_data(pd.DataFrame({"a": [1, 1]}))["a"].is_constant
    ints = check_data(pd.DataFrame([[1, 2.5, "a"], [2, 3.5, "b"]], columns=[7, 7, 8]))
    assert [c.name for c in ints.columns] == ["7", "7", "8"]
    assert ints.duplicate_column_names == ["7"] and ints[7] is ints.columns[0]
    with pytest.raises(UnsupportedInputError):
        check_data([[1, 2], [3, 4]])
    with pytest.raises(EmptyDataError):
        check_data(np.empty((0, 3)))


# --- output formats --------------------------------------------------------------------------
def test_to_dict_is_strict_json(report: DataQualityReport) -> None:
    d = report.to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["n_rows"] == N and back["issues"] == report.issues
    cols = {c["name"]: c for c in back["columns"]}
    assert cols["nothing"]["skew"] is None and cols["nothing"]["min"] is None
    assert cols["mix"]["mixed_types"] == ["int", "str"]
    assert set(cols["amount"]) == set(ColumnQuality.__dataclass_fields__)

    def walk(v: object) -> None:
        assert not isinstance(v, np.generic)
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, float):
            assert np.isfinite(v)

    walk(d)


def test_to_frame(report: DataQualityReport, messy: pd.DataFrame) -> None:
    frame = report.to_frame()
    assert list(frame.index) == list(messy.columns)
    assert frame.loc["amount", "n_infinite"] == 3
    assert frame.loc["x", "pct_missing"] == pytest.approx(40.0)
    assert frame.loc["mix", "mixed_types"] == "int, str"
    assert {"dtype", "kind", "n_unique", "is_constant", "id_like", "skew", "min", "max"} <= set(
        frame.columns)


def test_repr(report: DataQualityReport, messy: pd.DataFrame) -> None:
    text = repr(report)
    lines = text.splitlines()
    assert lines[0] == f"Data quality: {N} rows x {messy.shape[1]} columns, " \
                       f"{len(report.issues)} issues"
    for name in messy.columns:
        assert name in text
    for issue in report.issues:
        assert f"  - {issue}" in lines


def test_repr_html_escapes_names() -> None:
    df = pd.DataFrame({"<b>evil</b>": [1.0, 1.0], "ok": [1.0, 2.0]})
    r = check_data(df)
    out = r._repr_html_()
    assert "<table" in out and "<li>" in out
    assert "<b>evil</b>" not in out and "&lt;b&gt;evil&lt;/b&gt;" in out
    assert "Data quality: 2 rows x 2 columns" in out


def test_getitem_unknown_column(report: DataQualityReport) -> None:
    with pytest.raises(KeyError, match="nope"):
        report["nope"]


def test_report_is_frozen(report: DataQualityReport) -> None:
    with pytest.raises(AttributeError):
        report.n_rows = 3  # type: ignore[misc]


# --- performance -----------------------------------------------------------------------------
def test_large_frame_is_fast() -> None:
    rng = np.random.default_rng(0)
    n = 300_000
    cols: dict[str, object] = {f"f{i}": rng.normal(size=n) for i in range(14)}
    cols["id"] = np.arange(n)
    cols["s"] = pd.Series(rng.integers(0, 500, n)).astype(str)
    cols["cat"] = pd.Categorical(rng.integers(0, 10, n))
    cols["b"] = rng.random(n) > 0.5
    cols["t"] = pd.date_range("2020", periods=n, freq="s", tz="UTC")
    cols["o"] = pd.Series(rng.integers(0, 5, n)).astype(object)
    start = time.perf_counter()
    r = check_data(pd.DataFrame(cols))
    assert time.perf_counter() - start < 10
    assert r["id"].id_like and r["o"].kind == "numeric" and r["s"].kind == "numeric"
    assert r["s"].converted == "numbers stored as text" and r["s"].max == 499


def test_header_singular_and_tiny_percentages() -> None:
    v = np.random.default_rng(5).normal(size=2000)
    v[0] = np.nan
    r = check_data(pd.DataFrame({"v": v}))
    assert repr(r).splitlines()[0] == "Data quality: 2000 rows x 1 columns, 1 issue"
    assert r.issues == ["'v' is <0.1% missing: missing values are imputed with the median."]
