"""Every template and every example notebook, executed for real with nbclient.

Each notebook runs in its own temporary folder with its own model store (JUPYTER_AD_HOME),
in the ``python3`` kernel of this virtual environment, 120 s per cell at most.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import jupyter_ad as ad
import jupyter_ad.notebooks as nbs
from tests.notebooks.nbrun import errors, execute, execute_file, output_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.ipynb"))
TEMPLATES = ["comparison", "monitor", "quickstart", "thresholds", "train-save-score",
             "tutorial"]
INJECTION = '"); import os; ("'

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]

# What each template leaves behind: saved model names, files written next to the notebook.
SAVED_MODELS = {"quickstart": "quickstart", "tutorial": "tutorial", "monitor": "monitor",
                "train-save-score": "train-save-score"}
WRITTEN_FILES = {"tutorial": "tutorial-report.html", "comparison": "comparison-report.html",
                 "train-save-score": "scored.csv"}


def _saved_models(home: Path) -> set[str]:
    return set(ad.models(root=home)["name"]) if home.exists() else set()


def _check_run(nb, template: str, folder: Path) -> str:
    assert errors(nb) == []
    text = output_text(nb)
    assert "Found" in text, f"{template}: no detection summary in the outputs"
    if template in SAVED_MODELS:
        assert SAVED_MODELS[template] in _saved_models(folder / "store")
    if template in WRITTEN_FILES:
        assert (folder / WRITTEN_FILES[template]).stat().st_size > 0
    return text


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_runs_on_the_bundled_data(template, tmp_path):
    nb = execute(nbs.render(template), tmp_path)
    text = _check_run(nb, template, tmp_path)
    if template == "quickstart":
        assert "ROC-AUC" in text  # evaluated against the bundled is_anomaly labels
    if template in ("tutorial", "comparison"):
        assert "average_precision" in text  # detectors ranked against those labels


@pytest.fixture
def labelled_csv(tmp_path) -> Path:
    """600 transactions in a CSV whose label column is called ``is_fraud``."""
    frame = ad.datasets.load_transactions(n_rows=600, anomaly_rate=0.03)
    path = tmp_path / "data" / "transactions.csv"
    path.parent.mkdir()
    frame.rename(columns={"is_anomaly": "is_fraud"}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_runs_on_a_csv_with_a_target(template, tmp_path, labelled_csv):
    folder = tmp_path / "run"
    folder.mkdir()
    nb = execute(nbs.render(template, data=str(labelled_csv), target="is_fraud",
                            algorithm="ecod", title="Fraud check"), folder)
    text = _check_run(nb, template, folder)
    assert "ecod" in text  # the chosen algorithm was used (or compared)
    if template == "quickstart":
        assert "600 rows, 7 feature columns" in text and "ROC-AUC" in text
    if template == "train-save-score":  # the label column is not a feature of the model
        features = next(line for line in text.splitlines() if line.startswith("Features:"))
        assert "is_fraud" not in features and "amount" in features
    if template == "comparison":
        assert "average_precision" in text  # ranked against the labels


def test_injection_values_stay_data_when_executed(tmp_path):
    """A label column and a file name made of code run as plain strings."""
    frame = ad.datasets.load_transactions(n_rows=400).rename(columns={"is_anomaly": INJECTION})
    path = tmp_path / "it's \"quoted\"; import os.csv"
    frame.to_csv(path, index=False)
    folder = tmp_path / "run"
    folder.mkdir()
    nb = execute(nbs.render("quickstart", data=str(path), target=INJECTION,
                            title=INJECTION), folder)
    assert errors(nb) == []
    text = output_text(nb)
    assert "Found" in text and "ROC-AUC" in text  # the odd column was used as the label
    assert "400 rows, 7 feature columns" in text  # ... and kept out of the features


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_notebook_runs(path, tmp_path):
    nb = execute_file(path, tmp_path)
    assert errors(nb) == []
    assert "Found" in output_text(nb)


def test_new_command_notebook_runs_in_an_empty_folder(tmp_path):
    """`jupyter-ad new quickstart -o q.ipynb`, as a user types it, then the notebook runs."""
    env = {**os.environ, "JUPYTER_AD_HOME": str(tmp_path / "store")}
    out = subprocess.run([sys.executable, "-m", "jupyter_ad", "new", "quickstart", "-o",
                          "q.ipynb"], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Wrote q.ipynb" in out.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.ipynb"]
    again = subprocess.run([sys.executable, "-m", "jupyter_ad", "new", "quickstart", "-o",
                            "q.ipynb"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 2 and "--force" in again.stderr
    nb = execute_file(tmp_path / "q.ipynb", tmp_path)
    _check_run(nb, "quickstart", tmp_path)
    nbformat.validate(nb)


WIDGET = "application/vnd.jupyter.widget-view+json"


def test_executed_quickstart_survives_sharing(tmp_path):
    """Issue 13 item 9: every chart output carries a PNG next to the live view; the panel's
    output is followed by its static snapshot; the magics and the panel are offered."""
    nb = execute(nbs.render("quickstart"), tmp_path)
    assert errors(nb) == []
    source = "\n".join(c.source for c in nb.cells)
    assert "anomalies in red" not in source  # the scatter draws them as triangles
    assert "triangles" in source and "%load_ext jupyter_ad" in source and "%detect" in source
    assert "DetectionPanel(res" in source
    chart_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.rstrip()
                   .endswith(".plot()")]
    assert len(chart_cells) == 2  # res.plot() and explanation.plot()
    for cell in chart_cells:
        outputs = [o for o in cell.outputs if WIDGET in o.get("data", {})]
        assert len(outputs) == 1, cell.source
        data = outputs[0]["data"]
        assert "image/png" in data and len(data["image/png"]) > 1_000
        assert "JupyterChart object at" not in data["text/plain"]
    panel = next(c for c in nb.cells if "DetectionPanel(res" in c.source)
    html = [o["data"]["text/html"] for o in panel.outputs if "text/html" in o.get("data", {})]
    assert len(html) == 1 and "jupyter-ad-snapshot" in html[0]
    assert html[0].count("data:image/png;base64,") == 2  # the charts, drawn after the table
    magic = next(c for c in nb.cells if c.source.startswith("%detect"))
    assert any("Found" in o.get("text", "") for o in magic.outputs)
