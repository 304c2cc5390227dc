"""The ``[mlflow]`` table of the option spec: where the registry is, telemetry off.

Keys in ``jupyter-ad.toml``'s ``[mlflow]`` table, or ``JUPYTER_AD_MLFLOW_<NAME>`` variables.
MLflow's own ``MLFLOW_TRACKING_URI`` is honoured when ``tracking_uri`` is not set.
"""

from __future__ import annotations

from typing import Any

from jupyter_ad.options import Option, OptionSet, resolve
from jupyter_ad.options.values import boolean, text

__all__ = ["MLFLOW", "mlflow_settings"]

SECTION = "mlflow"

MLFLOW = OptionSet([
    Option("tracking_uri", "MLflow tracking and registry URI (default: $MLFLOW_TRACKING_URI, "
           "else a SQLite file mlflow.db beside the model store: fully offline).", None,
           lambda v: text(v, "tracking_uri"), section=SECTION,
           example="sqlite:////data/mlflow.db"),
    Option("experiment", "Experiment that jupyter_ad.mlflow.log_model logs its runs in.",
           "jupyter-ad", lambda v: text(v, "experiment"), section=SECTION, example="fraud"),
    Option("telemetry", "Let MLflow send usage telemetry (off unless turned on).", False,
           lambda v: boolean(v, "telemetry"), section=SECTION, example="true"),
])


def mlflow_settings(**explicit: Any) -> dict[str, Any]:
    """The effective ``[mlflow]`` values (explicit > env > file > built-in)."""
    return {name: s.value for name, s in resolve(MLFLOW, explicit, section=SECTION).items()}
