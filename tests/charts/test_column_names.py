"""Column names that Vega-Lite reads as syntax (issue 12 item 7) still draw.

Checked through ``to_dict()`` (the field refers to a key that the inline rows have) and by
rendering the chart with vl-convert, which runs the real Vega-Lite compiler and Vega parser:
a bad field or title fails there with "Access path missing closing quote" or "Expression
parse error", or draws nothing.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from altair.utils._importers import vl_version_for_vl_convert

import jupyter_ad as ad
from jupyter_ad import charts
from jupyter_ad.charts._common import field, label

HOSTILE = ["it's", 'say "hi"', "line\nbreak", "back\\slash", "a.b", "x[0]", "'lead",
           '"lead', "uni\u2028sep", "tab\there", "$dollar", "amount"]


def render(chart) -> str:
    return str(vlc.vegalite_to_svg(chart.to_dict(), vl_version=vl_version_for_vl_convert()))


def test_field_keeps_plain_names_and_makes_the_others_safe():
    assert field("amount") == "amount" and field("unit price") == "unit price"
    keys = [field(name) for name in HOSTILE[:-1]]
    assert len(set(keys)) == len(keys)  # no two names share a key
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9_ \-]+", key), key
    assert field("a.b") != field("a_b")  # the hash keeps look-alikes apart
    assert label("line\nbreak\u2028x") == "line break x"


@pytest.fixture(scope="module")
def hostile_result():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(300, len(HOSTILE))), columns=HOSTILE)
    df.iloc[:5, 0] += 8
    return ad.detect(df, algorithm="iforest")


def test_scatter_tooltips_refer_to_keys_the_rows_have(hostile_result):
    spec = hostile_result.plot("scatter").to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    tooltips = spec["encoding"]["tooltip"]
    shown = [t for t in tooltips if t.get("title") not in ("row", None, "status")]
    assert shown  # some input columns are in the tooltip
    for tip in shown:
        assert tip["field"] in rows[0], tip
        assert not np.isnan(rows[0][tip["field"]])
    assert "\n" not in json.dumps([t.get("title") for t in tooltips]).replace("\\n", "\n")


@pytest.mark.parametrize("kind", ["overview", "histogram", "scatter"])
def test_result_charts_render_with_vl_convert(hostile_result, kind):
    svg = render(hostile_result.plot(kind))
    assert svg.count("<path") > 20 and "NaN" not in svg


def test_explanation_chart_renders(hostile_result):
    expl = hostile_result.explain(int(np.argmax(hostile_result.scores)))
    svg = render(charts.feature_contributions(expl))
    assert "NaN" not in svg
    assert "line break" in svg  # the feature names are shown, line breaks as spaces


def test_leaderboard_with_hostile_metric_names_renders():
    board = pd.DataFrame({"it's": [0.9, 0.7], 'say "hi"\n': [3.0, 1.0]},
                         index=pd.Index(["iforest", "ecod"], name="detector"))
    for metric in board.columns:
        chart = charts.comparison_bars(board, metric=metric)
        spec = chart.to_dict()
        rows = spec["datasets"][spec["data"]["name"]]
        assert spec["encoding"]["x"]["field"] in rows[0]
        svg = render(chart)
        assert "NaN" not in svg and svg.count("<path") >= 2
