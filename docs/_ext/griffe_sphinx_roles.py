"""Griffe extension for the docs build: Sphinx roles in docstrings become links.

The code's numpy-style docstrings use Sphinx roles (``:func:`jupyter_ad.detect```,
``:class:`~jupyter_ad.charts.overview```, ``:meth:`transform```) that Markdown would show as
literal ``:func:`` text. This extension rewrites each role into an *optional* mkdocs-autorefs
cross-reference: a link when the target is rendered somewhere in the API reference, plain code
otherwise (so a role naming a private helper never breaks the strict build). ``:math:`` becomes
code, and a paragraph ending in the reStructuredText ``::`` (literal block follows) ends in
``:``.

Loaded by mkdocstrings (``extensions:`` in mkdocs.yml); not part of the package.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?P<role>func|class|meth|attr|mod|data|obj|exc|const|math):"
                   r"`(?P<target>[^`]+)`")
_LITERAL_BLOCK = re.compile(r"(?<=\S)::(?=\n\s*\n)")
_LABELLED = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$")


def _identifier(obj: griffe.Object, target: str) -> str:
    """The full dotted path of ``target`` as seen from ``obj`` (``target`` if unresolved)."""
    if target.startswith("."):  # relative module path, e.g. ``..confidence``
        module = obj.module
        level = len(target) - len(target.lstrip("."))
        parts = module.path.split(".")
        base = parts if module.is_package else parts[:-1]
        base = base[: len(base) - (level - 1)] if level > 1 else base
        return ".".join([*base, target.lstrip(".")])
    first, _, rest = target.partition(".")
    for scope in (obj, obj.parent):
        if scope is None:
            continue
        try:
            resolved = scope.resolve(first)
        except Exception:  # griffe.NameResolutionError, or an alias it cannot follow
            continue
        return f"{resolved}.{rest}" if rest else resolved
    return target


def _rewrite(obj: griffe.Object, text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        role, target = match["role"], match["target"].strip()
        if role == "math":
            return f"`{target}`"
        labelled = _LABELLED.match(target)
        if labelled:
            title, target = labelled["title"], labelled["target"]
        else:
            title = target.lstrip("~.")
            if target.startswith("~"):
                title = title.rsplit(".", 1)[-1]
            if role in ("func", "meth"):
                title += "()"
            target = target.lstrip("~")
        identifier = html.escape(_identifier(obj, target), quote=True)
        return (f'<autoref identifier="{identifier}" optional>'
                f"<code>{html.escape(title)}</code></autoref>")

    text = _ROLE.sub(replace, text)
    return _LITERAL_BLOCK.sub(":", text)


def _walk(obj: griffe.Object, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if obj.docstring is not None:
        obj.docstring.value = _rewrite(obj, obj.docstring.value)
    for member in obj.members.values():
        if not member.is_alias:
            _walk(member, seen)  # type: ignore[arg-type]


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles of every docstring of a loaded package (see module docstring)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Called by griffe once ``pkg`` and all its modules are loaded."""
        _walk(pkg, set())
