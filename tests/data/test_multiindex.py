"""Columns with several levels (pandas MultiIndex) are flattened to ``x_a`` names on input, so
every later step works: summary, explain, drivers, feature_importance, to_html, save/load,
the quality report and ``%detect``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.data.readers import as_dataframe, flat_column_names
from jupyter_ad.errors import DataError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def grouped() -> pd.DataFrame:
    """A frame as ``groupby().agg()`` makes it: ('amount', 'mean'), ... plus a one-level column."""
    rng = np.random.default_rng(0)
    raw = pd.DataFrame({"shop": np.repeat(np.arange(150), 4),
                        "amount": rng.lognormal(3, 0.4, 600),
                        "items": rng.poisson(3, 600)})
    raw.loc[raw["shop"] == 7, "amount"] *= 30  # one shop far out
    frame = raw.groupby("shop").agg({"amount": ["mean", "max"], "items": ["sum"]})
    frame[("region", "")] = np.where(frame.index % 2 == 0, "north", "south")
    assert isinstance(frame.columns, pd.MultiIndex)
    return frame


def test_flattening_rule(grouped: pd.DataFrame) -> None:
    assert flat_column_names(grouped.columns) == ["amount_mean", "amount_max", "items_sum",
                                                 "region"]
    tuples = pd.MultiIndex.from_tuples([(1, "a", None), (2.5, "", "z"), ("", "", "")])
    assert flat_column_names(tuples) == ["1_a", "2.5_z", "x2"]
    flat = as_dataframe(grouped)
    assert list(flat.columns) == ["amount_mean", "amount_max", "items_sum", "region"]
    assert isinstance(grouped.columns, pd.MultiIndex)  # the user's frame is left alone


def test_collisions_are_refused_naming_both_columns() -> None:
    frame = pd.DataFrame(np.zeros((3, 2)),
                         columns=pd.MultiIndex.from_tuples([("x_a", ""), ("x", "a")]))
    with pytest.raises(DataError, match=r"\('x_a', ''\) and \('x', 'a'\) both flatten to 'x_a'"):
        ad.detect(frame)
    with pytest.raises(DataError, match="both flatten"):
        ad.check_data(frame)


def test_every_later_step_works(grouped: pd.DataFrame, tmp_path: Path) -> None:
    res = ad.detect(grouped, algorithm="iforest", contamination=0.02)
    assert res.model.feature_names == ["amount_mean", "amount_max", "items_sum", "region"]
    top = int(np.argmax(res.scores))
    assert grouped.index[top] == 7  # the shop pushed out is found
    assert "anomal" in res.summary()
    explanation = res.explain(top, n_samples=500)
    assert explanation.top()[0].startswith("amount")
    drivers = res.drivers()
    assert set(drivers["column"]) <= set(res.model.feature_names)
    importance = res.feature_importance()
    assert set(importance["feature"]) <= set(res.model.feature_names)
    page = res.to_html(tmp_path / "report.html")
    assert "amount_mean" in Path(page).read_text(encoding="utf-8")
    assert list(res.to_frame().columns[:4]) == ["amount_mean", "amount_max", "items_sum",
                                                 "region"]
    ref = res.model.save("shops")
    again = ad.load(str(ref))
    np.testing.assert_allclose(again.score(grouped).scores, res.scores)
    report = ad.check_data(grouped)
    assert [c.name for c in report.columns] == res.model.feature_names


MAGIC_CHILD = r"""
import numpy as np, pandas as pd
from IPython.testing.globalipapp import start_ipython

ip = start_ipython()
ip.run_line_magic("load_ext", "jupyter_ad")
rng = np.random.default_rng(0)
raw = pd.DataFrame({"shop": np.repeat(np.arange(60), 3), "amount": rng.lognormal(3, 0.4, 180)})
ip.user_ns["shops"] = raw.groupby("shop").agg({"amount": ["mean", "max"]})
result = ip.run_cell("%detect shops -a iforest -o shops_res --no-panel")
assert result.error_in_exec is None, result.error_in_exec
print(ip.user_ns["shops_res"].model.feature_names)
"""


@pytest.mark.slow
def test_percent_detect_on_multiindex_columns() -> None:
    # its own process: the test shell of IPython is a process-wide singleton that the magics
    # tests start themselves
    out = subprocess.run([sys.executable, "-c", MAGIC_CHILD], capture_output=True, text=True,
                         timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "['amount_mean', 'amount_max']"
