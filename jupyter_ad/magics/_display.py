"""Showing results in the notebook. Widgets and charts are imported here, on first use."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = ["routine_notices", "show_comparison", "show_detection", "show_explanation"]


def _display(obj: Any, **kwargs: Any) -> None:
    from IPython.display import display

    display(obj, **kwargs)


@contextmanager
def routine_notices() -> Iterator[list[str]]:
    """Collect the routine notices of the work inside the block, instead of warning boxes.

    A ``DataQualityWarning`` ("Column 'txn_id' dropped: looks like an ID") is routine: its
    facts are also in the result (``res.preprocessing``, the summary), so it goes into the
    returned list, which the panel shows under its summary. Another jupyter-ad warning is
    printed as one plain line on stderr (no file path, no source line); warnings of other
    libraries are shown as Python would.

    Examples
    --------
    ::

        with routine_notices() as notes:
            res = ad.detect(data, **kwargs)
        show_detection(res, ..., notes=notes)
    """
    from jupyter_ad.errors import DataQualityWarning, JupyterADWarning

    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield notes
    for item in caught:
        message = str(item.message)
        if issubclass(item.category, DataQualityWarning):
            if message not in notes:
                notes.append(message)
        elif issubclass(item.category, JupyterADWarning):
            print(f"{item.category.__name__}: {message}", file=sys.stderr)
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno,
                                   source=item.source)


def show_detection(res: Any, *, panel: bool, max_points: int, var_name: str,
                   data_name: str, notes: list[str] | None = None) -> None:
    """A :class:`~jupyter_ad.widgets.DetectionPanel`, or the text summary.

    ``var_name`` and ``data_name`` are the names the panel's copy-as-code box uses; ``notes``
    (from :func:`routine_notices`) are shown in the panel, or printed after the summary.
    """
    if not panel:
        print(res.summary())
        for note in _new_notes(notes, res.summary()):
            print(f"Note: {note}")
        return
    from jupyter_ad.widgets import DetectionPanel

    _display(DetectionPanel(res, max_points=max_points, var_name=var_name,
                            data_name=data_name, notes=_new_notes(notes, res.summary())))


def show_comparison(cmp: Any, *, panel: bool, data: Any = None,
                    options: Mapping[str, Any] | None = None,
                    notes: list[str] | None = None) -> None:
    """A :class:`~jupyter_ad.widgets.ComparisonPanel`, or the leaderboard as text.

    ``data`` and ``options`` (those of the comparison) let the panel open a detector's
    detection panel.
    """
    if not panel:
        print(f"Best detector: {cmp.best} (by {cmp.metric.replace('_', ' ')})")
        print(cmp.to_frame().round(3).to_string())
        for note in notes or []:
            print(f"Note: {note}")
        return
    from jupyter_ad.widgets import ComparisonPanel

    _display(ComparisonPanel(cmp, data=data, options=options, notes=notes or []))


def show_explanation(explanation: Any, *, panel: bool) -> None:
    """The sentence and the contribution chart (live, with a PNG beside it), or a table."""
    print(f"Row {explanation.row!r}: {explanation.sentence()}")
    if not panel:
        print(explanation.to_frame().to_string(index=False))
        return
    from jupyter_ad.widgets._chart import chart_bundle

    _display(chart_bundle(explanation.plot()), raw=True)


def _new_notes(notes: list[str] | None, summary: str) -> list[str]:
    """The notes whose facts the summary does not already state (dropped columns are there)."""
    out = []
    for note in notes or []:
        column = note.split("'")[1] if note.startswith("Column '") and "'" in note[8:] else None
        if column is not None and "Columns not used:" in summary and column in summary:
            continue
        out.append(note)
    return out
