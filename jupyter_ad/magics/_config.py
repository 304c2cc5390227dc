"""``JupyterAD``: the ``%config``-settable defaults, one trait per configurable option.

The traits are made from the option spec (:mod:`jupyter_ad.options`): ``%config
JupyterAD.contamination = 0.05`` sets the session default of ``contamination`` for this kernel
(the magics and Python calls alike), above ``JUPYTER_AD_*`` variables and ``jupyter-ad.toml``.
``None`` (the default of every trait) means "not set here".

>>> from jupyter_ad.magics._config import JupyterAD
>>> settings = JupyterAD()
>>> settings.contamination is None, "max_points" in settings.trait_names()
(True, True)
"""

from __future__ import annotations

from typing import Any

from traitlets import Any as AnyTrait
from traitlets import TraitError, validate
from traitlets.config import Configurable

from jupyter_ad.errors import ParameterError
from jupyter_ad.options import config as _config
from jupyter_ad.options.config import top_options

__all__ = ["LEGACY", "JupyterAD"]

#: Old trait names and the options they set.
LEGACY = {"default_algorithm": "algorithm", "show_panel": "panel"}


def _trait(name: str, help_text: str) -> AnyTrait:
    return AnyTrait(None, allow_none=True, help=help_text).tag(config=True)


def _make_class() -> type[Configurable]:
    options = top_options()
    traits: dict[str, Any] = {name: _trait(name, f"{o.help} Default: {o.default!r}.")
                              for name, o in options.items()}
    for old, new in LEGACY.items():
        traits[old] = _trait(old, f"Same as JupyterAD.{new} (older name).")

    def _check(self: Configurable, proposal: dict[str, Any]) -> Any:
        name = proposal["trait"].name
        value = proposal["value"]
        try:
            return None if value is None else options[LEGACY.get(name, name)].coerce(value)
        except ParameterError as exc:
            raise TraitError(f"JupyterAD.{name}: {exc}") from None

    def _changed(self: Configurable, change: dict[str, Any]) -> None:
        _config.set_session(LEGACY.get(change["name"], change["name"]), change["new"])

    def __init__(self: Configurable, **kwargs: Any) -> None:
        Configurable.__init__(self, **kwargs)
        self.observe(lambda change: _changed(self, change), names=list(traits))
        for name in traits:  # values from an IPython profile (c.JupyterAD.x = ...)
            if getattr(self, name) is not None:
                _changed(self, {"name": name, "new": getattr(self, name)})

    doc = ("Session defaults of jupyter-ad: ``%config JupyterAD.<option> = <value>`` in a "
           "notebook, or ``c.JupyterAD.<option> = <value>`` in an IPython profile. "
           "``%config JupyterAD`` lists them; ``None`` means not set here (the environment, "
           "jupyter-ad.toml or the built-in default apply).")
    return type("JupyterAD", (Configurable,), {
        **traits, "_check": validate(*traits)(_check), "__init__": __init__, "__doc__": doc,
        "__module__": __name__})


JupyterAD: Any = _make_class()
