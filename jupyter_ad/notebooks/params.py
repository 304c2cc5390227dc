"""Validating the user's values and writing them into the parameters cell, safely.

Values never reach a notebook through string formatting of code: each one is checked to be a
plain literal (``str``, ``None``, ``bool``, ``int`` or finite ``float``), written with
:func:`repr`, and the finished cell is parsed back with :mod:`ast` to prove that it holds only
``NAME = literal`` assignments that evaluate to exactly the values given. A column named
``"); import os; ("`` therefore becomes a harmless string literal.
"""

from __future__ import annotations

import ast
import difflib
import html
import math
import os
import re
from typing import Any

from jupyter_ad.errors import ParameterError

__all__ = ["Parameters", "markdown_text", "parameters_cell", "validate"]

Parameters = dict[str, Any]

_HEADER = "# Parameters: edit them and re-run the whole notebook (Run > Run All Cells)."
_COMMENTS = {
    "DATA": "a CSV/Parquet path, or None for the bundled card transactions",
    "TARGET": "label column (1 = anomaly): not a feature, used to evaluate",
    "ALGORITHM": 'a detector name (see ad.list_detectors()) or "auto"',
    "TITLE": "title of the notebook and of its HTML report",
}
BUNDLED_TARGET = "is_anomaly"


def validate(*, data: Any, target: Any, algorithm: Any, title: Any,
             default_title: str) -> Parameters:
    """The checked values of the standard parameters, as plain literals.

    Parameters
    ----------
    data : str, os.PathLike or None
        A data file; ``None`` means the bundled ``ad.datasets.load_transactions()``.
    target : str or None
        The label column. With the bundled data it defaults to ``"is_anomaly"``.
    algorithm : str
        ``"auto"`` or a registered detector name.
    title : str or None
        ``None`` for the template's own title. Line breaks become spaces.
    default_title : str
        The template's title.

    Returns
    -------
    dict
        ``{"DATA": ..., "TARGET": ..., "ALGORITHM": ..., "TITLE": ...}``.
    """
    return {"DATA": _data(data), "TARGET": _target(target, data),
            "ALGORITHM": _algorithm(algorithm), "TITLE": _title(title, default_title)}


def _data(data: Any) -> str | None:
    if data is None:
        return None
    if isinstance(data, os.PathLike):
        data = os.fspath(data)
    if not isinstance(data, str):
        raise ParameterError(f"data must be a file path (str) or None for the bundled data, got "
                             f"{type(data).__name__}: {data!r}.")
    if not data.strip() or "\x00" in data:
        raise ParameterError(f"data must be a non-empty file path, got {data!r}.")
    return data


def _target(target: Any, data: Any) -> str | None:
    if target is None:
        return BUNDLED_TARGET if data is None else None
    if not isinstance(target, str) or not target or "\x00" in target:
        raise ParameterError(f"target must be a column name (non-empty str) or None, got "
                             f"{target!r}.")
    return target


def _algorithm(algorithm: Any) -> str:
    if not isinstance(algorithm, str) or not algorithm.strip():
        raise ParameterError(f"algorithm must be a detector name or 'auto', got {algorithm!r}.")
    name = algorithm.strip().lower()
    if name == "auto":
        return name
    from jupyter_ad.core.registry import list_detectors

    names = [str(n) for n in list_detectors().index]
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ParameterError(f"Unknown algorithm {algorithm!r}.{hint} Use 'auto' or one of: "
                             f"{', '.join(names)}.")
    return name


def _title(title: Any, default: str) -> str:
    if title is None:
        return default
    if not isinstance(title, str):
        raise ParameterError(f"title must be a str or None, got {title!r}.")
    clean = " ".join(title.replace("\x00", "").split())
    return clean or default


def literal(value: Any) -> str:
    """``repr(value)`` for a plain literal; :class:`ParameterError` for anything else."""
    if value is None or isinstance(value, bool | str):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float) and math.isfinite(value):
        return repr(float(value))
    raise ParameterError(f"Only str, None, bool, int and finite float values can be notebook "
                         f"parameters, got {value!r}.")


def parameters_cell(params: Parameters, extra: str = "") -> str:
    """Source of the parameters cell: one ``NAME = literal`` line per value, then ``extra``.

    ``extra`` is the template's own (trusted) lines of that cell. The result is parsed back to
    check that every value reads back exactly as given.
    """
    lines = [_HEADER]
    for name, value in params.items():
        if not name.isidentifier() or not name.isupper():
            raise ParameterError(f"Parameter names are upper-case identifiers, got {name!r}.")
        comment = _COMMENTS.get(name)
        lines.append(f"{name} = {literal(value)}" + (f"  # {comment}" if comment else ""))
    if extra.strip():
        lines.append(extra)
    source = "\n".join(lines)
    _check_cell(source, params)
    return source


def _check_cell(source: str, params: Parameters) -> None:
    tree = ast.parse(source)
    found: dict[str, Any] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise ParameterError("The parameters cell may only hold NAME = literal lines; found "
                                 f"{ast.unparse(node)!r}.")
        found[node.targets[0].id] = ast.literal_eval(node.value)
    for name, value in params.items():
        if name not in found or found[name] != value or type(found[name]) is not type(value):
            raise ParameterError(f"Parameter {name} did not survive rendering: {value!r}.")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~-])")


def markdown_text(text: str) -> str:
    """``text`` as inert markdown: markdown punctuation backslash-escaped, then HTML-escaped."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False)
