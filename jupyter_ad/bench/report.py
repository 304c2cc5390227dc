"""Reports of a benchmark: the paper's reference figures, notes, tables, files and a chart.

Files written by :func:`write_outputs`: ``results.csv`` (one row per dataset, detector and
seed), ``summary.csv`` (dataset x detector mean ROC-AUC, with the paper's figure and the
difference when a reference table is given), ``summary.md`` and ``chart.html`` (an Altair
chart with its JavaScript inlined, so it opens offline).
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.bench.runner import RESULT_COLUMNS, BenchmarkResult
from jupyter_ad.errors import DataFileError, OutputError

__all__ = ["PAPER_COLUMNS", "REFERENCE_FILE", "TOLERANCE", "Report", "build_report",
           "default_reference_path", "load_reference", "write_outputs"]

REFERENCE_FILE = "adbench_tableD4_aucroc.csv"
TOLERANCE = 0.02  # "within 2 points" of ROC-AUC
PAPER_COLUMNS = {"pca": "PCA", "ocsvm": "OCSVM", "lof": "LOF", "cblof": "CBLOF", "hbos": "HBOS",
                 "knn": "KNN", "copod": "COPOD", "ecod": "ECOD", "loda": "LODA",
                 "iforest": "IForest"}


def default_reference_path() -> Path | None:
    """``../shared/datasets/adbench_tableD4_aucroc.csv`` from the working folder or from the
    folder holding the ``jupyter_ad`` package, if it exists there; else ``None``.
    """
    import jupyter_ad

    for root in (Path.cwd(), Path(jupyter_ad.__file__).resolve().parent.parent):
        path = (root / ".." / "shared" / "datasets" / REFERENCE_FILE).resolve()
        if path.is_file():
            return path
    return None


def load_reference(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The paper's table (datasets x detectors, x100 in the file) as ROC-AUC in [0, 1]."""
    try:
        table = pd.read_csv(path, index_col=0)
    except (OSError, ValueError) as exc:
        raise DataFileError(f"Cannot read the reference table {str(path)!r}: {exc}") from exc
    table = table.apply(pd.to_numeric, errors="coerce")
    if table.empty or table.isna().all().all():
        raise DataFileError(f"The reference table {str(path)!r} holds no numbers: expected "
                            "datasets as rows and detectors (PCA, IForest, ...) as columns.")
    table.index = table.index.astype(str)
    return table / 100.0


def _comparison(result: BenchmarkResult, reference: pd.DataFrame) -> pd.DataFrame:
    summary = result.summary()
    by_name = {str(k).lower(): k for k in reference.index}
    rows = []
    for dataset, ref_name in result.datasets["reference_name"].items():
        key = by_name.get(str(ref_name).lower())
        for detector in result.detectors:
            column = PAPER_COLUMNS.get(detector)
            if key is None or column not in reference.columns:
                continue
            paper, ours = reference.at[key, column], summary.at[dataset, detector]
            if pd.notna(paper) and pd.notna(ours):
                rows.append({"dataset": dataset, "detector": detector, "roc_auc": ours,
                             "paper_roc_auc": paper, "difference": ours - paper})
    return pd.DataFrame(rows, columns=["dataset", "detector", "roc_auc", "paper_roc_auc",
                                       "difference"])


def _agreement(comparison: pd.DataFrame) -> pd.DataFrame:
    grouped = comparison.groupby("detector", sort=False)["difference"]
    table = pd.DataFrame({"datasets": grouped.size(),
                          "mean_abs_difference": grouped.apply(lambda d: d.abs().mean()),
                          "mean_difference": grouped.mean()})
    table["within_2_points"] = table["mean_abs_difference"] <= TOLERANCE
    return table


def _pyod_version() -> str:
    try:
        return version("pyod")
    except PackageNotFoundError:  # pragma: no cover - pyod is a dependency
        return "?"


