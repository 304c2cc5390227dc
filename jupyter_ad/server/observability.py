"""What the service tells its operators: Prometheus metrics, JSON logs with a request id, and
an optional OpenTelemetry hook.

Metrics (``GET /metrics``): ``jupyter_ad_requests_total`` and
``jupyter_ad_request_duration_seconds`` (by route template, method and status),
``jupyter_ad_rows_scored_total`` and ``jupyter_ad_anomalies_flagged_total`` (by model),
``jupyter_ad_model_version`` (the version served, by model and spec),
``jupyter_ad_model_swaps_total``, ``jupyter_ad_auth_failures_total`` (by reason),
``jupyter_ad_rate_limited_total`` and ``jupyter_ad_feedback_labels_total``.

Logs: one JSON object per line on stderr; each request's line carries its ``request_id`` (also
sent back in the ``X-Request-ID`` header), route, status, duration, the key's public ``key_id``
and the model. Keys, their hashes and request bodies are never logged.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

__all__ = ["JsonFormatter", "Metrics", "ServiceMiddleware", "configure_logging", "setup_tracing"]

log = logging.getLogger("jupyter_ad.server")
access = logging.getLogger("jupyter_ad.server.access")

_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
disable_created_metrics()  # no *_created series: they double the output and nobody reads them
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The service's Prometheus metrics, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        labels = ("route", "method", "status")
        self.requests = Counter("jupyter_ad_requests", "HTTP requests answered", labels,
                                registry=r)
        self.latency = Histogram("jupyter_ad_request_duration_seconds",
                                 "Time to answer a request", labels, buckets=_BUCKETS,
                                 registry=r)
        self.rows = Counter("jupyter_ad_rows_scored", "Rows scored", ("model",), registry=r)
        self.anomalies = Counter("jupyter_ad_anomalies_flagged", "Rows scored above the "
                                 "threshold", ("model",), registry=r)
        self.version = Gauge("jupyter_ad_model_version", "Version of the model served",
                             ("model", "spec"), registry=r)
        self.swaps = Counter("jupyter_ad_model_swaps", "Model versions swapped in while "
                             "serving", ("model",), registry=r)
        self.auth_failures = Counter("jupyter_ad_auth_failures", "Requests refused for their "
                                     "key", ("reason",), registry=r)
        self.rate_limited = Counter("jupyter_ad_rate_limited", "Requests refused by a rate "
                                    "limit", ("limit",), registry=r)
        self.feedback = Counter("jupyter_ad_feedback_labels", "Labels received as feedback",
                                ("model", "label"), registry=r)

    def scored(self, model: str, n_rows: int, n_anomalies: int) -> None:
        """Count ``n_rows`` rows scored by ``model``, ``n_anomalies`` of them flagged."""
        self.rows.labels(model).inc(n_rows)
        self.anomalies.labels(model).inc(n_anomalies)

    def served(self, name: str, spec: str, version: int, swapped: bool) -> None:
        """Record the version of ``name`` now served."""
        for family in self.version.collect():
            for sample in family.samples:
                if sample.labels.get("model") == name and sample.labels.get("spec") != spec:
                    self.version.remove(name, sample.labels["spec"])
        self.version.labels(name, spec).set(version)
        if swapped:
            self.swaps.labels(name).inc()

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        from prometheus_client import generate_latest

        return bytes(generate_latest(self.registry))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        out: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "color_message":
                out[key] = value
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


def configure_logging(level: str = "info", stream: Any = None) -> dict[str, Any]:
    """Send jupyter-ad's and uvicorn's logs as JSON lines to ``stream`` (stderr); returns
    the ``logging.config`` dict given to uvicorn.
    """
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": stream or "ext://sys.stderr"}  # a name: worker processes pickle it
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"default": handler},
        "loggers": {
            "jupyter_ad.server": {"handlers": ["default"], "level": level.upper(),
                                  "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
    import logging.config

    logging.config.dictConfig(config)
    return config


def _header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value)
    return None


class ServiceMiddleware:
    """Pure ASGI middleware: request id, body-size check by Content-Length, metrics and the
    access log line of every HTTP request.
    """

    def __init__(self, app: Any, *, metrics: Metrics, max_body_size: int,
                 access_log: bool = True) -> None:
        self.app, self.metrics = app, metrics
        self.max_body_size, self.access_log = max_body_size, access_log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given = _header(scope, b"x-request-id")
        text = given.decode("latin-1") if given else ""
        request_id = text if _REQUEST_ID_RE.fullmatch(text) else uuid.uuid4().hex
        scope["jad.request_id"] = request_id
        status = 500
        rid_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), rid_header]
            await send(message)

        try:
            length = _header(scope, b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body_size):
                await self._too_large(send_with_id, request_id, length)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - start, request_id)

    async def _too_large(self, send: Any, request_id: str, length: bytes) -> None:
        from jupyter_ad.server.errors import error_body

        bad = not length.isdigit()
        message = ("The Content-Length header is not a number." if bad else
                   f"The body has {int(length):,} bytes; at most {self.max_body_size:,} are "
                   "accepted (max_body_size): send fewer rows per request.")
        status = 400 if bad else 413
        body = orjson.dumps(error_body(status, "bad_length" if bad else "body_too_large",
                                       message, request_id))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: dict[str, Any], status: int, seconds: float,
                request_id: str) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "")
        code = str(status)
        self.metrics.requests.labels(template, method, code).inc()
        self.metrics.latency.labels(template, method, code).observe(seconds)
        if self.access_log:
            client = scope.get("client")
            access.info("request", extra={
                "event": "request", "request_id": request_id, "method": method,
                "path": scope.get("path", ""), "route": template, "status": status,
                "duration_ms": round(seconds * 1000, 3), "key_id": scope.get("jad.key_id"),
                "model": scope.get("jad.model"), "rows": scope.get("jad.rows"),
                "client": client[0] if client else None})


def setup_tracing(app: Any, exporter: Any = None) -> Any:
    """Trace every request of ``app`` with OpenTelemetry; returns the tracer provider.

    Spans go to ``exporter`` if given, else to the exporter the ``OTEL_TRACES_EXPORTER``
    environment variable names (``otlp`` needs ``opentelemetry-exporter-otlp``; ``console``
    prints them). Needs the ``otel`` extra.
    """
    try:
        from opentelemetry import trace
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor,
            ConsoleSpanExporter,
            SimpleSpanProcessor,
        )
    except ImportError as exc:
        from jupyter_ad.errors import OptionalDependencyError

        raise OptionalDependencyError(
            f"Tracing needs OpenTelemetry ({exc.name} is missing): pip install "
            "'jupyter-ad[otel]'") from None
    import os

    provider = TracerProvider(resource=Resource.create(
        {"service.name": os.environ.get("OTEL_SERVICE_NAME", "jupyter-ad")}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif os.environ.get("OTEL_TRACES_EXPORTER", "otlp") == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    else:
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            log.warning("no OTLP exporter", extra={
                "event": "tracing", "error": "opentelemetry-exporter-otlp is not installed: "
                "spans are recorded but not exported (OTEL_TRACES_EXPORTER=console prints "
                "them)"})
        else:
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider,
                                       excluded_urls="healthz,readyz,metrics")
    return provider
