"""The ``[monitoring]`` table of the option spec: on by default, where records go, how often.

Every option has a key in ``jupyter-ad.toml``'s ``[monitoring]`` table and an environment
variable ``JUPYTER_AD_MONITORING_<NAME>`` (``JUPYTER_AD_MONITORING_ENABLED=false`` turns
monitoring off).
"""

from __future__ import annotations

from typing import Any

from jupyter_ad.options import Option, OptionSet, resolve
from jupyter_ad.options.values import boolean, positive_number, text, whole_number

__all__ = ["MONITORING", "monitoring_settings"]

SECTION = "monitoring"


def _mlflow_mode(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    return "on" if boolean(value, "mlflow") else "off"


MONITORING = OptionSet([
    Option("enabled", "Record every scoring call of a model loaded from the store (time, rows, "
           "anomaly rate, score quantiles, drift, latency). On by default.", True,
           lambda v: boolean(v, "enabled"), section=SECTION, example="false"),
    Option("path", "The SQLite file of the records (default: .monitoring.sqlite in the model "
           "store's folder).", None, lambda v: text(v, "path"), section=SECTION,
           example="/data/monitoring.sqlite"),
    Option("flush_rows", "Single-row scoring (score_one) is aggregated: one record per this "
           "many rows (or flush_seconds).", 1000,
           whole_number("flush_rows", 1, example="1000"), section=SECTION, example="1000"),
    Option("flush_seconds", "... or per this many seconds, whichever comes first.", 60.0,
           positive_number("flush_seconds", example="60"), section=SECTION, example="60"),
    Option("mlflow", "Also log each record as MLflow metrics: 'auto' (default: for models "
           "loaded from an MLflow registry), true or false.", "auto", _mlflow_mode,
           section=SECTION, example="true"),
])


def monitoring_settings(**explicit: Any) -> dict[str, Any]:
    """The effective ``[monitoring]`` values (explicit > env > file > built-in)."""
    return {name: s.value for name, s in resolve(MONITORING, explicit, section=SECTION).items()}
