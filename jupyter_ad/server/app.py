"""The FastAPI application of ``jupyter-ad serve``: :func:`create_app`.

Routes without a key: ``GET /healthz`` (the process answers) and ``GET /readyz`` (every model
to serve is loaded). ``GET /metrics`` needs the ``metrics`` scope unless ``metrics_auth`` is
off; the ``/v1`` routes are in :mod:`jupyter_ad.server.routes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import anyio
import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from jupyter_ad.errors import JupyterADError
from jupyter_ad.server.auth import Guard
from jupyter_ad.server.errors import ApiError, error_body, status_for
from jupyter_ad.server.keys import ENV_KEYS, KeyFile, KeyRing
from jupyter_ad.server.observability import Metrics, ServiceMiddleware
from jupyter_ad.server.routes import build_router, json_response
from jupyter_ad.server.serving import ModelSet, Served
from jupyter_ad.server.settings import ServerSettings

__all__ = ["Service", "create_app"]

log = logging.getLogger("jupyter_ad.server")


class Service:
    """What one running service holds: settings, keys, models, metrics."""

    def __init__(self, settings: ServerSettings, *, env_keys: str | None = None) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.ring = KeyRing(KeyFile(settings.keys_file),
                            os.environ.get(ENV_KEYS) if env_keys is None else env_keys)
        self.guard = Guard(self.ring, self.metrics, rate_limit=settings.rate_limit,
                           auth_failure_limit=settings.auth_failure_limit)
        self.models = ModelSet(settings.models, settings.store, on_swap=self._swapped)
        self.explain_slots = anyio.CapacityLimiter(2)
        self._alias_lock = asyncio.Lock()

    def _swapped(self, old: Served | None, new: Served) -> None:
        self.metrics.served(new.name, new.spec, new.version, swapped=old is not None)
        log.info("model served", extra={"event": "model_swap" if old else "model_load",
                                        "model": new.ref, "spec": new.spec,
                                        "previous": old.ref if old else None})

    async def move_alias(self, name: str, alias: str, version: int | None) -> dict[str, Any]:
        """Promote ``name@version`` to ``alias`` (``None``: roll the alias back); a served
        model following the alias is swapped before the answer.
        """
        from jupyter_ad.io.store import check_alias

        check_alias(alias)
        store, models = self.models.store, self.models
        spec = models.specs.get(name)
        follows = spec is not None and spec.partition("@")[2] == alias
        async with self._alias_lock:
            if version is not None:  # verify (signature, hash, type) before the alias moves
                loaded = await anyio.to_thread.run_sync(
                    models.load_version, name, version, spec or f"{name}@{alias}")
                change = await anyio.to_thread.run_sync(
                    lambda: store.set_alias(name, alias, version, action="promote"))
                if follows:
                    models.install(loaded)
            else:
                change = await anyio.to_thread.run_sync(lambda: store.rollback(name, alias))
                if follows:
                    await anyio.to_thread.run_sync(lambda: models.refresh(only=name))
        log.info("alias moved", extra={"event": "alias", "model": name, "alias": alias,
                                       "version": change.version, "previous": change.previous})
        current = models._served.get(name)
        return {"name": name, "alias": alias, "version": change.version,
                "previous": change.previous, "action": change.action,
                "served": current.ref if current else None}

    async def watch(self) -> None:
        """Re-check the served specs every ``watch_interval`` seconds."""
        while True:
            await asyncio.sleep(self.settings.watch_interval)
            async with self._alias_lock:
                await anyio.to_thread.run_sync(self.models.refresh)

    async def write_monitoring(self, every: float = 1.0) -> None:
        """Write the monitoring windows that are due, every ``every`` seconds (in a worker
        thread: a request never waits for the database).
        """
        while True:
            await asyncio.sleep(every)
            await anyio.to_thread.run_sync(self.models.flush_monitoring)


def _error(request: Request, status: int, code: str, message: str, field: str | None = None,
           headers: dict[str, str] | None = None) -> Response:
    body = error_body(status, code, message, request.scope.get("jad.request_id"), field)
    return Response(orjson.dumps(body), status_code=status, media_type="application/json",
                    headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "path", "query", "header")]
    return ".".join(parts) or "body"


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.code, exc.message, exc.field, exc.headers)

    @app.exception_handler(JupyterADError)
    async def library_error(request: Request, exc: JupyterADError) -> Response:
        status, code = status_for(exc)
        return _error(request, status, code, " ".join(str(exc).split()))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        field = _field(tuple(first.get("loc", ())))
        message = f"{field}: {first.get('msg', 'invalid value')}"
        if first.get("loc", ("",))[0] == "path" and field == "name":
            message += " (a model name has 1-100 letters, digits, '_', '.', '-')"
        return _error(request, 422, "invalid_field", message, field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed"}
        message = {404: f"No route {request.url.path!r}; see the routes in the docs "
                        "(docs/user-guide/serving.md).",
                   405: f"{request.method} is not allowed on {request.url.path!r}."}
        return _error(request, exc.status_code, codes.get(exc.status_code, "http_error"),
                      message.get(exc.status_code, str(exc.detail)),
                      headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.error("unexpected error", exc_info=exc, extra={
            "event": "error", "request_id": request.scope.get("jad.request_id")})
        return _error(request, 500, "internal_error", "Unexpected error; the log has the "
                      "details under this request_id.")


def _declare_security(app: FastAPI, metrics_auth: bool) -> None:
    """Add the key schemes to the OpenAPI document of every route that needs a key."""
    from jupyter_ad.server.auth import SECURITY_SCHEMES

    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for path, item in schema.get("paths", {}).items():
            if path in ("/healthz", "/readyz") or (path == "/metrics" and not metrics_auth):
                continue
            for operation in item.values():
                operation["security"] = [{"ApiKey": []}, {"Bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: ServerSettings | None = None, *, env_keys: str | None = None
               ) -> FastAPI:
    """The service's ASGI application.

    Parameters
    ----------
    settings : ServerSettings, optional
        Default: :func:`~jupyter_ad.server.settings.server_settings` (flags none, then
        ``JUPYTER_AD_SERVER_*``, then ``[server]`` of ``jupyter-ad.toml``).
    env_keys : str, optional
        ``KEY:scope+scope`` entries instead of ``$JUPYTER_AD_API_KEYS``.
    """
    from jupyter_ad.server.settings import server_settings

    settings = settings if settings is not None else server_settings()
    service = Service(settings, env_keys=env_keys)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(service.models.refresh)
        missing = service.models.ready()[1]
        log.info("service started", extra={
            "event": "start", "models": [s.ref for s in service.models.all()],
            "missing": missing or None, "keys": len(service.ring)})
        watcher = (asyncio.create_task(service.watch())
                   if settings.watch_interval > 0 else None)
        writer = asyncio.create_task(service.write_monitoring())
        try:
            yield
        finally:
            for task in (watcher, writer):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await anyio.to_thread.run_sync(lambda: service.models.flush_monitoring(force=True))

    from jupyter_ad import __version__

    app = FastAPI(title="jupyter-ad scoring service", version=__version__,
                  description="Score rows with models saved by jupyter-ad. Every route but "
                  "/healthz and /readyz needs an API key (X-API-Key or Authorization: Bearer).",
                  lifespan=lifespan, docs_url="/docs" if settings.docs else None,
                  redoc_url=None, openapi_url="/openapi.json" if settings.docs else None)
    app.state.service = service
    _install_handlers(app)

    @app.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> Response:
        return json_response({"status": "ok"})

    @app.get("/readyz", summary="Readiness: every model to serve is loaded")
    async def readyz() -> Response:
        ready, missing = service.models.ready()
        body = {"status": "ready" if ready else "not ready",
                "models": [s.ref for s in service.models.all()], "missing": missing}
        return json_response(body, 200 if ready else 503)

    metrics_deps = [Depends(service.guard.require("metrics"))] if settings.metrics_auth else []

    @app.get("/metrics", dependencies=metrics_deps, summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(service.metrics.exposition(),
                        media_type="text/plain; version=0.0.4; charset=utf-8")

    app.include_router(build_router(service))
    _declare_security(app, settings.metrics_auth)
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "PUT"], allow_credentials=False,
                           allow_headers=["X-API-Key", "Authorization", "Content-Type",
                                          "X-Request-ID"], expose_headers=["X-Request-ID"])
    app.add_middleware(ServiceMiddleware, metrics=service.metrics,
                       max_body_size=settings.max_body_size, access_log=settings.access_log)
    if settings.otel:
        from jupyter_ad.server.observability import setup_tracing

        setup_tracing(app)
    return app
