"""The detection panel in Jupyter Notebook 7: marks (issue 13 item 5) and reopening (item 1)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import open_page
from tests.ui.nb import (
    PROBE,
    finish,
    open_notebook,
    poll,
    press_slider,
    reader,
    setup_cell,
    visible_text,
    widget_state,
    write_notebook,
)

pytestmark = [pytest.mark.ui, pytest.mark.xdist_group("ui-jupyterlab")]


def test_notebook7_marks_save_and_reopen(notebook7, browser, artifacts):
    import nbformat

    state = notebook7.root / "nb7_state.json"
    read = reader(state)
    path = write_notebook(notebook7.root / "nb7.ipynb", [
        setup_cell(state), "df = ad.datasets.load_card_transactions(n_rows=3_000)",
        "%detect df --exclude is_fraud -o res", PROBE])
    context, pg, traffic, console = open_page(browser)
    try:
        open_notebook(pg, notebook7.notebook_url("nb7.ipynb"))
        first = poll(read, lambda s: s.get("histogram_scale"), timeout=240)
        assert first.get("threshold"), console[-20:]
        # item 5: select a row, mark it normal; the mark shows in the table and in Python
        row = pg.locator(".jad-detection tr.jad-row").nth(2)
        position = row.get_attribute("data-row")
        row.click()
        detail = pg.locator(".jad-detection tr.jad-detail-row")
        detail.locator(".jad-explanation-chart svg").wait_for(timeout=60_000)
        detail.locator("button.jad-feedback-no").click()
        marked = poll(read, lambda s: s.get("feedback"))
        label = first["rows"][position]["index"]
        assert marked["feedback"] == {label: 0}
        pg.wait_for_function("(p) => document.querySelector("
                             "`.jad-detection tr.jad-row[data-row=\"${p}\"] .jad-mark`)"
                             ".textContent === '✘ normal'", arg=position, timeout=20_000)
        assert "res.feedback.update(" in marked["code"]
        slider = pg.locator(".jad-detection input.jad-threshold")
        moved = press_slider(pg, ["Home"] + ["ArrowRight"] * 3, read, 3)
        assert moved["n_anomalies"] == 3
        shown = pg.locator(".jad-detection .jad-flagged-count").inner_text()
        assert shown.startswith("3 of 3,000 rows flagged")
        pg.wait_for_function("""() => JSON.stringify(window.jupyterapp.shell.currentWidget
            .content.model.toJSON()).includes('3 of 3,000 rows flagged')""", timeout=60_000)
        before = notebook7.api("/api/contents/nb7.ipynb?content=0")["last_modified"]
        slider.focus()
        slider.press("Control+s")  # saved in the UI, from the keyboard
        poll(lambda: notebook7.api("/api/contents/nb7.ipynb?content=0")["last_modified"],
             lambda m: m != before, timeout=30)
        finish(pg, traffic, console, notebook7.url, artifacts / "notebook7_panel.png")
    finally:
        context.close()
        notebook7.shutdown_kernels()

    saved = nbformat.read(path, as_version=4)
    assert any(s.get("state", {}).get("feedback") == {position: 0}
               for s in widget_state(saved).values())

    # item 1: reopened without its kernel, the panel is drawn as it was left
    context, pg, traffic, console = open_page(browser)
    try:
        open_notebook(pg, notebook7.notebook_url("nb7.ipynb"), run=False)
        pg.wait_for_function("(t) => { const c = document.querySelector("
                             "'.jad-detection .jad-flagged-count'); return c &&"
                             " c.textContent === t; }", arg=shown, timeout=120_000)
        again = pg.locator(f'.jad-detection tr.jad-row[data-row="{position}"] .jad-mark')
        assert again.inner_text() == "✘ normal"
        pg.wait_for_function("() => document.querySelectorAll('.jad-scatter svg path')"
                             ".length > 50", timeout=120_000)
        assert not visible_text(pg, "Error displaying widget")
        finish(pg, traffic, console, notebook7.url, artifacts / "notebook7_reopened.png")
    finally:
        context.close()
        notebook7.shutdown_kernels()
