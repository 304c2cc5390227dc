"""The sub-commands of ``jupyter-ad``: each reads arguments and calls the core."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from jupyter_ad.cli.progress import Progress

__all__ = ["run_algorithms", "run_check", "run_demo", "run_detect", "run_models", "run_score",
           "run_train"]


def _algorithm(text: str) -> str | list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    return names[0] if len(names) == 1 else names


def _detection_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "algorithm": _algorithm(args.algorithm),
        "params": args.params,
        "contamination": args.contamination,
        "threshold": args.threshold,
        "top_k": args.top_k,
        "features": args.features,
        "exclude": args.exclude,
        "random_state": args.seed,
        "ensemble": args.ensemble,
        "preprocessing": args.preprocessing,
    }


def _check_output(path: str | None) -> None:
    """Refuse a bad output path before any work is done."""
    if path:
        from jupyter_ad.io.output import check_output_path

        check_output_path(path)


def _print_result(res: Any, top: int) -> None:
    print(res.summary())
    if top > 0 and res.n_anomalies:
        print(f"\nTop {min(top, res.n_anomalies)} anomalies:")
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            print(res.top(min(top, res.n_anomalies)).to_string())


def _write(res: Any, output: str | None, progress: Progress) -> None:
    if output:
        from jupyter_ad.io.output import write_table

        progress.stage("writing")
        path = write_table(res.to_frame(), output)
        print(f"\nWrote {len(res):,} rows with score, label, confidence, rank to {path}")


def run_detect(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad detect FILE``."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file

    _check_output(args.output)
    progress.stage("reading")
    frame = read_file(args.data)
    progress.stage("detecting")
    res = ad.detect(frame, **_detection_kwargs(args))
    _print_result(res, args.top)
    _write(res, args.output, progress)
    return 0


def run_train(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad train FILE --name NAME``."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file

    progress.stage("reading")
    source = args.data if args.max_rows else read_file(args.data)
    progress.stage("fitting")
    model = ad.fit(source, **_detection_kwargs(args), max_rows=args.max_rows)
    progress.stage("saving")
    ref = model.save(args.name, root=args.store)
    print(f"Saved {ref} ({model.algorithm_name}, {len(model.feature_names)} features, "
          f"threshold {model.threshold:.4g}) to {ref.path}")
    return 0


def run_score(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad score FILE --model NAME[@V]``."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file

    _check_output(args.output)
    progress.stage("loading")
    model = ad.load(args.model, trusted=args.trusted, root=args.store)
    if _streamable(args.data, args.output):
        progress.stage("scoring")
        summary = model.score_file(args.data, args.output, progress=progress.enabled,
                                   extra_columns="ignore" if args.ignore_extra_columns
                                   else "error")
        print(f"Scored {summary['n_rows']:,} rows in batches; {summary['n_anomalies']:,} "
              f"anomalies. Wrote {summary['path']}")
        return 0
    frame = read_file(args.data)
    progress.stage("scoring")
    res = model.score(frame, extra_columns="ignore" if args.ignore_extra_columns else "error")
    _print_result(res, args.top)
    _write(res, args.output, progress)
    return 0


def _streamable(source: str, output: str | None) -> bool:
    """Parquet in and out: score in bounded-memory batches instead of loading the file."""
    parquet = (".parquet", ".pq")
    return bool(output) and source.lower().endswith(parquet) and str(output).lower().endswith(
        parquet)


def run_models(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad models``."""
    import jupyter_ad as ad

    table = ad.models(root=args.store)
    if args.json:
        print(table.to_json(orient="records", date_format="iso", default_handler=str))
    elif table.empty:
        print("No saved models yet. Save one with 'jupyter-ad train FILE --name NAME' or "
              "model.save('NAME').")
    else:
        with pd.option_context("display.width", 160, "display.max_colwidth", 40):
            print(table.drop(columns=[c for c in ("path",) if c in table.columns]).to_string(
                index=False))
    return 0


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


def run_demo(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad demo``: the bundled transactions, no set-up, a result file written."""
    import jupyter_ad as ad

    progress.stage("generating")
    data = ad.datasets.load_transactions()
    print(f"Demo: {len(data):,} card transactions (bundled, generated locally) with "
          f"{int(data['is_anomaly'].sum())} planted anomalies; the label column is held back.\n",
          file=sys.stdout)
    progress.stage("detecting")
    res = ad.detect(data, exclude=["is_anomaly"])
    _print_result(res, args.top)
    from sklearn.metrics import average_precision_score, roc_auc_score

    truth = data["is_anomaly"].to_numpy()
    caught = int(((res.labels == 1) & (truth == 1)).sum())
    print(f"\nAgainst the planted labels: ROC-AUC {roc_auc_score(truth, res.scores):.3f}, "
          f"average precision {average_precision_score(truth, res.scores):.3f}, "
          f"{caught} of {int(truth.sum())} planted anomalies flagged.")
    _write(res, args.output, progress)
    return 0
