"""The documentation site builds, in strict mode and offline (mkdocs.yml at the project root).

``mkdocs build --strict`` fails on a broken link or anchor, a page missing from the nav, an API
reference (``::: jupyter_ad...``) that does not resolve, or a cross-reference that cannot be
found; this test runs it once (module fixture) and then checks what it wrote:

1. the build exits 0;
2. the API pages hold the rendered docstrings of the code (so a page whose ``:::`` directive
   rendered nothing, or rendered another object, fails), with the Sphinx roles of the
   docstrings turned into links or code (``docs/_ext/griffe_sphinx_roles.py``);
3. every generated algorithm page (``docs/algorithms/*.md``) and every page of the nav is in the
   site, and the root CHANGELOG.md, CONTRIBUTING.md and CODE_OF_CONDUCT.md are included;
4. nothing in the site loads from the network at view time (no Google Fonts, no CDN).

The build runs with the proxy variables pointed at a closed local port, so a plugin that tried
to download something at build time would fail here rather than pass on a connected machine.
"""

from __future__ import annotations

import html
import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("docs")]

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# object (importable path) -> the API page (under site/api/) that must render its docstring
API_OBJECTS = {
    "jupyter_ad.detect": "detection",
    "jupyter_ad.fit": "detection",
    "jupyter_ad.DetectionResult": "detection",
    "jupyter_ad.DetectionResult.summary": "detection",
    "jupyter_ad.AnomalyModel": "model",
    "jupyter_ad.AnomalyModel.score_one": "model",
    "jupyter_ad.load": "model",
    "jupyter_ad.models": "model",
    "jupyter_ad.io.store.ModelStore": "model",
    "jupyter_ad.compare": "compare",
    "jupyter_ad.ComparisonResult": "compare",
    "jupyter_ad.check_data": "data",
    "jupyter_ad.DataQualityReport": "data",
    "jupyter_ad.list_detectors": "registry",
    "jupyter_ad.register_detector": "registry",
    "jupyter_ad.learn_from_labels": "labels",
    "jupyter_ad.core.thresholds.auto_threshold": "thresholds",
    "jupyter_ad.evaluate.threshold_tuning.tune_threshold": "thresholds",
    "jupyter_ad.core.detectors.FastIsolationForest": "detectors",
    "jupyter_ad.core.detectors.BaseDetector": "detectors",
    "jupyter_ad.explain.explain_row": "explain",
    "jupyter_ad.explain.Explanation": "explain",
    "jupyter_ad.charts.score_histogram": "charts",
    "jupyter_ad.widgets.DetectionPanel": "widgets",
    "jupyter_ad.widgets.ComparisonPanel": "widgets",
    "jupyter_ad.io.stream.score_parquet": "scale",
    "jupyter_ad.engines.score_partition": "scale",
    "jupyter_ad.errors.JupyterADError": "errors",
    "jupyter_ad.errors.ColumnMismatchError": "errors",
    "jupyter_ad.magics.load_ipython_extension": "magics",
    "jupyter_ad.notebooks.render": "notebooks",
    "jupyter_ad.report.write_html": "report",
}

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|obj|exc|math):`")


def _text(markup: str) -> str:
    """Visible text of an HTML page, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup)))


def _plain(docstring_line: str) -> str:
    """A docstring line as it reads once rendered: no backticks, Sphinx roles as their titles
    (``:func:`~a.b``` -> ``b()``, as ``docs/_ext/griffe_sphinx_roles.py`` renders them).
    """
    def title(match: re.Match[str]) -> str:
        target = match["target"]
        name = target.lstrip("~.").rsplit(".", 1)[-1] if target.startswith("~") else target
        return name + ("()" if match["role"] in ("func", "meth") else "")

    line = re.sub(r":(?P<role>[a-z]+):`(?P<target>[^`]+)`", title, docstring_line)
    return _SPACE.sub(" ", line.replace("``", "").replace("`", "")).strip()


def _resolve(path: str) -> object:
    """The object at a dotted path: the longest importable module, then attributes."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(path)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        import mkdocs  # noqa: F401
        import mkdocstrings  # noqa: F401
    except ImportError as exc:  # the docs build is part of the suite: do not skip silently
        pytest.fail(f"The docs build needs the test extras ({exc}): "
                    "pip install -e '.[test]' (make test does it).")
    out = tmp_path_factory.mktemp("site")
    closed = "http://127.0.0.1:9"  # nothing listens there: any download fails at once
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HTTP_PROXY": closed,
           "HTTPS_PROXY": closed, "http_proxy": closed, "https_proxy": closed,
           "NO_PROXY": "", "no_proxy": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, (
        f"mkdocs build --strict failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return out


def test_the_site_builds_in_strict_mode(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file()


@pytest.mark.parametrize("path", sorted(API_OBJECTS))
def test_api_pages_render_the_docstrings(site: Path, path: str) -> None:
    doc = inspect.getdoc(_resolve(path))
    assert doc, f"{path} has no docstring"
    first = _plain(doc.splitlines()[0])
    page = site / "api" / API_OBJECTS[path] / "index.html"
    assert page.is_file(), f"no API page {page.relative_to(site)}"
    text = _text(page.read_text(encoding="utf-8"))
    # compared without whitespace: the markup puts tags (hence spaces) around inline code
    assert first.replace(" ", "") in text.replace(" ", ""), (
        f"{page.relative_to(site)} lacks the docstring of {path}: {first!r}")


def test_api_pages_have_no_raw_sphinx_roles(site: Path) -> None:
    raw = {str(p.relative_to(site)): _ROLE.findall(_text(p.read_text(encoding="utf-8")))
           for p in sorted((site / "api").rglob("index.html"))}
    assert not {k: v for k, v in raw.items() if v}, raw


def test_api_cross_references_become_links(site: Path) -> None:
    # ":func:`jupyter_ad.list_detectors`" in detect's docstring -> a link to the registry page
    markup = (site / "api" / "detection" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a [^>]*href="\.\./registry/#jupyter_ad\.list_detectors"', markup)


def test_every_generated_algorithm_page_is_in_the_site(site: Path) -> None:
    pages = sorted(p.stem for p in (DOCS / "algorithms").glob("*.md") if p.stem != "index")
    assert "iforest" in pages
    missing = [p for p in pages if not (site / "algorithms" / p / "index.html").is_file()]
    assert not missing, missing
    nav = (site / "algorithms" / "index.html").read_text(encoding="utf-8")
    unlisted = [p for p in pages if f'href="../{p}/"' not in nav and f'href="{p}/"' not in nav]
    assert not unlisted, f"algorithm pages missing from the nav: {unlisted}"


def test_every_docs_page_is_in_the_site(site: Path) -> None:
    pages = [p.relative_to(DOCS) for p in DOCS.rglob("*.md") if "_ext" not in p.parts]
    missing = []
    for page in pages:
        stem = page.with_suffix("")
        built = site / (stem.parent if stem.name == "index" else stem) / "index.html"
        if not built.is_file():
            missing.append(str(page))
    assert not missing, missing


@pytest.mark.parametrize(("page", "source", "phrase"), [
    ("changelog", "CHANGELOG.md", "Unreleased"),
    ("contributing", "CONTRIBUTING.md", "Adding a detector"),
    ("code-of-conduct", "CODE_OF_CONDUCT.md", "Enforcement Guidelines"),
])
def test_root_files_are_included(site: Path, page: str, source: str, phrase: str) -> None:
    assert phrase in (ROOT / source).read_text(encoding="utf-8")
    assert phrase in _text((site / page / "index.html").read_text(encoding="utf-8"))


def test_links_to_root_files_lead_to_their_site_pages(site: Path) -> None:
    # docs/index.md links ../CHANGELOG.md etc. (docs/_ext/mkdocs_hooks.py rewrites them)
    markup = (site / "index.html").read_text(encoding="utf-8")
    for page in ("changelog", "contributing", "code-of-conduct"):
        assert f'href="{page}/"' in markup, page


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    fetched = re.compile(r"""(?:src|href)=["'](?:https?:)?//[^"']*\.(?:js|css|woff2?)\b"""
                         r"|fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com")
    offenders = {str(p.relative_to(site)): sorted(set(fetched.findall(p.read_text("utf-8"))))
                 for p in site.rglob("*.html")}
    assert not {k: v for k, v in offenders.items() if v}
