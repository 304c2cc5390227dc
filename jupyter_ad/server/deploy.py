"""Champion against challenger: promote a model version to an alias only if it does at least
as well on labelled rows (``jupyter-ad deploy``, for CI pipelines).

Both versions score the same labelled rows; :mod:`jupyter_ad.evaluate.metrics` measures them;
the alias moves only if the challenger's value of every chosen metric is at least the
champion's (minus ``tolerance``). With no champion yet (the alias does not exist), the
challenger is promoted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from jupyter_ad.errors import ModelNotFoundError, ParameterError

__all__ = ["METRICS", "Decision", "deploy"]

#: Metrics a decision can use (higher is better for each).
METRICS = ("roc_auc", "average_precision", "precision_at_k", "f1", "precision", "recall")
_LABEL_NAMES = ("is_anomaly", "label", "labels", "anomaly", "is_outlier", "outlier", "y",
                "target", "class")


@dataclass(frozen=True)
class Decision:
    """What ``deploy`` measured and decided."""

    name: str
    alias: str
    challenger: int
    champion: int | None
    metrics: tuple[str, ...]
    challenger_metrics: dict[str, float]
    champion_metrics: dict[str, float] | None
    promoted: bool
    dry_run: bool
    n_labelled: int
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (for ``--json``)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def summary(self) -> str:
        """A few lines for the terminal."""
        champ = f"{self.name}@{self.champion}" if self.champion else "none"
        lines = [f"{self.n_labelled:,} labelled rows; challenger {self.name}@{self.challenger}"
                 f", champion {champ} ({self.name}@{self.alias})."]
        for metric in self.metrics:
            ours = self.challenger_metrics[metric]
            theirs = (self.champion_metrics or {}).get(metric)
            versus = f" vs {theirs:.4f}" if theirs is not None else ""
            lines.append(f"  {metric}: {ours:.4f}{versus}")
        lines.extend(self.reasons)
        verb = "would be promoted" if self.dry_run else "promoted"
        lines.append(f"{self.name}@{self.challenger} {verb} to {self.alias}." if self.promoted
                     else f"Not promoted: {self.name}@{self.alias} stays at {champ}.")
        return "\n".join(lines)


def _label_column(frame: Any, given: str | None) -> str:
    if given is not None:
        if given not in frame.columns:
            from jupyter_ad.options._spec import suggest

            raise ParameterError(f"No label column {given!r} in the labelled file."
                                 f"{suggest(given, list(map(str, frame.columns)))} Columns: "
                                 f"{', '.join(map(str, frame.columns))}.")
        return given
    found = [c for c in frame.columns if str(c).lower() in _LABEL_NAMES]
    if len(found) != 1:
        raise ParameterError("Name the label column with --label-column (1 = anomaly, 0 = "
                             f"normal); columns: {', '.join(map(str, frame.columns))}.")
    return str(found[0])


def _load(store: Any, name: str, version: int) -> Any:
    from jupyter_ad.core.model import AnomalyModel
    from jupyter_ad.errors import UntrustedModelError

    model, _ = store.load(f"{name}@{version}")  # hash and signature checked before unpickling
    if not isinstance(model, AnomalyModel):
        raise UntrustedModelError(f"{name}@{version} holds a {type(model).__name__}, not a "
                                  "jupyter-ad AnomalyModel.")
    return model


def _measure(model: Any, features: Any, y: Any, metrics: tuple[str, ...]) -> dict[str, float]:
    from jupyter_ad.evaluate.metrics import label_metrics, precision_at_k

    result = model.score(features, extra_columns="ignore")
    values = label_metrics(y, result.scores, result.labels)
    values["precision_at_k"] = precision_at_k(y, result.scores)
    return {m: float(values[m]) for m in metrics}


def deploy(spec: str, alias: str, labelled: Any, *, label_column: str | None = None,
           metrics: tuple[str, ...] = ("roc_auc", "average_precision"),
           tolerance: float = 0.0, dry_run: bool = False,
           store: str | os.PathLike[str] | None = None) -> Decision:
    """Promote the challenger ``spec`` (``"fraud@3"``) to ``alias`` if it is at least as good
    as the version the alias points to now, on the labelled rows ``labelled`` (a file path or
    a DataFrame holding the features and a label column).

    Returns
    -------
    Decision
        ``promoted`` says whether the alias moved (or would, with ``dry_run``).
    """
    import numpy as np

    from jupyter_ad.data.readers import as_dataframe, read_file
    from jupyter_ad.evaluate.labels import split_labels
    from jupyter_ad.io.store import ModelStore, check_alias

    check_alias(alias)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise ParameterError(f"Unknown metric(s) {', '.join(map(repr, unknown)) or 'none'}; "
                             f"choose from {', '.join(METRICS)}.")
    the_store = ModelStore(store)
    name, version = the_store.resolve(spec)
    frame = read_file(labelled) if isinstance(labelled, str | os.PathLike) else \
        as_dataframe(labelled)
    column = _label_column(frame, label_column)
    features, y = split_labels(frame, column)
    known = ~np.isnan(np.asarray(y, dtype=float))
    if known.sum() == 0 or len(set(np.asarray(y)[known])) < 2:
        raise ParameterError(f"The labelled rows need both anomalies (1) and normal rows (0) "
                             f"in {column!r} to compare models.")
    challenger = _load(the_store, name, version)
    ours = _measure(challenger, features, y, metrics)
    try:
        champion_version: int | None = int(the_store.alias_version(name, alias))
    except ModelNotFoundError:
        champion_version = None
    theirs = None
    reasons: list[str] = []
    if champion_version is None:
        promoted = True
        reasons.append(f"{name}@{alias} does not exist yet: the challenger becomes it.")
    elif champion_version == version:
        promoted = True
        theirs = dict(ours)
        reasons.append(f"{name}@{alias} already points to {name}@{version}.")
    else:
        champion = _load(the_store, name, champion_version)
        theirs = _measure(champion, features, y, metrics)
        worse = [m for m in metrics if ours[m] < theirs[m] - tolerance]
        promoted = not worse
        reasons.extend(f"  {m}: the challenger is below the champion" for m in worse)
    if promoted and not dry_run and champion_version != version:
        the_store.set_alias(name, alias, version, action="promote")
    return Decision(name=name, alias=alias, challenger=version, champion=champion_version,
                    metrics=tuple(metrics), challenger_metrics=ours, champion_metrics=theirs,
                    promoted=promoted, dry_run=dry_run, n_labelled=int(known.sum()),
                    reasons=reasons)
