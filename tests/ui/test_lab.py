"""The panels in a real JupyterLab, driven through Debian's Chromium, on a real-world-like table.

The table is ``ad.datasets.load_card_transactions()``: 20,000 card transactions with an ID, a
timestamp, a heavy-tailed amount, a merchant category, a country and a card-present flag, with
planted fraud. Each test writes a notebook, opens it, runs it and acts in the browser; a probe
in the kernel writes Python's state to a JSON file (``tests/ui/nb.py``), so each assertion is
about what Python holds as well as what the page shows. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import sys

import pytest

from tests.ui.nb import (
    CARDS,
    PROBE,
    finish,
    gradients,
    open_notebook,
    poll,
    reader,
    run_cell,
    setup_cell,
    visible_text,
    write_notebook,
)

pytestmark = [pytest.mark.ui, pytest.mark.xdist_group("ui-jupyterlab")]

READY = """\
# PCA's reconstruction errors have a long tail: the histogram's log axis is drawn too
res = ad.detect(df, exclude=["is_fraud"], algorithm="pca")
dump(t_ready=time.time())          # the result is ready: the first-paint clock starts
from jupyter_ad.charts._common import heavy_tailed
dump(heavy=bool(heavy_tailed(res.scores)))
from jupyter_ad.widgets import DetectionPanel
DetectionPanel(res)
"""

# Browser-side clock of the first paint (a table row) and of the charts (scatter points).
TIMING = """() => {
  window.__jad = {};
  const seen = () => {
    if (!window.__jad.table && document.querySelector('.jad-detection tr.jad-row'))
      window.__jad.table = Date.now();
    if (!window.__jad.charts && document.querySelectorAll('.jad-scatter svg path').length > 50)
      window.__jad.charts = Date.now();
  };
  new MutationObserver(seen).observe(document.body, {childList: true, subtree: true});
}"""


def test_detection_panel_on_card_transactions(lab, page, artifacts):
    """Items 2, 3, 5, 6, 8 and 10 of issue 13, page and kernel."""
    pg, traffic, console = page
    state = lab.root / "cards_state.json"
    read = reader(state)
    write_notebook(lab.root / "cards.ipynb", [setup_cell(state), CARDS, READY, PROBE])
    pg.goto(lab.notebook_url("cards.ipynb"), wait_until="domcontentloaded")
    open_notebook(pg, lab.notebook_url("cards.ipynb"), run=False)
    pg.evaluate(TIMING)
    pg.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

    # -- item 8: first paint (summary, slider, table), then the charts -----------------------
    slider = pg.locator(".jad-detection input.jad-threshold")
    slider.wait_for(state="visible", timeout=180_000)
    first = poll(read, lambda s: "threshold" in s and "t_ready" in s, timeout=120)
    assert first.get("python") == sys.executable, (first, console[-20:])
    pg.wait_for_function("() => window.__jad.charts", timeout=180_000)
    clock = pg.evaluate("() => window.__jad")
    first_paint = clock["table"] / 1000 - first["t_ready"]
    charts_drawn = clock["charts"] / 1000 - first["t_ready"]
    (artifacts / "panel_timing.txt").write_text(
        f"rows 20000; first paint {first_paint:.2f} s; charts {charts_drawn:.2f} s after the "
        "result was ready\n")
    print(f"first paint {first_paint:.2f} s, charts {charts_drawn:.2f} s")
    assert 0 < first_paint < charts_drawn  # the table does not wait for the charts
    assert first_paint < 10  # budget 2 s (docs/benchmarks.md); generous on a busy machine

    # -- item 2: a log-scale slider in rows flagged; the histogram on a log axis -------------
    assert first["n_flagged"] == first["n_anomalies"]
    assert int(slider.get_attribute("max")) <= 400
    count = pg.locator(".jad-detection .jad-flagged-count")
    assert count.inner_text().startswith(f"{first['n_anomalies']:,} of 20,000 rows flagged")
    slider.focus()
    slider.press("ArrowLeft")  # one step: fewer rows flagged, by a few percent only
    stepped = poll(read, lambda s: s.get("threshold", first["threshold"]) > first["threshold"])
    assert 0.9 * first["n_anomalies"] <= stepped["n_anomalies"] < first["n_anomalies"]
    pg.wait_for_function("(n) => document.querySelector('.jad-detection .jad-flagged-count')"
                         ".textContent.startsWith(n)", arg=f"{stepped['n_anomalies']:,} of",
                         timeout=20_000)
    slider.press("Home")  # the top of the scale: no row flagged, then one row
    slider.press("ArrowRight")
    one = poll(read, lambda s: s.get("n_anomalies") == 1)
    assert one["n_anomalies"] == 1
    # the histogram's axis follows the scores: a log axis for these heavy-tailed ones
    assert first["heavy"] and first["histogram_scale"] == "symlog"
    assert "log scale" in pg.locator(".jad-histogram").inner_text()
    box = pg.locator(".jad-detection input.jad-threshold-input")
    box.fill(str(first["threshold"]))
    box.press("Enter")
    back = poll(read, lambda s: s.get("threshold") == first["threshold"])
    assert back["n_anomalies"] == first["n_anomalies"]

    # -- item 3: numbers as the data holds them, the same in every row -------------------------
    header = [t.strip(" ▲▼") for t in pg.locator(".jad-detection thead th").all_inner_texts()]
    amounts = pg.locator(".jad-detection tr.jad-row td:nth-child("
                         f"{header.index('amount') + 1})").all_inner_texts()
    assert amounts and all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", a) for a in amounts), amounts
    top_row = first["rows"][str(pg.locator(".jad-detection tr.jad-row").first
                                .get_attribute("data-row"))]
    assert amounts[0] == f"{top_row['amount']:,.2f}"

    # -- item 5: select a row, mark it; the mark is everywhere -------------------------------
    row = pg.locator(".jad-detection tr.jad-row").nth(1)
    position = int(row.get_attribute("data-row") or -1)
    row.click()
    explained = poll(read, lambda s: s.get("selected_row") == position
                     and s.get("explanation", "").startswith("Score"))
    assert explained.get("explanation", "").startswith("Score"), (explained, console[-20:])
    detail = pg.locator(f'.jad-detection tr.jad-row[data-row="{position}"] + tr.jad-detail-row')
    detail.locator(".jad-explanation-chart svg").wait_for(timeout=60_000)  # next to the row
    assert detail.locator(".jad-explanation").inner_text().startswith("Score")
    detail.locator("button.jad-feedback-yes").click()
    marked = poll(read, lambda s: bool(s.get("feedback")))
    label = first["rows"][str(position)]["index"]
    assert marked["feedback"] == {label: 1}
    pg.wait_for_function(f"""() => document.querySelector(
        '.jad-detection tr.jad-row[data-row="{position}"] .jad-mark').textContent
        === '✔ anomaly'""", timeout=20_000)
    assert "res.feedback.update(" in marked["code"]  # carried into the copied code
    pg.wait_for_function("""() => [...document.querySelectorAll('.jad-scatter svg path')]
        .some(p => p.getAttribute('stroke') === '#d62728'
                   && p.getAttribute('stroke-width') === '2.5')""", timeout=20_000)
    assert "res.feedback.update(" in pg.locator(".jad-detection textarea.jad-code").input_value()

    # -- item 6: every legend uses its own chart's gradient; the scatter says no stale count --
    found = gradients(pg)
    assert len(found["ids"]) == len(set(found["ids"])), found["ids"]
    assert found["refs"] and all(r["local"] for r in found["refs"]), found
    assert "top anomalies" not in pg.locator(".jad-scatter").inner_text()

    # -- item 10: keyboard and screen readers, then Ctrl+S saves from the slider --------------
    assert pg.evaluate("""() => {
        const s = document.querySelector('.jad-detection input.jad-threshold');
        return s.labels.length === 1 && !!s.getAttribute('aria-valuetext'); }""")
    names = pg.evaluate("""() => [...document.querySelectorAll('.jad-detection button')]
        .map(b => b.getAttribute('aria-label') || b.textContent.trim())""")
    assert names and all(names), names
    before = lab.api("/api/contents/cards.ipynb?content=0")["last_modified"]
    slider.focus()
    slider.press("ArrowRight")
    slider.press("Control+s")
    saved = poll(lambda: lab.api("/api/contents/cards.ipynb?content=0")["last_modified"],
                 lambda m: m != before, timeout=30)
    assert saved != before, "Ctrl+S on the slider did not save the notebook"
    # clicking the cell's prompt gives the focus back to the notebook
    slider.focus()
    pg.locator(".jp-Cell", has=pg.locator(".jad-detection")).locator(
        ".jp-InputPrompt").click()
    assert pg.evaluate("""() => !document.activeElement.closest('.jad-detection')
        && !!document.activeElement.closest('.jp-Notebook')""")
    pg.locator(".jad-detection").screenshot(path=str(artifacts / "detection_panel_cards.png"))

    # the dark theme: JupyterLab's variables reach the panel and the charts
    pg.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme',"
                " {theme: 'JupyterLab Dark'})")
    pg.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'",
                         timeout=30_000)
    pg.wait_for_function("""() => { const t = document.querySelector('.jad-scatter svg text');
        if (!t) return false; const c = getComputedStyle(t).fill || t.getAttribute('fill');
        const m = /(\\d+)\\D+(\\d+)\\D+(\\d+)/.exec(c) || [];
        return (+m[1] + +m[2] + +m[3]) / 3 > 150 || /^#[c-f]/i.test(c); }""",
                         timeout=30_000)
    colors = pg.evaluate("""() => { const r = getComputedStyle(document.querySelector(
        '.jad-detection .jad-root')); return [r.color]; }""")
    assert sum(map(int, re.findall(r"\d+", colors[0])[:3])) / 3 > 150, colors
    pg.locator(".jad-detection").screenshot(path=str(artifacts / "detection_panel_dark.png"))
    pg.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme',"
                " {theme: 'JupyterLab Light'})")
    assert not visible_text(pg, "Error displaying widget")
    finish(pg, traffic, console, lab.url, artifacts / "detection_panel.png")


