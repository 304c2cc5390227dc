"""The ``--help`` texts in ``docs/cli.md``, regenerated from the command line's own parser.

Every `````text`` block of the page that starts with ``usage: jupyter-ad ...`` is replaced by
what that command prints for ``--help`` (at a width of 100 columns), so the page cannot drift
from the parser (``tests/test_docs.py`` checks it). Run after changing an option::

    python -m jupyter_ad.docs_gen --cli docs/cli.md
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

__all__ = ["help_text", "update_cli_page"]

_BLOCK = re.compile(r"^```text\n(usage: jupyter-ad(?P<cmd>[^\n]*)\n.*?)^```$",
                    re.MULTILINE | re.DOTALL)
WIDTH = 100


def help_text(command: str) -> str:
    """What ``jupyter-ad COMMAND --help`` prints (``""``: the top level)."""
    from jupyter_ad.cli.main import main

    out = io.StringIO()
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(WIDTH)
    try:
        with contextlib.redirect_stdout(out):
            main([*command.split(), "--help"])
    finally:
        if before is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = before
    return out.getvalue()


def _command(first_line: str) -> str:
    """The sub-command a usage line belongs to ("" for the top level)."""
    words = first_line.split()
    return words[0] if words and not words[0].startswith("[") else ""


def update_cli_page(text: str) -> str:
    """``text`` (the page) with every help block regenerated."""
    def replace(match: re.Match[str]) -> str:
        return f"```text\n{help_text(_command(match['cmd']))}```"

    return _BLOCK.sub(replace, text)


def write_cli_page(path: str | Path) -> Path:
    """Regenerate the help blocks of the page at ``path`` in place."""
    page = Path(path)
    page.write_text(update_cli_page(page.read_text(encoding="utf-8")), encoding="utf-8")
    return page
