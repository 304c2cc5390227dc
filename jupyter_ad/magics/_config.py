"""``JupyterAD``: the ``%config``-settable defaults of the magics.

>>> from jupyter_ad.magics._config import JupyterAD
>>> settings = JupyterAD()
>>> settings.default_algorithm, settings.contamination, settings.show_panel, settings.max_points
('auto', 'auto', True, 5000)
"""

from __future__ import annotations

import numbers
from typing import Any

from traitlets import Bool, Float, Int, TraitError, Unicode, Union, validate
from traitlets.config import Configurable

__all__ = ["JupyterAD"]


class JupyterAD(Configurable):
    """Defaults of ``%detect``, ``%%detect``, ``%ad_compare`` and ``%ad_explain``.

    Set them in a notebook with ``%config JupyterAD.<name> = <value>``, or for every session in
    an IPython profile with ``c.JupyterAD.<name> = <value>``. ``%config JupyterAD`` lists them.
    """

    default_algorithm = Unicode(
        "auto",
        help="Detector used when %detect gets no -a/--algorithm: a registered name such as "
        "'iforest' or 'ecod', a comma-separated ensemble, or 'auto'.",
    ).tag(config=True)

    contamination = Union(
        [Float(), Unicode()],
        default_value="auto",
        help="Expected share of anomalies used when %detect gets none of -c, --threshold and "
        "--top-k: a number in (0, 0.5], or 'auto' (Tukey's fence on the scores).",
    ).tag(config=True)

    show_panel = Bool(
        True,
        help="Show the interactive panel after %detect and %ad_compare (False prints a text "
        "summary instead, like --no-panel).",
    ).tag(config=True)

    max_points = Int(
        5000,
        min=1,
        help="Most rows drawn in the scatter chart of the %detect panel (the top anomalies "
        "always are); every row is still scored.",
    ).tag(config=True)

    @validate("contamination")
    def _check_contamination(self, proposal: dict[str, Any]) -> float | str:
        return check_contamination(proposal["value"], TraitError)

    @validate("default_algorithm")
    def _check_algorithm(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"]).strip().lower()
        if not value:
            raise TraitError("JupyterAD.default_algorithm must be a detector name or 'auto'.")
        return value


def check_contamination(value: Any, error: type[Exception]) -> float | str:
    """``value`` as a float in (0, 0.5] or the string ``"auto"``; else raise ``error``."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "auto":
            return "auto"
        try:
            value = float(text.rstrip("%")) / (100.0 if text.endswith("%") else 1.0)
        except ValueError:
            value = text
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not 0.0 < float(value) <= 0.5):
        raise error(f"contamination must be a number in (0, 0.5] (the expected share of "
                    f"anomalies, e.g. 0.05) or 'auto', got {value!r}")
    return float(value)
