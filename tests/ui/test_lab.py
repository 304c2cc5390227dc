"""The panels in a real JupyterLab, driven through Debian's Chromium.

Each test writes a notebook, opens it, runs all cells and acts in the browser; a traitlets
observer in the kernel writes the kernel-side state to a JSON file, so the assertions are about
what Python saw, not only about pixels. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = [pytest.mark.ui, pytest.mark.xdist_group("ui-jupyterlab")]

DATA_CELL = """\
rng = np.random.default_rng(0)
df = pd.DataFrame(rng.normal(size=(400, 4)), columns=["amount", "items", "latency", "distance"])
df.loc[:4, "amount"] += 9      # five planted anomalies
df.loc[5:7, "latency"] -= 8    # and three more
"""

PROBE_CELL = """\
from ipywidgets.widgets.widget import _instances
from jupyter_ad.widgets import DetectionPanel

panel = [w for w in list(_instances.values()) if isinstance(w, DetectionPanel)][-1]

def dump(*_):
    STATE.write_text(json.dumps({
        "python": sys.executable,
        "threshold": res.threshold,
        "n_anomalies": int(res.n_anomalies),
        "n_flagged": panel.controls.n_flagged,
        "selected_row": panel.controls.selected_row,
        "explanation": panel.controls.explanation_text,
        "feedback": {str(k): v for k, v in res.feedback.items()},
        "error": panel.controls.error,
    }))

for name in ("threshold", "selected_row", "explanation_text", "feedback", "error"):
    panel.controls.observe(dump, names=name)
