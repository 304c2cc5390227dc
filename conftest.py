"""Fixtures for every test and doctest (``tests/`` and the docstrings of ``jupyter_ad/``).

Each gets its own model store (``JUPYTER_AD_HOME`` in a temp folder) and its own store signing
key (``JUPYTER_AD_STORE_KEY_FILE``: the key lives outside the store), so nothing is written to
the user's own store or configuration folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory,
                    monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("JUPYTER_AD_HOME", str(root))
    monkeypatch.setenv("JUPYTER_AD_STORE_KEY_FILE", str(root.parent / f"{root.name}.key"))
    monkeypatch.delenv("JUPYTER_AD_STORE_KEY", raising=False)
    return root