def notes(result: BenchmarkResult) -> list[str]:
    """Why some detectors differ from the paper, for the detectors of this run."""
    out = []
    pyod = f"PyOD {_pyod_version()}"
    if "ecod" in result.detectors:
        ours = (f"{pyod}'s ECOD (fixed)" if result.pyod_defaults else
                "jupyter-ad's ECOD: the fixed algorithm in its inductive form (a row is scored "
                "against the training ECDFs only; PyOD's re-fits on train + scored rows)")
        out.append("ECOD: the paper's ECOD column predates the ECOD bug fix of PyOD 0.9.9, and "
                   f"this run uses {ours}, so ECOD differs from the paper by design; it is not "
                   "a reproduction failure.")
    if {"knn", "lof"} & set(result.detectors):
        small = [str(n) for n, r in result.datasets["rows"].items() if r < 1000]
        padding = getattr(result.protocol, "duplicate_padding", False)
        out.append("KNN/LOF: ADBench pads datasets under 1,000 rows to 1,000 by drawing rows with "
                   "replacement before the split, so copies of a row land in train and in test "
                   "and a duplicated anomaly sits at distance 0 from its copy; that depresses "
                   "the paper's k-NN and LOF figures on those datasets"
                   f" ({', '.join(small) if small else 'none in this run'}). This run "
                   + ("pads as ADBench did (--duplicate-padding)." if padding
                      else "does not pad (add --duplicate-padding to reproduce it)."))
    if "pca" in result.detectors and result.pyod_defaults:
        out.append(f"PCA: {pyod}'s PCA with svd_solver='full' (its score depends on the signs of "
                   "the components, and scikit-learn >= 1.5's 'auto' solver picks other signs on "
                   "tall data than the paper's scikit-learn did).")
    elif "pca" in result.detectors:
        out.append("PCA: jupyter-ad's pca turns PyOD's standardisation off (jupyter-ad scales "
                   "its input itself), so on the protocol's min-max matrix it is not the paper's "
                   "PCA; use --pyod-defaults to compare with the paper.")
    return out


class Report:
    """Tables and text of a :class:`BenchmarkResult`, optionally against the paper."""

    def __init__(self, result: BenchmarkResult, reference: pd.DataFrame | None = None,
                 reference_path: Path | None = None) -> None:
        self.result = result
        self.reference_path = reference_path
        self.comparison = None if reference is None else _comparison(result, reference)
        self.agreement = (None if self.comparison is None or self.comparison.empty
                          else _agreement(self.comparison))
        self.notes = notes(result)

    def summary(self) -> pd.DataFrame:
        """Dataset x detector mean ROC-AUC, with ``<det>_paper`` and ``<det>_diff`` columns."""
        table = self.result.datasets[["rows", "features", "anomalies"]].join(
            self.result.summary())
        if self.comparison is not None and not self.comparison.empty:
            for column, suffix in (("paper_roc_auc", "_paper"), ("difference", "_diff")):
                wide = self.comparison.pivot(index="dataset", columns="detector", values=column)
                table = table.join(wide.add_suffix(suffix))
            order = ["rows", "features", "anomalies"]
            for det in self.result.detectors:
                order += [c for c in (det, f"{det}_paper", f"{det}_diff") if c in table.columns]
            table = table[order]
        table.index.name = "dataset"
        return table

    def text(self) -> str:
        """The printed report: ROC-AUC table, means, comparison with the paper, notes."""
        res = self.result
        auc = res.summary()
        auc.loc["mean"] = auc.mean()
        lines = [f"Protocol {res.protocol.describe()}",
                 f"Detectors: {', '.join(res.detectors)}"
                 + (f" (PyOD classes with PyOD's defaults for: "
                    f"{', '.join(d for d in res.detectors if d in PAPER_COLUMNS)})"
                    if res.pyod_defaults else ""),
                 "", "Mean ROC-AUC over seeds:"]
        with pd.option_context("display.width", 200, "display.max_columns", 60):
            lines.append(auc.round(3).to_string())
        if self.agreement is not None:
            lines += ["", f"Against the paper ({self.reference_path or 'reference table'}), "
                      "mean |difference| over matching datasets:"]
            if res.protocol.name != "adbench":
                lines.append(f"  (the paper used the adbench protocol, this run {res.protocol.name}"
                             ": not like for like)")
            for det, row in self.agreement.iterrows():
                verdict = "within" if row["within_2_points"] else "NOT within"
                lines.append(f"  {det:<10} {row['mean_abs_difference'] * 100:5.2f} points "
                             f"(mean signed {row['mean_difference'] * 100:+.2f}, "
                             f"{int(row['datasets'])} datasets): {verdict} 2 points")
        elif self.comparison is not None:
            lines += ["", "No dataset/detector of this run matches the reference table."]
        if self.notes:
            lines += ["", "Notes:", *(f"- {n}" for n in self.notes)]
        if res.failures:
            lines += ["", f"{len(res.failures)} run(s) failed:"]
            lines += [f"- {f['dataset']} / {f['detector']} / seed {f['seed']}: {f['error']}"
                      for f in res.failures[:20]]
        return "\n".join(lines)

    def markdown(self) -> str:
        """``summary.md``: the ROC-AUC table with means, the comparison, the notes."""
        res = self.result
        auc = res.summary()
        auc.loc["**mean**"] = auc.mean()
        out = ["# jupyter-ad benchmark", "", f"Protocol {res.protocol.describe()}", "",
               "## Mean ROC-AUC over seeds", "", _markdown(auc, "dataset")]
        if self.agreement is not None:
            table = self.agreement.copy()
            table["mean_abs_difference"] *= 100
            table["mean_difference"] *= 100
            table = table.rename(columns={"mean_abs_difference": "mean abs diff (points)",
                                          "mean_difference": "mean diff (points)"})
            out += ["", "## Against the paper (ADBench, Table D4)", "",
                    _markdown(table, "detector", digits=2)]
        if self.notes:
            out += ["", "## Notes", "", *(f"- {n}" for n in self.notes)]
        if res.failures:
            out += ["", "## Failures", "", *(f"- {f['dataset']} / {f['detector']} / seed "
                                             f"{f['seed']}: {f['error']}" for f in res.failures)]
        return "\n".join(out) + "\n"