dump()
"""


def _write_notebook(path: Path, cells: list[str]) -> None:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {path.stem}")] + [new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.validate(nb)
    nbformat.write(nb, path)


def _setup_cell(state: Path) -> str:
    return (f"%load_ext jupyter_ad\nimport json, pathlib, sys\nimport numpy as np\n"
            f"import pandas as pd\nSTATE = pathlib.Path({str(state)!r})")


def _open_and_run(page: Any, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext",
                           timeout=60_000)
    page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                           " const k = w.sessionContext.session && w.sessionContext.session.kernel;"
                           " return k && k.status === 'idle'; }", timeout=60_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _poll(read: Callable[[], Any], ok: Callable[[Any], bool], timeout: float = 30) -> Any:
    end = time.time() + timeout
    value = read()
    while not ok(value) and time.time() < end:
        time.sleep(0.2)
        value = read()
    return value


def _reader(path: Path) -> Callable[[], dict[str, Any]]:
    def read() -> dict[str, Any]:
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            return {}
    return read


def _finish(page: Any, traffic: Any, console: list[str], lab: Any, out: Path) -> None:
    page.screenshot(path=str(out), full_page=True)
    out.with_suffix(".console.log").write_text("\n".join(console))
    outside = traffic.outside(lab.url)
    assert not outside, f"requests left {lab.url}: {outside[:10]}"


def test_detection_panel_threshold_and_explanation(lab, page, artifacts):
    pg, traffic, console = page
    state = lab.root / "detect_state.json"
    _write_notebook(lab.root / "detect.ipynb",
                    [_setup_cell(state), DATA_CELL, "%detect df -o res", PROBE_CELL])
    read = _reader(state)
    _open_and_run(pg, lab.notebook_url("detect.ipynb"))

    slider = pg.locator("input.jad-threshold")
    slider.wait_for(state="visible", timeout=90_000)
    first = _poll(read, lambda s: "threshold" in s, timeout=60)
    assert first, f"the kernel never wrote its state; console: {console[-20:]}"
    assert first["python"] == sys.executable
    assert first["n_flagged"] == first["n_anomalies"]

    # move the threshold down to halfway between the lowest score and the current threshold
    low = float(slider.get_attribute("min") or 0)
    target = low + 0.5 * (first["threshold"] - low)
    slider.fill(str(target))
    moved = float(slider.input_value())
    after = _poll(read, lambda s: abs(s.get("threshold", first["threshold"]) - moved) < 1e-9)
    assert after["threshold"] == pytest.approx(moved), (after, moved, console[-20:])
    assert after["threshold"] < first["threshold"]
    assert after["n_anomalies"] > first["n_anomalies"]
    assert after["n_flagged"] == after["n_anomalies"]
    pg.wait_for_function(
        "(n) => document.querySelector('.jad-flagged-count').textContent.startsWith(n)",
        arg=f"{after['n_anomalies']:,} of", timeout=10_000)

    # and with the keyboard: one step right moves it up again
    slider.focus()
    slider.press("ArrowRight")
    stepped = _poll(read, lambda s: s.get("threshold", moved) > moved)
    assert stepped["threshold"] > moved

    # click the second row of the top-anomalies table: the kernel explains it
    row = pg.locator("tr.jad-row").nth(1)
    position = int(row.get_attribute("data-row") or -1)
    row.click()
    explained = _poll(read, lambda s: s.get("selected_row") == position
                      and s.get("explanation", "").startswith("Score"))
    assert explained.get("explanation", "").startswith("Score"), (explained, console[-20:])
    pg.wait_for_function("() => document.querySelector('.jad-explanation').textContent"
                         ".startsWith('Score')", timeout=10_000)
    assert explained["error"] == ""

    # feedback button -> result.feedback in the kernel
    pg.locator("button.jad-feedback-yes").click()
    marked = _poll(read, lambda s: bool(s.get("feedback")))
    assert list(marked["feedback"].values()) == [1]

    # the three charts (histogram, scatter, explanation) drew, offline
    pg.wait_for_function("() => document.querySelectorAll('.vega-embed svg').length >= 3",
                         timeout=30_000)

    # drag a brush over the scatter: the kernel filters the table to the brushed rows
    scatter = pg.locator(".jupyter-ad-detection-panel .vega-embed").nth(1)
    box = scatter.locator("svg").first.bounding_box()
    x0, y0 = box["x"] + 0.35 * box["width"], box["y"] + 0.2 * box["height"]
    pg.mouse.move(x0, y0)
    pg.mouse.down()
    pg.mouse.move(x0 + 0.4 * box["width"], y0 + 0.6 * box["height"], steps=10)
    pg.mouse.up()
    pg.wait_for_function("() => document.querySelector('.jad-table-note').textContent"
                         ".includes('brushed')", timeout=20_000)
    pg.locator(".jupyter-ad-detection-panel").screenshot(
        path=str(artifacts / "detection_panel_widget.png"))
    _finish(pg, traffic, console, lab, artifacts / "detection_panel.png")


def test_comparison_panel_leaderboard(lab, page, artifacts):
    pg, traffic, console = page
    _write_notebook(lab.root / "compare.ipynb",
                    [_setup_cell(lab.root / "unused.json"), DATA_CELL,
                     "%ad_compare df -a iforest,ecod,hbos -o cmp"])
    _open_and_run(pg, lab.notebook_url("compare.ipynb"))
    board = pg.locator(".jad-leaderboard")
    board.wait_for(state="visible", timeout=90_000)
    text = board.inner_text()
    for name in ("iforest", "ecod", "hbos"):
        assert name in text, text
    pg.wait_for_function("() => document.querySelectorAll('.vega-embed svg').length >= 2",
                         timeout=30_000)
    _finish(pg, traffic, console, lab, artifacts / "comparison_panel.png")


def test_saved_notebook_shows_static_snapshot(lab, page, artifacts, monkeypatch):
    """Executed and saved elsewhere, reopened without running: the text/html fallback shows."""
    from nbclient import NotebookClient

    pg, traffic, console = page
    path = lab.root / "saved.ipynb"
    _write_notebook(path, [_setup_cell(lab.root / "unused.json"), DATA_CELL,
                           "%detect df -o res"])
    nb = nbformat.read(path, as_version=4)
    monkeypatch.setenv("JUPYTER_PATH", lab.env["JUPYTER_PATH"])  # the kernel: this Python
    NotebookClient(nb, kernel_name="python3", timeout=120, store_widget_state=True,
                   resources={"metadata": {"path": str(lab.root)}}).execute()
    nbformat.write(nb, path)
    outputs = nb.cells[3].outputs
    assert any("text/html" in o.get("data", {}) for o in outputs), outputs

    pg.goto(lab.notebook_url("saved.ipynb"), wait_until="domcontentloaded")
    snapshot = pg.locator(".jupyter-ad-snapshot")
    snapshot.wait_for(state="visible", timeout=60_000)
    chart = snapshot.locator("img.jupyter-ad-chart").first
    assert chart.evaluate("img => img.complete && img.naturalWidth > 100")
    assert "anomal" in snapshot.inner_text()
    assert pg.locator(".jad-root").count() == 0  # the live panel is not redrawn
    _finish(pg, traffic, console, lab, artifacts / "saved_notebook.png")
