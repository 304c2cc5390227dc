"""What every sub-command of ``jupyter-ad`` shares: the parser class, the exit codes, the option
spec's arguments, and how an error or a warning is printed (one plain line on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from collections.abc import Iterator
from typing import Any

from jupyter_ad.errors import JupyterADError, ParameterError
from jupyter_ad.options import DETECTION, OPTIONS, OptionSet
from jupyter_ad.options.arguments import add_arguments

__all__ = ["DETECT_OPTIONS", "EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "CliParser", "UsageError",
           "add_data_argument", "add_options", "config_file", "print_warnings", "report_error"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2

#: The detection options every detecting sub-command takes (the spec's, with their flags).
DETECT_OPTIONS = OPTIONS.select(*DETECTION)


class UsageError(Exception):
    """Raised by the parser instead of exiting, so ``main`` controls the exit status."""


class CliParser(argparse.ArgumentParser):
    """An ``argparse`` parser whose mistakes raise :class:`UsageError`."""

    def error(self, message: str) -> Any:  # pragma: no cover - exercised through main()
        raise UsageError(f"{self.prog}: {message}")


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """The positional ``data`` file argument."""
    parser.add_argument("data", help="CSV/TSV, Parquet or JSON-lines file")


def add_options(parser: argparse.ArgumentParser, options: OptionSet) -> None:
    """The spec's ``options`` as arguments (lower-case help, as argparse's own)."""
    add_arguments(parser, options)


def report_error(command: str, exc: JupyterADError) -> int:
    """Print ``exc`` as one line on stderr; its exit status: 2 for usage, 1 for data errors."""
    message = " ".join(str(exc).split())
    print(f"jupyter-ad {command}: error: {message}", file=sys.stderr)
    return EXIT_USAGE if isinstance(exc, ParameterError) else EXIT_DATA


@contextlib.contextmanager
def print_warnings(command: str) -> Iterator[None]:
    """Show every warning in the block as one plain line on stderr (no file name, no code)."""

    def show(message: Any, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        text = " ".join(str(message).split())
        print(f"jupyter-ad {command}: warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def config_file(path: str | None) -> Iterator[None]:
    """Use the configuration file ``path`` (``--config``) in the block, if given."""
    from jupyter_ad.options import set_config_file

    if path is None:
        yield
        return
    set_config_file(path)
    try:
        yield
    finally:
        set_config_file(None)
