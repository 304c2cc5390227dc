"""``jupyter-ad new``: its parser and ``run`` (called directly, with a parser built here)."""

from __future__ import annotations

import ast

import nbformat
import pytest

from jupyter_ad.cli import new_cmd
from jupyter_ad.cli._base import CliParser as _Parser
from jupyter_ad.cli._base import UsageError as _UsageError
from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import ParameterError


def parse(*argv: str):
    root = _Parser(prog="jupyter-ad")
    sub = root.add_subparsers(dest="command", parser_class=_Parser)
    new_cmd.add_parser(sub)
    return root.parse_args(["new", *argv])


def run(*argv: str) -> int:
    return new_cmd.run(parse(*argv), Progress(enabled=False))


def params_of(path) -> dict[str, object]:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {n.targets[0].id: ast.literal_eval(n.value) for n in ast.parse(cell.source).body}


def test_list(capsys):
    assert run("--list") == 0
    out = capsys.readouterr().out
    for name in ("quickstart", "tutorial", "comparison", "thresholds", "train-save-score"):
        assert f"\n{name} " in f"\n{out}"


def test_new_writes_the_notebook_with_the_options(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sales.csv").write_text("a,y\n1,0\n", encoding="utf-8")
    assert run("thresholds", "--data", "sales.csv", "--target", "y", "-a", "ecod",
               "--title", "Sales", "-o", "nb/t.ipynb") == 0
    assert "Wrote nb/t.ipynb" in capsys.readouterr().out
    values = params_of(tmp_path / "nb" / "t.ipynb")
    assert values["DATA"] == "../sales.csv"  # relative to the notebook's folder
    assert (values["TARGET"], values["ALGORITHM"], values["TITLE"]) == ("y", "ecod", "Sales")


def test_default_output_is_named_after_the_template(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("train_save_score") == 0
    assert (tmp_path / "train-save-score.ipynb").exists()


def test_existing_notebook_needs_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.ipynb").write_text("mine", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"q\.ipynb.*--force"):
        run("quickstart", "-o", "q.ipynb")
    assert (tmp_path / "q.ipynb").read_text(encoding="utf-8") == "mine"
    assert run("quickstart", "-o", "q.ipynb", "--force") == 0
    nbformat.validate(nbformat.read(tmp_path / "q.ipynb", as_version=4))


def test_usage_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="give a TEMPLATE"):
        run()
    with pytest.raises(ParameterError, match="Unknown template"):
        run("nope")
    with pytest.raises(ParameterError, match="Unknown algorithm"):
        run("quickstart", "-a", "nope")
    with pytest.raises(_UsageError):
        parse("quickstart", "--bogus")
    assert list(tmp_path.iterdir()) == []
