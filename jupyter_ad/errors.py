"""The exception and warning hierarchy of jupyter-ad.

Every error raised for a user mistake is a subclass of :class:`JupyterADError`, and also of
the built-in exception a Python user would expect (``ValueError``, ``TypeError``,
``KeyError``, ``FileNotFoundError``), so existing ``except`` clauses keep working.
Messages name the column, row or option at fault and say how to fix it.

:class:`NotFittedError` also derives from scikit-learn's ``sklearn.exceptions.NotFittedError``
(which scikit-learn's own checks and tools catch). It is created on first access, so that
``import jupyter_ad`` and ``from jupyter_ad.errors import *`` do not import scikit-learn; it is
therefore not in ``__all__`` (``jupyter_ad.NotFittedError`` and
``from jupyter_ad.errors import NotFittedError`` both work).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "ColumnMismatchError",
    "ConfigError",
    "DataError",
    "DataFileError",
    "DataQualityWarning",
    "EmptyDataError",
    "JupyterADError",
    "JupyterADWarning",
    "LabelError",
    "MissingValuesError",
    "MixedTypesError",
    "ModelNotFoundError",
    "ModelStoreError",
    "NoUsableColumnsError",
    "OptionalDependencyError",
    "OutputError",
    "ParameterError",
    "StreamError",
    "UnknownAlgorithmError",
    "UnsupportedInputError",
    "UntrustedModelError",
]


class JupyterADError(Exception):
    """Base class of every error jupyter-ad raises on purpose."""


# --- data -------------------------------------------------------------------------------------
class DataError(JupyterADError, ValueError):
    """The data cannot be used as given."""


class EmptyDataError(DataError):
    """The input has no rows or no columns."""


class NoUsableColumnsError(DataError):
    """Every column was dropped (constant, ID-like, empty) or excluded."""


class MixedTypesError(DataError, TypeError):
    """A column mixes numbers with text or holds values that are neither (also complex
    numbers); a ``TypeError`` too, as Python raises for ``float({})``.
    """


class MissingValuesError(DataError):
    """Missing or non-finite values that the chosen preprocessing cannot impute."""


class ColumnMismatchError(DataError, KeyError):
    """At scoring time, columns are missing, extra, or of another type than at fit time."""

    def __str__(self) -> str:  # KeyError would otherwise wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class UnsupportedInputError(JupyterADError, TypeError):
    """The object passed as data is of a type jupyter-ad cannot read."""


class DataFileError(DataError, FileNotFoundError):
    """A data file is missing, unreadable, or of an unknown format."""


# --- parameters and algorithms ----------------------------------------------------------------
class ParameterError(JupyterADError, ValueError):
    """An option or detector parameter has a wrong name, type or value."""


class UnknownAlgorithmError(ParameterError, KeyError):
    """No detector is registered under the given name."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConfigError(ParameterError):
    """A configuration file or ``JUPYTER_AD_*`` environment variable has an unknown key or a
    bad value; the message names the file or variable, the key and the nearest valid one.
    """


class LabelError(ParameterError):
    """Labels that are not 1 (anomaly), 0 (normal) or missing, or do not match the rows."""


if TYPE_CHECKING:  # what type checkers see; at run time the class is built by __getattr__

    class NotFittedError(JupyterADError, ValueError, AttributeError):
        """A detector or model was used before it was fitted."""


def _not_fitted_error() -> type:
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    cls = type("NotFittedError", (JupyterADError, SklearnNotFittedError), {
        "__doc__": "A detector or model was used before it was fitted (also scikit-learn's "
                   "``NotFittedError``, a ``ValueError`` and an ``AttributeError``).",
        "__module__": __name__,
    })
    return cls


def __getattr__(name: str) -> Any:
    """Build :class:`NotFittedError` on first access (PEP 562): it imports scikit-learn."""
    if name == "NotFittedError":
        cls = globals()["NotFittedError"] = _not_fitted_error()  # built once: kept here
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- model store -------------------------------------------------------------------------------
class ModelStoreError(JupyterADError, OSError):
    """The model store could not read or write a model."""


class ModelNotFoundError(ModelStoreError, KeyError):
    """No saved model has the requested name or version."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UntrustedModelError(ModelStoreError):
    """A model file was not written by this store, or was altered since."""


class OutputError(JupyterADError, OSError):
    """A result, report or notebook file cannot be written where asked (a folder, a missing or
    read-only folder, one of the input files, a failed write).
    """


class OptionalDependencyError(JupyterADError, ImportError):
    """An optional package is needed for this feature; the message gives the install line."""


# --- warnings ----------------------------------------------------------------------------------
class StreamError(JupyterADError, ConnectionError):
    """A stream's source or sink cannot be reached or refused a read or a write (the stream
    retries, consumption paused, until it can).
    """


class JupyterADWarning(UserWarning):
    """Base class of jupyter-ad's warnings."""


class DataQualityWarning(JupyterADWarning):
    """Something in the data was changed or dropped (constant or ID-like columns, imputation)."""
