"""Copy as code: the Python that reproduces a panel's result and threshold."""

from __future__ import annotations

from typing import Any

__all__ = ["feedback_code", "panel_code", "reproduce_code"]


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


def feedback_code(result: Any, *, var_name: str = "res") -> str:
    """A line that puts the marks of ``result.feedback`` back on a result, or ``""``.

    Row labels that are plain numbers or text are written as they are; other labels
    (timestamps...) by position, through ``{var_name}.data.index``.

    >>> class R:
    ...     feedback = {4657: 1, 12: 0}
    >>> feedback_code(R())
    'res.feedback.update({4657: 1, 12: 0})'
    """
    marks = dict(getattr(result, "feedback", {}) or {})
    if not marks:
        return ""
    if all(isinstance(k, int | str) and not isinstance(k, bool) for k in marks):
        return f"{var_name}.feedback.update({ {k: int(v) for k, v in marks.items()}!r})"
    index = result.data.index
    positions = {int(index.get_loc(k)): int(v) for k, v in marks.items()
                 if isinstance(index.get_loc(k), int)}
    return (f"{var_name}.feedback.update({{{var_name}.data.index[i]: v for i, v in "
            f"{positions!r}.items()}})")


def panel_code(result: Any, *, var_name: str = "res", data_name: str = "df") -> str:
    """What the panel's copy-as-code box shows: :func:`reproduce_code` plus the marks.

    :func:`reproduce_code` writes the detection (from the option spec); the marks the user
    made in the panel follow, so running the code loses nothing.
    """
    code = reproduce_code(result, var_name=var_name, data_name=data_name)
    marks = feedback_code(result, var_name=var_name)
    return f"{code}\n{marks}" if marks else code
