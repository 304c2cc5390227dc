"""Front-end files of the widgets: ``js/src/`` in a checkout, ``static/`` when installed.

The front end is plain ES modules, linted and unit-tested with node in ``js/`` and shipped
without a build step. An anywidget takes its JavaScript as one module text, so
:func:`module` inlines the relative imports of an entry module (``import { a } from
"./format.js";``): each imported file becomes a function scope that returns its exports,
evaluated once, so modules keep their own names as they do in node.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["asset", "module"]

_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parents[1]
# In a source checkout js/src/ is the source of truth (never a stale copy); installed, static/.
_SEARCH = ((_CHECKOUT / "js" / "src",) if (_CHECKOUT / "pyproject.toml").is_file() else ()) + (
    _HERE / "static",)

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+\.js)";?\s*$', re.MULTILINE)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)",
                     re.MULTILINE)
_EXPORT_KEYWORD = re.compile(r"^export\s+(?=(?:async\s+)?(?:function|const|let|class)\b)",
                             re.MULTILINE)


@cache
def asset(name: str) -> str:
    """The text of the front-end file ``name`` (for example ``"panel.css"``).

    The wheel ships ``js/src/`` as ``jupyter_ad/widgets/static/`` (pyproject's
    ``force-include``), which an installed package reads; a source checkout (an editable
    install) reads ``js/src/`` directly. Nothing is fetched over the network.

    Raises
    ------
    FileNotFoundError
        If the file is in neither place.
    """
    for folder in _SEARCH:
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{name} is missing from {', '.join(map(str, _SEARCH))}; "
                            "reinstall jupyter-ad.")


@cache
def module(name: str) -> str:
    """The ES module ``name`` with its relative imports inlined: one text for an anywidget.

    ``import { a, b as c } from "./x.js";`` becomes ``const { a, b: c } = __x;`` where
    ``__x`` holds the exports of ``x.js``, evaluated once in its own function scope. Only
    single-line named imports of sibling files are supported (that is all ``js/src`` uses).

    Raises
    ------
    ValueError
        If an imported file imports itself through a cycle or has a default export.
    """
    blocks: list[str] = []
    done: dict[str, str] = {}
    body = _link(asset(name), blocks, done, (name,))
    return "\n".join([*blocks, body])


def _link(text: str, blocks: list[str], done: dict[str, str], stack: tuple[str, ...]) -> str:
    def replace(match: re.Match[str]) -> str:
        names, dep = match.group(1), match.group(2)
        if dep in stack:
            raise ValueError(f"import cycle: {' -> '.join((*stack, dep))}")
        if dep not in done:
            source = asset(dep)
            if re.search(r"^export\s+default\b", source, re.MULTILINE):
                raise ValueError(f"{dep} is imported by name but has a default export")
            inner = _link(source, blocks, done, (*stack, dep))
            exports = _EXPORT.findall(source)
            var = "__" + re.sub(r"\W", "_", dep.removesuffix(".js"))
            blocks.append(f"// ---- {dep} (inlined) ----\nconst {var} = (() => {{\n"
                          f"{_EXPORT_KEYWORD.sub('', inner)}\n"
                          f"return {{ {', '.join(exports)} }};\n}})();")
            done[dep] = var
        fields = ", ".join(_alias(part) for part in names.split(",") if part.strip())
        return f"const {{ {fields} }} = {done[dep]};"

    return _IMPORT.sub(replace, text)


def _alias(part: str) -> str:
    """``"a as b"`` -> ``"a: b"``; ``"a"`` -> ``"a"``."""
    pieces = part.split()
    return f"{pieces[0]}: {pieces[2]}" if len(pieces) == 3 and pieces[1] == "as" else pieces[0]