def _markdown(frame: pd.DataFrame, index_name: str, digits: int = 3) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, bool | np.bool_):
            return "yes" if v else "no"
        if isinstance(v, float | np.floating):
            return "" if np.isnan(v) else f"{v:.{digits}f}"
        return str(v)

    head = [index_name, *map(str, frame.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join([str(i), *(cell(v) for v in row)]) + " |"
              for i, row in zip(frame.index, frame.itertuples(index=False), strict=True)]
    return "\n".join(lines)


def build_report(result: BenchmarkResult,
                 reference: str | os.PathLike[str] | pd.DataFrame | None = None) -> Report:
    """A :class:`Report`; ``reference`` is a path to the paper's table or the table itself."""
    if reference is None or isinstance(reference, pd.DataFrame):
        return Report(result, reference)
    return Report(result, load_reference(reference), Path(reference))


def _chart(report: Report) -> Any:
    import altair as alt

    long = report.result.summary().reset_index().melt(id_vars="dataset", var_name="detector",
                                                      value_name="roc_auc")
    heat = alt.Chart(long).mark_rect().encode(
        x=alt.X("detector:N", sort=report.result.detectors),
        y=alt.Y("dataset:N", sort=list(report.result.datasets.index)),
        color=alt.Color("roc_auc:Q", scale=alt.Scale(scheme="viridis", domain=[0, 1])),
        tooltip=["dataset", "detector", alt.Tooltip("roc_auc:Q", format=".3f")],
    ).properties(title="Mean ROC-AUC over seeds")
    means = alt.Chart(long).mark_bar().encode(
        x=alt.X("mean(roc_auc):Q", title="mean ROC-AUC", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("detector:N", sort="-x"),
    ).properties(title="Mean over datasets")
    chart: Any = alt.hconcat(heat, means)
    if report.comparison is not None and not report.comparison.empty:
        points = alt.Chart(report.comparison).mark_circle(size=60).encode(
            x=alt.X("paper_roc_auc:Q", title="paper ROC-AUC", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("roc_auc:Q", title="this run", scale=alt.Scale(domain=[0, 1])),
            color="detector:N", tooltip=["dataset", "detector", "roc_auc", "paper_roc_auc"])
        diagonal = alt.Chart(pd.DataFrame({"v": [0.0, 1.0]})).mark_line(
            color="gray", strokeDash=[4, 4]).encode(x="v:Q", y="v:Q")
        chart = alt.vconcat(chart, (diagonal + points).properties(
            title="This run vs the paper (dashed: equal)"))
    return chart


def write_outputs(report: Report, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write results.csv, summary.csv, summary.md and chart.html into ``out_dir``.

    Raises
    ------
    OutputError
        The folder cannot be made or a file cannot be written.
    """
    folder = Path(out_dir).expanduser()
    paths = {name: folder / name for name in ("results.csv", "summary.csv", "summary.md",
                                              "chart.html")}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        report.result.results[RESULT_COLUMNS].to_csv(paths["results.csv"], index=False)
        report.summary().round(6).to_csv(paths["summary.csv"])
        paths["summary.md"].write_text(report.markdown(), encoding="utf-8")
        chart = _chart(report)
        try:
            chart.save(str(paths["chart.html"]), inline=True)
        except ImportError:  # pragma: no cover - vl-convert is a dependency
            chart.save(str(paths["chart.html"]))  # loads Vega from a CDN instead
    except OSError as exc:
        raise OutputError(f"Cannot write the benchmark results into {str(folder)!r}: "
                          f"{exc.strerror or exc}.") from exc
    return paths
