"""The application factory. Nothing is built at import time."""

from __future__ import annotations

import gc
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from learnloop.config import Settings
from learnloop.exceptions import (
    AuthenticationFailed,
    Conflict,
    ContentError,
    InvalidInput,
    LearnloopError,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from learnloop.services.statement_writer import StatementWriter
from learnloop.storage import Database
from learnloop.web import api, i18n
from learnloop.web.compression import PageCompression
from learnloop.web.csrf import CsrfFailed
from learnloop.web.deps import LoginRequired, PasswordChangeRequired
from learnloop.web.observability import RequestLog, metrics_response
from learnloop.web.pages import (
    account_deletion,
    account_recovery,
    accounts,
    admin,
    admin_audit,
    admin_classes,
    admin_connections,
    admin_course_files,
    admin_courses,
    admin_forwards,
    admin_rosters,
    answers,
    assignments,
    calendar,
    courses,
    discussion,
    group_messages,
    item_reports,
    join,
    learn,
    lti,
    media,
    own_sessions,
    progress_reports,
    reminders,
    score_test,
    teach,
    two_step,
    work,
)
from learnloop.web.platform import Platform
from learnloop.web.rendering import CSP, redirect, render, said, wording_for
from learnloop.web.request_limits import RequestSizeLimit, RequestTooLarge
from learnloop.web.xapi import create_xapi

__all__ = ["app_factory", "create_app"]

HERE = Path(__file__).parent

_STATUS = {
    NotFound: 404,
    PermissionDenied: 403,
    AuthenticationFailed: 401,
    InvalidInput: 400,
    ContentError: 400,
    Conflict: 409,
    TooManyAttempts: 429,
}


def _status_of(exc: LearnloopError) -> int:
    for kind, code in _STATUS.items():
        if isinstance(exc, kind):
            return code
    return 400


class SecurityHeaders:
    """Security headers on every HTTP response. A plain ASGI middleware: starlette's
    BaseHTTPMiddleware runs each request through extra tasks and streams, which cost the LRS
    about a third of its throughput."""

    # (a reset link's page too: its address holds the link's secret)
    _PRIVATE = ("/learn", "/teach", "/admin", "/account", "/api", "/xapi", "/login/reset")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = str(scope["path"]).startswith(self._PRIVATE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
                    # older browsers read only this; a page that a platform may frame (LTI
                    # registration) says so in its own policy instead
                    headers["X-Frame-Options"] = "DENY"
                if private:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LearnloopError)
    body: dict[str, object] = {"detail": str(exc)}
    if isinstance(exc, InvalidInput):
        body = {"detail": exc.message, "field": exc.field}
    elif isinstance(exc, ContentError):  # a course or a roster: every problem, located
        body["issues"] = [
            {"file": i.file, "line": i.line, "message": i.message} for i in exc.issues
        ]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthenticationFailed) else None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse(body, status_code=_status_of(exc), headers=headers)


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    hasher: PasswordHasher | None = None,
) -> FastAPI:
    """The platform's ASGI app. The database must already be migrated (``learnloop init``)."""
    templates = Jinja2Templates(directory=HERE / "templates")
    i18n.install(templates.env)
    db = database or Database.from_url(settings.database_url)
    platform = Platform(
        settings=settings,
        db=db,
        hasher=hasher or PasswordHasher(),
        templates=templates,
        secret_key=settings.resolved_secret_key(),
        lrs_writer=StatementWriter(db, base_url=settings.public_url),
        catalogs=i18n.Catalogs.load(settings.default_language),
    )
    app = FastAPI(title="learnloop", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.platform = platform
    app.add_middleware(PageCompression)
    app.add_middleware(
        RequestSizeLimit,
        request_bytes=settings.max_request_bytes,
        upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)  # outermost: times and logs everything, errors included
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    api_app = api.create_api()
    api_app.state.platform = platform
    api_app.add_exception_handler(LearnloopError, _api_error)
    app.mount("/api/v1", api_app)
    xapi_app = create_xapi()
    xapi_app.state.platform = platform
    app.mount("/xapi", xapi_app)

    for router in (
        accounts.router, account_recovery.router, account_deletion.router, own_sessions.router, progress_reports.router, two_step.router, courses.router, learn.router, join.router, teach.router, answers.router, work.router,
        admin.router, admin_audit.router, admin_classes.router, admin_course_files.router, admin_courses.router, admin_rosters.router, admin_connections.router, admin_forwards.router, discussion.router, lti.router, reminders.router, media.router,
        score_test.router, group_messages.router, assignments.router, calendar.router, item_reports.router,
    ):  # fmt: skip
        app.include_router(router)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        status, body, media_type = metrics_response(
            platform.settings.metrics_token, request.headers.get("authorization", "")
        )
        return Response(body, status_code=status, media_type=media_type)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        with platform.db.reading() as s:
            s.connection().exec_driver_sql("SELECT 1")
        return {"status": "ok"}

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return redirect(f"/login?next={request.url.path}")

    @app.exception_handler(PasswordChangeRequired)
    async def password_change_required(request: Request, exc: PasswordChangeRequired) -> Response:
        return redirect("/account/password")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> HTMLResponse:
        return render(
            request,
            platform,
            "error.html",
            {"status": 403, "message": wording_for(request, platform)(str(exc))},
            status_code=403,
        )

    @app.exception_handler(LearnloopError)
    async def page_error(request: Request, exc: LearnloopError) -> HTMLResponse:
        status = _status_of(exc)
        message = said(request, platform, exc)
        if isinstance(exc, InvalidInput):  # a form of its own would mark the field: name it
            message = f"{exc.field}: {message}"
        return render(
            request,
            platform,
            "error.html",
            {"status": status, "message": message},
            status_code=status,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        words = wording_for(request, platform)
        message = str(exc.detail)
        if exc.status_code == 404:
            message = words("This page does not exist.")
        elif isinstance(exc, RequestTooLarge):
            mib, kib = divmod(exc.limit, 1024 * 1024)
            size = f"{mib} MiB" if mib and not kib else f"{exc.limit // 1024} KiB"
            message = words("What was sent is larger than this server takes (%(size)s).", size=size)
        return render(
            request,
            platform,
            "error.html",
            {"status": exc.status_code, "message": message},
            status_code=exc.status_code,
        )

    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory``: settings from the environment.

    What is built at start (templates, courses, the ORM's mappings) lives as long as the process:
    ``gc.freeze`` moves it out of the collector's sight, so that the collections a busy server
    runs do not walk it again and again."""
    app = create_app(Settings())
    gc.collect()
    gc.freeze()
    return app
