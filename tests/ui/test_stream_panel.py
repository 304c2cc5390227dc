"""The live stream panel (%ad_stream) in a real JupyterLab, driven through Debian's Chromium:
it updates while the kernel is free, and a click on an anomaly explains it in the kernel."""

from __future__ import annotations

import pytest

from tests.ui.nb import finish, open_notebook, poll, reader, setup_cell, write_notebook

pytestmark = [pytest.mark.ui, pytest.mark.xdist_group("ui-jupyterlab")]

STREAM_CELL = """\
import time
rng = np.random.default_rng(0)
train = pd.DataFrame(rng.normal(size=(3000, 4)), columns=["amount", "items", "latency", "km"])
model = __import__("jupyter_ad").fit(train, algorithm="iforest")
live = pd.DataFrame(rng.normal(size=(12000, 4)), columns=train.columns)
live.loc[6000:, "latency"] += 2.5            # drift halfway
live.loc[::97, "amount"] += 8                # anomalies all along

def events():
    for k in range(0, len(live), 200):
        yield live.iloc[k:k + 200]
        time.sleep(0.4)                      # about 500 events/s for ~25 s

gen = events()
%ad_stream gen -m model --batch-size 200 --drift-every 1000 --buffer-size 1000 -o s
"""

PROBE_CELL = """\
from ipywidgets.widgets.widget import _instances
from jupyter_ad.widgets.stream_panel import StreamPanel

panel = [w for w in list(_instances.values()) if isinstance(w, StreamPanel)][-1]

def dump(*_):
    STATE.write_text(json.dumps({
        "scored": panel.view.stats.get("scored"),
        "selected": panel.view.selected,
        "explanation": panel.view.explanation,
        "kernel_free": True,
    }))

panel.view.observe(dump, names=["selected", "explanation"])
dump()
"""


def test_stream_panel_updates_live_and_explains_a_click(lab, page, artifacts):
    pg, traffic, console = page
    state = lab.root / "stream_state.json"
    write_notebook(lab.root / "stream.ipynb", [setup_cell(state), STREAM_CELL, PROBE_CELL])
    read = reader(state)
    open_notebook(pg, lab.notebook_url("stream.ipynb"))

    scored = pg.locator('.jad-kpi[data-kpi="scored"] .jad-kpi-value')
    scored.wait_for(state="visible", timeout=120_000)
    # the probe cell ran while the stream was running: the kernel is not blocked
    first = poll(read, lambda s: s.get("kernel_free"), timeout=60)
    assert first.get("kernel_free"), console[-20:]

    def shown() -> int:
        return int((scored.text_content() or "0").replace(",", "") or 0)

    values = [shown()]
    for _ in range(80):
        pg.wait_for_timeout(250)
        values.append(shown())
        if values[-1] >= 12_000:
            break
    assert len(set(values)) >= 3, f"the panel did not update live: {values}"
    assert values[-1] == 12_000 or max(values) > min(values)

    pg.wait_for_function("() => document.querySelectorAll('tr.jad-anomaly').length > 0",
                         timeout=60_000)
    row = pg.locator("tr.jad-anomaly").first
    shown_ids = set(pg.locator("tr.jad-anomaly").evaluate_all(
        "rows => rows.map(r => r.dataset.event)"))
    row.click()
    # new anomalies arrive on top while the stream runs, so the row under the pointer may be a
    # newer event than the one located; whichever it was, the kernel explains that one
    explained = poll(read, lambda s: bool(s.get("selected"))
                      and s.get("explanation", "").startswith(f"Event {s['selected']}:"))
    event_id = explained.get("selected", "")
    assert event_id, ("the click selected nothing", explained, console[-20:])
    assert explained["explanation"].startswith(f"Event {event_id}:"), (explained, console[-20:])
    assert "no explanation" not in explained["explanation"], explained
    newest = max(map(int, shown_ids))
    assert event_id.isdigit() and (event_id in shown_ids or int(event_id) > newest)
    pg.wait_for_function("(id) => document.querySelector('.jad-explanation').textContent"
                         ".startsWith('Event ' + id)", arg=event_id, timeout=20_000)
    pg.wait_for_function("() => document.querySelector('.jad-kpi[data-kpi=\"status\"] "
                         ".jad-kpi-value').textContent === 'finished'", timeout=60_000)
    pg.wait_for_function("() => [...document.querySelectorAll('.jad-drift tr.jad-drifted td')]"
                         ".some(td => td.textContent === 'latency')", timeout=30_000)
    pg.locator(".jupyter-ad-stream-panel").screenshot(
        path=str(artifacts / "stream_panel_widget.png"))
    finish(pg, traffic, console, lab.url, artifacts / "stream_panel.png")
