"""The routes of the service: HTTP in, one library call, JSON out.

Scoring is ``model.score`` (``model.score_one`` for a single row: the same scores), explaining
is ``result.explain``, feedback goes to the monitoring database
(:func:`jupyter_ad.monitoring.feedback`), aliases are the model store's. Errors are the
library's, turned into 4xx answers by :mod:`jupyter_ad.server.app`.

Scoring requests are monitoring records of the served version, folded into one record per
flush window (``scoring("service", collect=True)``: the windows are written by the service's
background task, :meth:`~jupyter_ad.server.serving.ModelSet.flush_monitoring`, never by a
request); rows scored again to explain them or to store their labels are not recorded.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any, Literal

import anyio
import numpy as np
import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from jupyter_ad.monitoring import scoring
from jupyter_ad.server import schemas
from jupyter_ad.server.bodies import (
    check_columns,
    check_frame,
    check_rows,
    parse_json,
    payload_object,
)
from jupyter_ad.server.errors import ApiError

if TYPE_CHECKING:
    from jupyter_ad.server.app import Service
    from jupyter_ad.server.serving import Served

__all__ = ["build_router"]

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
ALIAS_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
ModelName = Annotated[str, Path(pattern=NAME_PATTERN, description="A served model's name.")]
AliasName = Annotated[str, Path(pattern=ALIAS_PATTERN, description="An alias, e.g. production.")]
ExtraColumns = Annotated[Literal["error", "ignore"], Query(
    description="Columns the model has never seen: refuse them (error) or leave them out.")]
_THREAD_ROWS = 64  # batches above this are scored in a worker thread
_OPT = orjson.OPT_SERIALIZE_NUMPY


def json_response(content: Any, status: int = 200) -> Response:
    """``content`` as JSON (numpy arrays included)."""
    return Response(orjson.dumps(content, option=_OPT, default=str), status_code=status,
                    media_type="application/json")


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "body_too_large", f"The body is larger than {limit:,} bytes "
                           "(max_body_size): send fewer rows per request.", field="body")
        chunks.append(chunk)
    return b"".join(chunks)


def _info(served: Served, *, full: bool) -> dict[str, Any]:
    model = served.model
    out: dict[str, Any] = {"name": served.name, "version": served.version, "model": served.ref,
                           "spec": served.spec, "follows": served.follows,
                           "algorithm": model.algorithm_name,
                           "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                      time.gmtime(served.loaded_at))}
    if full:
        kinds = getattr(model.preprocessor_.schema_, "kinds", {})
        out.update({
            "features": [{"name": str(c), "kind": str(kinds.get(c, "numeric"))}
                         for c in model.feature_names],
            "threshold": model.threshold_,
            "threshold_rule": model.threshold_rule_.to_dict(),
            "metrics": model.metrics_,
            "created": served.manifest.get("created"),
            "trained": getattr(model, "created_", None),
        })
    return out


def _store_feedback(root: Any, current: Served, labels: np.ndarray,
                    scores: np.ndarray | None, names: list[str]) -> int:
    """Labels into the monitoring database, joined to the served version's latest record."""
    from jupyter_ad import monitoring
    from jupyter_ad.errors import JupyterADError

    model = current.model
    predicted = None if scores is None else (scores > model.threshold_).astype(np.int64)
    try:
        tracker = model.__dict__.get("_monitor")
        if tracker is not None:  # the pending requests' record first: the labels join it
            tracker.flush(model)
        return monitoring.feedback(current.name, labels, scores=scores, predicted=predicted,
                                   rows=names, version=current.version, source="service",
                                   root=root)
    except (JupyterADError, OSError) as exc:
        raise ApiError(503, "feedback_not_stored", f"The labels could not be stored: {exc} "
                       "Nothing was kept; send them again.") from exc


