"""Rendering and writing notebooks from templates (no kernel: fast)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest

import jupyter_ad.notebooks as nbs
from jupyter_ad.errors import ParameterError
from jupyter_ad.notebooks.templates import parse, template_dir

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ["comparison", "monitor", "quickstart", "streaming", "thresholds",
             "train-save-score", "tutorial"]
INJECTION = '"); import os; ("'


def _params_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    return cells[0]


def _assignments(source: str) -> dict[str, object]:
    tree = ast.parse(source)
    assert all(isinstance(node, ast.Assign) for node in tree.body)
    assert not any(isinstance(n, ast.Import | ast.ImportFrom | ast.Call | ast.Attribute)
                   for n in ast.walk(tree))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body}


def test_list_templates():
    table = nbs.list_templates()
    assert list(table.columns) == ["name", "description"]
    assert list(table["name"]) == TEMPLATES
    assert table["description"].str.len().gt(20).all()


def test_the_source_folder_is_used_in_a_checkout():
    assert template_dir() == ROOT / "templates"


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_files_are_valid_python(name):
    ast.parse((ROOT / "templates" / f"{name}.py").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_render_gives_a_valid_v4_notebook(name):
    nb = nbs.render(name)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.jupyter_ad.template == name
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    # every step is explained: the code cells are interleaved with markdown
    kinds = [c.cell_type for c in nb.cells]
    assert kinds.count("markdown") >= kinds.count("code") / 2
    values = _assignments(_params_cell(nb).source)
    assert values["DATA"] is None and values["TARGET"] == "is_anomaly"
    assert values["ALGORITHM"] == "auto"
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", TEMPLATES)
def test_only_the_parameters_cell_depends_on_the_values(name):
    plain = nbs.render(name)
    custom = nbs.render(name, data="x.csv", target="y", algorithm="ecod", title="T")
    for a, b in zip(plain.cells, custom.cells, strict=True):
        if "parameters" in a.metadata.get("tags", []) or a is plain.cells[0]:
            continue
        assert a.source == b.source


def test_values_are_written_as_literals():
    nb = nbs.render("quickstart", data=Path("data/x.parquet"), target="label",
                    algorithm=" ECOD ", title="  My\nnotebook ")
    values = _assignments(_params_cell(nb).source)
    assert values["DATA"] == "data/x.parquet" and values["TARGET"] == "label"
    assert values["ALGORITHM"] == "ecod" and values["TITLE"] == "My notebook"
    assert nb.metadata.title == "My notebook"
    assert nb.cells[0].source.startswith("# My notebook\n")


@pytest.mark.parametrize("field", ["data", "target", "title"])
def test_injection_becomes_a_string_literal(field):
    nb = nbs.render("quickstart", **{field: INJECTION})
    source = _params_cell(nb).source
    values = _assignments(source)  # no import, no call: only NAME = literal
    assert values[field.upper()] == INJECTION
    assert f"{field.upper()} = {INJECTION!r}" in source


def test_hostile_values_of_every_kind_survive_exactly():
    for value in ["'''", '"""', "\\", "a\nb = 1", "\x1b[31m", "x\u2028y", "é€😀", "{title}",
                  "${x}", "{{ title }}", "#", "-- ", "\\'; import os; '"]:
        values = _assignments(_params_cell(nbs.render("quickstart", data=value,
                                                      target=value)).source)
        assert values["DATA"] == value and values["TARGET"] == value


def test_title_is_inert_in_markdown():
    nb = nbs.render("tutorial", title="<script>alert(1)</script> [x](javascript:alert(1)) *b*")
    heading = nb.cells[0].source.splitlines()[0]
    assert "<script>" not in heading and "&lt;script&gt;" in heading
    assert "[x](javascript" not in heading and "\\[x\\]\\(javascript" in heading
    assert "\\*b\\*" in heading


