"""A small run of the speed benchmark (the full one is `make bench`, outside the tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("benchmarks")]


def test_speed_benchmark_smoke(tmp_path):
    import speed

    report = speed.main(["--rows", "20000", "--cols", "5", "--stream-rows", "60000"])
    assert report.count("\n| ") >= 6
    assert "scikit-learn" in report and "PyOD" in report and "score_one" in report
    page = tmp_path / "page.md"
    page.write_text("# B\n\n<!-- speed:start -->\nold\n<!-- speed:end -->\nafter\n")
    speed.write_section(page, report)
    text = page.read_text()
    assert "old" not in text and report in text and text.endswith("after\n")
