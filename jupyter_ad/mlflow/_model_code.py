"""MLflow "models from code" entry point: the logged model is this file, not a pickle of it."""

from mlflow.models import set_model

from jupyter_ad.mlflow._pyfunc import JupyterADModel

set_model(JupyterADModel())
