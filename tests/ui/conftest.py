"""Fixtures of the browser tests: JupyterLab and Notebook 7 on 127.0.0.1, Debian's Chromium.

Nothing is downloaded: Playwright drives ``/usr/bin/chromium`` (``make system-deps`` installs
it); the notebook kernel is this very Python (``sys.executable``), through a kernelspec written
to a temporary ``JUPYTER_PATH``. JupyterLab's news and update checks are off, so no request
leaves the machine and no pop-up covers the screenshots.

Robust on a busy machine, beside other test runs:

- every server gets its own configuration, data, runtime and workspace folders;
- the server picks its own free port (``--ServerApp.port=0``) and the test reads it from the
  server's info file, so two runs cannot race for a port (a failed start is retried);
- kernels talk to the server over Unix sockets in the server's own runtime folder
  (``--KernelManager.transport=ipc``), not TCP ports: no "Address already in use";
- every wait is on a condition (an element, a kernel state, a file), with generous timeouts.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "Server", "open_page", "start_server"]

TOKEN = "jupyter-ad-ui-test"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@dataclass
class Server:
    """A running JupyterLab or Notebook 7: base URL, token, notebook folder, environment."""

    url: str
    token: str
    root: Path
    log: Path
    env: dict[str, str]
    kind: str = "lab"

    def notebook_url(self, name: str) -> str:
        """URL that opens notebook ``name`` (JupyterLab: in a fresh workspace)."""
        if self.kind == "notebook":
            return f"{self.url}/notebooks/{name}?token={self.token}"
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        """Call the server's REST API; the decoded JSON answer (None if empty)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read()
        return json.loads(text) if text else None

    def shutdown_kernels(self) -> None:
        """Delete every session (and its kernel)."""
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")


# kept for the tests written against the former fixture name
Lab = Server


@dataclass
class Traffic:
    """Every URL the page requested or opened a websocket to."""

    urls: list[str] = field(default_factory=list)

    def outside(self, base: str) -> list[str]:
        """The URLs that are neither under ``base`` (or its ws:// twin) nor data:/blob:."""
        allowed = (base, base.replace("http://", "ws://"), "data:", "blob:", "about:")
        return [u for u in self.urls if not u.startswith(allowed)]


def _environment(home: Path) -> dict[str, str]:
    """Config, data, runtime and kernelspec folders for one server; its environment."""
    config, data, runtime, work = (home / n for n in ("config", "data", "runtime", "ws"))
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    spec = data / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (jupyter-ad tests)", "language": "python"}))
    runtime.mkdir()
    work.mkdir()
    env = dict(os.environ)
    env.update(JUPYTER_CONFIG_DIR=str(config), JUPYTER_PATH=str(data),
               JUPYTER_RUNTIME_DIR=str(runtime), JUPYTERLAB_WORKSPACES_DIR=str(work),
               JUPYTER_AD_CACHE=str(_bundle_cache()), PYTHONPATH=str(PROJECT_ROOT))
    return env


def _bundle_cache() -> Path:
    """One cache of the Vega bundle for the whole run (built once, a few seconds)."""
    folder = ARTIFACTS / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_server(home: Path, kind: str = "lab") -> tuple[subprocess.Popen[bytes], Server]:
    """Start JupyterLab (``kind="lab"``) or Notebook 7 with notebooks in ``home/notebooks``."""
    root = home / "notebooks"
    root.mkdir(exist_ok=True)
    env = _environment(home)
    app = "JupyterNotebookApp" if kind == "notebook" else "LabApp"
    module = "notebook" if kind == "notebook" else "jupyterlab"
    log = home / f"{kind}.log"
    cmd = [sys.executable, "-m", module, "--no-browser", "--allow-root",
           "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
           "--KernelManager.transport=ipc", f"--{app}.expose_app_in_browser=True",
           "--ServerApp.open_browser=False"]
    if kind == "lab":
        cmd += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.news_url=None"]
    runtime = Path(env["JUPYTER_RUNTIME_DIR"])
    for attempt in range(3):
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out,
                                    stderr=subprocess.STDOUT)
        url = _wait_for_server(proc, runtime, log)
        if url:
            return proc, Server(url=url, token=TOKEN, root=root, log=log, env=env, kind=kind)
        _stop(proc)
        if attempt == 2:
            pytest.fail(f"{kind} did not start:\n{log.read_text()[-3000:]}")
    raise AssertionError("unreachable")


def _wait_for_server(proc: subprocess.Popen[bytes], runtime: Path, log: Path) -> str | None:
    """The server's URL once its REST API answers; None if it died."""
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            return None
        infos = list(runtime.glob(f"jpserver-{proc.pid}.json"))
        if infos:
            try:
                port = json.loads(infos[0].read_text())["port"]
                url = f"http://127.0.0.1:{port}"
                with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=3):
                    return url
            except (OSError, ValueError, KeyError):
                pass
        time.sleep(0.3)
    return None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """JupyterLab on 127.0.0.1 (a port it chose, fixed token), notebooks in a temp folder."""
    proc, server = start_server(tmp_path_factory.mktemp("lab"), "lab")
    try:
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Jupyter Notebook 7 on 127.0.0.1, notebooks in a temporary folder."""
    proc, server = start_server(tmp_path_factory.mktemp("nb7"), "notebook")
    try:
        yield server
    finally:
        _stop(proc)


def open_page(browser: Any, *, width: int = 1400, height: int = 2400
              ) -> tuple[Any, Any, Traffic, list[str]]:
    """A fresh browser context and page; the URLs it requests and its console messages."""
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    traffic = Traffic()
    console: list[str] = []
    pg.on("request", lambda req: traffic.urls.append(req.url))
    pg.on("websocket", lambda ws: traffic.urls.append(ws.url))
    pg.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    pg.on("pageerror", lambda err: console.append(f"pageerror: {err}"))
    return context, pg, traffic, console


@pytest.fixture
def page(browser: Any, lab: Server) -> Iterator[tuple[Any, Traffic, list[str]]]:
    """A fresh page in JupyterLab; with the URLs it requests and its console messages."""
    context, pg, traffic, console = open_page(browser)
    try:
        yield pg, traffic, console
    finally:
        context.close()
        _quietly(lab.shutdown_kernels)


def _quietly(func: Callable[[], Any]) -> None:
    with contextlib.suppress(OSError):
        func()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the project root (git-ignored): screenshots and logs."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
