"""Regenerate the screenshots of the notebook guide (docs/user-guide/notebooks.md).

    .venv/bin/python docs/screenshots/make_screenshots.py

Starts JupyterLab on 127.0.0.1 (a port it chooses, kernels on Unix sockets, in a temporary
folder), runs ``%detect`` on the bundled 20,000 card transactions, selects and marks a row, and
takes screenshots of the detection panel in the light and the dark theme with Debian's
Chromium (never ``playwright install``). Writes ``docs/images/panel-cards.png`` and
``docs/images/panel-dark.png``. Uses the browser-test fixtures' server start-up
(``tests/ui/conftest.py``), so it needs the dev environment (``make test`` sets it up).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, _stop, start_server  # noqa: E402
from tests.ui.nb import open_notebook, poll, reader, setup_cell, write_notebook  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def main() -> None:
    """Take the screenshots."""
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jad-shots-") as tmp:
        proc, lab = start_server(Path(tmp), "lab")
        try:
            state = lab.root / "state.json"
            write_notebook(lab.root / "cards.ipynb", [
                setup_cell(state), "df = ad.datasets.load_card_transactions()",
                "%detect df --exclude is_fraud -o res",
                "from ipywidgets.widgets.widget import _instances\n"
                "from jupyter_ad.widgets import DetectionPanel\n"
                "panel = [w for w in _instances.values() if isinstance(w, DetectionPanel)][-1]\n"
                "panel.observe(lambda _: dump(feedback=panel.feedback), names='feedback')\n"
                "dump(ready=True)"])
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1250, "height": 2200})
                open_notebook(page, lab.notebook_url("cards.ipynb"))
                poll(reader(state), lambda s: s.get("ready"), timeout=300)
                page.wait_for_function("() => document.querySelectorAll("
                                       "'.jad-scatter svg path').length > 50", timeout=300_000)
                page.locator(".jad-detection tr.jad-row").nth(1).click()
                detail = page.locator(".jad-detection tr.jad-detail-row")
                detail.locator(".jad-explanation-chart svg").wait_for(timeout=120_000)
                detail.locator("button.jad-feedback-yes").click()
                poll(reader(state), lambda s: s.get("feedback"), timeout=60)
                page.evaluate("() => window.jupyterapp.commands.execute("
                              "'notebook:hide-all-cell-code')")
                time.sleep(1)
                panel = page.locator(".jad-detection")
                panel.screenshot(path=str(IMAGES / "panel-cards.png"))
                page.evaluate("() => window.jupyterapp.commands.execute("
                              "'apputils:change-theme', {theme: 'JupyterLab Dark'})")
                page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'",
                                       timeout=60_000)
                time.sleep(2)  # the charts redraw in the theme's colours
                panel.screenshot(path=str(IMAGES / "panel-dark.png"))
                browser.close()
        finally:
            _stop(proc)
    for name in ("panel-cards.png", "panel-dark.png"):
        print(IMAGES / name, (IMAGES / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
