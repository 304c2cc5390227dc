"""MkDocs hooks for the docs build (``hooks:`` in mkdocs.yml; not part of the package).

1. **The generated algorithm pages join the nav by themselves.** ``docs/algorithms/`` is
   written by ``python -m jupyter_ad.docs_gen docs/algorithms`` from the detector registry, one
   page per detector. Listing those pages by hand in mkdocs.yml would drift when a detector is
   added; instead, every ``docs/algorithms/*.md`` page not already in the "Algorithms" section
   of the nav is appended to it, sorted by name. Every other page must be in the nav
   (``validation.nav.omitted_files: warn`` with ``strict: true``).
2. **Links to the project's root files point to their site pages.** The pages link to
   ``../CHANGELOG.md``, ``../CONTRIBUTING.md`` and ``../CODE_OF_CONDUCT.md`` (so the links work
   when the Markdown is read on its own), files outside ``docs/``; in the site those links go to
   ``changelog.md``, ``contributing.md`` and ``code-of-conduct.md``, the pages that include them.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

SECTION = "Algorithms"
FOLDER = "algorithms"
# project-root file -> the docs page that includes it
ROOT_PAGES = {"CHANGELOG.md": "changelog.md", "CONTRIBUTING.md": "contributing.md",
              "CODE_OF_CONDUCT.md": "code-of-conduct.md"}
_LINK = re.compile(r"(\]\(\s*<?)([^)\s>#]+\.md)(#[^)\s>]*)?")


def _pages(items: Any) -> set[str]:
    """Every page path named anywhere in a nav (sub)tree."""
    found: set[str] = set()
    if isinstance(items, str):
        found.add(items)
    elif isinstance(items, list):
        for item in items:
            found |= _pages(item)
    elif isinstance(items, dict):
        for value in items.values():
            found |= _pages(value)
    return found


def on_config(config: Any, **kwargs: Any) -> Any:
    """Append the algorithm pages missing from the nav's "Algorithms" section."""
    nav = config.get("nav") or []
    section = next((item[SECTION] for item in nav
                    if isinstance(item, dict) and isinstance(item.get(SECTION), list)), None)
    if section is None:
        raise ValueError(f"mkdocs.yml: the nav needs a {SECTION!r} section (a list of pages).")
    listed = _pages(nav)
    folder = Path(config["docs_dir"]) / FOLDER
    for page in sorted(folder.glob("*.md")):
        path = f"{FOLDER}/{page.name}"
        if path not in listed:
            section.append({page.stem: path})
    return config


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Rewrite links to the root CHANGELOG/CONTRIBUTING/CODE_OF_CONDUCT to their docs pages."""
    here = posixpath.dirname(page.file.src_uri)          # the page's folder, inside docs/

    def replace(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join("docs", here, match[2]))
        page_for_root_file = ROOT_PAGES.get(target) if "/" not in target else None
        if page_for_root_file is None:
            return match[0]
        relative = posixpath.relpath(page_for_root_file, here or ".")
        return f"{match[1]}{relative}{match[3] or ''}"

    return _LINK.sub(replace, markdown)
