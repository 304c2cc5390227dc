"""Fixtures of the browser tests: JupyterLab on 127.0.0.1 and Debian's Chromium via Playwright.

Nothing is downloaded: Playwright drives ``/usr/bin/chromium`` (``make system-deps`` installs
it); the notebook kernel is this very Python (``sys.executable``), through a kernelspec written
to a temporary ``JUPYTER_PATH``. JupyterLab's news and update checks are off, so no request
leaves the machine and no pop-up covers the screenshots.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
TOKEN = "jupyter-ad-ui-test"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token and notebook folder."""

    url: str
    token: str
    root: Path
    log: Path
    env: dict[str, str]

    def notebook_url(self, name: str) -> str:
        """URL that opens notebook ``name`` in a fresh workspace."""
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"


@dataclass
class Traffic:
    """Every URL the page requested or opened a websocket to."""

    urls: list[str] = field(default_factory=list)

    def outside(self, base: str) -> list[str]:
        """The URLs that are neither under ``base`` (or its ws:// twin) nor data:/blob:."""
        allowed = (base, base.replace("http://", "ws://"), "data:", "blob:", "about:")
        return [u for u in self.urls if not u.startswith(allowed)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_config(home: Path) -> dict[str, str]:
    """Config, data and kernelspec folders for the lab; returns the environment to use."""
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
               PYTHONPATH=str(PROJECT_ROOT))
    return env


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 (free port, fixed token), notebooks in a temporary folder."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    root.mkdir()
    env = _write_config(home)
    port = _free_port()
    log = home / "lab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.news_url=None", "--ServerApp.open_browser=False"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield Lab(url=url, token=TOKEN, root=root, log=log, env=env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium. Install "
                    "it with `make system-deps` (apt-get install chromium fonts-dejavu-core).",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, lab: Lab) -> Iterator[tuple[Any, Traffic, list[str]]]:
    """A fresh page; with the URLs it requests and its console messages."""
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    pg = context.new_page()
    traffic = Traffic()
    console: list[str] = []
    pg.on("request", lambda req: traffic.urls.append(req.url))
    pg.on("websocket", lambda ws: traffic.urls.append(ws.url))
    pg.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    pg.on("pageerror", lambda err: console.append(f"pageerror: {err}"))
    try:
        yield pg, traffic, console
    finally:
        context.close()
        _shutdown_kernels(lab)


def _shutdown_kernels(lab: Lab) -> None:
    """Delete every session (and its kernel), so kernels do not pile up between tests."""
    auth = {"Authorization": f"token {lab.token}"}
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{lab.url}/api/sessions",
                                                           headers=auth), timeout=5) as resp:
            sessions = json.loads(resp.read())
        for session in sessions:
            req = urllib.request.Request(f"{lab.url}/api/sessions/{session['id']}",
                                         headers=auth, method="DELETE")
            urllib.request.urlopen(req, timeout=10).close()
    except OSError:
        pass


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the project root (git-ignored): screenshots and logs."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
