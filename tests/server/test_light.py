"""The service is a thin adapter: ``import jupyter_ad.server`` loads no web framework, and a
running application loads nothing from Jupyter or plotting libraries while it scores.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["IPython", "ipywidgets", "anywidget", "altair", "matplotlib", "nbformat"]


def test_the_package_and_its_options_load_no_web_framework() -> None:
    code = ("import sys, json, jupyter_ad.server, jupyter_ad.server.settings, "
            "jupyter_ad.server.keys\n"
            "print(json.dumps([m for m in ('fastapi', 'uvicorn', 'starlette', 'pandas') "
            "if m in sys.modules]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_scoring_through_the_app_loads_no_jupyter_library(tmp_path) -> None:
    code = f"""
import sys, json, warnings
warnings.simplefilter("ignore")
import numpy as np, pandas as pd
import jupyter_ad as ad
from fastapi.testclient import TestClient
from jupyter_ad.server.app import create_app
from jupyter_ad.server.settings import ServerSettings
frame = pd.DataFrame(np.random.default_rng(0).normal(size=(200, 3)), columns=list("abc"))
ad.fit(frame, algorithm="iforest").save("m", root={str(tmp_path)!r})
app = create_app(ServerSettings(store={str(tmp_path)!r}, keys_file={str(tmp_path / 'k')!r}),
                 env_keys="a-long-key-for-scoring-1:score")
with TestClient(app) as c:
    r = c.post("/v1/models/m/score", json={{"rows": [{{"a": 1, "b": 2, "c": 3}}] * 3}},
               headers={{"X-API-Key": "a-long-key-for-scoring-1"}})
    assert r.status_code == 200, r.text
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
