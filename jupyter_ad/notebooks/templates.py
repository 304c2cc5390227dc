"""Finding and parsing notebook templates (``templates/*.py`` in the percent cell format).

A template is a Python file of cells separated by ``# %%`` lines (the format VS Code, Spyder
and jupytext read), with a front-matter block on top::

    # ---
    # description: One line that says what the notebook does.
    # title: Default title of the notebook
    # ---

    # %% [markdown]
    # # {{ title }}
    # Markdown lines start with "# ".

    # %% [parameters]
    MODEL_NAME = "quickstart"

    # %%
    res = ad.detect(features, algorithm=ALGORITHM)

``# %% [parameters]`` marks the one cell that :func:`jupyter_ad.notebooks.render` fills with
the user's values (``DATA``, ``TARGET``, ``ALGORITHM``, ``TITLE``); the template's own lines in
that cell are fixed defaults appended after them. ``{{ title }}`` is replaced by the escaped
title in markdown cells only; code cells are copied verbatim, except that IPython magics are
written commented out (``# %load_ext jupyter_ad``), as jupytext does, so that every template
is valid Python.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jupyter_ad.errors import ParameterError

__all__ = ["Cell", "Template", "get_template", "template_dir", "template_names"]

_MARKER = re.compile(r"^# %%(?:\s*\[(?P<kind>markdown|md|parameters)\])?\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_MAGIC = re.compile(r"^# (%%?[A-Za-z_].*)$")


@dataclass(frozen=True)
class Cell:
    """One cell of a template: ``kind`` is ``"code"``, ``"markdown"`` or ``"parameters"``."""

    kind: str
    source: str


@dataclass(frozen=True)
class Template:
    """A parsed notebook template."""

    name: str
    description: str
    title: str
    cells: tuple[Cell, ...] = field(repr=False)
    path: Path | None = None


def template_dir() -> Path:
    """The folder of the bundled templates.

    In an installed wheel they ship as ``jupyter_ad/templates``; in a source checkout they are
    the top-level ``templates/`` folder.
    """
    package = Path(__file__).resolve().parents[1]
    installed = package / "templates"
    if installed.is_dir():
        return installed
    return package.parent / "templates"


def template_names() -> list[str]:
    """Names of the bundled templates, sorted."""
    folder = template_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.py") if _NAME.match(p.stem))


def get_template(name: str) -> Template:
    """The bundled template called ``name`` (``_`` and ``-`` are interchangeable).

    Raises
    ------
    ParameterError
        No template has that name; the message lists them.
    """
    if not isinstance(name, str) or not name.strip():
        raise ParameterError(f"template must be a template name, got {name!r}. "
                             f"Templates: {', '.join(template_names())}.")
    wanted = name.strip().lower().replace("_", "-")
    if wanted.endswith(".ipynb") or wanted.endswith(".py"):
        wanted = wanted.rsplit(".", 1)[0]
    names = template_names()
    if wanted not in names:
        close = difflib.get_close_matches(wanted, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ParameterError(f"Unknown template {name!r}.{hint} Templates: "
                             f"{', '.join(names) or '(none found in ' + str(template_dir()) + ')'}"
                             ". See jupyter_ad.notebooks.list_templates() or "
                             "'jupyter-ad new --list'.")
    path = template_dir() / f"{wanted}.py"
    return _parse_cached(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _parse_cached(path: str, mtime_ns: int) -> Template:
    file = Path(path)
    return parse(file.read_text(encoding="utf-8"), name=file.stem, path=file)


def parse(text: str, *, name: str, path: Path | None = None) -> Template:
    """Parse the text of a template file."""
    lines = text.splitlines()
    meta, start = _front_matter(lines, name)
    cells: list[Cell] = []
    kind: str | None = None
    body: list[str] = []
    for line in [*lines[start:], "# %%"]:
        match = _MARKER.match(line)
        if match is None:
            if kind is None and line.strip():
                raise ParameterError(f"Template {name!r}: text before the first '# %%' cell "
                                     f"marker: {line!r}.")
            body.append(line)
            continue
        if kind is not None:
            cells.append(Cell(kind, _cell_source(kind, body, name)))
        kind = {"md": "markdown", None: "code"}.get(match["kind"], match["kind"])
        body = []
    if sum(c.kind == "parameters" for c in cells) != 1:
        raise ParameterError(f"Template {name!r} needs exactly one '# %% [parameters]' cell.")
    return Template(name=name, description=meta.get("description", ""),
                    title=meta.get("title", name), cells=tuple(cells), path=path)


def _front_matter(lines: list[str], name: str) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "# ---":
        return {}, 0
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "# ---":
            return meta, i + 1
        key, sep, value = line.removeprefix("#").partition(":")
        if not sep:
            raise ParameterError(f"Template {name!r}: front matter line {line!r} is not "
                                 "'# key: value'.")
        meta[key.strip()] = value.strip()
    raise ParameterError(f"Template {name!r}: the front matter has no closing '# ---' line.")


def _cell_source(kind: str, body: list[str], name: str) -> str:
    while body and not body[0].strip():
        body = body[1:]
    while body and not body[-1].strip():
        body = body[:-1]
    if kind != "markdown":
        return "\n".join(_MAGIC.sub(r"\1", line) for line in body)
    out = []
    for line in body:
        if line == "#" or line.startswith("# "):
            out.append(line[2:])
        else:
            raise ParameterError(f"Template {name!r}: markdown line {line!r} does not start "
                                 "with '# '.")
    return "\n".join(out)
