"""The streaming tutorial template, executed for real with nbclient (offline)."""

from __future__ import annotations

import pytest

import jupyter_ad.notebooks as nbs
from tests.notebooks.nbrun import errors, execute, output_text

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]


def test_streaming_template_replays_the_bundled_events(tmp_path):
    nb = execute(nbs.render("streaming"), tmp_path)
    assert errors(nb) == []
    text = output_text(nb)
    assert "finished: 1,200 events scored" in text and "1 dead-lettered" in text
    assert "line 501: not valid JSON" in text
    assert "amount shifted up" in text  # the drift planted in the last third
    assert "ALERT confident anomaly" in text
    panel = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    snapshots = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", [])
                 if "jupyter-ad-snapshot" in o.get("data", {}).get("text/html", "")]
    assert panel and snapshots and "jupyter-ad stream" in snapshots[-1]