@pytest.mark.parametrize("kwargs, message", [
    ({"data": 3}, "data must be a file path"),
    ({"data": ""}, "non-empty"),
    ({"target": 5}, "target must be a column name"),
    ({"target": ""}, "target must be a column name"),
    ({"algorithm": "iforrest"}, "Did you mean 'iforest'"),
    ({"algorithm": None}, "algorithm must be"),
    ({"title": 1.5}, "title must be"),
])
def test_bad_values_are_refused(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        nbs.render("quickstart", **kwargs)


def test_unknown_template_lists_them():
    with pytest.raises(ParameterError) as info:
        nbs.render("quikstart")
    text = str(info.value)
    assert "Did you mean 'quickstart'" in text
    assert all(name in text for name in TEMPLATES)


def test_template_names_accept_underscores_and_case():
    assert nbs.render("Train_Save_Score").metadata.jupyter_ad.template == "train-save-score"


def test_parse_rejects_malformed_templates():
    with pytest.raises(ParameterError, match="exactly one"):
        parse("# %%\nx = 1\n", name="t")
    with pytest.raises(ParameterError, match="does not start"):
        parse("# %% [parameters]\n# %% [markdown]\nnot a comment\n", name="t")
    with pytest.raises(ParameterError, match="before the first"):
        parse("x = 1\n# %% [parameters]\n", name="t")
    with pytest.raises(ParameterError, match="NAME = literal"):
        nbs.params.parameters_cell({"DATA": None}, "import os")


def test_magics_are_uncommented_in_code_cells():
    tpl = parse("# %% [parameters]\n# %%\n# %load_ext jupyter_ad\n# a comment\n", name="t")
    assert tpl.cells[1].source == "%load_ext jupyter_ad\n# a comment"


# -- write --------------------------------------------------------------------------------------
def test_write_creates_the_notebook(tmp_path):
    path = nbs.write("quickstart", tmp_path / "sub" / "q", target="y", data="d.csv")
    assert path == tmp_path / "sub" / "q.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert _assignments(_params_cell(nb).source)["TARGET"] == "y"
    assert sorted(p.name for p in path.parent.iterdir()) == ["q.ipynb"]


def test_write_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "q.ipynb"
    path.write_text("my precious work", encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        nbs.write("quickstart", path)
    assert str(path) in str(info.value) and "force=True" in str(info.value)
    assert "--force" in str(info.value)
    assert path.read_text(encoding="utf-8") == "my precious work"
    nbs.write("quickstart", path, force=True)
    nbformat.validate(nbformat.read(path, as_version=4))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.ipynb"]


def test_a_failed_write_leaves_the_old_notebook_intact(tmp_path, monkeypatch):
    path = tmp_path / "q.ipynb"
    path.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        nbs.write("quickstart", path, force=True)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.ipynb"]


def test_write_refuses_a_race_winner(tmp_path, monkeypatch):
    """The no-clobber move is atomic: a file created meanwhile is not replaced."""
    path = tmp_path / "q.ipynb"
    real_link = os.link

    def link_after_someone_else(src, dst):
        Path(dst).write_text("theirs", encoding="utf-8")
        return real_link(src, dst)

    monkeypatch.setattr(os, "link", link_after_someone_else)
    with pytest.raises(ParameterError, match="already exists"):
        nbs.write("quickstart", path)
    assert path.read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.ipynb"]


@pytest.mark.parametrize("bad", ["q.txt", "", 3])
def test_write_needs_an_ipynb_path(tmp_path, bad):
    with pytest.raises(ParameterError):
        nbs.write("quickstart", tmp_path / bad if isinstance(bad, str) and bad else bad)


def test_relative_data_path_is_rewritten_for_the_notebook_folder(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    path = nbs.write("quickstart", "notebooks/q.ipynb", data="data/x.csv")
    values = _assignments(_params_cell(nbformat.read(path, as_version=4)).source)
    assert values["DATA"] == "../data/x.csv"
    path = nbs.write("quickstart", "q2.ipynb", data="data/x.csv")
    assert _assignments(_params_cell(nbformat.read(path, as_version=4)).source)["DATA"] == (
        "data/x.csv")


# -- examples -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name, template", [("quickstart", "quickstart"),
                                            ("compare_detectors", "comparison")])
def test_generated_examples_match_their_templates(name, template):
    example = nbformat.read(ROOT / "examples" / f"{name}.ipynb", as_version=4)
    fresh = nbs.render(template, title=example.metadata.title)
    assert [(c.cell_type, c.source) for c in example.cells] == [
        (c.cell_type, c.source) for c in fresh.cells], (
        f"examples/{name}.ipynb is out of date: regenerate it (see examples/README.md)")


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_examples_are_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
