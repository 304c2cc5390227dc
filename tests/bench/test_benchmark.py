"""The benchmark suite: protocols, runner, reports, the paper join and ``jupyter-ad benchmark``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jupyter_ad.bench import (
    AdbenchProtocol,
    FitAllProtocol,
    build_report,
    dataset_from_arrays,
    default_reference_path,
    load_datasets,
    load_reference,
    run_benchmark,
    write_outputs,
)
from jupyter_ad.bench.runner import RESULT_COLUMNS
from jupyter_ad.cli import bench_cmd
from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import DataError, JupyterADError, ParameterError
from tests.conftest import ADBENCH, SHARED, planted_frame

# The machinery is tested on small files made here, shaped like three ADBench files (name, rows,
# features, anomalies), with a reference table like the paper's: a plain clone has no
# ../shared. Only the comparison with the real paper needs the shared ADBench files.
SHAPES = {"14_glass": (214, 7, 9), "45_wine": (129, 13, 10), "42_WBC": (223, 9, 10)}
PAPER = {"glass": {"PCA": 66.29, "HBOS": 77.23, "COPOD": 72.35, "IForest": 77.13,
                   "ECOD": 71.03, "KNN": 82.29},
         "wine": {"PCA": 84.37, "HBOS": 91.36, "COPOD": 88.65, "IForest": 80.37,
                  "ECOD": 73.33, "KNN": 45.0},
         "WBC": {"PCA": 98.2, "HBOS": 98.72, "COPOD": 99.59, "IForest": 99.03, "ECOD": 99.5,
                 "KNN": 99.0}}
REAL_REFERENCE = SHARED / "datasets" / "adbench_tableD4_aucroc.csv"
needs_adbench = pytest.mark.skipif(
    not ADBENCH.is_dir(), reason=f"needs the ADBench files in {ADBENCH} (absent in a plain clone)")
DETECTORS = "iforest,copod,hbos,pca,auto"


@pytest.fixture(scope="module")
def bench_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """ADBench-like .npz files (X, y; anomalies shifted away from Gaussian normals) and a
    reference table in the paper's format (x100, datasets as rows)."""
    folder = tmp_path_factory.mktemp("adbench-like")
    rng = np.random.default_rng(0)
    paths: dict[str, Path] = {}
    for name, (n, d, n_out) in SHAPES.items():
        X = rng.normal(size=(n, d))
        y = np.zeros(n, dtype=np.int64)
        y[rng.choice(n, n_out, replace=False)] = 1
        X[y == 1] += rng.choice([-1.0, 1.0], size=(n_out, d)) * rng.uniform(2.5, 5, (n_out, d))
        paths[name] = folder / f"{name}.npz"
        np.savez(paths[name], X=X, y=y)
    paths["reference"] = folder / "tableD4.csv"
    pd.DataFrame(PAPER).T.to_csv(paths["reference"])
    return paths


@pytest.fixture(scope="module")
def small(bench_files: dict[str, Path]) -> list[Path]:
    return [bench_files[name] for name in SHAPES]


def cli(*argv: str) -> int:
    return bench_cmd.run(bench_cmd.parse_args(list(argv)), Progress(enabled=False))


@pytest.fixture(scope="module")
def small_runs(small: list[Path]) -> dict[str, object]:
    """Both protocols on the three small files (run once for the module)."""
    return {name: run_benchmark(small, DETECTORS, protocol=name, n_seeds=2)
            for name in ("adbench", "fit-all")}


# -- protocols ---------------------------------------------------------------------------------
def test_stratified_split_keeps_both_classes(small: list[Path]):
    with np.load(small[0]) as data:
        y = data["y"].astype(int)
    folds = list(AdbenchProtocol(n_seeds=3).folds(y))
    assert [f.seed for f in folds] == [0, 1, 2]
    for fold in folds:
        assert set(y[fold.fit_rows]) == {0, 1} and set(y[fold.score_rows]) == {0, 1}
        assert not set(fold.fit_rows) & set(fold.score_rows)
        assert len(fold.fit_rows) + len(fold.score_rows) == len(y)
        assert abs(len(fold.score_rows) - 0.3 * len(y)) <= 1
        share = y[fold.score_rows].mean()
        assert abs(share - y.mean()) < 0.02  # stratified
    again = next(AdbenchProtocol(n_seeds=1).folds(y))
    assert np.array_equal(again.score_rows, folds[0].score_rows)  # seeded
    assert not np.array_equal(folds[0].score_rows, folds[1].score_rows)


