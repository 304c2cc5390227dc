"""The front-end files: one ES module per widget, linked from js/src without a build tool."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from jupyter_ad.widgets import _assets
from jupyter_ad.widgets._assets import module

ENTRIES = ["detection_panel.js", "comparison_panel.js", "chart_view.js"]


@pytest.mark.parametrize("name", ENTRIES)
def test_linked_module_is_valid_javascript(name, tmp_path):
    """node parses the linked module (an ES module: it keeps its default export)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (make test installs it)")
    path = tmp_path / f"{name}.mjs"
    path.write_text(module(name), encoding="utf-8")
    out = subprocess.run([node, "--check", str(path)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr


def test_each_import_is_inlined_once_in_its_own_scope():
    text = module("detection_panel.js")
    assert text.count("// ---- format.js (inlined) ----") == 1  # imported by two modules
    assert "const { formatCount, formatShare, formatValue } = __format;" in text
    assert "export function" not in text  # dependencies lose their export keywords
    assert text.count("export default") == 1


def test_link_errors(monkeypatch):
    files = {"a.js": 'import { b } from "./b.js";\nexport default {};',
             "b.js": 'import { a } from "./a.js";\nexport const b = 1;',
             "c.js": 'import { d as e } from "./d.js";\nexport default { e };',
             "d.js": "export const d = 2;\nexport default 3;"}
    monkeypatch.setattr(_assets, "asset", files.__getitem__)
    with pytest.raises(ValueError, match="cycle"):
        _assets.module.__wrapped__("a.js")
    with pytest.raises(ValueError, match="default export"):
        _assets.module.__wrapped__("c.js")
