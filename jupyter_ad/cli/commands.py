"""The sub-commands of ``jupyter-ad``: each reads arguments and calls the core."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from jupyter_ad.cli._base import DETECT_OPTIONS
from jupyter_ad.cli.progress import Progress
from jupyter_ad.options.arguments import given

__all__ = ["run_algorithms", "run_check", "run_config", "run_demo", "run_detect", "run_score",
           "run_train"]


def _detection_options(args: argparse.Namespace) -> dict[str, Any]:
    """The detection options given on the command line, checked before any data is read."""
    import jupyter_ad as ad

    options = given(args, DETECT_OPTIONS)
    ad.AnomalyModel(**options).check_options()
    return options


def _check_output(path: str | None, args: argparse.Namespace | None = None) -> None:
    """Refuse a bad output path (or one of the inputs, without --force) before any work."""
    if path:
        from jupyter_ad.io.output import check_output_path

        inputs = [getattr(args, "data", None)] if args is not None else []
        check_output_path(path, inputs=inputs, force=bool(getattr(args, "force", False)))


def _without_stale_outputs(frame: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """Leave out input columns named like our output columns (an earlier run's results),
    with a one-line warning; ``keep``: columns the user or the model wants as features.
    """
    from jupyter_ad.io.output import stale_output_columns

    stale = stale_output_columns(frame.columns, keep=keep)
    _warn_stale(stale)
    return frame.drop(columns=stale) if stale else frame


def _warn_stale(stale: list[str]) -> None:
    if stale:
        from jupyter_ad._warn import warn_user
        from jupyter_ad.errors import DataQualityWarning

        warn_user(f"Left out the column(s) {', '.join(repr(c) for c in stale)}: they are named "
                  "like jupyter-ad's output columns (results of an earlier run); name them in "
                  "--features to use them.", DataQualityWarning)


def _without_stale_exclude(options: dict[str, Any], frame: pd.DataFrame) -> dict[str, Any]:
    """``--exclude`` naming only columns still in ``frame`` (an earlier run's output columns
    were left out already).
    """
    from jupyter_ad.io.output import stale_output_columns

    if options.get("exclude"):
        options["exclude"] = [c for c in options["exclude"] if c in frame.columns
                              or not stale_output_columns([c])] or None
    return options


def _print_result(res: Any, top: int) -> None:
    print(res.summary())
    if top > 0 and res.n_anomalies:
        print(f"\nTop {min(top, res.n_anomalies)} anomalies:")
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            print(res.top(min(top, res.n_anomalies)).to_string())


def _write(res: Any, output: str | None, progress: Progress,
           args: argparse.Namespace | None = None) -> None:
    if output:
        from jupyter_ad.io.output import write_table

        progress.stage("writing")
        path = write_table(res.to_frame(), output,
                           inputs=[getattr(args, "data", None)] if args is not None else [],
                           force=bool(getattr(args, "force", False)))
        print(f"\nWrote {len(res):,} rows with score, label, confidence, rank to {path}")


def run_detect(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad detect FILE``."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file

    options = _detection_options(args)
    _check_output(args.output, args)
    progress.stage("reading")
    keep = [*(options.get("features") or []), *([args.labels] if args.labels else [])]
    frame = _without_stale_outputs(read_file(args.data), keep)
    options = _without_stale_exclude(options, frame)
    y = None
    if args.labels is not None:
        from jupyter_ad.evaluate.labels import split_labels

        y = split_labels(frame, args.labels)[1]
        options["exclude"] = [*(options.get("exclude") or []), args.labels]
    progress.stage("detecting")
    res = ad.detect(frame, **options)
    _print_result(res, args.top)
    if y is not None:
        from jupyter_ad.evaluate.metrics import label_metrics

        m = label_metrics(y, res.scores, res.labels)
        print(f"\nAgainst labels {args.labels!r} ({m['n_labelled']:,} labelled rows): ROC-AUC "
              f"{m['roc_auc']:.3f}, average precision {m['average_precision']:.3f}, precision "
              f"{m['precision']:.2f}, recall {m['recall']:.2f}.")
    _write(res, args.output, progress, args)
    return 0


def run_train(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad train FILE --name NAME``."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file

    options = _detection_options(args)
    progress.stage("reading")
    keep = list(options.get("features") or [])
    if options.get("max_rows"):  # a Parquet file is sampled batch by batch: leave them out
        import pyarrow.parquet as pq

        from jupyter_ad.io.output import stale_output_columns

        source: Any = args.data
        names = pq.read_schema(args.data).names if str(args.data).lower().endswith(
            (".parquet", ".pq")) else list(read_file(args.data).columns)
        stale = stale_output_columns(names, keep=keep)
        _warn_stale(stale)
        options["exclude"] = [*(options.get("exclude") or []), *stale] or None
    else:
        source = _without_stale_outputs(read_file(args.data), keep)
        options = _without_stale_exclude(options, source)
    progress.stage("fitting")
    model = ad.fit(source, **options)
    progress.stage("saving")
    ref = model.save(args.name, root=args.store)
    print(f"Saved {ref} ({model.algorithm_name}, {len(model.feature_names)} features, "
          f"threshold {model.threshold_:.4g}) to {ref.path}")
    return 0


def run_score(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad score FILE --model NAME[@V]``."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file

    _check_output(args.output, args)
    progress.stage("loading")
    model = ad.load(args.model, trusted=args.trusted, root=args.store)
    if _streamable(args.data, args.output):
        import pyarrow.parquet as pq

        from jupyter_ad.io.output import stale_output_columns

        progress.stage("scoring")
        stale = stale_output_columns(pq.read_schema(args.data).names, keep=model.feature_names)
        _warn_stale(stale)
        summary = model.score_file(args.data, args.output, progress=progress.enabled,
                                   extra_columns="ignore" if args.ignore_extra_columns
                                   else "error", force=bool(getattr(args, "force", False)),
                                   drop_columns=stale)
        print(f"Scored {summary['n_rows']:,} rows in batches; {summary['n_anomalies']:,} "
              f"anomalies. Wrote {summary['path']}")
        return 0
    frame = _without_stale_outputs(read_file(args.data), model.feature_names)
    progress.stage("scoring")
    res = model.score(frame, extra_columns="ignore" if args.ignore_extra_columns else "error")
    _print_result(res, args.top)
    _write(res, args.output, progress, args)
    return 0


def _streamable(source: str, output: str | None) -> bool:
    """Parquet in and out: score in bounded-memory batches instead of loading the file."""
    parquet = (".parquet", ".pq")
    return bool(output) and source.lower().endswith(parquet) and str(output).lower().endswith(
        parquet)


def run_check(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad check FILE``: exit 0 even when issues are found (they are advice)."""
    import jupyter_ad as ad

    progress.stage("checking")
    report = ad.check_data(args.data)
    print(json.dumps(report.to_dict(), indent=2) if args.json else repr(report))
    return 0


def run_algorithms(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad algorithms``."""
    import jupyter_ad as ad

    table = ad.list_detectors()
    if args.json:
        print(table.reset_index().to_json(orient="records"))
    else:
        cols = ["family", "large_data", "high_dimensional", "description"]
        with pd.option_context("display.width", 200, "display.max_colwidth", 90):
            print(table[cols].to_string())
    return 0


def run_config(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad config``: every option's effective value and where it comes from."""
    import jupyter_ad as ad

    report = ad.config()
    print(json.dumps(report.to_dict(), indent=2, default=repr) if args.json else repr(report))
    return 0


def run_demo(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad demo``: the bundled transactions, no set-up, a result file written."""
    import jupyter_ad as ad

    _check_output(args.output)
    progress.stage("generating")
    data = ad.datasets.load_transactions()
    print(f"Demo: {len(data):,} card transactions (bundled, generated locally) with "
          f"{int(data['is_anomaly'].sum())} planted anomalies; the label column is held back.\n",
          file=sys.stdout)
    progress.stage("detecting")
    res = ad.detect(data, exclude=["is_anomaly"])
    _print_result(res, args.top)
    from jupyter_ad.evaluate.metrics import average_precision, roc_auc

    truth = data["is_anomaly"].to_numpy()
    caught = int(((res.labels == 1) & (truth == 1)).sum())
    print(f"\nAgainst the planted labels: ROC-AUC {roc_auc(truth, res.scores):.3f}, "
          f"average precision {average_precision(truth, res.scores):.3f}, "
          f"{caught} of {int(truth.sum())} planted anomalies flagged.")
    _write(res, args.output, progress)
    return 0
