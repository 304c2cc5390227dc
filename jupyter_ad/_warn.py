"""Warnings that point at the user's line, not at jupyter-ad's internals."""

from __future__ import annotations

import sys
import warnings

__all__ = ["warn_user"]


def warn_user(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` with the stack level of the first caller outside ``jupyter_ad``."""
    level, frame = 2, sys._getframe(1)  # level 2 is the caller of warn_user
    while frame is not None and frame.f_globals.get("__name__", "").startswith("jupyter_ad"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
