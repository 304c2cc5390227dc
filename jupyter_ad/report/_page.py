r"""Building blocks of the HTML reports: escaping, tables, charts, the page, the atomic write.

Every string from the data or the user goes through :func:`html.escape`. Chart specifications
are embedded as JSON in ``<script type="application/json">`` blocks, with ``<``, ``>`` and
``&`` written as ``\u003c``-style escapes so no value can close the block. The Vega,
Vega-Lite and vega-embed JavaScript is inlined from :func:`vl_convert.javascript_bundle`.

The Content-Security-Policy (:func:`content_security_policy`) forbids the page to load
anything from anywhere, runs only the page's own two scripts (allowed by their SHA-256 hashes:
no ``'unsafe-inline'``, so an injected ``<script>`` or event-handler attribute does not run)
and no ``eval``: Vega evaluates chart expressions with its interpreter (vega-embed's
``ast: true``) instead of generating code. ``base-uri 'none'`` and ``form-action 'none'``
keep injected ``<base>`` and ``<form>`` elements from redirecting links or posting data.
Escaping stays the first defence; the policy is the second.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from jupyter_ad.errors import OptionalDependencyError, ParameterError
from jupyter_ad.io.atomic import write_text_atomic
from jupyter_ad.report._static import esc, format_value, html_table

__all__ = ["Page", "chart_spec", "content_security_policy", "esc", "fmt", "table",
           "write_atomic"]

# Styles: vega-embed and its tooltip handler add <style> elements and style attributes at run
# time, so inline styles stay allowed; scripts are allowed by hash only (see the docstring).
_CSP_REST = ("style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
             "base-uri 'none'; form-action 'none'")


def content_security_policy(scripts: list[str]) -> str:
    """The page's Content-Security-Policy, allowing exactly the inline ``scripts`` given.

    >>> content_security_policy([])
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data: blob:; \
font-src data:; base-uri 'none'; form-action 'none'"
    """
    hashes = " ".join(f"'sha256-{_sha256(text)}'" for text in scripts) or "'none'"
    return f"default-src 'none'; script-src {hashes}; {_CSP_REST}"


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii")

_CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --red: #d62728; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--fg); margin: 0 auto; padding: 24px 32px 48px; max-width: 1200px;
       line-height: 1.45; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.25em; border-bottom: 1px solid var(--line); padding-bottom: 4px;
     margin-top: 32px; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
.meta, .note { color: var(--muted); font-size: 0.9em; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
        padding: 8px 14px; min-width: 130px; }
.card .value { font-size: 1.35em; font-weight: 600; }
.card .label { color: var(--muted); font-size: 0.85em; }
.summary p { margin: 4px 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.86em; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left;
         white-space: nowrap; }
th { background: var(--bg); position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.anomaly td:first-child { border-left: 3px solid var(--red); }
.chart { margin: 12px 0; min-height: 40px; }
.sentence { font-size: 1.02em; margin: 4px 0 8px; }
article { border-top: 1px dashed var(--line); padding-top: 4px; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85em; }
"""

# The bundle's default: make the three libraries globals for the page's own script.
_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"

_EMBED_JS = """
(function () {
  // ast: Vega interprets expressions instead of compiling them with Function(): no eval,
  // as the Content-Security-Policy demands.
  var options = {renderer: "svg", ast: true, actions: {export: true, source: false,
                 compiled: false, editor: false}};
  var blocks = document.querySelectorAll("script[type='application/json'][data-chart]");
  Array.prototype.forEach.call(blocks, function (block) {
    var target = document.getElementById(block.getAttribute("data-chart"));
    vegaEmbed(target, JSON.parse(block.textContent), options).catch(function (error) {
      target.textContent = "This chart could not be drawn: " + error;
    });
  });
})();
"""


def fmt(value: Any, spec: Any = None) -> str:
    """A table cell as escaped text, in the column format ``spec`` (see :mod:`._static`)."""
    return esc(format_value(value, spec))


