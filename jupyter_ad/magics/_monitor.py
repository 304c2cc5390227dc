"""``%ad_monitor NAME``: the monitoring panel of a saved model (in its own magics class)."""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class, no_var_expand
from IPython.display import display

from jupyter_ad.errors import JupyterADError

__all__ = ["MonitorMagics"]

USAGE = "%ad_monitor NAME[@VERSION] [-o VAR] [--store PATH]"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(f"%ad_monitor: {message}. Usage: {USAGE}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%ad_monitor", add_help=False,
                     description="Anomaly rate, drift and precision over time of a saved model.")
    parser.add_argument("name", metavar="NAME", help="Model name in the store (fraud, fraud@2).")
    parser.add_argument("-o", "--output", metavar="VAR", help="Store the panel in this variable.")
    parser.add_argument("--store", metavar="PATH", help="The model store folder.")
    return parser


def _line(name: str) -> Any:
    """IPython's ``line_magic(name)`` (typed loosely: its stubs confuse mypy)."""
    return line_magic(name)


@magics_class
class MonitorMagics(Magics):  # type: ignore[misc]
    """``%ad_monitor``."""

    @_line("ad_monitor")
    @no_var_expand
    def ad_monitor(self, line: str) -> None:
        """Show the monitoring panel of saved model ``NAME``: ``%ad_monitor fraud``."""
        args = _parser().parse_args(line.split())
        from jupyter_ad.widgets.monitor_panel import MonitorPanel

        try:
            panel = MonitorPanel(args.name, root=args.store)
        except JupyterADError as exc:
            raise UsageError(" ".join(str(exc).split())) from None
        namespace: dict[str, Any] = getattr(self.shell, "user_ns", {})
        namespace["_ad_last_monitor"] = panel
        if args.output:
            namespace[args.output] = panel
        display(panel)
