"""``jupyter-ad monitor`` and ``jupyter-ad feedback``, called in-process."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import jupyter_ad as ad
from jupyter_ad.cli.main import main


def test_score_feedback_monitor(tmp_path, capsys):
    rng = np.random.default_rng(2)
    cols = ["a", "b"]
    ad.fit(pd.DataFrame(rng.normal(size=(500, 2)), columns=cols), "iforest").save("m")
    rows = pd.DataFrame(rng.normal(size=(300, 2)), columns=cols)
    rows.loc[:4, "a"] += 9
    rows.to_csv(tmp_path / "new.csv", index=False)
    assert main(["-q", "score", str(tmp_path / "new.csv"), "--model", "m",
                 "-o", str(tmp_path / "scored.csv")]) == 0
    scored = pd.read_csv(tmp_path / "scored.csv")
    scored["truth"] = ""
    scored.loc[:4, "truth"] = "1"
    scored.loc[100:104, "truth"] = "0"
    scored.to_csv(tmp_path / "labelled.csv", index=False)
    capsys.readouterr()
    assert main(["feedback", "m", str(tmp_path / "labelled.csv"), "--labels", "truth"]) == 0
    assert "Stored 10 labelled rows" in capsys.readouterr().out
    assert main(["monitor", "m", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 1 and records[0]["rows"] == 300 and records[0]["n_feedback"] == 10
    assert records[0]["precision_at_k"] == 1.0
    assert main(["monitor", "m", "--min-precision", "0.5"]) == 0
    assert main(["monitor", "m", "--max-anomaly-rate", "0.001"]) == 3
    assert "alert: m record 1: anomaly rate" in capsys.readouterr().err


def test_feedback_needs_a_scored_file(tmp_path, capsys):
    pd.DataFrame({"a": [1.0], "truth": [1]}).to_csv(tmp_path / "x.csv", index=False)
    assert main(["feedback", "m", str(tmp_path / "x.csv"), "--labels", "truth"]) == 1
    assert "has no column 'score'" in capsys.readouterr().err


def test_monitor_without_records(capsys):
    assert main(["monitor", "nothing"]) == 0
    assert "No monitoring records for 'nothing'" in capsys.readouterr().out


def test_monitor_limits_go_to_the_alert_channels(tmp_path, capsys):
    """Monitoring thresholds feed the streaming alerts' channels: a real local webhook."""
    from tests.stream.test_alerts import Hook

    rng = np.random.default_rng(3)
    model = ad.fit(pd.DataFrame(rng.normal(size=(400, 2)), columns=["a", "b"]), "iforest")
    model.save("m")
    drifted = pd.DataFrame(rng.normal(loc=4.0, size=(200, 2)), columns=["a", "b"])
    ad.load("m").score(drifted)
    hook = Hook()
    try:
        (tmp_path / "alerts.toml").write_text(
            f'[channel.ops]\ntype = "webhook"\nurl = "{hook.url}"\nretries = 0\n')
        assert main(["monitor", "m", "--max-drift", "0.99", "--alerts",
                     str(tmp_path / "alerts.toml")]) == 0
        assert hook.requests == []  # below the limit: nothing sent
        assert main(["monitor", "m", "--max-drift", "0.3", "--alerts",
                     str(tmp_path / "alerts.toml")]) == 3
        (body,) = [json.loads(b) for _, b in hook.requests]
        assert body["kind"] == "monitor" and body["metric"] == "drift" and body["model"] == "m"
        assert body["value"] > 0.3 and "drift" in body["message"]
        hook.fail = 5  # the channel fails: a one-line warning, the exit status still 3
        assert main(["monitor", "m", "--max-drift", "0.3", "--alerts",
                     str(tmp_path / "alerts.toml")]) == 3
        assert "alert not delivered via ops" in capsys.readouterr().err
    finally:
        hook.close()
    assert main(["monitor", "m", "--max-drift", "0.3", "--alerts",
                 str(tmp_path / "missing.toml")]) == 2  # checked before the records
    out = capsys.readouterr()
    assert "No alerts file" in out.err and "record" not in out.out
