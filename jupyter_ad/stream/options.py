"""The ``[stream]`` options: one name each for ``ad.stream``, ``jupyter-ad stream`` flags,
``jupyter-ad.toml``'s ``[stream]`` table and ``JUPYTER_AD_STREAM_*`` variables.

>>> from jupyter_ad.stream.options import STREAM
>>> STREAM["batch_size"].flag, STREAM["batch_size"].env, STREAM["batch_size"].coerce("500")
('--batch-size', 'JUPYTER_AD_STREAM_BATCH_SIZE', 500)
"""

from __future__ import annotations

from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.options import Option, OptionSet
from jupyter_ad.options.values import boolean, finite_number, positive_number, text, whole_number

__all__ = ["STREAM", "stream_settings"]


def _extra(value: Any) -> str:
    choice = text(value, "extra_fields").lower()
    if choice not in ("ignore", "error"):
        raise ParameterError(f"extra_fields must be 'ignore' or 'error', got {value!r}.")
    return choice


def _bool(name: str) -> Any:
    return lambda value: boolean(value, name)


def _text(name: str) -> Any:
    return lambda value: text(value, name)


STREAM = OptionSet([
    Option("batch_size", "Score at most this many events at once (a micro-batch is flushed "
           "when it is full or when max_latency_ms has passed, whichever comes first).",
           1000, whole_number("batch_size", 1, example="1000"), metavar="N", section="stream"),
    Option("max_latency_ms", "Longest wait, in milliseconds, for a micro-batch to fill up "
           "before it is scored.", 5.0,
           positive_number("max_latency_ms", unit=" milliseconds", example="5"), metavar="MS",
           section="stream"),
    Option("buffer_size", "Events kept in the sliding window of recent events (drift checks "
           "and refits use it).", 10_000, whole_number("buffer_size", 10, example="10000"),
           metavar="N", section="stream"),
    Option("dead_letter", "Where poison events go, with the reason (a sink URL: jsonl:PATH, "
           "redis://..., kafka://..., -). Default: counted and logged only.", None,
           _text("dead_letter"), metavar="URL", section="stream"),
    Option("extra_fields", "Event fields the model was not fitted on: 'ignore' (passed "
           "through to the sink) or 'error' (dead-lettered).", "ignore", _extra,
           metavar="WHAT", section="stream"),
    Option("drift_every", "Check feature, score and anomaly-rate drift every N events "
           "(0: never).", 5000, whole_number("drift_every", 0, example="5000"), metavar="N",
           section="stream"),
    Option("refit_every", "Refit the model on the window every N events and swap it in "
           "(0: never).", 0, whole_number("refit_every", 0, example="100000"), metavar="N",
           section="stream"),
    Option("refit_on_drift", "Refit the model on the window when feature drift is found.",
           False, _bool("refit_on_drift"), is_flag=True, section="stream"),
    Option("alerts", "Alert rules and channels (a TOML file, see the streaming guide).", None,
           _text("alerts"), metavar="PATH", section="stream"),
    Option("sink_retry_s", "Longest pause, in seconds, between attempts to write to a sink "
           "that fails (consumption pauses meanwhile; nothing is lost).", 5.0,
           lambda v: finite_number(v, "sink_retry_s", "5"), metavar="S", section="stream"),
])


def stream_settings(explicit: dict[str, Any] | None = None) -> dict[str, Any]:
    """The effective ``[stream]`` values: explicit > environment > ``jupyter-ad.toml`` >
    built-in.
    """
    from jupyter_ad.options import resolve

    return {name: s.value for name, s in resolve(STREAM, explicit, section="stream").items()}
