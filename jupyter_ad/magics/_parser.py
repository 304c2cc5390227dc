"""Parsing what the user typed after a magic: the argument line, with the option spec's flags.

Every option of a magic comes from :mod:`jupyter_ad.options` (the same flags, help and accepted
values as the ``jupyter-ad`` command); this module only splits text and builds the parsers.
Mistakes become an :class:`~jupyter_ad.magics._errors.OptionError` whose one line says the fix.
"""

from __future__ import annotations

import argparse
import keyword
import shlex
from typing import Any

from jupyter_ad.magics._errors import OptionError
from jupyter_ad.options import OptionSet
from jupyter_ad.options.arguments import add_arguments

__all__ = ["check_name", "magic_parser", "parse_argv", "parse_row", "split_line", "unquote"]


class _Parser(argparse.ArgumentParser):
    """An argparse parser that raises :class:`OptionError` instead of exiting."""

    def error(self, message: str) -> Any:
        raise OptionError(message)

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        raise OptionError(message or "invalid arguments")


def magic_parser(prog: str, options: OptionSet, *, positionals: list[tuple[str, str]],
                 output: str, panel: bool = True) -> argparse.ArgumentParser:
    """The parser of magic ``prog``: its positional arguments, the spec's ``options``, ``-o``
    (help ``output``) and ``--no-panel``.
    """
    usage = " ".join([prog, *(name for name, _ in positionals), "[options]"]).replace("%", "%%")
    parser = _Parser(prog=prog, usage=usage, add_help=False, allow_abbrev=False,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, help_text in positionals:
        parser.add_argument(name.lower(), nargs="?", metavar=name,
                            help=help_text.replace("%", "%%"))
    add_arguments(parser, options)
    parser.add_argument("-o", "--output", metavar="NAME", help=output.replace("%", "%%"))
    if panel:
        parser.add_argument("--no-panel", dest="panel", action="store_false", default=None,
                            help="Print a text summary instead of showing the panel.")
    return parser


def split_line(line: str) -> list[str]:
    r"""Split a magic's argument line like a POSIX shell, keeping backslashes.

    Quotes group words and are removed; a word starting with ``#`` starts a comment.

    >>> split_line("'my data.csv' -a ecod --params '{\"n\": 3}'  # a comment")
    ['my data.csv', '-a', 'ecod', '--params', '{"n": 3}']
    """
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.escape = ""
    try:
        return list(lexer)
    except ValueError as exc:
        raise OptionError(f"{exc} in {line.strip()!r}: close the quote") from None


def parse_argv(parser: argparse.ArgumentParser, line: str) -> argparse.Namespace:
    """Parse ``line`` with ``parser``; mistakes become one :class:`OptionError` line ending with
    the usage.
    """
    try:
        return parser.parse_args(split_line(line))
    except OptionError as exc:
        message = str(exc)
        if message.endswith("."):  # a bad value: the message already says what is allowed
            raise
        usage = parser.format_usage().strip().removeprefix("usage: ")
        raise OptionError(f"{message}; usage: {usage} ({parser.prog}? lists them)") from None


def check_name(name: str, what: str = "-o") -> str:
    """``name`` if it is a valid Python variable name, else :class:`OptionError`.

    >>> check_name("res")
    'res'
    """
    name = unquote(name)
    if not name.isidentifier() or keyword.iskeyword(name):
        raise OptionError(f"{what} needs a Python variable name such as res, got {name!r}")
    return name


def parse_row(text: str) -> int | str:
    """A row as typed: an integer (a label or a position) or a string label."""
    text = unquote(text)
    try:
        return int(text)
    except ValueError:
        return text


def unquote(text: str) -> str:
    """``text`` stripped of spaces and of one pair of surrounding quotes."""
    text = str(text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
