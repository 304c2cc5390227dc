"""The live stream panel (kernel side) and %ad_stream in a real IPython shell; the browser
side is tests/ui/test_stream_panel.py."""

from __future__ import annotations

import time
from typing import Any

import pytest

import jupyter_ad as ad
from tests.stream.conftest import numeric_frame


def _wait(condition, timeout=30.0):
    end = time.time() + timeout
    while not condition() and time.time() < end:
        time.sleep(0.05)
    return condition()


def test_panel_follows_the_stream_and_explains_a_clicked_anomaly(numeric_model):
    frame = numeric_frame(3000, seed=40)
    frame.loc[1500:, "f2"] += 3.0

    def paced():
        for k in range(0, 3000, 300):
            yield frame.iloc[k:k + 300]
            time.sleep(0.1)

    s = ad.stream(paced(), numeric_model, batch_size=300, drift_every=1000, buffer_size=1000)
    panel = s.panel(interval=0.1)
    assert _wait(lambda: not s.running and panel.view.stats.get("status") == "finished")
    view = panel.view
    assert view.stats["scored"] == 3000
    assert view.anomalies and all(a["score"] > numeric_model.threshold_ for a in view.anomalies)
    assert any(f["feature"] == "f2" and f["drifted"] for f in view.drift)
    assert "f2" in view.drift_sentence
    assert any(e["kind"] == "drift" for e in view.events)
    view.selected = view.anomalies[0]["event_id"]
    assert view.explanation.startswith(f"Event {view.anomalies[0]['event_id']}:")
    assert "no explanation" not in view.explanation
    html = panel.snapshot_html()
    assert "3,000 events scored" in html and "Latest anomalies" in html and "f2" in html
    from jupyter_ad.widgets._output import widget_bundle

    assert "application/vnd.jupyter.widget-view+json" in widget_bundle(panel)[0]
    assert panel.snapshot_bundle()["text/plain"].startswith("jupyter-ad stream\nfinished: 3,000")


@pytest.fixture
def shell() -> Any:
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    ip.run_line_magic("load_ext", "jupyter_ad")
    before = set(ip.user_ns)
    yield ip
    for name in set(ip.user_ns) - before:
        del ip.user_ns[name]


def test_ad_stream_magic_starts_a_stream_and_shows_its_panel(shell, numeric_model):
    from IPython.core.error import UsageError

    from jupyter_ad.stream.runner.stream import Stream

    numeric_model.save("plant")
    shell.user_ns["events"] = numeric_frame(500, seed=41).to_dict("records")
    shell.run_line_magic("ad_stream", "events -m plant --batch-size 100 -o s --no-panel")
    s = shell.user_ns["s"]
    assert isinstance(s, Stream) and s.settings["batch_size"] == 100
    assert s.join(30)["scored"] == 500 and s.version == "plant@1"
    assert shell.user_ns["_ad_last_stream"] is s
    shell.run_line_magic("ad_stream", "s")  # the panel of a running (here finished) stream
    with pytest.raises(UsageError, match="give the model"):
        shell.run_line_magic("ad_stream", "events")
    with pytest.raises(UsageError, match="batch_size must be a whole number"):
        shell.run_line_magic("ad_stream", "events -m plant --batch-size 0")
