"""Copy as code: the Python that reproduces a panel's result and threshold."""

from __future__ import annotations

from typing import Any

__all__ = ["reproduce_code"]


def reproduce_code(result: Any, *, var_name: str = "res", data_name: str = "df") -> str:
    """Python source that recomputes ``result`` from ``data_name`` and sets its threshold.

    The detection call is written from the option spec (:mod:`jupyter_ad.options`) with the
    values the model was fitted with, wherever they came from (an argument, ``%config``, an
    environment variable, ``jupyter-ad.toml``), so the code gives the same result anywhere. It
    names the detector(s) the model used (``"auto"`` resolved); a second line sets the current
    threshold when it differs.

    Parameters
    ----------
    result : DetectionResult
        The result shown by the panel.
    var_name, data_name : str
        Names to use for the result and the data in the generated code.

    Returns
    -------
    str
        Source code, one statement per line; valid Python (``compile`` accepts it).
    """
    from jupyter_ad.options import DETECTION, python_call

    model = result.model
    values = {name: setting.value for name, setting in getattr(model, "options_", {}).items()}
    values["algorithm"] = model.algorithm_
    call = python_call("ad.detect", data_name, values, DETECTION)
    lines = ["import jupyter_ad as ad", "", f"{var_name} = {call}"]
    if float(result.threshold) != float(model.threshold_rule_.value):
        lines.append(f"{var_name}.threshold = {float(result.threshold)!r}")
    return "\n".join(lines)
