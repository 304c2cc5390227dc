"""Issue 13 item 1: whatever the user last saw is what anyone sees on reopen.

One notebook is run in JupyterLab, the threshold moved and a row marked in the browser, then
saved from the keyboard in the UI. That file is then looked at four ways:

1. JupyterLab, kernel shut down, notebook reopened: the panel is drawn from the widget state
   saved with it (our default setting, shipped in ``overrides.d``) exactly as it was left; and
   when the notebook holds no widget state (someone saved it with the setting off), the
   snapshot output shows the same, the widget's error line hidden;
2. Jupyter Notebook 7 (``test_notebook7.py``);
3. nbconvert's HTML, opened offline;
4. a static renderer that knows only ``text/html`` and ``image/png``, as code hosts' notebook
   viewers (HTML sanitised: no scripts, no style elements).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.ui.conftest import open_page
from tests.ui.nb import (
    PROBE,
    finish,
    open_notebook,
    outputs_of,
    poll,
    press_slider,
    reader,
    setup_cell,
    visible_text,
    widget_state,
    write_notebook,
)

pytestmark = [pytest.mark.ui, pytest.mark.xdist_group("ui-jupyterlab")]

WIDGET = "application/vnd.jupyter.widget-view+json"
DETECT = "%detect df --exclude is_fraud -o res"


@pytest.fixture(scope="module")
def saved(lab, browser, artifacts) -> dict[str, Any]:
    """The notebook run, changed in the browser and saved in the UI; what the user saw."""
    state = lab.root / "saved_state.json"
    read = reader(state)
    path = write_notebook(lab.root / "saved.ipynb", [
        setup_cell(state), "df = ad.datasets.load_card_transactions(n_rows=5_000)",
        DETECT, PROBE])
    context, pg, traffic, console = open_page(browser)
    try:
        open_notebook(pg, lab.notebook_url("saved.ipynb"))
        first = poll(read, lambda s: s.get("histogram_scale"), timeout=240)
        assert first.get("threshold"), console[-20:]
        pg.wait_for_function("() => document.querySelectorAll('.jad-scatter svg path')"
                             ".length > 50", timeout=180_000)
        slider = pg.locator(".jad-detection input.jad-threshold")
        moved = press_slider(pg, ["Home"] + ["ArrowRight"] * 5, read, 5)
        assert moved["n_anomalies"] == 5, moved
        row = pg.locator(".jad-detection tr.jad-row").first
        position = row.get_attribute("data-row")
        row.click()
        pg.locator(".jad-detection tr.jad-detail-row button.jad-feedback-yes").click()
        marked = poll(read, lambda s: s.get("feedback"))
        assert list(marked["feedback"].values()) == [1]
        shown = pg.locator(".jad-detection .jad-flagged-count").inner_text()
        assert shown.startswith("5 of 5,000 rows flagged")
        # with the kernel alive, a page reload redraws the same state (markers included)
        flagged_marks = _flagged_points(pg)
        # the snapshot output follows (update_display_data), then Ctrl+S saves from the page
        pg.wait_for_function("""() => { const nb = window.jupyterapp.shell.currentWidget;
            const json = JSON.stringify(nb.content.model.toJSON());
            return json.includes('5 of 5,000 rows flagged') && json.includes('✔ anomaly'); }""",
                             timeout=60_000)
        before = lab.api("/api/contents/saved.ipynb?content=0")["last_modified"]
        slider.focus()
        slider.press("Control+s")
        poll(lambda: lab.api("/api/contents/saved.ipynb?content=0")["last_modified"],
             lambda m: m != before, timeout=30)
        pg.reload(wait_until="domcontentloaded")
        pg.wait_for_function("() => document.querySelectorAll('.jad-scatter svg path')"
                             ".length > 50", timeout=180_000)
        pg.wait_for_function("(t) => document.querySelector('.jad-detection .jad-flagged-count')"
                             ".textContent === t", arg=shown, timeout=60_000)
        assert _flagged_points(pg) == flagged_marks
        finish(pg, traffic, console, lab.url, artifacts / "saved_before_reopen.png")
    finally:
        context.close()
        lab.shutdown_kernels()  # the kernel is gone from here on
    return {"path": path, "shown": shown, "threshold": marked["threshold"],
            "position": position, "label": next(iter(marked["feedback"]))}


def _flagged_points(pg: Any) -> int:
    """Scatter points drawn as flagged (black outline) or marked (red ring)."""
    return int(pg.evaluate("""() => [...document.querySelectorAll('.jad-scatter svg path')]
        .filter(p => ['black', '#d62728'].includes(p.getAttribute('stroke'))).length"""))


def test_the_saved_file_holds_the_state_and_an_up_to_date_snapshot(saved):
    nb = nbformat.read(saved["path"], as_version=4)
    states = widget_state(nb)
    panels = [s["state"] for s in states.values() if "steps" in s.get("state", {})]
    assert len(panels) == 1, "the widget state was not saved (the overrides.d default)"
    assert panels[0]["threshold"] == saved["threshold"]
    assert panels[0]["feedback"] == {saved["position"]: 1}
    outputs = outputs_of(nb, DETECT)
    live = [o for o in outputs if WIDGET in o.get("data", {})]
    snapshots = [o for o in outputs if "jupyter-ad-snapshot" in o.get("data", {})
                 .get("text/html", "")]
    assert len(live) == 1 and len(snapshots) == 1
    assert "text/html" not in live[0]["data"]
    page = snapshots[0]["data"]["text/html"]
    assert "5 of 5,000 rows flagged" in page and "✔ anomaly" in page
    assert page.count("data:image/png;base64,") == 2


def test_jupyterlab_reopened_without_its_kernel(lab, browser, saved, artifacts):
    context, pg, traffic, console = open_page(browser)
    try:
        open_notebook(pg, lab.notebook_url("saved.ipynb"), run=False)
        panel = pg.locator(".jad-detection")
        panel.wait_for(timeout=120_000)
        pg.wait_for_function("(t) => document.querySelector('.jad-detection .jad-flagged-count')"
                             ".textContent === t", arg=saved["shown"], timeout=60_000)
        pg.wait_for_function("() => document.querySelectorAll('.jad-scatter svg path')"
                             ".length > 50", timeout=120_000)
        mark = panel.locator(f'tr.jad-row[data-row="{saved["position"]}"] .jad-mark')
        assert mark.inner_text() == "✔ anomaly"
        pg.wait_for_function("() => !document.querySelector('.jad-connection').hidden",
                             timeout=30_000)
        assert "Not connected" in panel.locator(".jad-connection").inner_text()
        assert not visible_text(pg, "Error displaying widget")
        assert not pg.locator(".jupyter-ad-snapshot").first.is_visible()  # the live one shows
        finish(pg, traffic, console, lab.url, artifacts / "saved_reopened_lab.png")
    finally:
        context.close()
        lab.shutdown_kernels()


def test_jupyterlab_without_widget_state_shows_the_snapshot(lab, browser, saved, artifacts):
    """Saved with the setting off: the widget cannot be drawn, the synced snapshot is."""
    nb = nbformat.read(saved["path"], as_version=4)
    nb.metadata.pop("widgets", None)
    path = lab.root / "stateless.ipynb"
    nbformat.write(nb, path)
    # saved by its user in the UI, so trusted: JupyterLab then tries the widget first
    trust = subprocess.run([sys.executable, "-m", "jupyter", "trust", str(path)], env=lab.env,
                           capture_output=True, text=True, timeout=120)
    assert trust.returncode == 0, trust.stderr
    context, pg, traffic, console = open_page(browser)
    try:
        open_notebook(pg, lab.notebook_url("stateless.ipynb"), run=False)
        snapshot = pg.locator(".jupyter-ad-snapshot")
        snapshot.wait_for(state="visible", timeout=120_000)
        text = snapshot.inner_text()
        assert "5 of 5,000 rows flagged" in text and "✔ anomaly" in text
        assert snapshot.locator("img").first.evaluate("i => i.complete && i.naturalWidth > 100")
        # the widget output above it says the widget cannot be drawn: hidden by the snapshot
        pg.wait_for_function("() => document.body.textContent.includes("
                             "'Error displaying widget')", timeout=60_000)
        assert not visible_text(pg, "Error displaying widget")
        finish(pg, traffic, console, lab.url, artifacts / "saved_reopened_stateless.png")
    finally:
        context.close()
        lab.shutdown_kernels()


def _offline_page(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context, pg, _, _console = open_page(browser, width=1300, height=2000)
    blocked: list[str] = []

    def only_files(route: Any) -> None:
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    pg.route("**/*", only_files)
    pg.goto(url, wait_until="load")
    return context, pg, blocked


def test_nbconvert_html_offline(lab, browser, saved, artifacts, tmp_path):
    out = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html",
                          "--output-dir", str(tmp_path), str(saved["path"])],
                         env=lab.env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    page_file = tmp_path / "saved.html"
    context, pg, blocked = _offline_page(browser, page_file.as_uri())
    try:
        snapshot = pg.locator(".jupyter-ad-snapshot")
        snapshot.wait_for(state="visible", timeout=60_000)
        text = snapshot.inner_text()
        assert "5 of 5,000 rows flagged" in text and "✔ anomaly" in text
        for img in snapshot.locator("img").all():
            assert img.evaluate("i => i.complete && i.naturalWidth > 100")
        pg.screenshot(path=str(artifacts / "saved_nbconvert.png"), full_page=True)
    finally:
        context.close()
    assert all(not u.startswith("file://") for u in blocked)  # only CDN scripts were refused


def render_static(nb: Any) -> str:
    """A notebook as a code host's viewer shows it: text/html (sanitised), else image/png,
    else text/plain; nothing else is understood, no script runs."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                text = re.sub(r"<(script|style)\b.*?</\1\s*>", "", data["text/html"],
                              flags=re.S | re.I)
                parts.append(f"<div class='output'>{text}</div>")
            elif "image/png" in data:
                parts.append(f"<img src='data:image/png;base64,{data['image/png']}'>")
            elif "text/plain" in data or output.get("output_type") == "stream":
                plain = data.get("text/plain", output.get("text", ""))
                parts.append(f"<pre>{html.escape(plain)}</pre>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><meta http-equiv="
            "'Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\"></head><body>" + "".join(parts) + "</body></html>")


