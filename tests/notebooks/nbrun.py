"""Executing notebooks with nbclient in a temporary folder, with their own model store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat

CELL_TIMEOUT = 120


def execute(nb: Any, cwd: Path, *, home: Path | None = None) -> Any:
    """Run every cell of ``nb`` in a ``python3`` kernel started in ``cwd``; return ``nb``.

    ``JUPYTER_AD_HOME`` is ``home`` (default ``cwd / "store"``), so saved models land there.
    Raises ``nbclient.exceptions.CellExecutionError`` at the first failing cell.
    """
    from nbclient import NotebookClient
    from traitlets.config import Config

    env = {**os.environ, "JUPYTER_AD_HOME": str(home or cwd / "store"),
           "PYTHONWARNINGS": "ignore"}
    # Unix sockets in the notebook's folder, not TCP ports: kernels started by parallel test
    # runs cannot race for a port ("Address already in use").
    ipc = Config({"KernelManager": {"transport": "ipc", "ip": str(cwd / ".kernel")}})
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}}, config=ipc)
    client.execute(env=env, cwd=str(cwd))
    return nb


def execute_file(path: Path, cwd: Path, *, home: Path | None = None) -> Any:
    """Read the notebook at ``path`` and :func:`execute` it."""
    return execute(nbformat.read(path, as_version=4), cwd, home=home)


def output_text(nb: Any) -> str:
    """Every text output of ``nb`` (streams, text/plain and text/html), joined."""
    parts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif out.get("output_type") == "error":
                parts.append("\n".join(out.get("traceback", [])))
            for mime in ("text/plain", "text/html"):
                value = out.get("data", {}).get(mime)
                if value:
                    parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def errors(nb: Any) -> list[str]:
    """The ``ename: evalue`` of every error output."""
    return [f"{o['ename']}: {o['evalue']}" for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]