def build_router(service: Service) -> APIRouter:
    """The ``/v1`` routes of ``service``."""
    router = APIRouter(prefix="/v1")
    guard, models, settings = service.guard, service.models, service.settings
    reader = Depends(guard.require("score", "explain", "feedback", "admin"))
    scorer = Depends(guard.require("score"))
    explainer = Depends(guard.require("explain"))
    feeder = Depends(guard.require("feedback"))
    admin = Depends(guard.require("admin"))

    def served(request: Request, name: str) -> Served:
        current = models.get(name)
        request.scope["jad.model"] = current.ref
        return current

    async def payload(request: Request, allowed: tuple[str, ...], example: str) -> dict[str, Any]:
        return payload_object(parse_json(await read_body(request, settings.max_body_size)),
                              allowed, example)

    @router.get("/models", dependencies=[reader], responses=schemas.answer(),
                summary="The served models")
    async def list_models() -> Response:
        return json_response({"models": [_info(s, full=False) for s in models.all()]})

    @router.get("/models/{name}", dependencies=[reader], responses=schemas.answer(None, 404),
                summary="A served model: version, features, threshold, training metrics")
    async def model_info(request: Request, name: ModelName) -> Response:
        return json_response(_info(served(request, name), full=True))

    @router.post("/models/{name}/score", dependencies=[scorer],
                 openapi_extra=schemas.body(schemas.SCORE),
                 responses=schemas.answer(schemas.SCORE_ANSWER, 404, 413, 422),
                 summary="Score rows: scores, labels (1 = anomaly), confidence")
    async def score(request: Request, name: ModelName,
                    extra_columns: ExtraColumns = "error") -> Response:
        current = served(request, name)
        body = await payload(request, ("rows", "columns"), '{"rows": [{"amount": 12.5}]}')
        if ("rows" in body) == ("columns" in body):
            raise ApiError(422, "invalid_field", "Give the rows to score as rows (an array of "
                           "objects) or as columns (an object of arrays), one of the two.",
                           field="rows")
        model = current.model
        if "rows" in body and len(check_rows(body["rows"], settings.max_rows)) == 1:
            with scoring("service", collect=True):  # windows written off the request path
                value = model.score_one(body["rows"][0], extra_columns=extra_columns)
            label = int(value > model.threshold_)
            scores, labels = np.array([value]), np.array([label], dtype=np.int64)
            confidence = np.array([current.confidence_one(value, label)])
        else:
            import pandas as pd

            if "rows" in body:
                frame, field = pd.DataFrame(body["rows"]), "rows"
            else:
                frame, field = pd.DataFrame(check_columns(body["columns"], settings.max_rows)), \
                    "columns"
            check_frame(frame, field)
            request.scope["jad.rows"] = len(frame)

            def work() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
                with scoring("service", collect=True):
                    res = model.score(frame, extra_columns=extra_columns)
                return res.scores, res.labels, res.confidence

            if len(frame) > _THREAD_ROWS:
                scores, labels, confidence = await anyio.to_thread.run_sync(work)
            else:
                scores, labels, confidence = work()
        n_anomalies = int(labels.sum())
        service.metrics.scored(current.name, int(scores.size), n_anomalies)
        return json_response({"model": current.ref, "scores": scores, "labels": labels,
                              "confidence": confidence, "threshold": model.threshold_})

    @router.post("/models/{name}/explain", dependencies=[explainer],
                 openapi_extra=schemas.body(schemas.EXPLAIN),
                 responses=schemas.answer(None, 404, 413, 422),
                 summary="Explain one row: each column's contribution and a sentence")
    async def explain(request: Request, name: ModelName,
                      extra_columns: ExtraColumns = "error") -> Response:
        import pandas as pd

        current = served(request, name)
        body = await payload(request, ("row", "n_samples"), '{"row": {"amount": 4200}}')
        if "row" not in body:
            raise ApiError(422, "missing_field", "Give the row to explain: {\"row\": "
                           "{column: value}}.", field="row")
        row = check_rows([body["row"]], 1, field="row")[0]
        n_samples = body.get("n_samples", settings.explain_samples)
        if isinstance(n_samples, bool) or not isinstance(n_samples, int) or not (
                100 <= n_samples <= settings.explain_samples):
            raise ApiError(422, "invalid_field", f"n_samples must be a whole number from 100 to "
                           f"{settings.explain_samples} (explain_samples).", field="n_samples")
        frame = pd.DataFrame([row])
        check_frame(frame, "row")

        def work() -> dict[str, Any]:
            with scoring(record=False):  # explaining is not scoring traffic
                res = current.model.score(frame, extra_columns=extra_columns)
            return dict(res.explain(0, n_samples=n_samples).to_dict())

        async with service.explain_slots:
            explanation = await anyio.to_thread.run_sync(work)
        return json_response({"model": current.ref, **explanation})

    @router.post("/models/{name}/feedback", dependencies=[feeder],
                 openapi_extra=schemas.body(schemas.FEEDBACK),
                 responses=schemas.answer(None, 404, 413, 422),
                 summary="Labels for rows scored earlier (kept for performance tracking)")
    async def feedback(request: Request, name: ModelName) -> Response:
        from jupyter_ad.evaluate.labels import label_values

        current = served(request, name)
        body = await payload(request, ("labels", "ids", "rows"),
                             '{"ids": ["tx-1"], "labels": [1]}')
        labels = body.get("labels")
        if not isinstance(labels, list) or not labels:
            raise ApiError(422, "invalid_field", "labels must be a non-empty array of 1 "
                           "(anomaly), 0 (normal) or null.", field="labels")
        if len(labels) > settings.max_rows:
            raise ApiError(413, "too_many_rows", f"At most {settings.max_rows:,} labels per "
                           "request (max_rows).", field="labels")
        if ("ids" in body) == ("rows" in body):
            raise ApiError(422, "invalid_field", "Give the labelled rows as ids (your row ids) "
                           "or as rows (the rows themselves), one of the two.", field="ids")
        items = body.get("ids", body.get("rows"))
        field = "ids" if "ids" in body else "rows"
        if not isinstance(items, list) or len(items) != len(labels):
            raise ApiError(422, "invalid_field", f"{field} must be an array with one entry per "
                           f"label ({len(labels)}).", field=field)
        y = label_values(labels, where="labels")
        scores = None
        if field == "ids":
            for i, item in enumerate(items):
                if isinstance(item, bool) or not isinstance(item, str | int):
                    raise ApiError(422, "invalid_field", f"ids[{i}] must be a string or a whole "
                                   "number.", field=f"ids[{i}]")
        else:
            import pandas as pd

            frame = pd.DataFrame(check_rows(items, settings.max_rows))
            check_frame(frame, "rows")

            def rescore() -> np.ndarray:
                with scoring(record=False):  # the labelled rows' scores, not new traffic
                    return np.asarray(current.model.score(frame).scores)

            scores = await anyio.to_thread.run_sync(rescore)
        request_id = request.scope.get("jad.request_id") or "request"
        names = ([str(i) for i in items] if field == "ids"
                 else [f"{request_id}:{i}" for i in range(len(items))])
        recorded = await anyio.to_thread.run_sync(lambda: _store_feedback(
            models.store.root, current, y, scores, names))
        for value in (1, 0):
            count = int((y == value).sum())
            if count:
                service.metrics.feedback.labels(current.name, str(value)).inc(count)
        return json_response({"model": current.ref, "recorded": recorded,
                              "unlabelled": len(labels) - recorded})

    @router.get("/models/{name}/aliases", dependencies=[admin],
                responses=schemas.answer(None, 404, 422), summary="The aliases of a model")
    async def aliases(name: ModelName) -> Response:
        table = await anyio.to_thread.run_sync(lambda: models.store.aliases(name))
        current = models._served.get(name)
        return json_response({"name": name, "aliases": table,
                              "served": current.ref if current else None})

    @router.put("/models/{name}/aliases/{alias}", dependencies=[admin],
                openapi_extra=schemas.body(schemas.PROMOTE),
                responses=schemas.answer(None, 404, 409, 422),
                summary="Deploy a version to an alias (verified before the alias moves)")
    async def promote(request: Request, name: ModelName, alias: AliasName) -> Response:
        body = await payload(request, ("version",), '{"version": 3}')
        version = body.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ApiError(422, "invalid_field", "version must be a version number >= 1.",
                           field="version")
        return json_response(await service.move_alias(name, alias, version))

    @router.post("/models/{name}/aliases/{alias}/rollback", dependencies=[admin],
                 responses=schemas.answer(None, 404, 409, 422),
                 summary="Point an alias back at the version it pointed to before")
    async def rollback(name: ModelName, alias: AliasName) -> Response:
        return json_response(await service.move_alias(name, alias, None))

    return router
