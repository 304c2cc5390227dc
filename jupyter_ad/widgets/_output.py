"""How a panel is displayed: the live widget, then its static snapshot kept in sync.

See :mod:`jupyter_ad.widgets._snapshot` for who shows which of the two outputs. The snapshot
is a display with an id; :meth:`SnapshotOutputs.refresh_snapshot` replaces it in every place
the panel was displayed (``update_display_data``), so saving the notebook saves a picture of
the panel as the user left it. Refreshes triggered by the user's actions are debounced: they
run on the kernel's event loop once the user pauses, never in the middle of a slider drag.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["SnapshotOutputs", "user_value", "widget_bundle"]

REFRESH_DELAY = 0.8
# Chart images are drawn off the kernel's event loop (vl-convert releases the GIL), one at a
# time, so the panel keeps answering the slider while a snapshot is being drawn.
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jupyter-ad-snapshot")


def widget_bundle(widget: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The widget-view mimebundle of ``widget`` and its metadata (ipywidgets or anywidget)."""
    bundle = widget._repr_mimebundle_()
    if isinstance(bundle, tuple):
        return dict(bundle[0] or {}), dict(bundle[1] or {})
    return dict(bundle or {}), {}


class SnapshotOutputs:
    """Mixin for an ipywidgets widget: ``display(panel)`` shows the widget and a snapshot.

    Subclasses implement :meth:`snapshot_job`: it reads the panel's state now and returns a
    function that builds the snapshot's mimebundle (``{"text/html": ..., "text/plain":
    ...}``) from that copy alone, safe to run in another thread. They may override
    :meth:`plain_text` (the widget output's text, shown where widgets are not drawn) and
    :meth:`after_display` (work done once the widget is on screen).
    """

    _snapshot_id: str | None = None
    _pending: Any = None

    def snapshot_job(self) -> Callable[[], dict[str, str]]:  # pragma: no cover - overridden
        """A function building the snapshot of the state as it is now."""
        raise NotImplementedError

    def snapshot_bundle(self) -> dict[str, str]:
        """The snapshot's mimebundle, built now."""
        return self.snapshot_job()()

    def plain_text(self) -> str:
        """The text of the widget output where widgets are not drawn."""
        return f"{type(self).__name__} (interactive: run the cell; a snapshot is shown below)"

    def after_display(self) -> None:
        """Called once the widget and the first snapshot are displayed."""

    def _ipython_display_(self) -> None:
        from IPython.display import display

        bundle, metadata = widget_bundle(self)
        bundle["text/plain"] = self.plain_text()
        display(bundle, raw=True, metadata=metadata or None)
        if self._snapshot_id is None:
            self._snapshot_id = f"jupyter-ad-{uuid.uuid4().hex}"
        display(self.snapshot_bundle(), raw=True, display_id=self._snapshot_id)
        self.after_display()

    def refresh_snapshot(self) -> None:
        """Replace the displayed snapshot(s) with the panel's current state, now."""
        self._pending = None
        if self._snapshot_id is None:
            return
        from IPython.display import update_display

        update_display(self.snapshot_bundle(), raw=True, display_id=self._snapshot_id)

    def schedule_snapshot(self, delay: float = REFRESH_DELAY) -> None:
        """Refresh the snapshot once the user pauses, drawing it off the event loop."""
        if self._snapshot_id is None:
            return
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.refresh_snapshot()  # no event loop (a script, nbclient's last cell)
            return
        self._pending = loop.call_later(delay, self._start_refresh, loop)

    def _start_refresh(self, loop: asyncio.AbstractEventLoop) -> None:
        self._pending = None
        future = _WORKER.submit(self.snapshot_job())
        future.add_done_callback(lambda done: loop.call_soon_threadsafe(self._publish, done))

    def _publish(self, done: Future[dict[str, str]]) -> None:
        try:
            bundle = done.result()
            from IPython.display import update_display

            update_display(bundle, raw=True, display_id=self._snapshot_id)
        except Exception as exc:  # never let a snapshot break the kernel's event loop
            if isinstance(getattr(self, "error", None), str):
                self.error = f"The static snapshot was not updated: {exc}"  # type: ignore


def user_value(name: str) -> Any:
    """The value of ``name`` in the running IPython's namespace, or None."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()
    if shell is None or not name.isidentifier():
        return None
    return shell.user_ns.get(name)
