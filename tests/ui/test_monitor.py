"""``%ad_monitor`` in a real JupyterLab: the monitor panel renders, refreshes, and a saved
notebook reopened without a kernel shows its static snapshot.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = [pytest.mark.ui, pytest.mark.xdist_group("ui-jupyterlab")]

SETUP = """\
import json, os, pathlib, tempfile
os.environ["JUPYTER_AD_HOME"] = tempfile.mkdtemp()
%load_ext jupyter_ad
import numpy as np, pandas as pd, jupyter_ad as ad
STATE = pathlib.Path({state!r})
rng = np.random.default_rng(0)
def batch(shift=0.0):
    b = pd.DataFrame(rng.normal(size=(300, 4)), columns=["amount", "items", "latency", "km"])
    b["latency"] += shift
    b.loc[:5, "amount"] += 8
    return b
train = batch()
ad.fit(train, "iforest").save("fraud")
ad.fit(train, "knn").save("fraud")
"""

SCORE = """\
model = ad.load("fraud@1")
for shift in (0.0, 0.5, 1.0):
    res = model.score(batch(shift))
res.feedback.update({0: 1, 1: 1, 2: 1, 40: 0})
model.history()
model = ad.load("fraud@2")
for _ in range(2):
    res = model.score(batch())
"""

PROBE = """\
def dump(*_):
    STATE.write_text(json.dumps({"n_records": mon.n_records, "summary": mon.summary()}))
mon.observe(dump, names="n_records")
dump()
"""


def _write(path: Path, cells: list[str]) -> None:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {path.stem}")] + [new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def _run_all(page: Any, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext",
                           timeout=60_000)
    page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                           " const k = w.sessionContext.session && w.sessionContext.session.kernel;"
                           " return k && k.status === 'idle'; }", timeout=60_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _state(path: Path, ok: Any, timeout: float = 90) -> dict[str, Any]:
    end, value = time.time() + timeout, {}
    while time.time() < end:
        try:
            value = json.loads(path.read_text())
        except (OSError, ValueError):
            value = {}
        if value and ok(value):
            break
        time.sleep(0.3)
    return value


def test_monitor_panel_renders_and_refreshes(lab, page, artifacts):
    pg, traffic, console = page
    state = lab.root / "monitor_state.json"
    _write(lab.root / "monitor.ipynb", [SETUP.format(state=str(state)), SCORE,
                                        "%ad_monitor fraud -o mon", PROBE,
                                        "res = model.score(batch(2.0))  # a sixth record"])
    _run_all(pg, lab.notebook_url("monitor.ipynb"))
    panel = pg.locator(".jupyter-ad-monitor-panel")
    panel.wait_for(state="visible", timeout=120_000)
    first = _state(state, lambda s: "n_records" in s)
    assert first.get("n_records") == 5, f"kernel state {first}; console {console[-10:]}"
    assert "versions v1, v2" in first["summary"] and "alert precision" in first["summary"]
    # the chart is drawn by the offline Vega runtime: three panels of points
    pg.wait_for_function("() => document.querySelectorAll("
                         "'.jupyter-ad-monitor-panel .vega-embed svg').length >= 1",
                         timeout=60_000)
    svg = panel.locator(".vega-embed svg").first
    assert svg.locator("path.mark-symbol, g.mark-symbol path").count() >= 5
    assert ">v2<" in svg.inner_html()  # the version marks
    assert "fraud: 5 records" in panel.locator(".jad-monitor-summary").inner_text()
    # the last cell scored once more: Refresh reads the sixth record
    pg.wait_for_timeout(1500)
    panel.locator("button.jad-monitor-refresh").click()
    after = _state(state, lambda s: s.get("n_records") == 6)
    assert after.get("n_records") == 6
    pg.wait_for_function("() => document.querySelector('.jad-monitor-summary')"
                         ".textContent.includes('6 records')", timeout=30_000)
    panel.screenshot(path=str(artifacts / "monitor_panel.png"))
    pg.screenshot(path=str(artifacts / "monitor_notebook.png"), full_page=True)
    (artifacts / "monitor_notebook.console.log").write_text("\n".join(console))
    assert not traffic.outside(lab.url), traffic.outside(lab.url)[:5]


def test_saved_monitor_notebook_shows_its_static_snapshot(lab, page, artifacts, monkeypatch):
    from nbclient import NotebookClient

    pg, traffic, _console = page
    path = lab.root / "monitor_saved.ipynb"
    _write(path, [SETUP.format(state=str(lab.root / "unused.json")), SCORE,
                  "%ad_monitor fraud"])
    nb = nbformat.read(path, as_version=4)
    monkeypatch.setenv("JUPYTER_PATH", lab.env["JUPYTER_PATH"])
    NotebookClient(nb, kernel_name="python3", timeout=180, store_widget_state=True,
                   resources={"metadata": {"path": str(lab.root)}}).execute()
    nbformat.write(nb, path)
    html = next(o["data"]["text/html"] for o in nb.cells[3].outputs
                if "text/html" in o.get("data", {}))
    assert "jupyter-ad monitor: fraud" in html and "data:image/png;base64," in html

    pg.goto(lab.notebook_url("monitor_saved.ipynb"), wait_until="domcontentloaded")
    snapshot = pg.locator(".jupyter-ad-snapshot")
    snapshot.wait_for(state="visible", timeout=60_000)
    chart = snapshot.locator("img.jupyter-ad-chart").first
    assert chart.evaluate("img => img.complete && img.naturalWidth > 100")
    assert "5 records" in snapshot.inner_text()
    pg.screenshot(path=str(artifacts / "monitor_saved.png"), full_page=True)
    assert not traffic.outside(lab.url), traffic.outside(lab.url)[:5]
