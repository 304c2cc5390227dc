"""``jupyter_ad.config()`` and ``jupyter-ad config``: every option's effective value and source."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_ad.options.config import CONFIG_ENV, CONFIG_NAME, Setting, config_files, settings

__all__ = ["ConfigReport", "config"]


@dataclass(frozen=True, repr=False)
class ConfigReport:
    """The configuration files in use and the effective value of every configurable option.

    Attributes
    ----------
    files : list of Path
        Configuration files read, lowest precedence first.
    settings : list of Setting
        One per option (``table.name`` for options of a table), with its level and source.
    """

    files: list[Path]
    settings: list[Setting]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"files": [str(f) for f in self.files],
                "settings": [s.to_dict() for s in self.settings]}

    def to_frame(self) -> Any:
        """One row per option: ``value``, ``level``, ``source`` (index: the option name)."""
        import pandas as pd

        return pd.DataFrame([s.to_dict() for s in self.settings]).set_index("name")

    def _rows(self) -> list[tuple[str, str, str]]:
        return [(s.name, json.dumps(s.value, default=repr), s.source) for s in self.settings]

    def __repr__(self) -> str:
        where = ", ".join(map(str, self.files)) or (
            f"none found (looked for ./{CONFIG_NAME} and the user config folder; "
            f"{CONFIG_ENV}=PATH names one)")
        rows = self._rows()
        width = max(len(r[0]) for r in rows)
        value_width = min(max(len(r[1]) for r in rows), 40)
        lines = [f"Configuration files: {where}", ""]
        lines += [f"{n:<{width}}  {v:<{value_width}}  {s}" for n, v, s in rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        body = "".join(f"<tr><td>{esc(n)}</td><td><code>{esc(v)}</code></td><td>{esc(s)}</td>"
                       "</tr>" for n, v, s in self._rows())
        files = ", ".join(esc(str(f)) for f in self.files) or "none"
        return (f"<p>Configuration files: {files}</p><table><thead><tr><th>option</th>"
                f"<th>value</th><th>source</th></tr></thead><tbody>{body}</tbody></table>")


def config() -> ConfigReport:
    """The effective configuration: files read and every option's value and source.

    Examples
    --------
    >>> import jupyter_ad as ad
    >>> report = ad.config()
    >>> next(s for s in report.settings if s.name == "contamination").value
    'auto'
    """
    return ConfigReport(files=config_files(), settings=settings())
