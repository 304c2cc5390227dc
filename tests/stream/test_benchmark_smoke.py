"""A small run of benchmarks/stream_speed.py (the figures are in docs/benchmarks.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("benchmarks")]


def test_stream_benchmark_smoke(capsys):
    import stream_speed

    out = stream_speed.main(["--events", "40000", "--redis-events", "3000",
                             "--seconds", "0.5", "--rate", "2000"])
    text = capsys.readouterr().out
    assert "vs river" in text and "Redis Streams round trip" in text
    assert out["frames_per_s"] > 0 and out["river_per_s"] > 0
    assert out["redis"]["events"] == 3000 and out["latency"]["events"] == 1000
    assert out["drift_ms"] > 0
    assert out["stored"]["monitored_per_s"] > 0 and out["stored"]["unmonitored_per_s"] > 0