def test_learning_from_the_marks_in_the_kernel(lab, page):
    """Marks made in the browser feed ``res.learn()`` (item 5, kernel side)."""
    pg, _, console = page
    state = lab.root / "learn_state.json"
    read = reader(state)
    write_notebook(lab.root / "learn.ipynb", [
        setup_cell(state), "df = ad.datasets.load_card_transactions(n_rows=4_000)",
        "%detect df --exclude is_fraud -o res", PROBE,
        "learned = res.learn()\ndump(learned=len(learned), marks=len(res.feedback))"])
    open_notebook(pg, lab.notebook_url("learn.ipynb"))
    poll(read, lambda s: "threshold" in s, timeout=180)
    for i in range(3):
        pg.locator(".jad-detection tr.jad-row").nth(i).click()
        pg.locator(".jad-detection tr.jad-detail-row button.jad-feedback-yes").click()
        poll(read, lambda s, n=i + 1: len(s.get("feedback", {})) == n)
    pg.locator(".jad-detection tr.jad-row").nth(10).click()
    pg.locator(".jad-detection tr.jad-detail-row button.jad-feedback-no").click()
    marks = poll(read, lambda s: len(s.get("feedback", {})) == 4)
    assert sorted(marks["feedback"].values()) == [0, 1, 1, 1], console[-10:]
    run_cell(pg, 5)
    learned = poll(read, lambda s: "learned" in s)
    assert learned["marks"] == 4 and learned["learned"] == 4_000


