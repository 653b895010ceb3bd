"""What every LRS request shares: the version header, Basic credentials, JSON bodies, answers.

Every request but About must send ``X-Experience-API-Version`` (1.0.x or 2.0.x) and HTTP Basic
credentials from ``learnloop lrs-client create``; every response says which version answered.
Invalid requests get 400 with the field at fault (never FastAPI's 422), as the specification
asks: bodies are read as JSON here, not through pydantic models.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from learnloop.adapters.xapi import InvalidStatement, agent_key, validate_agent
from learnloop.adapters.xapi.multipart import media_type
from learnloop.exceptions import AuthenticationFailed, InvalidInput
from learnloop.services.lrs import LrsCaller, authenticate_client
from learnloop.web.platform import Platform

__all__ = [
    "CREDENTIAL_CACHE_SECONDS", "SUPPORTED", "XapiError", "agent_param", "answer_version",
    "authenticate", "headers_for", "iri_param", "json_error", "now_iso", "only", "read_body",
    "read_json",
    "require_version", "respond", "statement_version",
]  # fmt: skip

SUPPORTED = ("1.0.3", "2.0.0")
_VERSION = re.compile(r"^(1\.0(\.[0-3])?|2\.0(\.0)?)$")
# Verified credentials are remembered this long, so that argon2 (tens of milliseconds, on
# purpose) runs once per client per minute rather than on every statement; a revoked client is
# refused within this many seconds.
CREDENTIAL_CACHE_SECONDS = 60.0


class XapiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def answer_version(request: Request) -> str:
    asked = request.headers.get("x-experience-api-version")
    if asked is None:
        platform: Platform = request.app.state.platform
        return platform.settings.xapi_default_version
    return "2.0.0" if asked.startswith("2.") else "1.0.3"


def json_error(request: Request, status: int, message: str, **extra: object) -> JSONResponse:
    headers = {"X-Experience-API-Version": answer_version(request)}
    if request.method in ("GET", "HEAD") and request.url.path.endswith("/statements"):
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        headers["X-Experience-API-Consistent-Through"] = now
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="learnloop LRS"'
    return JSONResponse({"error": message, **extra}, status_code=status, headers=headers)


def require_version(request: Request) -> str:
    asked = request.headers.get("x-experience-api-version")
    if asked is None:
        raise XapiError(400, "X-Experience-API-Version header is required")
    if not _VERSION.match(asked):
        raise XapiError(
            400, f"X-Experience-API-Version {asked!r} is not supported (1.0.x or 2.0.0)"
        )
    return asked


async def authenticate(request: Request, platform: Platform) -> LrsCaller:
    """The LRS client behind the request's Basic credentials (cached for a minute)."""
    require_version(request)
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise AuthenticationFailed("send HTTP Basic credentials from `learnloop lrs-client create`")
    try:
        key, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise AuthenticationFailed("the Basic credentials are not base64 of key:secret") from None
    # One verification per client per minute, shared by the requests that arrive while it runs
    # (a burst of new connections would otherwise run argon2 once each, for seconds).
    cache = platform.credential_cache
    digest = hashlib.sha256(f"{key}:{secret}".encode()).hexdigest()
    hit = cache.get(digest)
    if hit is not None and time.monotonic() - hit[0] < CREDENTIAL_CACHE_SECONDS:
        return await asyncio.shield(hit[1])
    verified: asyncio.Future[LrsCaller] = asyncio.get_running_loop().create_future()
    cache[digest] = (time.monotonic(), verified)
    try:
        caller = await run_in_threadpool(
            authenticate_client, platform.db, platform.hasher, key, secret
        )
    except BaseException as exc:
        cache.pop(digest, None)
        if isinstance(exc, asyncio.CancelledError):
            verified.cancel()
        else:
            verified.set_exception(exc)
            verified.exception()  # retrieved here, so that no waiter-less failure is logged
        raise
    verified.set_result(caller)
    return caller


def headers_for(request: Request, **extra: str) -> dict[str, str]:
    return {"X-Experience-API-Version": answer_version(request), **extra}


async def read_body(request: Request) -> bytes:
    """The request's body, refused with 413 past ``LEARNLOOP_XAPI_MAX_REQUEST_BYTES`` (by its
    Content-Length before anything is read, else as soon as the stream passes the limit)."""
    platform: Platform = request.app.state.platform
    limit = platform.settings.xapi_max_request_bytes
    declared = request.headers.get("content-length", "")
    too_large = XapiError(413, f"the request body is larger than this LRS takes ({limit} bytes)")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request) -> Any:
    if media_type(request.headers.get("content-type", "")) != "application/json":
        raise InvalidInput("Content-Type", "send statements as application/json")
    raw = await read_body(request)
    try:
        return json.loads(raw)
    except ValueError:
        raise InvalidInput("body", "is not valid JSON") from None


def only(request: Request, allowed: set[str]) -> Any:
    params = request.query_params
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(unknown[0], "is not a parameter of this resource")
    return params


def iri_param(params: Any, name: str) -> str:
    value = params.get(name)
    if not value:
        raise InvalidInput(name, "is required")
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", value):
        raise InvalidInput(name, "is not an IRI")
    return str(value)


def agent_param(params: Any) -> dict[str, Any]:
    raw = params.get("agent")
    if not raw:
        raise InvalidInput("agent", "is required")
    try:
        agent = json.loads(raw)
        validate_agent(agent, "agent")
        agent_key(agent)
    except (ValueError, InvalidStatement) as exc:
        raise InvalidInput("agent", f"is not an Agent ({exc})") from None
    return dict(agent)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def statement_version(request: Request) -> str:
    return "2.0.0" if require_version(request).startswith("2.") else "1.0.0"


def respond(request: Request, body: Any, through: str) -> Response:
    headers = headers_for(request)
    if through:
        headers["X-Experience-API-Consistent-Through"] = through
    if request.method == "HEAD":
        length = str(len(json.dumps(body)))
        return Response(status_code=200, headers={**headers, "Content-Length": length})
    return JSONResponse(body, headers=headers)