def table(frame: pd.DataFrame, *, index: str | None = None,
          highlight: pd.Series | None = None, formats: Any = None) -> str:
    """``frame`` as an escaped HTML table (:func:`._static.html_table`).

    ``index`` names an index column to show first; ``highlight`` (boolean, aligned with the
    rows) marks rows with the ``anomaly`` class; ``formats`` gives the columns' formats,
    computed from the whole data (else from the rows shown).
    """
    marks = list(highlight) if highlight is not None else None
    return html_table(frame, formats=formats, index=index, highlight=marks)


def chart_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite specification of an Altair chart, with every dataset inline."""
    import altair as alt

    with alt.data_transformers.enable("default", max_rows=None):
        spec = chart.to_dict()
    _check_inline(spec)
    return dict(spec)


def _check_inline(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("url"), str) and ("values" not in node):
            raise ParameterError(f"A chart loads its data from {node['url']!r}: reports only "
                                 "embed inline data, so they open offline.")
        for value in node.values():
            _check_inline(value)
    elif isinstance(node, list):
        for value in node:
            _check_inline(value)


def json_block(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, allow_nan=False, default=str, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=4)
def _javascript(vl_version: str | None) -> str:
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise OptionalDependencyError("HTML reports need vl-convert-python: "
                                      "pip install vl-convert-python") from exc
    try:
        bundle = vl_convert.javascript_bundle(_SNIPPET, vl_version=vl_version)
    except ValueError:
        bundle = vl_convert.javascript_bundle(_SNIPPET)
    # Neither occurs in today's bundle; if one ever does, keep it from ending the element.
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE).replace("<!--",
                                                                                  "<\\!--")


def _vl_version() -> str | None:
    import altair as alt

    parts = str(getattr(alt, "SCHEMA_VERSION", "")).lstrip("v").split(".")
    return f"{parts[0]}.{parts[1]}" if len(parts) >= 2 else None


class Page:
    """An HTML report being built: add sections, charts and tables, then :meth:`render`."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = []
        self._charts = 0

    def add(self, markup: str) -> None:
        """Append already-escaped markup."""
        self.parts.append(markup)

    def chart(self, chart: Any, *, label: str) -> None:
        """Append an interactive chart (an Altair chart) described by ``label``."""
        self._charts += 1
        div = f"chart-{self._charts}"
        self.parts.append(
            f"<div class='chart' id='{div}' role='img' aria-label='{esc(label)}'></div>"
            f"<script type='application/json' data-chart='{div}'>"
            f"{json_block(chart_spec(chart))}</script>")

    @property
    def n_charts(self) -> int:
        """Number of charts added."""
        return self._charts

    def render(self) -> str:
        """The complete, self-contained HTML document."""
        from jupyter_ad import __version__

        now = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        code = [_javascript(_vl_version()), _EMBED_JS] if self._charts else []
        scripts = "\n".join(f"<script>{text}</script>" for text in code)
        csp = content_security_policy(code)
        return (
            "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\">\n"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<meta name='generator' content='jupyter-ad {esc(__version__)}'>\n"
            f"<title>{esc(self.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<header><h1>{esc(self.title)}</h1></header>\n"
            + "\n".join(self.parts)
            + f"\n<footer>Generated {esc(now)} by jupyter-ad {esc(__version__)}. This file is "
            "self-contained: it loads nothing from the network. Scores: higher = more "
            "anomalous; label 1 = anomaly.</footer>\n"
            "<noscript><p>Charts need JavaScript.</p></noscript>\n"
            f"{scripts}\n</body>\n</html>\n"
        )


def report_path(path: Any) -> Path:
    """``path`` checked: a file path ending in ``.html``/``.htm`` (added when missing)."""
    if not isinstance(path, str | os.PathLike) or not os.fspath(path):
        raise ParameterError(f"path must be a file path, got {path!r}.")
    target = Path(path).expanduser()
    if target.suffix == "":
        target = target.with_suffix(".html")
    if target.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(f"An HTML report file ends in .html, got {str(path)!r}.")
    if target.is_dir():
        raise ParameterError(f"{str(target)!r} is a folder; give a file name.")
    if not target.parent.exists():
        raise ParameterError(f"The folder {str(target.parent)!r} does not exist.")
    return target


def write_atomic(target: Path, text: str) -> Path:
    """Write ``text`` to ``target`` via a temporary file in the same folder and a rename."""
    return write_text_atomic(target, text)
