"""A stage progress bar on stderr (only when stderr is a terminal, unless forced)."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["Progress"]


class Progress:
    """Shows ``stage`` names on a tqdm bar; silent when disabled or not on a terminal."""

    def __init__(self, *, enabled: bool = True, total: int = 4, force: bool = False) -> None:
        self._bar: Any = None
        self._total = total
        self._enabled = enabled and (force or sys.stderr.isatty())

    @property
    def enabled(self) -> bool:
        """Whether a bar is shown (on a terminal, unless disabled)."""
        return self._enabled

    def stage(self, name: str) -> None:
        """Advance to stage ``name``."""
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self._total, file=sys.stderr, leave=False,
                             bar_format="{desc:<12} {bar} {n_fmt}/{total_fmt} [{elapsed}]")
        self._bar.set_description_str(name)
        self._bar.update(1)

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
