"""Ready-to-run notebooks from templates: quickstart, tutorial, comparison, thresholds, ...

>>> import jupyter_ad.notebooks as nb
>>> list(nb.list_templates()["name"])                       # doctest: +NORMALIZE_WHITESPACE
['comparison', 'monitor', 'quickstart', 'streaming', 'thresholds', 'train-save-score',
 'tutorial']
>>> notebook = nb.render("quickstart", data="transactions.csv", target="is_fraud")
>>> notebook.cells[0].cell_type
'markdown'

From the shell: ``jupyter-ad new quickstart --data transactions.csv -o quickstart.ipynb``.

The user's values go into one parameters cell as Python literals (see
:mod:`jupyter_ad.notebooks.params`); every other code cell is the template's, verbatim.
Importing this package does not import :mod:`nbformat`; rendering does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.io.atomic import write_text_atomic
from jupyter_ad.notebooks.params import markdown_text, parameters_cell, validate
from jupyter_ad.notebooks.templates import get_template, template_names

if TYPE_CHECKING:
    import pandas as pd
    from nbformat import NotebookNode

__all__ = ["list_templates", "render", "write"]

_KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def list_templates() -> pd.DataFrame:
    """The bundled templates: a DataFrame with columns ``name`` and ``description``."""
    import pandas as pd

    rows = [(name, get_template(name).description) for name in template_names()]
    return pd.DataFrame(rows, columns=["name", "description"])


def render(template: str, *, data: str | os.PathLike[str] | None = None,
           target: str | None = None, algorithm: str = "auto",
           title: str | None = None) -> NotebookNode:
    """A new notebook (nbformat v4, validated) from a template.

    Parameters
    ----------
    template : str
        A template name: see :func:`list_templates`.
    data : str, os.PathLike or None
        The CSV/Parquet/JSON-lines file the notebook reads; ``None`` (default) uses the bundled
        ``ad.datasets.load_transactions()``.
    target : str, optional
        The label column (1 = anomaly): kept out of the features and used for evaluation.
        With the bundled data it defaults to ``"is_anomaly"``.
    algorithm : str, default "auto"
        A registered detector name or ``"auto"``.
    title : str, optional
        The notebook's title (default: the template's).

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ParameterError
        Unknown template or algorithm, or a value of the wrong type.
    """
    import nbformat
    from nbformat import v4

    from jupyter_ad import __version__

    tpl = get_template(template)
    params = validate(data=data, target=target, algorithm=algorithm, title=title,
                      default_title=tpl.title)
    nb = v4.new_notebook()
    for i, cell in enumerate(tpl.cells):
        cell_id = f"{tpl.name}-{i:02d}"
        if cell.kind == "markdown":
            text = cell.source.replace("{{ title }}", markdown_text(params["TITLE"]))
            nb.cells.append(v4.new_markdown_cell(text, id=cell_id))
        elif cell.kind == "parameters":
            nb.cells.append(v4.new_code_cell(parameters_cell(params, cell.source), id=cell_id,
                                             metadata={"tags": ["parameters"]}))
        else:
            nb.cells.append(v4.new_code_cell(cell.source, id=cell_id))
    nb.metadata.update({
        "kernelspec": dict(_KERNELSPEC),
        "language_info": {"name": "python"},
        "title": params["TITLE"],
        "jupyter_ad": {"template": tpl.name, "version": __version__,
                       "parameters": {k.lower(): v for k, v in params.items()}},
    })
    nbformat.validate(nb)
    return nb


def write(template: str, path: str | os.PathLike[str], *, force: bool = False,
          **params: Any) -> Path:
    """Render ``template`` (see :func:`render` for ``params``) and save it as ``path``.

    A relative ``data`` path that exists is taken relative to the current folder and rewritten
    relative to the notebook's folder, so the notebook finds the file when it runs there.
    The file is written to a temporary file first and then moved into place, so a failure
    never leaves a half-written notebook (or damages an existing one).

    Parameters
    ----------
    template : str
        A template name.
    path : str or os.PathLike
        The notebook file; ``.ipynb`` is added when it has no suffix.
    force : bool, default False
        Replace ``path`` if it exists.
    **params
        ``data``, ``target``, ``algorithm``, ``title``.

    Returns
    -------
    Path
        The notebook written.

    Raises
    ------
    ParameterError
        ``path`` exists and ``force`` is False, or a parameter is wrong.
    """
    import nbformat

    target = _notebook_path(path)
    if target.exists() and not force:
        raise ParameterError(_exists_message(target))
    if "data" in params:
        params["data"] = _relative_to_notebook(params["data"], target.parent)
    text = nbformat.writes(render(template, **params))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_text_atomic(target, text, replace=force)
    except FileExistsError:
        raise ParameterError(_exists_message(target)) from None
    return target


def _notebook_path(path: Any) -> Path:
    if not isinstance(path, str | os.PathLike) or not os.fspath(path):
        raise ParameterError(f"path must be a file path, got {path!r}.")
    target = Path(path)
    if target.suffix == "":
        target = target.with_suffix(".ipynb")
    if target.suffix.lower() != ".ipynb":
        raise ParameterError(f"A notebook file ends in .ipynb, got {str(path)!r}.")
    if target.is_dir():
        raise ParameterError(f"{str(target)!r} is a folder; give a notebook file name.")
    return target


def _exists_message(target: Path) -> str:
    return (f"{str(target)!r} already exists: not overwriting it. Pass force=True "
            "(jupyter-ad new ... --force) to replace it, or choose another file name.")


def _relative_to_notebook(data: Any, folder: Path) -> Any:
    if not isinstance(data, str | os.PathLike):
        return data
    given = Path(data)
    if given.is_absolute() or not given.exists():
        return data
    relative = os.path.relpath(given.resolve(), folder.resolve())
    return Path(relative).as_posix()
