"""Request logs and metrics (product.md, Operations: "health checks, structured logs, metrics").

- Every HTTP request gets an id (the client's ``X-Request-ID`` when it is a plain token, else a
  new one), returned in ``X-Request-ID`` and written in one log record of the logger
  ``learnloop.request``: method, route, path, status, duration. The query string is never
  logged: xAPI queries carry people's e-mail addresses; nor is the path of a route whose path is a
  secret (``SECRET_ROUTES``: a calendar link, a mailed reset or confirmation link), whose template is logged instead. With ``LEARNLOOP_LOG_FORMAT=json`` every
  record (uvicorn's included) is one JSON object a line, for a log collector (cli.log_format).
- Prometheus metrics (the ``prometheus-client`` library): requests by method, route template and
  status, their durations, and xAPI statements accepted. Routes are labelled by their template
  (``/teach/classes/{class_id}``), never by the path, so that the number of series stays
  bounded. With several workers, ``serve`` gives them a shared folder (prometheus-client's
  multiprocess mode) and a scrape adds them up. ``GET /metrics`` answers only the bearer token
  ``LEARNLOOP_METRICS_TOKEN``; without one set it does not exist (404).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "REQUESTS",
    "STATEMENTS_ACCEPTED",
    "RequestLog",
    "metrics_response",
]

log = logging.getLogger("learnloop.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

REQUESTS = Counter(
    "learnloop_http_requests", "HTTP requests answered", ["method", "route", "status"]
)
DURATION = Histogram(
    "learnloop_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# statements in requests the LRS answered with success (one already stored counts again)
STATEMENTS_ACCEPTED = Counter(
    "learnloop_xapi_statements_accepted", "xAPI statements in successful POSTs and PUTs"
)


# Routes whose path is itself the credential (a learner's calendar link, a mailed link that resets a
# password or confirms an address): logged by their template, so that whoever reads the logs can
# neither read the feed nor take over the account.
SECRET_ROUTES = frozenset(
    {
        "/calendar/{token}.ics",
        "/login/reset/{token}",
        "/account/email/confirm/{token}",
    }
)


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    return f"{scope.get('root_path', '')}{path}"


class RequestLog:
    """A plain ASGI middleware (as SecurityHeaders, for the LRS's throughput)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route, method = _route(scope), str(scope["method"])
            REQUESTS.labels(method, route, str(status)).inc()
            DURATION.labels(method, route).observe(seconds)
            path = route if route in SECRET_ROUTES else str(scope["path"])
            log.info(
                "%s %s %d",
                method,
                path,
                status,
                extra={
                    "request_id": request_id, "method": method, "route": route,
                    "path": path, "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )  # fmt: skip


def metrics_response(token: str, authorization: str) -> tuple[int, bytes, str]:
    """(status, body, content type) for ``GET /metrics``."""
    if not token:
        return 404, b"not found\n", "text/plain"
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip(), token):
        return 401, b"send the metrics token as a bearer token\n", "text/plain"
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return 200, generate_latest(registry), CONTENT_TYPE_LATEST
    return 200, generate_latest(), CONTENT_TYPE_LATEST
