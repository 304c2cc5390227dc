"""A small run of the speed benchmark (the full one is `make bench`, outside the tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("benchmarks")]


def test_speed_benchmark_smoke(tmp_path):
    import speed

    report = speed.main(["--rows", "20000", "--cols", "5", "--stream-rows", "60000",
                         "--repeat", "1"])
    assert report.count("\n| ") >= 6
    assert "scikit-learn" in report and "PyOD" in report and "score_one" in report
    page = tmp_path / "page.md"
    page.write_text("# B\n\n<!-- speed:start -->\nold\n<!-- speed:end -->\nafter\n")
    speed.write_section(page, report)
    text = page.read_text()
    assert "old" not in text and report in text and text.endswith("after\n")


def test_large_data_default_is_as_accurate_as_scikit_learn():
    """The large-data branch of "auto" on the shared ADBench files (fit-all, 3 seeds)."""
    import adbench_large_default as bench
    from _adbench import ADBENCH

    if not any(ADBENCH.glob("*.npz")):
        pytest.skip(f"the shared ADBench files are not beside the project ({ADBENCH})")
    table = bench.run()
    assert len(table) == len(list(ADBENCH.glob("*.npz")))
    means = table[["large_default", "sklearn_iforest", "iforest_copod"]].mean()
    assert means["large_default"] >= means["sklearn_iforest"] - bench.TOLERANCE, means
    assert means["large_default"] >= means["iforest_copod"] - bench.TOLERANCE, means
    text = bench.report(table)
    assert text.count("\n| ") == len(table) + 2 and "**mean, " in text


def test_large_default_report_lists_every_file():
    import adbench_large_default as bench
    import pandas as pd

    table = pd.DataFrame({"rows": [100, 60000], "large_default": [0.9, 0.8],
                          "sklearn_iforest": [0.85, 0.8], "iforest_copod": [0.7, 0.9]},
                         index=pd.Index(["a", "b (full)"], name="dataset"))
    text = bench.report(table)
    assert "| a | 100 | 0.900 | 0.850 | 0.700 |" in text
    assert "| b (full) | 60,000 |" in text
    assert "| **mean, 1 files** | | **0.9000** | **0.8500** | **0.7000** |" in text
