"""Showing results in the notebook. Widgets and charts are imported here, on first use."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = ["routine_notices", "show_comparison", "show_detection", "show_explanation"]


@contextlib.contextmanager
def routine_notices() -> Iterator[None]:
    """Keep routine data notices (a dropped ID column, imputed values) out of the cell output:
    the result's summary and the panel already state them (``res.preprocessing``).
    """
    from jupyter_ad.errors import DataQualityWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        yield


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def show_detection(res: Any, *, panel: bool, max_points: int, var_name: str,
                   data_name: str) -> None:
    """A :class:`~jupyter_ad.widgets.DetectionPanel`, or the text summary.

    ``var_name`` and ``data_name`` are the names the panel's copy-as-code box uses.
    """
    if not panel:
        print(res.summary())
        return
    from jupyter_ad.widgets import DetectionPanel

    _display(DetectionPanel(res, max_points=max_points, var_name=var_name,
                            data_name=data_name))


def show_comparison(cmp: Any, *, panel: bool) -> None:
    """A :class:`~jupyter_ad.widgets.ComparisonPanel`, or the leaderboard as text."""
    if not panel:
        print(f"Best detector: {cmp.best} (by {cmp.metric.replace('_', ' ')})")
        print(cmp.to_frame().round(3).to_string())
        return
    from jupyter_ad.widgets import ComparisonPanel

    _display(ComparisonPanel(cmp))


def show_explanation(explanation: Any, *, panel: bool) -> None:
    """The sentence and the contribution chart (an offline ``alt.JupyterChart``), or a table."""
    print(f"Row {explanation.row!r}: {explanation.sentence()}")
    if not panel:
        print(explanation.to_frame().to_string(index=False))
        return
    import altair as alt

    from jupyter_ad import charts

    charts.enable_offline()
    _display(alt.JupyterChart(explanation.plot()))
