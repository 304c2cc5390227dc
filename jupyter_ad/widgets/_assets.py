"""Front-end files of the widgets: ``static/`` in an installed package, ``js/src/`` in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["asset"]

_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parents[1]
# In a source checkout js/ is the source of truth (never a stale copy); installed, static/.
_SEARCH = ((_CHECKOUT / "js" / "src",) if (_CHECKOUT / "pyproject.toml").is_file() else ()) + (
    _HERE / "static",)


@cache
def asset(name: str) -> str:
    """The text of the front-end file ``name`` (for example ``"detection_panel.js"``).

    The plain ES modules and stylesheets live in ``js/src/`` (no build step); the wheel ships them
    as ``jupyter_ad/widgets/static/`` (pyproject's ``force-include``), which an installed
    package reads. A source checkout (an editable install) reads ``js/src/`` directly. Nothing is
    fetched over the network.

    Raises
    ------
    FileNotFoundError
        If the file is in neither place.
    """
    for folder in _SEARCH:
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{name} is missing from {', '.join(map(str, _SEARCH))}; "
                            "reinstall jupyter-ad.")