COMPARE_PROBE = """\
from ipywidgets.widgets.widget import _instances
from jupyter_ad.widgets import ComparisonPanel

cpanel = [w for w in list(_instances.values()) if isinstance(w, ComparisonPanel)][-1]

def cprobe(*_):
    det = cpanel.detection
    dump(selected=getattr(cmp, "selected", None), panel_selected=cpanel.selected,
         detection=None if det is None else det.result.algorithm,
         detection_flagged=None if det is None else det.n_flagged,
         expected_flagged={str(k): int(v) for k, v in cmp.to_frame()["n_flagged"].items()})

cpanel.view.observe(cprobe, names=["selected", "status"])
cprobe()
"""


def test_comparison_panel_leaderboard_opens_a_detector(lab, page, artifacts):
    """Item 7: a sortable leaderboard; a click opens the detector's panel; cmp.selected."""
    pg, traffic, console = page
    state = lab.root / "compare_state.json"
    read = reader(state)
    write_notebook(lab.root / "compare.ipynb", [
        setup_cell(state), "df = ad.datasets.load_card_transactions(n_rows=4_000)",
        "%ad_compare df -a iforest,ecod,hbos --labels is_fraud -o cmp", COMPARE_PROBE])
    open_notebook(pg, lab.notebook_url("compare.ipynb"))
    board = pg.locator(".jad-comparison table.jad-leaderboard")
    board.wait_for(state="visible", timeout=180_000)
    poll(read, lambda s: "expected_flagged" in s, timeout=120)
    names = board.locator("tr.jad-row").evaluate_all("rows => rows.map(r => r.dataset.detector)")
    assert sorted(names) == ["ecod", "hbos", "iforest"]
    # sorting by a column reorders the rows in the page
    board.locator("button.jad-sort", has_text="n flagged").click()
    by_flagged = board.locator("tr.jad-row").evaluate_all(
        "rows => rows.map(r => r.dataset.detector)")
    expected = sorted(names, key=lambda n: -read()["expected_flagged"][n])
    assert by_flagged == expected
    # a click on a detector opens its detection panel below, and Python knows the choice
    board.locator('tr.jad-row[data-detector="ecod"]').click()
    opened = poll(read, lambda s: s.get("detection") == "ecod", timeout=120)
    assert opened["selected"] == "ecod" and opened["panel_selected"] == "ecod"
    assert opened["detection_flagged"] == opened["expected_flagged"]["ecod"]
    inner = pg.locator(".jupyter-ad-comparison-panel .jad-detection")
    inner.locator("tr.jad-row").first.wait_for(timeout=60_000)
    assert inner.locator(".jad-title").inner_text().startswith("jupyter-ad · ecod")
    # the heatmap's legend is its own (red-blue), not another chart's viridis
    pg.wait_for_function("() => document.querySelectorAll('.jad-agreement svg').length"
                         " && document.querySelectorAll('.jad-scatter svg path').length > 50",
                         timeout=120_000)
    found = gradients(pg)
    assert len(found["ids"]) == len(set(found["ids"])), found["ids"]
    assert found["refs"] and all(r["local"] for r in found["refs"]), found
    stops = pg.evaluate("""() => {
        const g = document.querySelector('.jad-agreement svg linearGradient');
        return [...g.querySelectorAll('stop')].map(s => s.getAttribute('stop-color')); }""")
    assert stops and "#440154" not in stops and "#fde725" not in stops  # not viridis
    # Enter on a row (keyboard) selects too; a second Enter on it closes the panel
    row = board.locator('tr.jad-row[data-detector="hbos"]')
    row.focus()
    row.press("Enter")
    poll(read, lambda s: s.get("detection") == "hbos", timeout=120)
    board.locator('tr.jad-row[data-detector="hbos"]').press("Enter")
    closed = poll(read, lambda s: s.get("selected") is None)
    assert closed["selected"] is None and closed["detection"] is None
    finish(pg, traffic, console, lab.url, artifacts / "comparison_panel.png")


def test_charts_of_a_notebook_draw_live_with_a_png_beside(lab, page, artifacts):
    """``charts.enable_notebook()``: res.plot() is a live chart; its output holds a PNG."""
    pg, traffic, console = page
    state = lab.root / "plot_state.json"
    write_notebook(lab.root / "plot.ipynb", [
        setup_cell(state), "from jupyter_ad import charts\ncharts.enable_notebook()",
        "res = ad.detect(ad.datasets.load_card_transactions(n_rows=2_000), "
        "exclude=['is_fraud'])\nres.plot('histogram')", "res.plot('scatter')"])
    open_notebook(pg, lab.notebook_url("plot.ipynb"))
    pg.wait_for_function("() => document.querySelectorAll('.jad-chart-view svg').length >= 2",
                         timeout=180_000)
    found = gradients(pg)
    assert len(found["ids"]) == len(set(found["ids"]))
    pg.wait_for_function("""() => JSON.stringify(window.jupyterapp.shell.currentWidget.content
        .model.toJSON()).split('image/png').length - 1 >= 2""", timeout=60_000)
    finish(pg, traffic, console, lab.url, artifacts / "notebook_charts.png")
