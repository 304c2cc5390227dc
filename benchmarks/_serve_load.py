"""A small HTTP/1.1 load generator for loopback benchmarks: keep-alive connections, each
sending its next request when the answer to the last one is in (closed loop), bounded in
count and time. Raw asyncio streams (uvloop when installed), so the client costs little CPU
next to the server on the same two cores.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class LoadResult:
    """What one load run saw."""

    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection errors, timeouts
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    bodies: list[bytes] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Requests that did not get a 200."""
        return self.errors + sum(n for s, n in self.statuses.items() if s != 200)

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile in milliseconds."""
        return float(np.percentile(self.latencies, q) * 1000) if self.latencies else float("nan")

    def line(self, label: str) -> str:
        """One summary line."""
        return (f"{label}: {self.rate:,.0f} req/s, {len(self.latencies):,} answers in "
                f"{self.seconds:.1f} s, p50 {self.percentile(50):.1f} ms, p99 "
                f"{self.percentile(99):.1f} ms, failed {self.failed} "
                f"(statuses {dict(sorted(self.statuses.items()))}, errors {self.errors})")


def request_bytes(method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 keep-alive request."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
             "Content-Type: application/json"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _connection(host: str, port: int, make: Callable[[int], bytes], result: LoadResult,
                      deadline: float, budget: list[int], keep_bodies: bool) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            payload = make(result.sent)
            result.sent += 1
            start = time.perf_counter()
            try:
                writer.write(payload)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            result.latencies.append(time.perf_counter() - start)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if keep_bodies:
                result.bodies.append(body)
    finally:
        writer.close()


async def _run(host: str, port: int, make: Callable[[int], bytes], concurrency: int,
               seconds: float, max_requests: int, keep_bodies: bool) -> LoadResult:
    result = LoadResult()
    budget = [max_requests]
    start = time.perf_counter()
    await asyncio.gather(*[_connection(host, port, make, result, start + seconds, budget,
                                       keep_bodies) for _ in range(concurrency)])
    result.seconds = time.perf_counter() - start
    return result


def run_load(host: str, port: int, make: Callable[[int], bytes], *, concurrency: int = 16,
             seconds: float = 5.0, max_requests: int = 100_000,
             keep_bodies: bool = False) -> LoadResult:
    """Send requests ``make(i)`` over ``concurrency`` connections for at most ``seconds``
    and ``max_requests``.
    """
    try:
        import uvloop

        return uvloop.run(_run(host, port, make, concurrency, seconds, max_requests,
                               keep_bodies))
    except ImportError:
        return asyncio.run(_run(host, port, make, concurrency, seconds, max_requests,
                                keep_bodies))
