"""A real IPython shell with ``%load_ext jupyter_ad``, shared by the magics tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def _shell() -> Any:
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    start_ipython()  # returns None when another test of this process started it already
    ip = get_ipython()
    ip.run_line_magic("load_ext", "jupyter_ad")
    return ip


@pytest.fixture(scope="session")
def transactions() -> Any:
    import jupyter_ad as ad

    return ad.datasets.load_transactions(n_rows=300)


@pytest.fixture
def ip(_shell: Any, transactions: Any) -> Any:
    """The shell with ``df`` (300 transactions, label column ``is_anomaly``) and default
    ``JupyterAD`` settings; names the test adds are removed afterwards."""
    from jupyter_ad.magics import JupyterAD

    settings = next(c for c in _shell.configurables if isinstance(c, JupyterAD))
    for name, trait in settings.traits(config=True).items():
        setattr(settings, name, trait.default())
    before = set(_shell.user_ns)
    _shell.user_ns["df"] = transactions.copy()
    yield _shell
    for name in set(_shell.user_ns) - before:
        del _shell.user_ns[name]


@pytest.fixture
def displayed(ip: Any) -> Any:
    """Panels passed to ``IPython.display.display`` during the test.

    Recorded through the shell's ``_ipython_display_`` formatter (public ``for_type`` API);
    the panel's own ``_ipython_display_`` still produces the outputs (the live widget, then
    the static snapshot).
    """
    from jupyter_ad.widgets import ComparisonPanel, DetectionPanel

    seen: list[Any] = []
    formatter = ip.display_formatter.ipython_display_formatter

    def record(obj: Any) -> bool:
        seen.append(obj)
        obj._ipython_display_()
        return True

    classes = (DetectionPanel, ComparisonPanel)
    old = {cls: formatter.for_type(cls, record) for cls in classes}
    yield seen
    for cls, previous in old.items():
        formatter.pop(cls)
        if previous is not None:
            formatter.for_type(cls, previous)
