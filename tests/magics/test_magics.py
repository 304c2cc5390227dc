"""The magics through a real IPython shell: results stored, options reach the core,
``%config`` defaults, panels displayed, and every user mistake a one-line UsageError."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import jupyter_ad as ad

ROOT = Path(__file__).resolve().parents[2]


def capture_output() -> Any:
    from IPython.utils.capture import capture_output as capture

    return capture()


def used_columns(res: Any) -> list[str]:
    return list(res.model.preprocessor_.columns_)


def usage_error(ip: Any, capsys: pytest.CaptureFixture[str], cell: str) -> str:
    """Run ``cell``; check it failed with one UsageError line and no traceback; the message."""
    from IPython.core.error import UsageError

    capsys.readouterr()
    result = ip.run_cell(cell)
    out, err = capsys.readouterr()
    assert isinstance(result.error_in_exec, UsageError), (cell, result.error_in_exec)
    message = str(result.error_in_exec)
    assert "\n" not in message
    assert "Traceback" not in out + err
    lines = [line for line in (out + err).splitlines() if line.startswith("UsageError")]
    assert lines == [f"UsageError: {message}"]
    return message


# -- loading -----------------------------------------------------------------------------------
def test_load_ext_is_fast_and_loads_no_widget_or_chart_library():
    code = (
        "import json, sys, time\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "t0 = time.perf_counter(); import jupyter_ad; t1 = time.perf_counter()\n"
        "ip.run_line_magic('load_ext', 'jupyter_ad'); t2 = time.perf_counter()\n"
        "heavy = ['ipywidgets', 'anywidget', 'altair', 'lime', 'vl_convert',\n"
        "         'jupyter_ad.widgets', 'jupyter_ad.charts', 'jupyter_ad.explain']\n"
        "print(json.dumps({'core': t1 - t0, 'load_ext': t2 - t1,\n"
        "                  'loaded': [m for m in heavy if m in sys.modules],\n"
        "                  'magics': sorted(ip.magics_manager.magics['line'])}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["loaded"] == []
    assert {"detect", "ad_compare", "ad_explain"} <= set(report["magics"])
    assert report["load_ext"] < 0.5, report


def test_help_lists_the_options(ip):
    doc = ip.find_line_magic("detect").__doc__
    for option in ("--top-k", "--labels", "--no-panel", "--params", "-o NAME"):
        assert option in doc
    assert "key: value" in ip.find_cell_magic("detect").__doc__


# -- %detect -----------------------------------------------------------------------------------
def test_line_detect_stores_result_and_passes_options(ip, capsys):
    assert ip.run_line_magic("detect", "df -a iforest --top-k 5 -o res --no-panel") is None
    res = ip.user_ns["res"]
    assert isinstance(res, ad.DetectionResult)
    assert ip.user_ns["_ad_last"] is res
    assert res.algorithm == "iforest"
    assert res.n_anomalies == 5
    assert "Found 5 anomalies in 300 rows" in capsys.readouterr().out


def test_line_detect_contamination_params_features_exclude(ip):
    ip.run_line_magic(
        "detect", "df -a iforest -c 0.05 --params '{\"n_estimators\": 50}' "
                  "--exclude is_anomaly --exclude transaction_id -o r1 --no-panel")
    r1 = ip.user_ns["r1"]
    assert (r1.threshold_rule.method, r1.threshold_rule.parameter) == ("contamination", 0.05)
    assert r1.model.params == {"n_estimators": 50}
    assert "is_anomaly" not in used_columns(r1)
    ip.run_line_magic("detect", "df --features amount,n_items --threshold 0.5 -o r2 "
                                "--params n_estimators=20 -a iforest --no-panel")
    r2 = ip.user_ns["r2"]
    assert used_columns(r2) == ["amount", "n_items"]
    assert r2.threshold_rule.method == "score" and r2.threshold == 0.5
    assert r2.model.params == {"n_estimators": 20}


def test_line_detect_ensemble_and_file_path(ip, tmp_path, transactions):
    folder = tmp_path / "my data"
    folder.mkdir()
    path = folder / "tx.csv"
    transactions.to_csv(path, index=False)
    ip.run_line_magic("detect", f"'{path}' -a iforest,ecod -k 3 -o r --no-panel")
    r = ip.user_ns["r"]
    assert r.algorithm == "iforest+ecod"
    assert len(r) == 300 and r.n_anomalies == 3


def test_cell_detect_stores_result_and_reads_the_body(ip, capsys):
    result = ip.run_cell(
        "%%detect df -o res --no-panel\n"
        "# weekly check\n"
        "\n"
        "Algorithm: ecod\n"
        "top-k: 7          # the worst seven\n"
        "exclude: is_anomaly, transaction_id\n"
    )
    assert result.success, result.error_in_exec
    res = ip.user_ns["res"]
    assert ip.user_ns["_ad_last"] is res
    assert (res.algorithm, res.n_anomalies) == ("ecod", 7)
    assert not {"is_anomaly", "transaction_id"} & set(used_columns(res))
    assert "Found 7 anomalies" in capsys.readouterr().out


def test_cell_detect_data_output_params_in_the_body(ip):
    ip.run_cell_magic("detect", "", "data: df\noutput: found\nalgorithm: iforest\n"
                                    "params: n_estimators=30, max_samples=64\n"
                                    "contamination: 2%\npanel: false\n")
    found = ip.user_ns["found"]
    assert found.model.params == {"n_estimators": 30, "max_samples": 64}
    assert found.threshold_rule.parameter == 0.02
    ip.run_cell_magic("detect", "df", "params = {\"n_estimators\": 10}\ntop_k = 4\n"
                                      "algorithm = iforest\npanel = no\nlabels: is_anomaly\n")
    last = ip.user_ns["_ad_last"]
    assert last.model.params == {"n_estimators": 10} and last.n_anomalies == 4
    assert "is_anomaly" not in used_columns(last)


def test_labels_column_is_excluded_and_scored(ip, capsys):
    ip.run_line_magic("detect", "df --labels is_anomaly -a iforest -o res --no-panel")
    res = ip.user_ns["res"]
    assert "is_anomaly" not in used_columns(res)
    assert "is_anomaly" in res.data.columns  # the data is kept as given
    out = capsys.readouterr().out
    match = re.search(r"Against labels 'is_anomaly' \(300 labelled rows\): ROC-AUC ([0-9.]+), "
                      r"average precision ([0-9.]+)", out)
    assert match and float(match.group(1)) > 0.8


def test_config_defaults_apply(ip, capsys):
    ip.run_line_magic("config", 'JupyterAD.default_algorithm = "ecod"')
    ip.run_line_magic("config", "JupyterAD.contamination = 0.05")
    ip.run_line_magic("config", "JupyterAD.show_panel = False")
    ip.run_line_magic("detect", "df -o res")
    res = ip.user_ns["res"]
    assert res.algorithm == "ecod"
    assert (res.threshold_rule.method, res.threshold_rule.parameter) == ("contamination", 0.05)
    assert "Found" in capsys.readouterr().out  # show_panel = False prints the summary
    ip.run_line_magic("detect", "df -a iforest --top-k 3 -o res")  # options win
    assert ip.user_ns["res"].algorithm == "iforest"
    assert ip.user_ns["res"].threshold_rule.method == "top_k"


def test_config_lists_and_validates_the_settings(ip, capsys):
    from jupyter_ad.magics import JupyterAD

    ip.run_line_magic("config", "JupyterAD")
    out = capsys.readouterr().out
    for name in ("default_algorithm", "algorithm", "contamination", "show_panel", "panel",
                 "max_points", "random_state", "exclude"):
        assert f"JupyterAD.{name}" in out
    settings = next(c for c in ip.configurables if isinstance(c, JupyterAD))
    ip.run_line_magic("config", "JupyterAD.contamination = 0.05")
    ip.run_line_magic("config", "JupyterAD.contamination = 0.9")  # rejected, value kept
    assert settings.contamination == 0.05


def test_detect_displays_a_detection_panel(ip, displayed):
    from jupyter_ad.widgets import DetectionPanel

    ip.run_line_magic("config", "JupyterAD.max_points = 50")
    with capture_output() as captured:
        assert ip.run_line_magic("detect", "df -a iforest -o res") is None
    panels = [d for d in displayed if isinstance(d, DetectionPanel)]
    assert len(panels) == 1
    assert panels[0].result is ip.user_ns["res"]
    spec = panels[0].scatter_spec
    assert len(spec["datasets"][spec["data"]["name"]]) <= 50
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in captured.outputs)
    # routine notices go to the panel, not to a warning box with an internal file path
    assert panels[0].notes == [] and "transaction_id" in panels[0].summary
    assert "Warning" not in captured.stderr and "interactiveshell" not in captured.stderr


def test_no_panel_displays_nothing(ip, displayed, capsys):
    ip.run_line_magic("detect", "df --no-panel")
    assert displayed == []
    assert isinstance(ip.user_ns["_ad_last"], ad.DetectionResult)


def test_braces_and_dollars_are_not_expanded(ip, capsys):
    ip.user_ns["x"] = "df"
    assert "'{x}'" in usage_error(ip, capsys, "%detect {x} --no-panel")
    assert "'$x'" in usage_error(ip, capsys, "%detect $x --no-panel")
    ip.user_ns["name"] = "zzz"
    ip.run_cell("%detect df -o res --no-panel  # {name}")
    assert "zzz" not in ip.user_ns


# -- %ad_compare -------------------------------------------------------------------------------
def test_ad_compare_stores_a_comparison(ip, capsys):
    assert ip.run_line_magic(
        "ad_compare", "df -a iforest,ecod,knn --labels is_anomaly -o cmp --no-panel") is None
    cmp = ip.user_ns["cmp"]
    assert isinstance(cmp, ad.ComparisonResult)
    assert ip.user_ns["_ad_last_compare"] is cmp
    assert set(cmp.scores) == {"iforest", "ecod", "knn"}
    assert cmp.metric == "average_precision"
    assert f"Best detector: {cmp.best}" in capsys.readouterr().out


def test_ad_compare_displays_a_comparison_panel(ip, displayed):
    from jupyter_ad.widgets import ComparisonPanel

    with capture_output():
        ip.run_line_magic("ad_compare", "df -a iforest,ecod --exclude is_anomaly")
    panels = [d for d in displayed if isinstance(d, ComparisonPanel)]
    assert len(panels) == 1
    assert set(ip.user_ns["_ad_last_compare"].scores) == {"iforest", "ecod"}


# -- %ad_explain -------------------------------------------------------------------------------
def test_ad_explain_stores_and_shows_an_explanation(ip, displayed):
    from jupyter_ad.explain import Explanation

    ip.run_line_magic("detect", "df -a iforest --exclude is_anomaly -o res --no-panel")
    row = int(ip.user_ns["res"].top(1).index[0])
    with capture_output() as captured:
        assert ip.run_line_magic("ad_explain", f"res {row} -o why") is None
    why = ip.user_ns["why"]
    assert isinstance(why, Explanation)
    assert ip.user_ns["_ad_last_explanation"] is why
    assert why.row == row
    assert why.sentence() in captured.stdout
    charts = [o.data for o in captured.outputs
              if "application/vnd.jupyter.widget-view+json" in o.data]
    assert len(charts) == 1 and "image/png" in charts[0]  # live chart + static picture
    from ipywidgets.widgets.widget import _instances

    view = _instances[charts[0]["application/vnd.jupyter.widget-view+json"]["model_id"]]
    assert "feature" in json.dumps(view.spec)


def test_ad_explain_without_panel_prints_the_table(ip, displayed, capsys):
    ip.run_line_magic("detect", "df --exclude is_anomaly --no-panel")
    ip.run_line_magic("ad_explain", "_ad_last 0 --no-panel")
    out = capsys.readouterr().out
    assert "contribution" in out and displayed == []


# -- user mistakes -----------------------------------------------------------------------------
ERRORS = [
    ("%detect dff -o res", "no variable named 'dff' in the notebook (did you mean 'df'?)"),
    ("%detect", "which data? give a variable name"),
    ("%detect 'missing.csv'", "no variable or file named 'missing.csv'"),
    ("%detect df[['amount']]", "assign the expression to a variable first"),
    ("%detect df -a iforst", "Unknown algorithm 'iforst'. Did you mean 'iforest'?"),
    ("%detect df -c 0.9", "contamination must be a number in (0, 0.5]"),
    ("%detect df -c lots", "contamination must be a number in (0, 0.5]"),
    ("%detect df --top-k -3", "top_k must be a whole number >= 0"),
    ("%detect df --threshold high", "threshold must be a finite number"),
    ("%detect df -c 0.1 --top-k 3", "not allowed with argument -c/--contamination"),
    ("%detect df --params '{bad'", "params is not valid JSON"),
    ("%detect df --params n_estimators", "'n_estimators' is not name=value"),
    ("%detect df --params '[1, 2]'", "not name=value"),
    ("%detect df --bogus", "unrecognized arguments: --bogus; usage: %detect DF [options] "
                           "(%detect? lists them)"),
    ("%detect df -a", "argument -a/--algorithm: expected one argument"),
    ("%detect df -o 1x", "-o needs a Python variable name"),
    ("%detect df 'unclosed", "No closing quotation"),
    ("%detect df --labels is_anomly", "no column named 'is_anomly'. Did you mean 'is_anomaly'?"),
    ("%detect df --labels amount", "labels must be 1 (anomaly), 0 (normal) or missing"),
    ("%detect df --labels is_anomaly --features amount,is_anomaly", "cannot also be a feature"),
    ("%detect df --exclude nope", "exclude: no column named 'nope'"),
    ("%detect df -a iforest --params '{\"trees\": 5}'", "trees"),
    ("%detect one_row", "at least 2 rows"),
    ("%%detect df\nalgoritm: ecod\n", "line 2: unknown option 'algoritm'. Did you mean "
                                      "'algorithm'?"),
    ("%%detect df\nalgorithm: ecod\njust words\n", "line 3: 'just words' is not 'key: value'"),
    ("%%detect df\n# nothing but a comment\n\n", "the cell body has no options"),
    ("%%detect df", "the cell body is empty"),
    ("%%detect df\nalgorithm: ecod\nalgorithm: iforest\n",
     "line 3: algorithm is already set on line 2"),
    ("%%detect df\nparams: {bad\n", "line 2: params is not valid JSON"),
    ("%%detect df\ntop_k:\n", "line 2: top_k has no value"),
    ("%%detect df\ndata: other\n", "data is given both on the %%detect line and in the cell"),
    ("%%detect df\npanel: maybe\n", "panel must be true or false"),
    ("%%detect df\ncontamination: 0.1\nthreshold: 2\n", "Give only one of contamination"),
    ("%%detect\nalgorithm: ecod\n", "which data?"),
    ("%%detect df -o 2res\nalgorithm: ecod\n", "-o needs a Python variable name"),
    ("%ad_compare df -a iforest,nope", "Unknown algorithm 'nope'"),
    ("%ad_compare df -a auto", "names detectors to compare (or fast, all), not auto"),
    ("%ad_compare df --labels nope", "labels: no column named 'nope'"),
    ("%ad_compare dff", "did you mean 'df'?"),
    ("%ad_compare df --n-seeds 0", "n_seeds must be a whole number >= 1"),
    ("%ad_explain", "give a result and a row"),
    ("%ad_explain df 3", "'df' is a DataFrame, not a detection result"),
    ("%ad_explain rez 3", "no variable named 'rez' in the notebook (did you mean 'res'?)"),
    ("%ad_explain _ad_lst 3", "did you mean '_ad_last'?"),
    ("%ad_explain nothing_like_it 3", "variables holding results: "),
    ("%ad_explain res 123456", "123456"),
]


@pytest.mark.parametrize(("cell", "fix"), ERRORS, ids=[c for c, _ in ERRORS])
def test_user_mistakes_are_one_line_usage_errors(ip, capsys, transactions, cell, fix):
    ip.user_ns["one_row"] = transactions.head(1)
    if cell.startswith("%ad_explain "):
        ip.run_line_magic("detect", "df -a iforest -o res --no-panel")
    magic = "%%detect" if cell.startswith("%%detect") else cell.split()[0]
    message = usage_error(ip, capsys, cell)
    prefix = "" if "cell body is empty" in fix else f"{magic}: "
    assert message.startswith(prefix)
    assert fix in message


def test_bad_config_default_is_refused_when_set(ip, capsys):
    from jupyter_ad.magics import JupyterAD

    settings = next(c for c in ip.configurables if isinstance(c, JupyterAD))
    ip.run_line_magic("config", 'JupyterAD.default_algorithm = "nope"')  # refused, not kept
    assert settings.default_algorithm is None and settings.algorithm is None
    ip.run_line_magic("config", 'JupyterAD.default_algorithm = "ECOD"')
    assert settings.default_algorithm == "ecod"
    ip.run_line_magic("detect", "df -o res --no-panel")
    assert ip.user_ns["res"].algorithm == "ecod"


def test_line_and_cell_magics_raise_usage_error_directly(ip):
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="did you mean 'df'"):
        ip.run_line_magic("detect", "dff")
    with pytest.raises(UsageError, match="no options"):
        ip.run_cell_magic("detect", "df", "\n  \n")


# -- docs --------------------------------------------------------------------------------------
def test_docs_links_point_to_existing_files():
    doc = ROOT / "docs" / "magics.md"
    text = doc.read_text()
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if "://" not in link]
    assert local, "docs/magics.md links to nothing"
    for link in local:
        assert (doc.parent / link).exists(), link
    for magic in ("%detect", "%%detect", "%ad_compare", "%ad_explain", "JupyterAD.max_points"):
        assert magic in text


def test_ad_template_writes_a_notebook_and_refuses_to_overwrite(ip, tmp_path, monkeypatch, capsys):
    import nbformat

    monkeypatch.chdir(tmp_path)
    ip.run_line_magic("ad_template", "quickstart -o quick.ipynb --title 'Sales check'")
    notebook = nbformat.read(tmp_path / "quick.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert "Sales check" in notebook.cells[0].source
    result = ip.run_cell("%ad_template quickstart -o quick.ipynb")
    assert type(result.error_in_exec).__name__ == "UsageError"
    assert "--force" in str(result.error_in_exec)
    ip.run_line_magic("ad_template", "quickstart -o quick.ipynb --force")
    listing = ip.run_line_magic("ad_template", "--list")
    assert "tutorial" in set(listing["name"])
    bad = ip.run_cell("%ad_template nope")
    assert "nope" in str(bad.error_in_exec)


def test_help_names_the_magic_and_lists_every_option(ip):
    from jupyter_ad.options import DETECTION

    doc = ip.find_line_magic("detect").__doc__
    assert "usage: %detect DF [options]" in doc and "%detect_line" not in doc
    for option in DETECTION.values():
        assert option.flag in doc
    assert "usage: %%detect DF [options]" in ip.find_cell_magic("detect").__doc__


def test_missing_data_lists_only_the_users_tables(ip, capsys):
    ip.run_cell("import numpy as np\nimport pandas as pd\n_private = pd.DataFrame({'a': [1]})\n"
                "shape = (3, 4)\narr = np.zeros((3, 2))")
    message = usage_error(ip, capsys, "%detect nosuch")
    listed = message.split("variables holding data: ")[1].rstrip(")").split(", ")
    assert sorted(listed) == ["arr", "df"], listed
