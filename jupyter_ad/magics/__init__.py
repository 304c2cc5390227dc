"""IPython magics for anomaly detection: ``%load_ext jupyter_ad``.

- ``%detect DF [options]`` and ``%%detect [DF]`` (options one per line in the body)
- ``%ad_compare DF -a iforest,ecod,knn [--labels y]``
- ``%ad_explain RES ROW``
- ``%ad_monitor NAME``: anomaly rate, drift and precision over time of a saved model
- ``%ad_stream SOURCE -m MODEL`` (or ``%ad_stream STREAM``): a live stream panel
- defaults: ``%config JupyterAD.default_algorithm = "ecod"`` (also ``contamination``,
  ``show_panel``, ``max_points``)

Beyond ``jupyter_ad`` itself, loading the extension imports IPython and traitlets only;
widgets, Altair and LIME are imported when a magic first needs them. See ``docs/magics.md``.
"""

from __future__ import annotations

from typing import Any

from jupyter_ad.magics._config import JupyterAD

__all__ = ["JupyterAD", "load_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics and the ``JupyterAD`` configurable with ``ipython``.

    Parameters
    ----------
    ipython : InteractiveShell
        The shell running ``%load_ext jupyter_ad``.
    """
    from jupyter_ad.magics._magics import JupyterADMagics

    settings = next((c for c in ipython.configurables if isinstance(c, JupyterAD)), None)
    if settings is None:
        settings = JupyterAD(parent=ipython)
        ipython.configurables.append(settings)
    ipython.register_magics(JupyterADMagics(ipython, settings))
    from jupyter_ad.magics._monitor import MonitorMagics

    ipython.register_magics(MonitorMagics(ipython))
    from jupyter_ad.magics._stream_magic import StreamMagics

    ipython.register_magics(StreamMagics(ipython))
