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


def test_package_import_defers_the_core():
    """`%load_ext jupyter_ad` imports the package: the core (pandas, scikit-learn) loads later."""
    code = (
        "import sys, json, jupyter_ad as ad\n"
        "before = [m for m in ('pandas', 'sklearn', 'numba') if m in sys.modules]\n"
        "ad.detect\n"
        "after = [m for m in ('pandas', 'sklearn') if m in sys.modules]\n"
        "print(json.dumps([before, after, 'detect' in dir(ad)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    before, after, listed = json.loads(out.stdout.strip().splitlines()[-1])
    assert before == [] and after == ["pandas", "sklearn"] and listed


def test_load_ext_imports_neither_numpy_nor_the_subsystems():
    """`%load_ext jupyter_ad` builds its settings from the detection options alone: the
    [monitoring], [mlflow], [server] and [stream] tables are imported when they are read."""
    code = (
        "import sys, json\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "InteractiveShell.instance().run_line_magic('load_ext', 'jupyter_ad')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m in ('numpy', 'pandas') or "
        "m.startswith(('jupyter_ad.monitoring', 'jupyter_ad.mlflow', 'jupyter_ad.server', "
        "'jupyter_ad.stream')))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
