"""Output paths are checked before the work; failed writes raise OutputError, leave nothing."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import JupyterADError, OutputError, ParameterError
from jupyter_ad.io.atomic import write_text_atomic
from jupyter_ad.io.output import (
    check_output_path,
    same_file,
    stale_output_columns,
    write_table,
)
from tests.conftest import planted_frame


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder this process cannot create files in (a 0555 folder; for root, /sys)."""
    if os.name == "posix" and os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    for candidate in (Path("/sys"), Path("/proc")):
        if not candidate.is_dir():
            continue
        try:
            fd, name = tempfile.mkstemp(dir=candidate)
        except OSError:
            yield candidate
            return
        os.close(fd)
        os.unlink(name)
    pytest.skip("no folder that this (root) user cannot write")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    for given in (tmp_path / "out", f"{tmp_path / 'out'}/", f"{tmp_path / 'new'}/"):
        with pytest.raises(OutputError, match="is a folder: give a file name"):
            check_output_path(given)


def test_missing_or_unwritable_folders(tmp_path: Path, unwritable: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        check_output_path(tmp_path / "nope" / "x.csv")
    with pytest.raises(OutputError, match="not writable"):
        check_output_path(unwritable / "x.csv")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        (tmp_path / "f.csv").write_text("a\n1\n")
        check_output_path(tmp_path / "f.csv" / "x.csv")
    # a writer that makes its folders: the nearest existing folder must be writable
    assert check_output_path(tmp_path / "a" / "b" / "n.ipynb", suffixes=None,
                             make_parents=True) == tmp_path / "a" / "b" / "n.ipynb"
    assert not (tmp_path / "a").exists()  # checking creates nothing
    with pytest.raises(OutputError, match="not writable"):
        check_output_path(unwritable / "a" / "n.ipynb", suffixes=None, make_parents=True)
    assert not list(tmp_path.glob(".jupyter-ad-probe-*"))


def test_extension_is_a_parameter_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"\.csv, \.parquet"):
        check_output_path(tmp_path / "x.xlsx")


def test_the_input_file_is_refused_unless_forced(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    link, hard = tmp_path / "link.csv", tmp_path / "hard.csv"
    link.symlink_to(data)
    os.link(data, hard)
    for output in (data, link, hard, tmp_path / "sub" / ".." / "data.csv"):
        assert same_file(data, output) or "sub" in str(output)
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputError, match="is the input file"):
            check_output_path(output, inputs=[data])
        assert check_output_path(output, inputs=[data], force=True)
    assert not same_file(data, tmp_path / "other.csv")
    frame = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(OutputError):
        write_table(frame, link, inputs=[data])
    assert data.read_text() == "a\n1\n"


def test_stale_output_columns() -> None:
    columns = ["amount", "score", "label", "confidence", "rank", "score_ad", "rank_ad_ad",
               "scored", "Score", 3]
    assert stale_output_columns(columns) == ["score", "label", "confidence", "rank", "score_ad",
                                             "rank_ad_ad"]
    assert stale_output_columns(columns, keep=["score"]) == ["label", "confidence", "rank",
                                                             "score_ad", "rank_ad_ad"]


def test_atomic_writes_raise_output_error(tmp_path: Path, unwritable: Path) -> None:
    (tmp_path / "folder.html").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_text_atomic(tmp_path / "folder.html", "x")
    with pytest.raises(OutputError, match="Nothing was written") as caught:
        write_text_atomic(unwritable / "x.html", "x")
    assert isinstance(caught.value, OSError) and isinstance(caught.value, JupyterADError)
    existing = tmp_path / "keep.txt"
    existing.write_text("old")
    with pytest.raises(FileExistsError):  # replace=False keeps its own error
        write_text_atomic(existing, "new", replace=False)
    assert existing.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] in (["folder.html", "keep.txt"],
                                                    ["keep.txt", "folder.html"])


def test_to_html_into_an_unwritable_place(unwritable: Path, tmp_path: Path) -> None:
    frame, _ = planted_frame(n=120)
    res = ad.detect(frame, algorithm="iforest")
    with pytest.raises(OutputError, match="Cannot write"):
        res.to_html(unwritable / "report.html")
    with pytest.raises(ad.JupyterADError):
        res.to_html(tmp_path / "missing-folder" / "report.html")


def test_score_file_refuses_its_input_and_keeps_output_names_distinct(tmp_path: Path) -> None:
    frame, _ = planted_frame(n=300)
    frame["score"] = np.arange(len(frame)) % 7  # a real feature that is called "score"
    model = ad.fit(frame, algorithm="iforest")
    source = tmp_path / "rows.parquet"
    frame.to_parquet(source)
    with pytest.raises(OutputError, match="is the input file"):
        model.score_file(source, source)
    info = model.score_file(source, tmp_path / "out.parquet")
    out = pd.read_parquet(info["path"])
    assert list(out.columns[-4:]) == ["score", "score_ad", "label", "confidence"]
    np.testing.assert_array_equal(out["score"], frame["score"])
    np.testing.assert_allclose(out["score_ad"], model.score(frame).scores)
    model.score_file(source, source, force=True)  # replaced after the last batch is read
    assert "score_ad" in pd.read_parquet(source).columns