def test_static_renderer_html_and_png_only(browser, saved, artifacts, tmp_path):
    nb = nbformat.read(saved["path"], as_version=4)
    page_file = tmp_path / "static.html"
    page_file.write_text(render_static(nb), encoding="utf-8")
    context, pg, blocked = _offline_page(browser, page_file.as_uri())
    try:
        snapshot = pg.locator(".jupyter-ad-snapshot")
        snapshot.wait_for(state="visible", timeout=30_000)
        text = snapshot.inner_text()
        assert "5 of 5,000 rows flagged" in text and "✔ anomaly" in text
        images = snapshot.locator("img").all()
        assert len(images) == 2
        for img in images:
            assert img.evaluate("i => i.complete && i.naturalWidth > 100")
        assert "interactive when the cell runs" in pg.locator("body").inner_text()
        pg.screenshot(path=str(artifacts / "saved_static_viewer.png"), full_page=True)
    finally:
        context.close()
    assert blocked == []


def test_snapshot_png_matches_its_data_uri(saved):
    """The images in the snapshot are real PNGs (what any viewer decodes)."""
    nb = nbformat.read(saved["path"], as_version=4)
    page = next(o["data"]["text/html"] for o in outputs_of(nb, DETECT)
                if "jupyter-ad-snapshot" in o.get("data", {}).get("text/html", ""))
    for data in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page):
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(json.dumps(page)) == page


