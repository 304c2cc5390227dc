"""The documentation cannot drift: generated pages, links and examples are checked here.

1. ``docs/algorithms/`` equals what :mod:`jupyter_ad.docs_gen` writes from the registry now.
2. Every relative Markdown link in README.md, CONTRIBUTING.md and docs/ points to a file.
3. Every ```python block of docs/getting-started.md and docs/user-guide/*.md runs, in order per
   file, in a temporary working folder with its own model store.
4. The ``--help`` blocks of docs/cli.md are what the command prints now.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from jupyter_ad.core import registry
from jupyter_ad.docs_gen import write_algorithm_pages

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXECUTED = [DOCS / "getting-started.md", *sorted((DOCS / "user-guide").glob("*.md"))]
LINKED = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted(DOCS.rglob("*.md"))]

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_PYTHON = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, ...


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


# -- 1. generated algorithm pages ----------------------------------------------------------------
def test_algorithm_pages_match_the_registry(tmp_path: Path) -> None:
    written = write_algorithm_pages(tmp_path)
    assert written[0].name == "index.md"
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8")
                 for p in (DOCS / "algorithms").glob("*.md")}
    hint = "regenerate with: .venv/bin/python -m jupyter_ad.docs_gen docs/algorithms"
    assert sorted(fresh) == sorted(committed), hint
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"docs/algorithms/ is out of date ({', '.join(stale)}): {hint}"


# -- 2. links ------------------------------------------------------------------------------------
def _links(text: str) -> list[str]:
    prose = _FENCE.sub("", text)
    prose = _CODE_SPAN.sub("", prose)
    return _INLINE_LINK.findall(prose) + _REFERENCE_LINK.findall(prose)


def test_the_link_checker_finds_links() -> None:
    text = ("[a](x.md) ![img](pics/y.png) [b](z.md#part \"title\") `[no](code.md)`\n"
            "```\n[no](fenced.md)\n```\n[ref]: ref.md\n[web](https://example.org)")
    assert _links(text) == ["x.md", "pics/y.png", "z.md#part", "https://example.org", "ref.md"]


@pytest.mark.parametrize("page", LINKED, ids=_name)
def test_relative_links_point_to_existing_files(page: Path) -> None:
    broken = []
    for target in _links(page.read_text(encoding="utf-8")):
        if _EXTERNAL.match(target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        if not (page.parent / path).is_file():
            broken.append(target)
    assert not broken, f"{_name(page)} links to missing files: {broken}"


# -- 3. runnable examples ------------------------------------------------------------------------
@pytest.mark.parametrize("page", EXECUTED, ids=_name)
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _PYTHON.findall(page.read_text(encoding="utf-8"))
    assert blocks, f"{_name(page)} has no python example"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_AD_HOME", str(tmp_path / "model-store"))
    registry.list_detectors()  # load the registry, so that the snapshot below is complete
    saved = dict(registry._REGISTRY)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i, block in enumerate(blocks):
                code = compile(block, f"{_name(page)} (python block {i + 1})", "exec")
                exec(code, namespace)
    finally:  # examples may register detectors: leave the registry as it was
        registry._REGISTRY.clear()
        registry._REGISTRY.update(saved)
    capsys.readouterr()


# -- 4. command-line help ------------------------------------------------------------------------
def test_cli_page_shows_the_current_help() -> None:
    from jupyter_ad.docs_gen.cli_help import update_cli_page

    page = DOCS / "cli.md"
    text = page.read_text(encoding="utf-8")
    assert text.count("usage: jupyter-ad") >= 10
    assert update_cli_page(text) == text, (
        "docs/cli.md's --help blocks are out of date: regenerate with "
        ".venv/bin/python -m jupyter_ad.docs_gen --cli docs/cli.md")
