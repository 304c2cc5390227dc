"""The JSON schemas of the request and response bodies, for the OpenAPI document.

The routes parse bodies themselves (strict JSON, limits, fields named: see
:mod:`jupyter_ad.server.bodies`); these schemas describe the same rules to clients and to
schema-driven test tools.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EXPLAIN", "FEEDBACK", "PROMOTE", "SCORE", "body", "answer"]

SCALAR: dict[str, Any] = {"anyOf": [{"type": "number"}, {"type": "string"},
                                    {"type": "boolean"}, {"type": "null"}]}
ROW: dict[str, Any] = {"type": "object", "additionalProperties": SCALAR,
                       "description": "One row: {column: value}.",
                       "example": {"amount": 4200.0, "merchant": "online", "n_items": 1}}
ROWS: dict[str, Any] = {"type": "array", "items": ROW, "minItems": 1}

SCORE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "description": "The rows to score, as objects (rows) or as one array per column (columns, "
                   "faster for large batches). Give one of the two.",
    "properties": {
        "rows": ROWS,
        "columns": {"type": "object", "minProperties": 1,
                    "additionalProperties": {"type": "array", "items": SCALAR, "minItems": 1}},
    },
}
EXPLAIN: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["row"],
    "properties": {"row": ROW, "n_samples": {"type": "integer", "minimum": 100,
                                             "description": "Perturbed rows (LIME); at most "
                                             "the service's explain_samples."}},
}
FEEDBACK: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["labels"],
    "description": "Labels (1 = anomaly, 0 = normal, null = unknown) for rows identified by "
                   "your ids, or for the rows themselves.",
    "properties": {
        "labels": {"type": "array", "minItems": 1,
                   "items": {"anyOf": [{"type": "integer"}, {"type": "boolean"},
                                       {"type": "string"}, {"type": "null"}]}},
        "ids": {"type": "array", "items": {"anyOf": [{"type": "string"},
                                                     {"type": "integer"}]}},
        "rows": ROWS,
    },
}
PROMOTE: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["version"],
    "properties": {"version": {"type": "integer", "minimum": 1}},
}
NUMBERS: dict[str, Any] = {"type": "array", "items": {"type": "number"}}
SCORE_ANSWER: dict[str, Any] = {
    "type": "object", "required": ["model", "scores", "labels", "confidence", "threshold"],
    "properties": {"model": {"type": "string", "example": "fraud@3"}, "scores": NUMBERS,
                   "labels": {"type": "array", "items": {"type": "integer"}},
                   "confidence": NUMBERS, "threshold": {"type": "number"}},
}
ERROR: dict[str, Any] = {
    "type": "object", "required": ["status", "error", "message"],
    "properties": {"status": {"type": "integer"}, "error": {"type": "string"},
                   "message": {"type": "string"}, "field": {"type": "string"},
                   "request_id": {"type": "string"}},
}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` declaring a required JSON body of ``schema``."""
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


def answer(schema: dict[str, Any] | None = None, *errors: int) -> dict[int | str, Any]:
    """``responses`` of a route: 200 with ``schema``, and the error statuses it can give."""
    out: dict[int | str, Any] = {}
    if schema is not None:
        out[200] = {"content": {"application/json": {"schema": schema}}}
    for status in (401, 403, 429, *errors):
        out[status] = {"description": "Error", "content": {"application/json":
                                                           {"schema": ERROR}}}
    return out
