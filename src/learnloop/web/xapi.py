"""The xAPI Learning Record Store, mounted at /xapi: About and Statements (PUT, POST, GET, HEAD).

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
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from learnloop.adapters.xapi import InvalidStatement, agent_key, validate_agent
from learnloop.exceptions import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    LearnloopError,
    NotFound,
    PermissionDenied,
)
from learnloop.reports.xapi_queries import (
    StatementQuery,
    activity_object,
    get_statement,
    query_statements,
)
from learnloop.services.lrs import LrsCaller, authenticate_client, prepare_statements
from learnloop.services.lrs_documents import (
    DocumentScope,
    PreconditionFailed,
    delete_documents,
    get_document,
    list_document_ids,
    write_document,
)
from learnloop.web.platform import Platform

__all__ = ["create_xapi"]

SUPPORTED = ("1.0.3", "2.0.0")
_VERSION = re.compile(r"^(1\.0(\.[0-3])?|2\.0(\.0)?)$")
# Verified credentials are remembered this long, so that argon2 (tens of milliseconds, on
# purpose) runs once per client per minute rather than on every statement; a revoked client is
# refused within this many seconds.
CREDENTIAL_CACHE_SECONDS = 60.0


_STATUS = {
    NotFound: 404,
    PermissionDenied: 403,
    AuthenticationFailed: 401,
    Conflict: 409,
    PreconditionFailed: 412,
}


class XapiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _answer_version(request: Request) -> str:
    asked = request.headers.get("x-experience-api-version", "")
    return "2.0.0" if asked.startswith("2.") else "1.0.3"


def _json_error(request: Request, status: int, message: str, **extra: object) -> JSONResponse:
    headers = {"X-Experience-API-Version": _answer_version(request)}
    if request.method in ("GET", "HEAD") and request.url.path.endswith("/statements"):
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        headers["X-Experience-API-Consistent-Through"] = now
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="learnloop LRS"'
    return JSONResponse({"error": message, **extra}, status_code=status, headers=headers)


async def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def _version(request: Request) -> str:
    asked = request.headers.get("x-experience-api-version")
    if asked is None:
        raise XapiError(400, "X-Experience-API-Version header is required")
    if not _VERSION.match(asked):
        raise XapiError(
            400, f"X-Experience-API-Version {asked!r} is not supported (1.0.x or 2.0.0)"
        )
    return asked


async def _caller(request: Request, platform: Annotated[Platform, Depends(_platform)]) -> LrsCaller:
    return await authenticate(request, platform)


async def authenticate(request: Request, platform: Platform) -> LrsCaller:
    """The LRS client behind the request's Basic credentials (cached for a minute)."""
    _version(request)
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise AuthenticationFailed("send HTTP Basic credentials from `learnloop lrs-client create`")
    try:
        key, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise AuthenticationFailed("the Basic credentials are not base64 of key:secret") from None
    # One verification per client per minute, shared by the requests that arrive while it runs
    # (a burst of new connections would otherwise run argon2 once each, for seconds).
    cache: dict[str, tuple[float, asyncio.Future[LrsCaller]]] = request.app.state.credential_cache
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


Caller = Annotated[LrsCaller, Depends(_caller)]
PlatformDep = Annotated[Platform, Depends(_platform)]


def _headers(request: Request, **extra: str) -> dict[str, str]:
    return {"X-Experience-API-Version": _answer_version(request), **extra}


async def _body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise InvalidInput("Content-Type", "send statements as application/json")
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError:
        raise InvalidInput("body", "is not valid JSON") from None


