"""A limit on the size of every request body the pages and the JSON API read.

Without one, a form post or a JSON body is read whole into memory (or spooled to disk) however
large it is: one client could fill either. Every request may send ``LEARNLOOP_MAX_REQUEST_BYTES``;
the administrator's uploads (a course's zip, a roster) may send ``LEARNLOOP_MAX_UPLOAD_BYTES``.
The LRS under ``/xapi`` reads its bodies itself, under its own limit (web.xapi_http.read_body).

A body larger than its limit is refused with 413 as the route reads it: at once when its
Content-Length says so, else as soon as the stream passes the limit. The refusal is an
HTTPException raised inside the route's own reading, so the page answers with its error page and
the API with its JSON error, in the reader's language; nothing of the request has been acted on.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["UPLOAD_PATHS", "RequestSizeLimit", "RequestTooLarge"]

# POST routes that take a file (their forms say so with enctype="multipart/form-data")
UPLOAD_PATHS = frozenset(
    {"/admin/courses", "/api/v1/admin/courses", "/admin/rosters", "/api/v1/admin/rosters"}
)
_OWN_LIMIT = ("/xapi/", "/xapi")


class RequestTooLarge(HTTPException):
    """The request body passed ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request is larger than this server takes ({limit} bytes)")
        self.limit = limit


class RequestSizeLimit:
    """Plain ASGI middleware (see web.app.SecurityHeaders for why not BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, *, request_bytes: int, upload_bytes: int) -> None:
        self.app = app
        self.request_bytes = request_bytes
        self.upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(_OWN_LIMIT):
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if path in UPLOAD_PATHS else self.request_bytes
        declared = _content_length(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise RequestTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None
