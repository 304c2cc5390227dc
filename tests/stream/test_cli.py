"""jupyter-ad stream: a Unix filter, a clean stop on SIGTERM, one-line errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from jupyter_ad.cli.main import main
from tests.stream.conftest import numeric_frame


def _run(args, stdin=b"", timeout=120):
    return subprocess.run([sys.executable, "-m", "jupyter_ad", *args], input=stdin,
                          capture_output=True, timeout=timeout, env=dict(os.environ))


@pytest.mark.slow
def test_unix_filter_scores_stdin_to_stdout(numeric_model):
    numeric_model.save("fraud")
    frame = numeric_frame(400, seed=60)
    lines = [json.dumps(r) for r in frame.to_dict("records")]
    lines.insert(100, "{bad")
    done = _run(["stream", "--model", "fraud", "--source", "-", "--sink", "-",
                 "--batch-size", "64"], ("\n".join(lines) + "\n").encode())
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(x) for x in done.stdout.decode().splitlines()]
    assert len(out) == 400 and {o["model_version"] for o in out} == {"fraud@1"}
    np.testing.assert_array_equal([o["score"] for o in out], numeric_model.score_samples(frame))
    err = done.stderr.decode()
    assert "poison event 101: not valid JSON" in err
    assert "finished: 400 event(s) scored" in err and "1 dead-lettered" in err


@pytest.mark.slow
def test_sigterm_stops_cleanly_with_a_summary(numeric_model, tmp_path):
    numeric_model.save("fraud")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_ad", "stream", "--model", "fraud",
                             "--source", "-", "--sink", f"jsonl:{out}", "--stats-json"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ))
    rows = numeric_frame(50, seed=61).to_dict("records")
    proc.stdin.write(("".join(json.dumps(r) + "\n" for r in rows)).encode())
    proc.stdin.flush()  # stdin stays open: the stream waits for more
    deadline = time.time() + 60
    while (not out.exists() or out.read_text().count("\n") < 50) and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    stats = json.loads(proc.stderr.read().decode().strip().splitlines()[-1])
    assert stats["status"] == "stopped" and stats["scored"] == 50


def test_usage_errors_are_one_line(capsys, numeric_model):
    assert main(["stream", "--model", "nope", "--source", "-"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("jupyter-ad stream: error:") and "nope" in err
    assert err.count("\n") == 1
    numeric_model.save("fraud")
    assert main(["stream", "--model", "fraud", "--source", "kafka:/x"]) == 2
    assert "kafka://BROKERS/TOPIC" in capsys.readouterr().err
    assert main(["stream", "--model", "fraud", "--source", "-", "--batch-size", "0"]) == 2
    assert "batch_size must be a whole number >= 1" in capsys.readouterr().err


def test_help_lists_the_stream_options(capsys):
    assert main(["stream", "--help"]) == 0
    text = capsys.readouterr().out
    for flag in ("--source", "--sink", "--dead-letter", "--batch-size", "--max-latency-ms",
                 "--alerts", "--refit-every", "--buffer-size"):
        assert flag in text