def test_notebook_executed_elsewhere_shows_the_snapshot(lab, browser, artifacts):
    """Executed by nbclient (untrusted when opened): the snapshot, never a widget error."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    path = write_notebook(lab.root / "executed.ipynb", [
        "%load_ext jupyter_ad\nimport jupyter_ad as ad",
        "df = ad.datasets.load_card_transactions(n_rows=2_000)", DETECT])
    nb = nbformat.read(path, as_version=4)
    env_path = lab.env["JUPYTER_PATH"]
    # ipc: no TCP port to race other test runs for
    client = NotebookClient(nb, kernel_name="python3", timeout=300, store_widget_state=True,
                            resources={"metadata": {"path": str(lab.root)}},
                            config=Config({"KernelManager": {
                                "transport": "ipc",
                                "ip": str(Path(lab.env["JUPYTER_RUNTIME_DIR"]) / "nbclient")}}))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = env_path  # the kernelspec of this Python
    try:
        client.execute()
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH")
        else:
            os.environ["JUPYTER_PATH"] = old
    nbformat.write(nb, path)
    context, pg, traffic, console = open_page(browser)
    try:
        open_notebook(pg, lab.notebook_url("executed.ipynb"), run=False)
        snapshot = pg.locator(".jupyter-ad-snapshot")
        snapshot.wait_for(state="visible", timeout=120_000)
        assert "rows flagged" in snapshot.inner_text()
        assert snapshot.locator("img").first.evaluate("i => i.complete && i.naturalWidth > 100")
        assert pg.locator(".jad-root").count() == 0  # untrusted: no widget is drawn
        assert not visible_text(pg, "Error displaying widget")
        finish(pg, traffic, console, lab.url, artifacts / "executed_elsewhere.png")
    finally:
        context.close()
        lab.shutdown_kernels()
