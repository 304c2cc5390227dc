"""The MLflow pyfunc flavour of a jupyter-ad model (imports mlflow: used only through it).

The logged model holds the store's signed version folder (``model.pkl`` + ``manifest.json``)
as an artifact; :meth:`JupyterADModel.load_context` verifies it against the store key
*before* unpickling, exactly as :func:`jupyter_ad.load` does, so a model from a registry is
trusted no more than a file on disk (``model_config={"trusted": True}`` overrides, for files
whose origin you trust). ``predict`` returns ``score``, ``label`` and ``confidence`` columns,
equal to ``model.score(df)``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from mlflow.pyfunc import PythonModel

__all__ = ["ARTIFACT", "JupyterADModel", "load_verified"]

ARTIFACT = "jupyter_ad_model"


def load_verified(folder: str, *, trusted: bool = False, root: Any = None) -> Any:
    """The AnomalyModel in a store version ``folder``, verified before it is unpickled."""
    from jupyter_ad.core.model import AnomalyModel
    from jupyter_ad.errors import UntrustedModelError
    from jupyter_ad.io.store import ModelStore, load_file

    obj, manifest = load_file(folder, trusted=trusted, store=ModelStore(root))
    if not isinstance(obj, AnomalyModel):
        raise UntrustedModelError(f"{folder} holds a {type(obj).__name__}, not a jupyter-ad "
                                  "AnomalyModel.")
    return obj, manifest


class JupyterADModel(PythonModel):  # type: ignore[misc]
    """A jupyter-ad AnomalyModel as an MLflow ``pyfunc`` model."""

    def load_context(self, context: Any) -> None:
        """Verify and load the signed model artifact."""
        config = dict(getattr(context, "model_config", None) or {})
        self.model, self.manifest = load_verified(
            context.artifacts[ARTIFACT], trusted=bool(config.get("trusted", False)),
            root=config.get("store"))

    def predict(self, context: Any, model_input: pd.DataFrame,
                params: dict[str, Any] | None = None) -> pd.DataFrame:
        """``score``, ``label`` and ``confidence`` of each row (``model.score``)."""
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(
            model_input)
        res = self.model.score(frame, extra_columns="ignore")
        return pd.DataFrame({"score": res.scores, "label": res.labels,
                             "confidence": res.confidence}, index=frame.index)
