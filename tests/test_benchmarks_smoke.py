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


def test_default_speed_benchmark_smoke():
    import default_speed

    report = default_speed.main(["--sizes", "2000,4000", "--one-row-sizes", "1000",
                                 "--repeat", "1"])
    assert report.count("| 2,000 | `iforest+sampled_knn` |") == 1
    assert "| 1,000 | `iforest+sampled_knn` |" in report and " us |" in report
    assert "load average" in report


def test_default_selection_choice_and_leave_one_file_out():
    import default_selection as sel
    import pandas as pd

    files = [f"f{i}" for i in range(4)]
    auc = pd.DataFrame({"pyod IForest (bar)": [0.70] * 4,
                        "weak": [0.70, 0.71, 0.69, 0.70],
                        "spiky": [0.99, 0.99, 0.99, 0.55],     # best mean, far off on f3
                        "steady": [0.86, 0.86, 0.86, 0.86],    # never more than 0.13 off
                        "twin": [0.86, 0.86, 0.86, 0.86]}, index=files)
    ap = pd.DataFrame({"iforest": [0.5], "weak": [0.6], "spiky": [0.6], "steady": [0.6],
                       "twin": [0.6]}, index=["cards0"])
    names = sel.eligible(ap)
    assert names == ["iforest", "weak", "spiky", "steady", "twin"]
    cands = ["weak", "spiky", "steady", "twin"]
    assert sel.regret(auc, cands).loc["f3", "spiky"] == pytest.approx(0.31)
    assert sel.choose(auc, cands) == "steady"  # smallest worst regret; "twin" ties, listed later
    assert sel.OTHER_RULES["best mean"](auc, cands) == "spiky"
    lofo = sel.leave_one_file_out(auc, cands)
    # without f3, spiky is never off: chosen, and scored on the file it fails
    assert lofo.loc["f3", "choice"] == "spiky" and lofo.loc["f3", "held_out_auc"] == 0.55
    assert (lofo.drop(index="f3")["choice"] == "steady").all()
    table = sel.rules_table(auc, cands)
    assert "| smallest worst regret (the rule) | `steady` |" in table
    assert table.count("\n| ") == 1 + len(sel.OTHER_RULES)  # the rule, then the others
    worse_ap = ap.assign(spiky=0.3)
    assert "spiky" not in sel.eligible(worse_ap)


def test_feedback_benchmark_never_hurts_top_of_ranking_marks_on_card_tables():
    """The realistic marks (20 of the top 40 rows) never lower AP on the unmarked rows by
    more than 2% on the card tables (issue 14's bar), and the benchmark reports fallbacks."""
    import feedback

    table = feedback.run(cards_only=True, patterns=("top 20 of 40",))
    assert len(table) == 3
    assert (table["change"] >= -0.02).all(), table
    text = feedback.report(table)
    assert "| cards (3) | top 20 of 40 |" in text and "runs |" in text
    # what every label buys, for reference: learned from all labels, the ranking is better
    assert (table["ap_every_label"] > table["ap_unsupervised"]).all(), table
    assert "What every label buys" in text and "| cards0 |" in text.split("every label buys")[1]
