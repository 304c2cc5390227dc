"""Python source from option values: what copy-as-code and generated notebooks write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jupyter_ad.options._spec import OptionSet

__all__ = ["python_call"]

_WIDTH = 88


def python_call(function: str, first: str, values: Mapping[str, Any], options: OptionSet,
                *, keep_defaults: bool = False) -> str:
    """``function(first, name=value, ...)`` for the options whose value is not the built-in one.

    Values are written with ``repr``; a call longer than one line gets one argument per line.

    >>> from jupyter_ad.options import DETECTION
    >>> python_call("ad.detect", "df", {"algorithm": "ecod", "contamination": "auto",
    ...                                 "top_k": 10}, DETECTION)
    "ad.detect(df, algorithm='ecod', top_k=10)"
    """
    args = [first] if first else []
    for name, value in values.items():
        option = options[name]
        if value is None or (not keep_defaults and value == option.default):
            continue
        args.append(f"{option.name}={value!r}")
    flat = f"{function}({', '.join(args)})"
    if len(flat) <= _WIDTH:
        return flat
    inner = ",\n".join(f"    {a}" for a in args)
    return f"{function}(\n{inner},\n)"
