"""VegaRuntime: the chart library, sent to the browser once per kernel and shared by every panel.

Vega, Vega-Lite and vega-embed (about 0.9 MB of JavaScript) come from vl-convert's offline
bundle (:func:`vl_convert.javascript_bundle`), never from a CDN. Building the bundle takes a
few seconds, so it is cached on disk (the user cache folder, keyed by the vl-convert and
Vega-Lite versions). One widget per kernel holds it; panels and charts refer to it (their
``runtime`` trait) and draw with the same copy of Vega, which also keeps the SVG gradient ids
of different charts apart. Saved with the notebook's widget state, it is stored once.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import traitlets
from ipywidgets import widget_serialization

from jupyter_ad.widgets._assets import asset

__all__ = ["VegaRuntime", "bundle", "runtime", "runtime_trait"]


class VegaRuntime(anywidget.AnyWidget):  # type: ignore[misc]
    """Holds the Vega JavaScript; its front end exports ``{vegaEmbed}`` to other widgets."""

    _esm = "export default {};"  # replaced by the bundle when created through runtime()
    version = traitlets.Unicode("").tag(sync=True)


_RUNTIME: VegaRuntime | None = None


def runtime() -> VegaRuntime:
    """The kernel's one :class:`VegaRuntime` (created on first use, again if closed)."""
    global _RUNTIME
    if _RUNTIME is None or getattr(_RUNTIME, "comm", None) is None:
        text, version = bundle()
        _RUNTIME = VegaRuntime(_esm=text, version=version)
    return _RUNTIME


def runtime_trait() -> Any:
    """The trait a widget uses to refer to the runtime (serialised as ``IPY_MODEL_<id>``)."""
    return traitlets.Instance(VegaRuntime, allow_none=True).tag(sync=True, **widget_serialization)


def bundle() -> tuple[str, str]:
    """The runtime's ES module text and the Vega-Lite version it compiles, from the cache."""
    from altair.utils._importers import vl_version_for_vl_convert

    return _bundle(vl_version_for_vl_convert()), vl_version_for_vl_convert()


@cache
def _bundle(vl_version: str) -> str:
    import vl_convert

    snippet = asset("runtime.js")
    version = getattr(vl_convert, "__version__", "")
    key = hashlib.sha1(f"{version}|{vl_version}|{snippet}".encode()).hexdigest()[:16]
    path = _cache_dir() / f"vega-runtime-{key}.js"
    try:
        text = path.read_text(encoding="utf-8")
        if text.rstrip().endswith(";") and "vegaEmbed" in text:
            return text
    except OSError:
        pass
    text = str(vl_convert.javascript_bundle(snippet, vl_version=vl_version))
    try:
        from jupyter_ad.io.atomic import write_text_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    except OSError:
        pass  # no cache folder: build again next time
    return text


def _cache_dir() -> Path:
    """``$JUPYTER_AD_CACHE``, else the user cache folder of jupyter-ad."""
    folder = os.environ.get("JUPYTER_AD_CACHE")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_cache_dir("jupyter-ad"))