def test_adbench_padding_and_subsampling():
    y = np.r_[np.ones(10, int), np.zeros(190, int)]
    padded = next(AdbenchProtocol(n_seeds=1, duplicate_padding=True).folds(y))
    assert len(padded.fit_rows) + len(padded.score_rows) == 1000
    big = np.r_[np.ones(100, int), np.zeros(2900, int)]
    capped = next(AdbenchProtocol(n_seeds=1, max_rows=1000).folds(big))
    assert len(capped.fit_rows) + len(capped.score_rows) == 1000
    with pytest.raises(DataError, match="at least 2 anomalies"):
        next(AdbenchProtocol().folds(np.r_[1, np.zeros(50, int)]))


def test_fit_all_scores_the_fitted_rows_subsampled_with_seed_0():
    y = np.r_[np.ones(20, int), np.zeros(180, int)]
    folds = list(FitAllProtocol(n_seeds=2, max_rows=50).folds(y))
    assert all(f.same_rows and len(f.fit_rows) == 50 for f in folds)
    assert np.array_equal(folds[0].fit_rows, folds[1].fit_rows)
    with pytest.raises(ParameterError):
        FitAllProtocol(n_seeds=0)


# -- runner ------------------------------------------------------------------------------------
@pytest.mark.parametrize("protocol,seeds", [("adbench", 2), ("fit-all", 2)])
def test_runner_on_small_shared_files(small_runs, protocol, seeds):
    result = small_runs[protocol]
    assert not result.failures
    assert list(result.results.columns) == RESULT_COLUMNS
    assert len(result.results) == 3 * 5 * seeds
    assert result.results["roc_auc"].between(0, 1).all()
    assert (result.results[["fit_seconds", "score_seconds"]] >= 0).all().all()
    summary = result.summary()
    assert list(summary.index) == ["14_glass", "45_wine", "42_WBC"]
    assert list(summary.columns) == DETECTORS.split(",")
    assert summary.loc["42_WBC"].min() > 0.8  # an easy dataset for every detector
    assert result.pyod_defaults is (protocol == "adbench")


def test_registry_detectors_without_pyod_defaults(small: list[Path]):
    result = run_benchmark(small[:1], "iforest,ecod", protocol="adbench", n_seeds=1,
                           pyod_defaults=False)
    assert not result.failures and not result.pyod_defaults
    assert result.results["roc_auc"].notna().all()


# -- reports -----------------------------------------------------------------------------------
def test_outputs_written_and_well_formed(small_runs, tmp_path, bench_files):
    report = build_report(small_runs["adbench"], bench_files["reference"])
    paths = write_outputs(report, tmp_path / "out")
    assert sorted(p.name for p in paths.values()) == ["chart.html", "results.csv", "summary.csv",
                                                      "summary.md"]
    results = pd.read_csv(paths["results.csv"])
    assert list(results.columns) == RESULT_COLUMNS and len(results) == 30
    summary = pd.read_csv(paths["summary.csv"], index_col="dataset")
    assert {"iforest", "iforest_paper", "iforest_diff", "auto"} <= set(summary.columns)
    assert "auto_paper" not in summary.columns
    md = paths["summary.md"].read_text()
    assert "| dataset | iforest |" in md and "**mean**" in md and "Against the paper" in md
    html = paths["chart.html"].read_text()
    assert "vegaEmbed" in html and "cdn.jsdelivr" not in html  # inlined: opens offline


def test_reference_join(small_runs, bench_files):
    reference = load_reference(bench_files["reference"])
    assert reference.at["glass", "IForest"] == pytest.approx(0.7713)
    report = build_report(small_runs["adbench"], reference)
    comparison = report.comparison
    assert set(comparison["dataset"]) == {"14_glass", "45_wine", "42_WBC"}
    assert set(comparison["detector"]) == {"iforest", "copod", "hbos", "pca"}  # no auto
    row = comparison.set_index(["dataset", "detector"]).loc[("14_glass", "iforest")]
    assert row["paper_roc_auc"] == pytest.approx(0.7713)
    assert row["difference"] == pytest.approx(row["roc_auc"] - 0.7713)
    agreement = report.agreement
    assert list(agreement.index) == ["iforest", "copod", "hbos", "pca"]
    assert (agreement["datasets"] == 3).all()
    assert "mean |difference|" in report.text()


@needs_adbench
def test_default_reference_is_the_shared_table():
    assert default_reference_path() == REAL_REFERENCE.resolve()


