"""One-line ``UsageError`` for every user mistake made in a magic.

IPython shows a :class:`~IPython.core.error.UsageError` as ``UsageError: <message>`` without a
traceback. :func:`usage_errors` turns the mistakes a magic can meet (bad options from
:mod:`argparse`, :class:`OptionError` from the magics' own checks, any
:class:`~jupyter_ad.errors.JupyterADError` from the core) into one such line, prefixed with
the magic's name. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["OptionError", "one_line", "usage_errors"]


class OptionError(ValueError):
    """A mistake in a magic's arguments; the message says how to fix it."""


def one_line(magic: str, message: str) -> str:
    r"""``"<magic>: <first non-empty line of message>"``.

    >>> one_line("%detect", "Unknown column 'x'.\n  columns: a, b")
    "%detect: Unknown column 'x'."
    >>> one_line("%detect", "%detect: already prefixed")
    '%detect: already prefixed'
    """
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    first = lines[0] if lines else "invalid input"
    for prefix in (f"{magic}:", "UsageError:"):
        if first.startswith(prefix):
            first = first[len(prefix):].strip()
    return f"{magic}: {first}"


@contextmanager
def usage_errors(magic: str) -> Iterator[None]:
    """Re-raise user mistakes inside the block as a one-line ``UsageError``.

    Parameters
    ----------
    magic : str
        How the user typed the magic, e.g. ``"%detect"`` or ``"%%detect"``.
    """
    from IPython.core.error import UsageError

    from jupyter_ad.errors import JupyterADError

    try:
        yield
    except (UsageError, OptionError, JupyterADError) as exc:
        raise UsageError(one_line(magic, str(exc))) from exc
