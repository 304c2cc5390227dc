"""Who may call what: API keys in ``X-API-Key`` or ``Authorization: Bearer``, scopes, and
rate limits per key (and per client address for failed attempts).

Rate limits are token buckets: ``100/second`` allows a burst of 100 requests, refilled at 100
per second. (The ``limits`` library was measured here at about 1.7 ms per request, most of it
in the expiry threads of its memory storage, more than scoring a row: a bucket is a few lines.)

Missing or unknown key: 401. A key without the route's scope: 403. Over a rate limit: 429 with
``Retry-After``. The first request of a key costs one scrypt (in a worker thread); later ones a
keyed hash and a dictionary look-up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
from fastapi import Request

from jupyter_ad.server.errors import ApiError
from jupyter_ad.server.keys import ApiKey, KeyRing
from jupyter_ad.server.observability import Metrics

__all__ = ["Guard", "Rate", "RateLimiter"]

#: The OpenAPI security schemes the routes declare (the guard reads the headers itself: the
#: FastAPI security classes as sub-dependencies cost more than scoring a row).
SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
               "description": "An API key from 'jupyter-ad keys create'."},
    "Bearer": {"type": "http", "scheme": "bearer",
               "description": "The same API key as a bearer token."},
}
_MAX_KEY_LENGTH = 512


_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}


class Rate:
    """A rate ``"N/unit"`` or ``"N per M units"`` (as :func:`~jupyter_ad.server.settings.
    parse_rate` writes it): ``capacity`` requests, refilled at ``per_second``.
    """

    def __init__(self, text: str) -> None:
        count, _, rest = text.replace(" per ", "/").partition("/")
        parts = rest.split()
        every, unit = (float(parts[0]), parts[1]) if len(parts) == 2 else (1.0, parts[0])
        self.text = text
        self.capacity = float(count)
        self.per_second = self.capacity / (every * _PERIODS[unit.rstrip("s")])

    def __str__(self) -> str:
        return self.text


class RateLimiter:
    """Token buckets by key: :meth:`hit` takes a token or says how long to wait."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def hit(self, rate: Rate, *key: str) -> float:
        """0.0 if the request may go on, else the seconds until a token is back."""
        now = time.monotonic()
        ident = (key[0], key[-1])
        tokens, last = self._buckets.get(ident, (rate.capacity, now))
        tokens = min(rate.capacity, tokens + (now - last) * rate.per_second)
        if tokens >= 1.0:
            self._buckets[ident] = (tokens - 1.0, now)
            return 0.0
        self._buckets[ident] = (tokens, now)
        if len(self._buckets) > 100_000:  # forget idle buckets (they would be full again)
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 3600}
        return (1.0 - tokens) / rate.per_second


class Guard:
    """Checks keys, scopes and rate limits for the routes of one service."""

    def __init__(self, ring: KeyRing, metrics: Metrics, *, rate_limit: str | None,
                 auth_failure_limit: str | None) -> None:
        self.ring, self.metrics = ring, metrics
        self.limiter = RateLimiter()
        self.default_rate = Rate(rate_limit) if rate_limit else None
        self.failure_rate = Rate(auth_failure_limit) if auth_failure_limit else None
        self._rates: dict[str, Rate] = {}

    def _rate_for(self, key: ApiKey) -> Rate | None:
        if key.rate_limit is None:
            return self.default_rate
        item = self._rates.get(key.rate_limit)
        if item is None:
            item = self._rates[key.rate_limit] = Rate(key.rate_limit)
        return item

    def _refuse(self, request: Request, reason: str, message: str) -> ApiError:
        self.metrics.auth_failures.labels(reason).inc()
        client = request.client.host if request.client else "unknown"
        wait = self.limiter.hit(self.failure_rate, "fail", client) if self.failure_rate else 0.0
        if wait:
            self.metrics.rate_limited.labels("auth_failures").inc()
            return ApiError(429, "too_many_failures", "Too many requests with a missing or "
                            "wrong API key from this address; wait and use a valid key.",
                            headers={"Retry-After": str(max(1, math.ceil(wait)))})
        return ApiError(401, "unauthorized", message,
                        headers={"WWW-Authenticate": 'Bearer realm="jupyter-ad"'})

    async def authenticate(self, request: Request, presented: str | None,
                           scopes: frozenset[str]) -> ApiKey:
        """The key of ``request`` if it may use a route needing one of ``scopes``."""
        if not presented:
            raise self._refuse(request, "missing", "This route needs an API key: send it in "
                               "the X-API-Key header (or Authorization: Bearer KEY). Create "
                               "one with: jupyter-ad keys create --scope " + min(scopes))
        key: ApiKey | None = None
        if len(presented) <= _MAX_KEY_LENGTH:
            known, key = self.ring.peek(presented)
            if not known:
                key = await anyio.to_thread.run_sync(self.ring.check, presented)
        if key is None:
            raise self._refuse(request, "unknown", "Unknown or revoked API key.")
        request.scope["jad.key_id"] = key.id
        if not scopes.intersection(key.scopes):
            self.metrics.auth_failures.labels("scope").inc()
            needed = " or ".join(sorted(scopes))
            raise ApiError(403, "forbidden", f"Key {key.id!r} has the scope(s) "
                           f"{'+'.join(key.scopes)}; this route needs {needed}. Create a key "
                           f"with: jupyter-ad keys create --scope {min(scopes)}")
        rate = self._rate_for(key)
        wait = self.limiter.hit(rate, "key", key.id) if rate is not None else 0.0
        if wait:
            self.metrics.rate_limited.labels("key").inc()
            raise ApiError(429, "rate_limited", f"Key {key.id!r} is over its rate limit "
                           f"({rate}); retry after the Retry-After seconds.",
                           headers={"Retry-After": str(max(1, math.ceil(wait)))})
        return key

    def require(self, *scopes: str) -> Callable[..., Coroutine[Any, Any, ApiKey]]:
        """A FastAPI dependency admitting keys with one of ``scopes``."""
        wanted = frozenset(scopes)

        async def dependency(request: Request) -> ApiKey:
            headers = request.headers
            presented = headers.get("x-api-key")
            if not presented:
                scheme, _, token = headers.get("authorization", "").partition(" ")
                presented = token.strip() if scheme.lower() == "bearer" else None
            return await self.authenticate(request, presented, wanted)

        return dependency