def test_no_default_reference_without_the_shared_folder(tmp_path, monkeypatch):
    import jupyter_ad

    monkeypatch.chdir(tmp_path)  # neither the working folder nor the package has ../shared
    copy = tmp_path / "pkg" / "jupyter_ad" / "__init__.py"
    monkeypatch.setattr(jupyter_ad, "__file__", str(copy))
    assert default_reference_path() is None


def test_notes_explain_ecod_and_neighbour_methods(capsys, tmp_path, small, bench_files):
    ref = ["--reference", str(bench_files["reference"])]
    assert cli(str(small[1]), "-a", "ecod,knn", "--seeds", "1", "-o", str(tmp_path), *ref) == 0
    out = capsys.readouterr().out
    assert "ECOD" in out and "0.9.9" in out and "inductive" not in out  # PyOD's under adbench
    assert "KNN/LOF" in out and "duplicate" in out and "45_wine" in out
    assert "Against the paper" in out
    assert cli(str(small[1]), "-a", "ecod", "--seeds", "1", "--no-pyod-defaults",
               "-o", str(tmp_path), *ref) == 0
    assert "inductive" in capsys.readouterr().out
    assert cli(str(small[1]), "-a", "iforest", "--seeds", "1", "-o", str(tmp_path), *ref) == 0
    assert "0.9.9" not in capsys.readouterr().out


# -- command line ------------------------------------------------------------------------------
@pytest.fixture
def labelled_csv(tmp_path):
    frame, y = planted_frame(n=150, n_out=8)
    frame["city"] = np.random.default_rng(0).choice(["a", "b", "c"], len(frame))
    frame["is_fraud"] = y
    path = tmp_path / "cards.csv"
    frame.to_csv(path, index=False)
    return path


def test_csv_input_with_label_column(labelled_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli(str(labelled_csv), "--label-column", "is_fraud", "-a", "iforest,auto",
               "--protocol", "fit-all") == 0
    out = tmp_path / "jupyter-ad-benchmark"
    results = pd.read_csv(out / "results.csv")
    assert set(results["dataset"]) == {"cards"} and results["roc_auc"].min() > 0.9
    text = capsys.readouterr().out
    assert "cards" in text and "Against the paper" not in text  # default table: no match


def test_label_column_errors(labelled_csv, capsys):
    with pytest.raises(JupyterADError, match="label-column"):
        load_datasets([labelled_csv])
    with pytest.raises(ParameterError, match="no label column 'y'"):
        load_datasets([labelled_csv], label_column="y")
    assert cli(str(labelled_csv)) == 2
    assert "--label-column" in capsys.readouterr().err
    assert cli(str(labelled_csv), "--label-column", "nope") == 2


def test_exit_status(tmp_path, capsys, small):
    assert cli(str(small[0]), "-a", "no_such_detector", "-o", str(tmp_path)) == 2
    assert "Unknown algorithm" in capsys.readouterr().err
    assert cli(str(small[0]), "--seeds", "0", "-o", str(tmp_path)) == 2
    assert cli(str(tmp_path / "missing.npz"), "-o", str(tmp_path)) == 1
    assert cli(str(small[0]), "--reference", str(tmp_path / "nope.csv")) == 1
    (tmp_path / "file").write_text("x")
    assert cli(str(small[0]), "-a", "hbos", "--seeds", "1", "-o", str(tmp_path / "file")) == 1
    err = capsys.readouterr().err
    assert "is a file" in err and "Traceback" not in err and "benchmarking" not in err
    bad = tmp_path / "bad.npz"
    np.savez(bad, X=np.zeros((5, 2)))
    assert cli(str(bad), "-o", str(tmp_path)) == 1
    assert "no y array" in capsys.readouterr().err


def test_arrays_and_single_class_labels():
    with pytest.raises(DataError, match="single class"):
        dataset_from_arrays("flat", np.zeros((10, 2)), np.zeros(10))
    ds = dataset_from_arrays("7_toy", np.arange(20.0).reshape(10, 2), [0] * 8 + [1] * 2)
    assert ds.reference_name == "toy" and ds.shape == (10, 2)


# -- acceptance: like for like with the paper --------------------------------------------------
@pytest.mark.slow
@pytest.mark.xdist_group("adbench")
@needs_adbench
def test_adbench_protocol_matches_the_paper():
    result = run_benchmark(ADBENCH, "iforest,copod,hbos,pca", protocol="adbench")
    report = build_report(result, REAL_REFERENCE)
    agreement = report.agreement
    print(agreement)
    assert (agreement["datasets"] >= 20).all()
    assert agreement["within_2_points"].all(), agreement
