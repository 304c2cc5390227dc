"""The options of detection (and of the front ends around it), each defined once.

:data:`DETECTION` are the parameters of :class:`~jupyter_ad.core.model.AnomalyModel`
(``ad.fit``, ``ad.detect``); :data:`OPTIONS` adds the evaluation and front-end options. The
command line, the magics, the configuration file, the environment and copy-as-code all derive
from these records.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from jupyter_ad.options import values
from jupyter_ad.options._spec import Option, OptionSet

__all__ = ["DETECTION", "DETECTION_NAMES", "OPTIONS", "THRESHOLD_GROUP"]

THRESHOLD_GROUP = "threshold"


def _preprocessing_keys() -> Sequence[str]:
    from jupyter_ad.data.preprocessing import Preprocessor

    return [k for k in Preprocessor().get_params() if k not in ("features", "exclude")]


def _ensemble_keys() -> Sequence[str]:
    from jupyter_ad.core.detectors.ensemble import ENSEMBLE_OPTIONS

    return ENSEMBLE_OPTIONS


def _labels(value: Any) -> Any:
    """A column name (text), or in Python an array/Series of 1 / 0 / missing."""
    return values.text(value, "labels") if isinstance(value, str) else value


_DETECTION = (
    Option("algorithm", "Detector name (see jupyter_ad.list_detectors()), several names "
           "separated by commas (an ensemble), or auto.", default="auto",
           coerce=values.algorithm, flags=("-a",), metavar="ALGO", example="iforest,ecod"),
    Option("params", "Detector parameters: a JSON object or k=v,k=v (for an ensemble, one "
           "object per detector name).", default=None,
           coerce=partial(values.mapping, name="params"), metavar="JSON",
           example="n_estimators=300"),
    Option("contamination", "Expected share of anomalies in (0, 0.5] (0.05 or 5%), or a "
           "threshold method: auto (Tukey's fence), tukey-iqr, mad, zscore, otsu, gesd.",
           default="auto", coerce=values.contamination, flags=("-c",), metavar="SHARE",
           group=THRESHOLD_GROUP, example="0.05"),
    Option("threshold", "Flag rows whose score is above this value instead.", default=None,
           coerce=partial(values.finite_number, name="threshold", example="--threshold 0.8"),
           metavar="SCORE", group=THRESHOLD_GROUP, example="0.8"),
    Option("top_k", "Flag exactly this many highest-scoring rows instead.", default=None,
           coerce=values.whole_number("top_k", 0, example="--top-k 20"), flags=("-k",),
           metavar="K", group=THRESHOLD_GROUP, example="20"),
    Option("features", "Only use these columns (comma-separated, or a JSON list).",
           default=None, coerce=partial(values.columns, name="features"), metavar="COLS",
           example="amount, count", repeatable=True),
    Option("exclude", "Leave these columns out (comma-separated, or a JSON list).",
           default=None, coerce=partial(values.columns, name="exclude"), metavar="COLS",
           example="customer_id", repeatable=True),
    Option("preprocessing", "Preprocessing options: scaling, impute, categorical, "
           "max_categories, drop_constant, drop_id_like (JSON or k=v,k=v).", default=None,
           coerce=values.mapping_of("preprocessing", _preprocessing_keys), metavar="JSON",
           example="scaling=minmax"),
    Option("ensemble", "How an ensemble combines its detectors: normalisation, combination, "
           "weights, n_buckets (JSON or k=v,k=v).", default=None,
           coerce=values.mapping_of("ensemble", _ensemble_keys), metavar="JSON",
           example="combination=aom"),
    Option("random_state", "Seed of randomised detectors and samples (results are "
           "reproducible by default).", default=0,
           coerce=values.whole_number("random_state", 0, example="--random-state 7"),
           aliases=("--seed",), metavar="SEED", example="7"),
    Option("max_rows", "Fit on a seeded random sample of at most this many rows (Parquet "
           "files are sampled batch by batch).", default=None,
           coerce=values.whole_number("max_rows", 2, example="--max-rows 100000"),
           metavar="N", example="100000"),
)

#: Parameters of AnomalyModel, in signature order.
DETECTION_NAMES = tuple(o.name for o in _DETECTION)

DETECTION = OptionSet(_DETECTION)

_OTHER = (
    Option("labels", "Column of known labels (1 = anomaly, 0 = normal, empty = unknown): left "
           "out of the features; the results are scored against it.", default=None,
           coerce=_labels, aliases=("--target", "--label-column"), metavar="COLUMN",
           configurable=False, example="is_fraud"),
    Option("algorithms", "Detectors to compare: fast, all, or names separated by commas.",
           default="fast", coerce=values.algorithms, flags=("-a",), metavar="ALGOS",
           example="iforest,ecod,knn"),
    Option("n_seeds", "Repeat randomised detectors with this many seeds to show the spread.",
           default=1, coerce=values.whole_number("n_seeds", 1, example="--n-seeds 3"),
           metavar="N", example="3"),
    Option("panel", "Show the interactive panel (false: print a text summary instead).",
           default=True, coerce=partial(values.boolean, name="panel"), example="false"),
    Option("max_points", "Most rows drawn in the panel's scatter chart (the top anomalies "
           "always are).", default=5000,
           coerce=values.whole_number("max_points", 1, example="2000"), example="2000"),
)

#: Every option of the library and its front ends.
OPTIONS = OptionSet((*_DETECTION, *_OTHER))
