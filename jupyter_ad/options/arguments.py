"""Command-line arguments from the option spec, for the ``jupyter-ad`` command and the magics.

Both build their ``argparse`` parsers with :func:`add_arguments`, so a flag has the same name,
help and accepted values in the shell and in a notebook. Values are normalised while parsing;
a bad value is an argparse error naming the flag and saying what is allowed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.options._spec import Option, OptionSet

__all__ = ["add_arguments", "given"]


def _argtype(option: Option) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return option.coerce(text)
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = option.name  # argparse names the type in some messages
    return convert


def add_arguments(parser: argparse.ArgumentParser, options: OptionSet, *,
                  defaults: dict[str, Any] | None = None) -> None:
    """Add one argument per option of ``options`` to ``parser``.

    Every argument defaults to ``None`` ("not given": the configured default applies later)
    unless ``defaults`` says otherwise. Options of one group become mutually exclusive; old
    spellings (``aliases``) are accepted but hidden from the help.
    """
    groups: dict[str, Any] = {}
    for option in options.values():
        target: Any = parser
        if option.group:
            if option.group not in groups:
                groups[option.group] = parser.add_mutually_exclusive_group()
            target = groups[option.group]
        default = (defaults or {}).get(option.name)
        help_text = option.help.replace("%", "%%")
        if option.is_flag:
            target.add_argument(*option.flags, option.flag, dest=option.name,
                                action="store_true", default=default, help=help_text)
            continue
        kwargs: dict[str, Any] = {"dest": option.name, "type": _argtype(option),
                                  "default": default, "metavar": option.metavar or None}
        if option.repeatable:  # --exclude a --exclude b,c: the lists add up
            kwargs["action"] = "extend"
        target.add_argument(*option.flags, option.flag, help=help_text, **kwargs)
        for alias in option.aliases:
            target.add_argument(alias, help=argparse.SUPPRESS, **kwargs)


def given(args: argparse.Namespace, options: OptionSet) -> dict[str, Any]:
    """The values of ``options`` that were given on the command line (not ``None``)."""
    return {name: getattr(args, name) for name in options
            if getattr(args, name, None) is not None}
