"""Defaults on the shared ADBench files: finite scores, mean ROC-AUC >= PyOD IForest + 0.02."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from tests.conftest import ADBENCH

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("adbench")]


@pytest.mark.skipif(not ADBENCH.exists(), reason="../shared/datasets/adbench is not beside the "
                    "project (it is in CI and on developer machines)")
def test_default_detect_on_adbench():
    import adbench_default

    table = adbench_default.run(ADBENCH, with_pyod=False)
    assert len(table) >= 20
    assert table["finite"].all()
    mean = table["jupyter_ad"].mean()
    print(f"mean ROC-AUC of ad.detect defaults: {mean:.4f}")
    assert mean >= 0.81  # PyOD IForest default 0.791 + 0.02 (issue 14)
    assert np.isfinite(table["jupyter_ad"]).all()
