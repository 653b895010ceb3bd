"""xAPI 1.0.3's Alternate Request Syntax (Communication 1.3): a request a browser could not
make directly, sent as a form POST with ``?method=GET|PUT|POST|DELETE``.

The form's fields named after headers (Authorization, X-Experience-API-Version, Content-Type,
Content-Length, If-Match, If-None-Match) become headers, ``content`` becomes the body, and every
other field a query parameter; the request is then served as if it had been sent that way. Any
query parameter but ``method`` is a 400, as is a form that is not URL-encoded. xAPI 2.0 dropped
the syntax: a request whose (resulting) version is 2.x is refused.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AlternateRequestSyntax"]

_METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}
_HEADER_FIELDS = {
    "authorization", "x-experience-api-version", "content-type", "content-length", "if-match",
    "if-none-match",
}  # fmt: skip


class AlternateRequestSyntax:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"method=" not in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        if "method" not in dict(query):
            await self.app(scope, receive, send)
            return
        rewritten = await self._rewrite(scope, receive, query)
        if isinstance(rewritten, str):
            await _refuse(send, rewritten)
            return
        new_scope, body = rewritten
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(new_scope, replay, send)

    async def _rewrite(
        self, scope: Scope, receive: Receive, query: list[tuple[str, str]]
    ) -> tuple[Scope, bytes] | str:
        method = dict(query)["method"].upper()
        if scope["method"] != "POST":
            return "method: the alternate request syntax is a POST"
        if len(query) > 1:
            return f"{next(k for k, _ in query if k != 'method')}: only method may be in the query"
        if method not in _METHODS:
            return f"method: {method!r} is not an HTTP method of the LRS"
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("content-type", "").split(";")[0].strip() != (
            "application/x-www-form-urlencoded"
        ):
            return "Content-Type: the alternate request syntax sends a URL-encoded form"
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        fields = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
        content = ""
        params: list[tuple[str, str]] = []
        for name, value in fields:
            if name.lower() in _HEADER_FIELDS:
                headers[name.lower()] = value
            elif name == "content":
                content = value
            else:
                params.append((name, value))
        if headers.get("x-experience-api-version", "").startswith("2."):
            return "method: xAPI 2.0 has no alternate request syntax"
        body = content.encode()
        headers.pop("content-length", None)
        if body and headers.get("content-type", "").startswith("application/x-www-form"):
            headers["content-type"] = "application/json"  # the content of a statement form
        new_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        new_headers.append((b"content-length", str(len(body)).encode()))
        new_scope = {
            **scope, "method": method, "headers": new_headers,
            "query_string": urlencode(params).encode(),
        }  # fmt: skip
        return new_scope, body


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({
        "type": "http.response.start", "status": 400,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-experience-api-version", b"1.0.3")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
