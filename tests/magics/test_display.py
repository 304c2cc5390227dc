"""Routine notices of the magics go into the panel, not into warning boxes (issue 13 item 4)."""

from __future__ import annotations

import warnings

import pytest

import jupyter_ad as ad
from jupyter_ad.errors import DataQualityWarning, JupyterADWarning
from jupyter_ad.magics._display import routine_notices as notices


def test_routine_notices_are_collected_others_pass_through(capsys):
    with pytest.warns(UserWarning, match="third-party"), notices() as notes:
        warnings.warn("Column 'txn_id' dropped: looks like an ID.", DataQualityWarning,
                      stacklevel=1)
        warnings.warn("Column 'txn_id' dropped: looks like an ID.", DataQualityWarning,
                      stacklevel=1)
        warnings.warn("threshold flags every row", JupyterADWarning, stacklevel=1)
        warnings.warn("a third-party warning", UserWarning, stacklevel=1)
    assert notes == ["Column 'txn_id' dropped: looks like an ID."]
    err = capsys.readouterr().err
    assert err.strip() == "JupyterADWarning: threshold flags every row"  # one plain line


def test_detect_and_compare_show_no_warning_box(ip, displayed):
    from IPython.utils.capture import capture_output

    cards = ad.datasets.load_card_transactions(n_rows=500)
    ip.user_ns["cards"] = cards
    with capture_output() as captured:
        ip.run_line_magic("detect", "cards --exclude is_fraud -o res")
        ip.run_line_magic("ad_compare", "cards -a iforest,ecod --labels is_fraud -o cmp")
    assert "Warning" not in captured.stderr and ".py:" not in captured.stderr
    detection, comparison = displayed
    assert "txn_id" in detection.summary  # the fact is in the summary ...
    assert detection.notes == []  # ... so not repeated
    assert comparison.view.note == "Column 'txn_id' dropped: looks like an ID (unique " \
        "integers in sequence)."


def test_no_panel_prints_notes_as_plain_lines(ip):
    from IPython.utils.capture import capture_output

    ip.user_ns["cards"] = ad.datasets.load_card_transactions(n_rows=500)
    with capture_output() as captured:
        ip.run_line_magic("ad_compare", "cards -a iforest --labels is_fraud --no-panel")
    assert "Note: Column 'txn_id' dropped" in captured.stdout
    assert captured.stderr == ""