def create_xapi() -> FastAPI:
    app = FastAPI(title="learnloop LRS", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.credential_cache = {}

    @app.exception_handler(XapiError)
    async def xapi_error(request: Request, exc: XapiError) -> JSONResponse:
        return _json_error(request, exc.status, str(exc))

    @app.exception_handler(LearnloopError)
    async def platform_error(request: Request, exc: LearnloopError) -> JSONResponse:
        if isinstance(exc, InvalidInput):
            return _json_error(request, 400, f"{exc.field}: {exc.message}", field=exc.field)
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
        return _json_error(request, status, str(exc))

    @app.get("/about")
    def about() -> JSONResponse:
        return JSONResponse({"version": list(SUPPORTED)})

    # The Statements resource is a plain Starlette route, not a FastAPI one: it is the LRS's hot
    # path, and FastAPI's dependency solving and per-request exit stack cost more than the
    # statement itself (measured: 2.7 ms a request before, in benchmarks/lrs_speed.py).
    app.router.routes.append(
        Route("/statements", _statements, methods=["GET", "HEAD", "POST", "PUT"])
    )

    for path, kind in (
        ("/activities/state", "state"),
        ("/activities/profile", "activity_profile"),
        ("/agents/profile", "agent_profile"),
    ):
        _document_routes(app, path, kind)

    @app.api_route("/activities", methods=["GET", "HEAD"], include_in_schema=False)
    def activities(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = _only(request, {"activityId"})
        activity_id = _iri_param(params, "activityId")
        return _respond(request, activity_object(platform.db, activity_id), "")

    @app.api_route("/agents", methods=["GET", "HEAD"], include_in_schema=False)
    def agents(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = _only(request, {"agent"})
        agent = _agent_param(params)
        person: dict[str, Any] = {"objectType": "Person"}
        for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
            if key in agent:
                person[key] = [agent[key]]
        return _respond(request, person, "")

    return app


async def _statements(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    caller = await authenticate(request, platform)
    if request.method == "POST":
        return await _post_statements(request, platform, caller)
    if request.method == "PUT":
        return await _put_statement(request, platform, caller)
    response: Response = await run_in_threadpool(_get_statements, request, platform)
    return response


async def _post_statements(request: Request, platform: Platform, caller: LrsCaller) -> Response:
    body = await _body(request)
    batch = body if isinstance(body, list) else [body]
    prepared = prepare_statements(
        caller, batch, base_url=platform.settings.public_url, version=_version_of(request)
    )
    ids = await asyncio.wrap_future(platform.lrs_writer.submit(prepared))
    return JSONResponse(ids, headers=_headers(request))


async def _put_statement(request: Request, platform: Platform, caller: LrsCaller) -> Response:
    statement_id = request.query_params.get("statementId")
    if not statement_id:
        raise InvalidInput("statementId", "PUT needs the statementId parameter")
    body = await _body(request)
    if isinstance(body, list):
        raise InvalidInput("body", "PUT takes one statement, not a list")
    prepared = prepare_statements(
        caller, [body], base_url=platform.settings.public_url, put_id=statement_id,
        version=_version_of(request),
    )  # fmt: skip
    await asyncio.wrap_future(platform.lrs_writer.submit(prepared))
    return Response(status_code=204, headers=_headers(request))


def _get_statements(request: Request, platform: Platform) -> Response:
    params = request.query_params
    single = params.get("statementId"), params.get("voidedStatementId")
    fmt = params.get("format", "exact")
    if single[0] and single[1]:
        raise InvalidInput("statementId", "give statementId or voidedStatementId, not both")
    if single[0] or single[1]:
        allowed = {"statementId", "voidedStatementId", "format", "attachments"}
        extra = sorted(set(params) - allowed)
        if extra:
            raise InvalidInput(extra[0], "cannot be combined with statementId")
        statement = get_statement(platform.db, statement_id=single[0], voided_id=single[1], fmt=fmt)
        response = _respond(request, statement, _now_iso())
        stored = datetime.fromisoformat(statement["stored"].replace("Z", "+00:00"))
        response.headers["Last-Modified"] = stored.astimezone(UTC).strftime(
            "%a, %d %b %Y %H:%M:%S GMT"
        )
        return response
    query = StatementQuery.from_cursor(params["cursor"]) if "cursor" in params else _query(params)
    page = query_statements(platform.db, query)
    more = f"/xapi/statements?cursor={page.more}" if page.more else ""
    through = page.consistent_through.isoformat(timespec="milliseconds")
    return _respond(request, {"statements": page.statements, "more": more}, through)


def _only(request: Request, allowed: set[str]) -> Any:
    params = request.query_params
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(unknown[0], "is not a parameter of this resource")
    return params


def _iri_param(params: Any, name: str) -> str:
    value = params.get(name)
    if not value:
        raise InvalidInput(name, "is required")
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", value):
        raise InvalidInput(name, "is not an IRI")
    return str(value)


def _agent_param(params: Any) -> dict[str, Any]:
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


def _scope(kind: str, params: Any) -> DocumentScope:
    activity = _iri_param(params, "activityId") if kind != "agent_profile" else ""
    agent = agent_key(_agent_param(params)) if kind != "activity_profile" else ""
    registration = ""
    if kind == "state" and params.get("registration") is not None:
        try:
            registration = str(uuid.UUID(params["registration"]))
        except ValueError:
            raise InvalidInput("registration", "is not a UUID") from None
    return DocumentScope(kind, activity, agent, registration)


def _document_routes(app: FastAPI, path: str, kind: str) -> None:
    id_name = "stateId" if kind == "state" else "profileId"
    allowed = {id_name, "since"} | (
        {"activityId", "agent", "registration"}
        if kind == "state"
        else {"activityId"}
        if kind == "activity_profile"
        else {"agent"}
    )

    async def write(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = _only(request, allowed - {"since"})
        scope = _scope(kind, params)
        doc_id = params.get(id_name)
        if not doc_id:
            raise InvalidInput(id_name, "is required")
        write_document(
            platform.db, caller, scope, doc_id, await request.body(),
            request.headers.get("content-type", "application/octet-stream"),
            merge=request.method == "POST", if_match=request.headers.get("if-match"),
            if_none_match=request.headers.get("if-none-match"),
        )  # fmt: skip
        return Response(status_code=204, headers=_headers(request))

    def read(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = _only(request, allowed)
        scope = _scope(kind, params)
        doc_id = params.get(id_name)
        if doc_id is None:
            since = params.get("since")
            when = None
            if since is not None:
                try:
                    when = datetime.fromisoformat(since.replace("Z", "+00:00"))
                except ValueError:
                    raise InvalidInput("since", "is not an ISO 8601 timestamp") from None
                when = when if when.tzinfo else when.replace(tzinfo=UTC)
            return _respond(request, list_document_ids(platform.db, scope, when), "")
        doc = get_document(platform.db, scope, doc_id)
        headers = _headers(request, ETag=f'"{doc.etag}"')
        headers["Last-Modified"] = doc.updated.strftime("%a, %d %b %Y %H:%M:%S GMT")
        if request.method == "HEAD":
            return Response(status_code=200, headers={**headers, "Content-Type": doc.content_type})
        return Response(doc.content, media_type=doc.content_type, headers=headers)

    def remove(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = _only(request, allowed - {"since"})
        scope = _scope(kind, params)
        doc_id = params.get(id_name)
        if doc_id is None and kind != "state":
            raise InvalidInput(id_name, "is required")
        delete_documents(
            platform.db, caller, scope, doc_id, if_match=request.headers.get("if-match")
        )
        return Response(status_code=204, headers=_headers(request))

    app.add_api_route(path, write, methods=["PUT", "POST"], include_in_schema=False)
    app.add_api_route(path, read, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route(path, remove, methods=["DELETE"], include_in_schema=False)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _version_of(request: Request) -> str:
    return "2.0.0" if _version(request).startswith("2.") else "1.0.0"


def _respond(request: Request, body: Any, through: str) -> Response:
    headers = _headers(request)
    if through:
        headers["X-Experience-API-Consistent-Through"] = through
    if request.method == "HEAD":
        length = str(len(json.dumps(body)))
        return Response(status_code=200, headers={**headers, "Content-Length": length})
    return JSONResponse(body, headers=headers)


_FILTERS = {
    "agent", "verb", "activity", "registration", "related_activities", "related_agents",
    "since", "until", "limit", "format", "attachments", "ascending",
}  # fmt: skip


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value not in ("true", "false"):
        raise InvalidInput(name, "must be true or false")
    return value == "true"


def _query(params: Any) -> StatementQuery:
    unknown = sorted(set(params) - _FILTERS)
    if unknown:
        raise InvalidInput(unknown[0], "is not a statement query parameter")
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise InvalidInput("limit", "must be a whole number")
    return StatementQuery(
        agent=params.get("agent"),
        verb=params.get("verb"),
        activity=params.get("activity"),
        registration=params.get("registration"),
        related_activities=_flag(params.get("related_activities"), "related_activities"),
        related_agents=_flag(params.get("related_agents"), "related_agents"),
        since=params.get("since"),
        until=params.get("until"),
        limit=int(limit),
        ascending=_flag(params.get("ascending"), "ascending"),
        format=params.get("format", "exact"),
    )
