"""The xAPI Learning Record Store, mounted at /xapi: About, Statements (``xapi_statements``), the
State, Activity Profile and Agent Profile documents, Activities and Agents. What every request
shares (version header, credentials, errors) is in ``xapi_http``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from learnloop.adapters.xapi import agent_key
from learnloop.exceptions import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    LearnloopError,
    NotFound,
    PermissionDenied,
)
from learnloop.reports.xapi_person import person_object
from learnloop.reports.xapi_queries import (
    activity_object,
)
from learnloop.services.lrs import LrsCaller
from learnloop.services.lrs_documents import (
    DocumentScope,
    PreconditionFailed,
    delete_documents,
    get_document,
    list_document_ids,
    write_document,
)
from learnloop.services.statement_index import catch_up
from learnloop.web.platform import Platform
from learnloop.web.xapi_alternate import AlternateRequestSyntax
from learnloop.web.xapi_http import (
    SUPPORTED,
    XapiError,
    agent_param,
    authenticate,
    headers_for,
    iri_param,
    json_error,
    only,
    read_body,
    require_version,
    respond,
)
from learnloop.web.xapi_statements import statements

__all__ = ["create_xapi"]

_STATUS = {
    NotFound: 404,
    PermissionDenied: 403,
    AuthenticationFailed: 401,
    Conflict: 409,
    PreconditionFailed: 412,
}


async def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


async def _caller(request: Request, platform: Annotated[Platform, Depends(_platform)]) -> LrsCaller:
    return await authenticate(request, platform)


Caller = Annotated[LrsCaller, Depends(_caller)]
PlatformDep = Annotated[Platform, Depends(_platform)]


def create_xapi() -> FastAPI:
    app = FastAPI(title="learnloop LRS", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(AlternateRequestSyntax)

    @app.exception_handler(XapiError)
    async def xapi_error(request: Request, exc: XapiError) -> JSONResponse:
        return json_error(request, exc.status, str(exc))

    @app.exception_handler(LearnloopError)
    async def platform_error(request: Request, exc: LearnloopError) -> JSONResponse:
        if isinstance(exc, InvalidInput):
            return json_error(request, 400, f"{exc.field}: {exc.message}", field=exc.field)
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
        return json_error(request, status, str(exc))

    @app.get("/about")
    def about() -> JSONResponse:
        return JSONResponse({"version": list(SUPPORTED)})

    # The Statements resource is a plain Starlette route, not a FastAPI one: it is the LRS's hot
    # path, and FastAPI's dependency solving and per-request exit stack cost more than the
    # statement itself (measured: 2.7 ms a request before, in benchmarks/lrs_speed.py).
    app.router.routes.append(
        Route("/statements", statements, methods=["GET", "HEAD", "POST", "PUT"])
    )

    for path, kind in (
        ("/activities/state", "state"),
        ("/activities/profile", "activity_profile"),
        ("/agents/profile", "agent_profile"),
    ):
        _document_routes(app, path, kind)

    @app.api_route("/activities", methods=["GET", "HEAD"], include_in_schema=False)
    def activities(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = only(request, {"activityId"})
        activity_id = iri_param(params, "activityId")
        catch_up(platform.db)
        return respond(request, activity_object(platform.db, activity_id), "")

    @app.api_route("/agents", methods=["GET", "HEAD"], include_in_schema=False)
    def agents(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = only(request, {"agent"})
        agent = agent_param(params)
        person = person_object(platform.db, agent, public_url=platform.settings.public_url)
        return respond(request, person, "")

    return app


def _scope(kind: str, params: Any) -> DocumentScope:
    activity = iri_param(params, "activityId") if kind != "agent_profile" else ""
    agent = agent_key(agent_param(params)) if kind != "activity_profile" else ""
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
        params = only(request, allowed - {"since"})
        scope = _scope(kind, params)
        doc_id = params.get(id_name)
        if not doc_id:
            raise InvalidInput(id_name, "is required")
        write_document(
            platform.db, caller, scope, doc_id, await read_body(request),
            request.headers.get("content-type", "application/octet-stream"),
            merge=request.method == "POST", if_match=request.headers.get("if-match"),
            if_none_match=request.headers.get("if-none-match"),
            blind_state_put_conflicts=require_version(request).startswith("2."),
        )  # fmt: skip
        return Response(status_code=204, headers=headers_for(request))

    def read(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = only(request, allowed)
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
            return respond(request, list_document_ids(platform.db, scope, when), "")
        doc = get_document(platform.db, scope, doc_id)
        headers = headers_for(request, ETag=f'"{doc.etag}"')
        headers["Last-Modified"] = doc.updated.strftime("%a, %d %b %Y %H:%M:%S GMT")
        if request.method == "HEAD":
            return Response(status_code=200, headers={**headers, "Content-Type": doc.content_type})
        return Response(doc.content, media_type=doc.content_type, headers=headers)

    def remove(request: Request, platform: PlatformDep, caller: Caller) -> Response:
        params = only(request, allowed - {"since"})
        scope = _scope(kind, params)
        doc_id = params.get(id_name)
        if doc_id is None and kind != "state":
            raise InvalidInput(id_name, "is required")
        delete_documents(
            platform.db, caller, scope, doc_id, if_match=request.headers.get("if-match")
        )
        return Response(status_code=204, headers=headers_for(request))

    app.add_api_route(path, write, methods=["PUT", "POST"], include_in_schema=False)
    app.add_api_route(path, read, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route(path, remove, methods=["DELETE"], include_in_schema=False)
