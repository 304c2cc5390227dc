"""Helpers of the browser tests: notebooks to open, running them, reading the kernel's state.

A notebook's first cell defines ``STATE`` (a JSON file) and ``dump(**values)``; probe cells
write what Python holds (``res.threshold``, ``res.feedback``...) there whenever the panel's
state changes, so the tests assert on the kernel side as well as on the page.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SETUP = """\
%load_ext jupyter_ad
import json, pathlib, sys, time
import numpy as np
import pandas as pd
import jupyter_ad as ad
STATE = pathlib.Path({state!r})

def dump(**values):
    old = json.loads(STATE.read_text()) if STATE.exists() else {{}}
    old.update(values)
    tmp = STATE.with_suffix(".tmp")
    tmp.write_text(json.dumps(old, default=str))
    tmp.replace(STATE)
"""

CARDS = "df = ad.datasets.load_card_transactions()  # 20,000 rows, skewed, planted fraud"

PROBE = """\
from ipywidgets.widgets.widget import _instances
from jupyter_ad.widgets import DetectionPanel

panel = [w for w in list(_instances.values()) if isinstance(w, DetectionPanel)][-1]

def probe(*_):
    res = panel.result
    dump(python=sys.executable, threshold=res.threshold, n_anomalies=int(res.n_anomalies),
         n_flagged=panel.n_flagged, selected_row=panel.selected_row,
         explanation=panel.explanation_text, error=panel.error,
         feedback={str(k): v for k, v in res.feedback.items()}, code=panel.code,
         histogram_scale=panel.histogram_spec.get("layer", [{}])[0].get("encoding", {})
         .get("x", {}).get("scale", {}).get("type", "linear"),
         rows={str(r["row"]): r for r in panel.rows[:50]})

for name in ("threshold", "selected_row", "explanation_text", "feedback", "error",
             "histogram_spec", "code"):
    panel.observe(probe, names=name)
probe()
"""


def write_notebook(path: Path, cells: list[str]) -> Path:
    """A notebook of code cells (the first one titled), with the python3 kernelspec."""
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {path.stem}")] + [new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


def setup_cell(state: Path) -> str:
    return SETUP.format(state=str(state))


APP_READY = ("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
             " && window.jupyterapp.shell.currentWidget.sessionContext")
KERNEL_IDLE = ("() => { const w = window.jupyterapp.shell.currentWidget;"
               " const k = w && w.sessionContext.session && w.sessionContext.session.kernel;"
               " return k && k.status === 'idle'; }")


def open_notebook(page: Any, url: str, *, run: bool = True) -> None:
    """Open a notebook, wait for an idle kernel, and run every cell."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(APP_READY, timeout=120_000)
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    if run:
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def run_cell(page: Any, index: int) -> None:
    """Run the cell at ``index`` (0 = the title cell)."""
    page.evaluate("""(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
                      nb.activeCellIndex = i;
                      return window.jupyterapp.commands.execute('notebook:run-cell'); }""",
                  index)


def poll(read: Callable[[], Any], ok: Callable[[Any], bool], timeout: float = 60) -> Any:
    """``read()`` until ``ok`` holds or ``timeout`` seconds pass; the last value."""
    end = time.time() + timeout
    value = read()
    while not ok(value) and time.time() < end:
        time.sleep(0.2)
        value = read()
    return value


def reader(path: Path) -> Callable[[], dict[str, Any]]:
    def read() -> dict[str, Any]:
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            return {}
    return read


def visible_text(page: Any, text: str) -> bool:
    """Whether an element showing ``text`` is visible on the page."""
    return bool(page.evaluate("""(t) => [...document.querySelectorAll('body *')].some(e =>
        e.childElementCount === 0 && e.textContent.includes(t) && e.offsetParent !== null)""",
                              text))


GRADIENTS = """() => {
  const ids = [...document.querySelectorAll('linearGradient, radialGradient')].map(g => g.id);
  const refs = [];
  for (const svg of document.querySelectorAll('svg')) {
    for (const el of svg.querySelectorAll('[fill*="url("], [style*="url("]')) {
      // Vega writes url(<page address>#gradient_N)
      const m = /url\\([^)#]*#([^)"']+)["']?\\)/.exec(
        el.getAttribute('fill') || el.getAttribute('style'));
      if (m) refs.push({id: m[1], local: !!svg.querySelector('#' + CSS.escape(m[1]))});
    }
  }
  return {ids, refs};
}"""


def gradients(page: Any) -> dict[str, Any]:
    """Every SVG gradient id on the page, and whether each reference finds its own."""
    return dict(page.evaluate(GRADIENTS))


def saved_notebook(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def outputs_of(nb: Any, marker: str) -> list[Any]:
    """The outputs of the first code cell whose source contains ``marker``."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and marker in c.source)
    return list(cell.outputs)


def widget_state(nb: Any) -> dict[str, Any]:
    return dict(nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {}))


def finish(page: Any, traffic: Any, console: list[str], base: str, out: Path) -> None:
    """Screenshot, console log, and no request outside the server."""
    page.screenshot(path=str(out), full_page=True)
    out.with_suffix(".console.log").write_text("\n".join(console))
    outside = traffic.outside(base)
    assert not outside, f"requests left {base}: {outside[:10]}"


def press_slider(page: Any, keys: list[str], read: Callable[[], dict[str, Any]],
                 expect: int) -> dict[str, Any]:
    """Press ``keys`` on the panel's slider, one at a time as a user does (each step waits for
    the kernel to answer), until Python flags ``expect`` rows; the kernel's state then."""
    slider = page.locator(".jad-detection input.jad-threshold")
    for key in keys:
        before = read().get("threshold")
        slider.focus()
        slider.press(key)
        poll(read, lambda s, b=before: s.get("threshold") != b, timeout=20)
    return poll(read, lambda s: s.get("n_anomalies") == expect, timeout=60)
