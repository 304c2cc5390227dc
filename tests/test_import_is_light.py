"""`import jupyter_ad` and the core load no Jupyter or plotting library."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["IPython", "ipywidgets", "anywidget", "altair", "lime", "matplotlib", "nbformat"]


def test_core_import_loads_no_jupyter_library():
    code = (
        "import sys, json, jupyter_ad as ad\n"
        "ad.detect(ad.datasets.load_transactions(n_rows=300), exclude=['is_anomaly'])\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
