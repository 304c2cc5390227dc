"""``-o`` from the shell: checked before the work, never a traceback, never over an input."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import planted_frame

pytestmark = pytest.mark.slow  # subprocesses


def run(*args: str, cwd: Path, limit_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # a real failed write: files larger than this fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "jupyter_ad", "-q", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=limit if limit_bytes else None)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    frame, _ = planted_frame(n=400)
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def _unwritable_folder() -> Path | None:
    for candidate in (Path("/sys"), Path("/proc")):
        if os.name == "posix" and os.geteuid() == 0 and candidate.is_dir():
            try:
                fd, name = tempfile.mkstemp(dir=candidate)
            except OSError:
                return candidate
            os.close(fd)
            os.unlink(name)
    return None


def test_bad_output_paths_fail_before_the_work(data: Path, tmp_path: Path) -> None:
    (tmp_path / "some_folder").mkdir()
    cases = [(["detect", str(data), "-o", "some_folder/"], "is a folder"),
             (["detect", str(data), "-o", "some_folder"], "is a folder"),
             (["detect", str(data), "-o", "nowhere/out.csv"], "does not exist"),
             (["score", str(data), "-m", "any", "-o", "nowhere/out.csv"], "does not exist"),
             (["detect", str(data), "-o", str(data)], "is the input file"),
             (["demo", "-o", "some_folder"], "is a folder")]
    folder = _unwritable_folder()
    if folder is not None:
        cases += [(["detect", str(data), "-o", str(folder / "out.csv")], "not writable"),
                  (["new", "quickstart", "-o", str(folder / "q.ipynb")], "not writable")]
    for args, words in cases:
        out = run(*args, cwd=tmp_path)
        assert out.returncode == 1, (args, out.stderr)
        assert words in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert "Found" not in out.stdout and "Demo" not in out.stdout  # no work was done
    assert data.read_text().startswith("f0,f1,f2,f3\n")


def test_writing_over_the_input_needs_force_and_is_idempotent(data: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    refused = run("detect", str(link), "-o", str(data), cwd=tmp_path)
    assert refused.returncode == 1 and "is the input file" in refused.stderr
    for _ in range(2):  # the second run reads the first one's output columns
        out = run("detect", str(data), "-o", str(data), "--force", "-a", "iforest",
                  cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert list(pd.read_csv(data).columns) == ["f0", "f1", "f2", "f3", "score", "label",
                                                   "confidence", "rank"]
    assert "Left out the column(s) 'score', 'label', 'confidence', 'rank'" in out.stderr
    excluded = run("detect", str(data), "--exclude", "score,f3", "-o", str(tmp_path / "e.csv"),
                   cwd=tmp_path)  # the workaround of earlier versions still runs
    assert excluded.returncode == 0, excluded.stderr
    kept = run("detect", str(data), "--features", "f0,f1,score", "-o", str(tmp_path / "k.csv"),
               cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "score_ad" in pd.read_csv(tmp_path / "k.csv").columns  # named: a feature, kept


def test_score_leaves_out_earlier_results(data: Path, tmp_path: Path) -> None:
    assert run("train", str(data), "--name", "m", "-a", "iforest", cwd=tmp_path).returncode == 0
    first = tmp_path / "scored.csv"
    assert run("score", str(data), "-m", "m", "-o", str(first), cwd=tmp_path).returncode == 0
    again = run("score", str(first), "-m", "m", "-o", str(tmp_path / "again.csv"), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Left out the column(s)" in again.stderr
    pd.read_csv(first).drop(columns=["rank"]).to_parquet(tmp_path / "scored.parquet")
    streamed = run("score", str(tmp_path / "scored.parquet"), "-m", "m", "-o",
                   str(tmp_path / "out.parquet"), cwd=tmp_path)
    assert streamed.returncode == 0, streamed.stderr
    assert list(pd.read_parquet(tmp_path / "out.parquet").columns) == [
        "f0", "f1", "f2", "f3", "score", "label", "confidence"]


def test_a_write_that_fails_is_one_line_and_leaves_nothing(data: Path, tmp_path: Path) -> None:
    out = run("detect", str(data), "-a", "iforest", "-o", str(tmp_path / "out.csv"),
              cwd=tmp_path, limit_bytes=20_000)  # the result (~40 kB) cannot be written
    assert out.returncode == 1, out.stderr
    assert "Cannot write" in out.stderr and "File too large" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Found" in out.stdout  # the failure came at the end, after the work
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_new_with_a_missing_data_file_writes_nothing(tmp_path: Path) -> None:
    out = run("new", "quickstart", "--data", "missing.csv", "-o", "q.ipynb", cwd=tmp_path)
    assert out.returncode == 1
    assert "No such data file: 'missing.csv'" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "q.ipynb").exists()
    folder = run("new", "quickstart", "--data", str(tmp_path), "-o", "q.ipynb", cwd=tmp_path)
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    ok = run("new", "quickstart", "-o", "deep/er/q.ipynb", cwd=tmp_path)
    assert ok.returncode == 0 and (tmp_path / "deep" / "er" / "q.ipynb").exists()
