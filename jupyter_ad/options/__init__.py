"""The one option spec: every option's name, help, default and accepted values, defined once.

Python (:class:`~jupyter_ad.core.model.AnomalyModel`, :func:`jupyter_ad.detect`), the magics,
the ``jupyter-ad`` command, copy-as-code, and the configuration file and environment variables
(:mod:`jupyter_ad.options.config`) all derive from these records, so an option has the same
name and accepts the same values everywhere.

>>> from jupyter_ad.options import OPTIONS
>>> o = OPTIONS["top_k"]
>>> o.flag, o.env, o.coerce("20")
('--top-k', 'JUPYTER_AD_TOP_K', 20)
"""

from __future__ import annotations

from jupyter_ad.options._spec import Option, OptionSet
from jupyter_ad.options.code import python_call
from jupyter_ad.options.config import (
    Setting,
    register_section,
    resolve,
    set_config_file,
    set_session,
    settings,
)
from jupyter_ad.options.detection import DETECTION, DETECTION_NAMES, OPTIONS


def _server_options() -> OptionSet:
    from jupyter_ad.server.settings import SERVER_OPTIONS

    return SERVER_OPTIONS


register_section("server", _server_options)  # the [server] table of jupyter-ad serve


def _stream_section() -> OptionSet:
    from jupyter_ad.stream.options import STREAM

    return STREAM


# subsystem tables, each imported only when its table is read
register_section("stream", _stream_section)

__all__ = [
    "DETECTION",
    "DETECTION_NAMES",
    "OPTIONS",
    "Option",
    "OptionSet",
    "Setting",
    "python_call",
    "register_section",
    "resolve",
    "set_config_file",
    "set_session",
    "settings",
]

# subsystem tables, their options imported only when a table is used
register_section("monitoring", lambda: __import__(
    "jupyter_ad.monitoring.settings", fromlist=["MONITORING"]).MONITORING)
register_section("mlflow", lambda: __import__(
    "jupyter_ad.mlflow.settings", fromlist=["MLFLOW"]).MLFLOW)
