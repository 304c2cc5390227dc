"""The refit policy: a new model fitted on the window, saved and swapped in."""

from jupyter_ad.stream.refit.policy import RefitPolicy, Refitter

__all__ = ["RefitPolicy", "Refitter"]
