"""How the service answers errors: one JSON shape, and the library's errors as HTTP 4xx.

Every error body is ``{"status": 422, "error": "invalid_field", "message": "...",
"field": "rows[2].amount", "request_id": "..."}`` (``field`` only where one is at fault).
The library's exception hierarchy (:mod:`jupyter_ad.errors`) maps to statuses in
:func:`status_for`; a bug (any other exception) is a 500 that names the request id, and the
traceback goes to the log, never to the client.
"""

from __future__ import annotations

from typing import Any

from jupyter_ad.errors import (
    ColumnMismatchError,
    DataError,
    JupyterADError,
    LabelError,
    ModelNotFoundError,
    ModelStoreError,
    OptionalDependencyError,
    ParameterError,
    UnsupportedInputError,
    UntrustedModelError,
)

__all__ = ["ApiError", "error_body", "status_for"]


class ApiError(Exception):
    """An HTTP error answer: status, a short code, a message, the field at fault."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.headers = field, headers or {}


def status_for(exc: JupyterADError) -> tuple[int, str]:
    """The HTTP status and error code for one of the library's errors."""
    if isinstance(exc, ModelNotFoundError):
        return 404, "not_found"
    if isinstance(exc, UntrustedModelError):
        return 409, "untrusted_model"
    if isinstance(exc, ModelStoreError):
        return 409, "model_store"
    if isinstance(exc, ColumnMismatchError):
        return 422, "column_mismatch"
    if isinstance(exc, LabelError):
        return 422, "invalid_labels"
    if isinstance(exc, ParameterError):
        return 422, "invalid_parameter"
    if isinstance(exc, DataError | UnsupportedInputError):
        return 422, "invalid_data"
    if isinstance(exc, OptionalDependencyError):
        return 501, "not_installed"
    return 422, "invalid_request"


def error_body(status: int, code: str, message: str, request_id: str | None,
               field: str | None = None) -> dict[str, Any]:
    """The JSON body of an error answer."""
    body: dict[str, Any] = {"status": status, "error": code, "message": message}
    if field is not None:
        body["field"] = field
    body["request_id"] = request_id
    return body
