"""Reading data and results from the notebook's namespace, and storing results into it."""

from __future__ import annotations

import difflib
import os
from types import ModuleType
from typing import Any

from jupyter_ad.magics._errors import OptionError

__all__ = ["LAST", "resolve_data", "resolve_variable", "store"]

#: Every ``%detect`` stores its result here too, whatever ``-o`` says.
LAST = "_ad_last"


def _visible(shell: Any) -> dict[str, Any]:
    """The user's own variables: no hidden, private (``_x``) or module names."""
    hidden = getattr(shell, "user_ns_hidden", {})
    return {k: v for k, v in shell.user_ns.items()
            if not k.startswith("_") and k not in hidden and not isinstance(v, ModuleType)
            and not isinstance(v, type)}


def _is_data(value: Any) -> bool:
    """A table or array (its ``shape`` is a tuple), not a function named ``shape``."""
    return isinstance(getattr(value, "shape", None), tuple) or hasattr(value, "__dataframe__")


def _is_result(value: Any) -> bool:
    return callable(getattr(value, "explain", None))


def _missing(shell: Any, name: str, example: str, results: bool = False) -> str:
    visible = _visible(shell)
    ours = [k for k in shell.user_ns if k.startswith("_ad_")]  # _ad_last and friends
    close = difflib.get_close_matches(name, [*visible, *ours], n=1, cutoff=0.6)
    if close:
        return f"no variable named {name!r} in the notebook (did you mean {close[0]!r}?)"
    wanted, what = (_is_result, "results") if results else (_is_data, "data")
    names = [k for k, v in visible.items() if wanted(v)][:5]
    hint = f"variables holding {what}: {', '.join(names)}" if names else f"e.g. {example}"
    return f"no variable named {name!r} in the notebook ({hint})"


def resolve_variable(shell: Any, name: str, example: str) -> Any:
    """The detection result in variable ``name`` of the user namespace, or :class:`OptionError`.

    Only the name is checked here; the caller checks the value's type.
    """
    if name.isidentifier() and name in shell.user_ns:
        return shell.user_ns[name]
    if not name.isidentifier():
        raise OptionError(f"{name!r} is not a variable name; assign it to a variable first, "
                          f"e.g. {example}")
    raise OptionError(_missing(shell, name, example, results=True))


def resolve_data(shell: Any, token: str | None, magic: str) -> Any:
    """The data named by ``token``: a variable of the notebook or the path of a data file.

    A Python name is looked up in the user namespace (a file of that name is used only when
    no variable has it); anything else is a path that must exist.
    """
    example = f"{magic} df -o res"
    if token is None or not token.strip():
        raise OptionError(f"which data? give a variable name or a quoted file path, e.g. "
                          f"{example}")
    token = token.strip()
    if token.isidentifier():
        if token in shell.user_ns:
            return shell.user_ns[token]
        if os.path.isfile(token):
            return token
        raise OptionError(_missing(shell, token, example))
    path = os.path.expanduser(token)
    if os.path.exists(path):
        return path
    if any(ch in token for ch in "[]()"):
        raise OptionError(f"{token!r} is neither a variable nor a file; assign the expression "
                          f"to a variable first (x = {token}) and run {magic} x")
    raise OptionError(f"no variable or file named {token!r} (give a variable name, or the "
                      "path of a CSV, Parquet or JSON-lines file)")


def store(shell: Any, value: Any, name: str | None, last: str) -> None:
    """Put ``value`` into the user namespace under ``last`` and ``name`` (if given)."""
    shell.user_ns[last] = value
    if name:
        shell.user_ns[name] = value
