"""The one static-HTML renderer: values as the data holds them, the same as in the panels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.report._static import (
    column_format,
    explanation_frame,
    format_value,
    html_table,
    result_formats,
    score_format,
)

CASES = Path(__file__).resolve().parents[2] / "js" / "tests" / "format_cases.json"


def _cases():
    for case in json.loads(CASES.read_text(encoding="utf-8"))["cases"]:
        value = float(case["value"]) if case.get("number") else case["value"]
        yield pytest.param(value, case["spec"], case["text"], id=f"{case['value']!r}")


@pytest.mark.parametrize(("value", "spec", "text"), list(_cases()))
def test_shared_cases_match_the_javascript_formatter(value, spec, text):
    """js/tests/format.test.js runs the same cases through js/src/format.js."""
    assert format_value(value, spec) == text


def test_amounts_keep_their_cents_and_grouping_is_consistent():
    cards = ad.datasets.load_card_transactions(n_rows=2_000)
    spec = column_format(cards["amount"])
    assert spec == {"kind": "number", "decimals": 2, "group": True}
    assert format_value(11127.91, spec) == "11,127.91"
    assert format_value(2076.0, spec) == "2,076.00"
    assert column_format(cards["txn_id"])["group"] is False  # identifiers are not grouped
    assert column_format(cards["card_present"]) == {"kind": "bool"}
    assert column_format(cards["merchant_category"]) == {"kind": "text"}
    assert format_value(pd.Timestamp("2026-03-01 06:05:00")) == "2026-03-01 06:05:00"
    assert format_value(pd.Timestamp("2026-03-01")) == "2026-03-01"


@pytest.mark.parametrize(("values", "decimals"), [
    ([1.0, 2.0, 3.0], 0), ([0.5, 1.25], 2), ([1.1, 2.22, 3.333], 3), ([1e-6, 2.0], 6)])
def test_decimals_are_the_columns_own(values, decimals):
    assert column_format(pd.Series(values))["decimals"] == decimals


def test_floats_without_a_short_decimal_form_use_significant_digits():
    spec = column_format(pd.Series(np.random.default_rng(0).normal(size=50)))
    assert spec["digits"] == 6
    assert format_value(0.1234567891, spec) == "0.123457"


def test_years_and_small_integers():
    assert column_format(pd.Series([1999, 2026, 2011]))["group"] is False
    assert format_value(2645, column_format(pd.Series([2645, 12_000, 3]))) == "2,645"


def test_score_format_follows_the_scale():
    assert score_format([0.1, 0.5, 0.9])["decimals"] == 4
    assert score_format([3.0, 20.0, 79.17])["decimals"] == 2
    assert score_format([1200.0, 5000.0])["decimals"] == 0
    assert score_format([])["decimals"] == 2


def test_html_table_escapes_and_formats_with_the_data_formats():
    frame = pd.DataFrame({"amount": [11127.91, 5.0], "<name>": ["<script>", "ok"]},
                         index=["a", "b"])
    formats = {"amount": {"kind": "number", "decimals": 2, "group": True}}
    text = html_table(frame, formats=formats, index="row", highlight=[True, False])
    assert "11,127.91" in text and "5.00" in text
    assert "<script>" not in text and "&lt;script&gt;" in text and "&lt;name&gt;" in text
    assert text.count("class='anomaly'") == 1
    styled = html_table(frame, formats=formats, inline_styles=True)
    assert "style=" in styled and "class='num'" not in styled


def test_result_formats_and_explanation_values():
    df = ad.datasets.load_card_transactions(n_rows=1_000)
    res = ad.detect(df, exclude=["is_fraud"])
    formats = result_formats(res)
    assert formats["amount"]["decimals"] == 2 and formats["score"]["kind"] == "number"
    expl = res.explain(int(np.argmax(res.scores)))
    shown = explanation_frame(expl.to_frame(), formats, formats["score"])
    row = shown.set_index("feature").loc["amount"]
    assert row["value"] == format_value(df["amount"].iloc[int(np.argmax(res.scores))],
                                        formats["amount"])
