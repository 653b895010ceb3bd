"""Registering, logging in and out, and the front door."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from learnloop.domain import Role, Viewer
from learnloop.exceptions import AuthenticationFailed, InvalidInput, TooManyAttempts
from learnloop.reports.account_recovery import my_recovery_email
from learnloop.reports.learner_classes import my_classes
from learnloop.reports.learner_export import (
    KEPT_LABELS,
    kept_counts,
    learner_export,
    linked_names,
)
from learnloop.reports.own_sessions import own_sessions
from learnloop.reports.xapi_forwarding import forward_hosts
from learnloop.services.accounts import (
    MIN_PASSWORD_LENGTH,
    authenticate,
    change_password,
    end_session,
    register_user,
    start_session,
    viewer_for_token,
)
from learnloop.services.statement_index import catch_up
from learnloop.services.two_factor import two_factor_on
from learnloop.web.deps import (
    SESSION_COOKIE,
    CsrfChecked,
    PageViewer,
    PlatformDep,
    client_address,
)
from learnloop.web.i18n import LANGUAGE_COOKIE
from learnloop.web.navigation import HOME, safe_next
from learnloop.web.pages.two_step import pending_login
from learnloop.web.platform import Platform
from learnloop.web.recovery_mail import mail_ready, tell_owner
from learnloop.web.rendering import (
    clear_session_cookie,
    language_of,
    redirect,
    render,
    said,
    set_session_cookie,
    wording_for,
)

router = APIRouter()


def _current(request: Request, platform: Platform) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return viewer_for_token(platform.db, token, kind="cookie")
    except AuthenticationFailed:
        return None


@router.get("/", include_in_schema=False)
def front_door(request: Request, platform: PlatformDep) -> Response:
    viewer = _current(request, platform)
    return redirect(HOME[viewer.role] if viewer else "/login")


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, platform: PlatformDep, next: str | None = None, deleted: int = 0,
    reset: int = 0,
) -> Response:  # fmt: skip
    """``deleted``: the reader just deleted their own account (account_deletion); ``reset``:
    they just chose a new password by an e-mailed link (account_recovery)."""
    viewer = _current(request, platform)
    if viewer:
        return redirect(safe_next(next) or HOME[viewer.role])
    context = {"next": safe_next(next) or "", "error": None, "deleted": bool(deleted),
               "reset": bool(reset)}  # fmt: skip
    return render(request, platform, "login.html", context)


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    platform: PlatformDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "",
) -> Response:
    try:
        viewer = authenticate(
            platform.db, platform.hasher, username, password,
            address=client_address(request), limits=platform.login_limits,
        )  # fmt: skip
    except (AuthenticationFailed, TooManyAttempts) as exc:
        context = {
            "next": safe_next(next) or "",
            "error": said(request, platform, exc),
            "username": username,
        }
        if isinstance(exc, TooManyAttempts):
            refused = render(request, platform, "login.html", context, status_code=429)
            refused.headers["Retry-After"] = str(exc.retry_after)
            return refused
        return render(request, platform, "login.html", context, status_code=401)
    if two_factor_on(platform.db, viewer.user_id):  # the code next, then the session
        target = safe_next(next)
        response = redirect("/login/code" + (f"?next={quote(target)}" if target else ""))
        pending_login(response, platform, viewer.user_id)
        return response
    token = start_session(
        platform.db, viewer.user_id, kind="cookie", hours=platform.settings.session_hours
    )
    response = redirect(safe_next(next) or HOME[viewer.role])
    set_session_cookie(response, platform, token)
    return response


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request, platform: PlatformDep, next: str | None = None) -> Response:
    context: dict[str, object] = {"error": None, "form": {}, "next": safe_next(next) or ""}
    return render(request, platform, "register.html", context)


@router.post("/register", dependencies=[CsrfChecked])
def register(
    request: Request,
    platform: PlatformDep,
    username: Annotated[str, Form(max_length=64)],
    display_name: Annotated[str, Form(max_length=120)],
    password: Annotated[str, Form(max_length=1024)],
    password_again: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {"username": username, "display_name": display_name}
    try:
        if password != password_again:
            raise InvalidInput("password_again", "the two passwords differ")
        viewer = register_user(
            platform.db,
            platform.hasher,
            username=username,
            password=password,
            display_name=display_name,
        )
    except InvalidInput as exc:
        context = {
            "error": said(request, platform, exc), "field": exc.field, "form": form,
            "next": safe_next(next) or "",
        }  # fmt: skip
        return render(request, platform, "register.html", context, status_code=400)
    token = start_session(
        platform.db, viewer.user_id, kind="cookie", hours=platform.settings.session_hours
    )
    # a new learner first goes where their link led (a class's join page), else to onboarding
    response = redirect(safe_next(next) or "/learn/onboarding")
    set_session_cookie(response, platform, token)
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, platform: PlatformDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(platform.db, token)
    response = redirect("/login")
    clear_session_cookie(response)
    return response


# A reader's choice of language is kept for a year in their browser (no account needed: the
# login page speaks it too).
LANGUAGE_COOKIE_DAYS = 365


@router.post("/language", dependencies=[CsrfChecked])
def choose_language(
    platform: PlatformDep,
    lang: Annotated[str, Form(max_length=16)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if lang not in platform.catalogs.languages:
        raise InvalidInput(
            "lang",
            "learnloop speaks %(names)s, not %(lang)s",
            names=", ".join(platform.catalogs.languages),
            lang=repr(lang),
        )
    response = redirect(safe_next(next) or "/")
    response.set_cookie(
        LANGUAGE_COOKIE, lang, max_age=LANGUAGE_COOKIE_DAYS * 86400, httponly=True,
        samesite="lax", secure=platform.settings.secure_cookies, path="/",
    )  # fmt: skip
    return response


def _export(platform: Platform, viewer: Viewer, now: datetime) -> dict[str, Any]:
    catch_up(platform.db)  # the statements naming the user are found by their filed keys
    return learner_export(platform.db, viewer, public_url=platform.settings.public_url, now=now)


def data_page(
    request: Request, platform: Platform, viewer: Viewer, extra: dict[str, Any], status: int = 200
) -> Response:
    """The "My data" page, with what a form on it answered in ``extra``."""
    now = datetime.now(UTC)
    export = _export(platform, viewer, now)
    context = {
        "kept": kept_counts(export), "labels_kept": KEPT_LABELS, "today": now.date(),
        "linked": linked_names(export),
        "classes": my_classes(platform.db, viewer) if viewer.role is Role.LEARNER else None,
        "forwarded_to": forward_hosts(platform.db, viewer.user_id),
        **extra,
    }  # fmt: skip
    return render(request, platform, "account_data.html", context, viewer=viewer,
                  status_code=status)  # fmt: skip


@router.get("/account/data", response_class=HTMLResponse)
def my_data_page(
    request: Request, platform: PlatformDep, viewer: PageViewer, left: int = 0
) -> Response:
    """What learnloop keeps about the logged-in user, kind by kind, and who sees it: for a
    learner, their classes and their educators (``left``: they just left one)."""
    return data_page(request, platform, viewer, {"left": bool(left)})


@router.get("/account/data.json")
def my_data(platform: PlatformDep, viewer: PageViewer) -> Response:
    """Everything learnloop keeps about the logged-in user, as a JSON download."""
    now = datetime.now(UTC)
    data = _export(platform, viewer, now)
    name = f"learnloop-{viewer.username}-{now.date().isoformat()}.json"
    return JSONResponse(data, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# What the password page says after a form about the recovery address (``?email=``).
_EMAIL_NEWS = frozenset({"sent", "unsent", "removed"})


def password_page_with(
    request: Request, platform: Platform, viewer: Viewer, extra: dict[str, Any], status: int = 200
) -> Response:
    """The password page, with the recovery address (web.pages.account_recovery) and what a form
    on it answered in ``extra``."""
    context = {
        "error": None, "field": None, "done": False, "min_length": MIN_PASSWORD_LENGTH,
        "recovery": my_recovery_email(platform.db, viewer.user_id),
        "mail_ready": mail_ready(platform), "email_error": None, "email_field": None,
        "email_news": None, "ended": None,
        "sessions": own_sessions(platform.db, viewer.user_id, request.cookies.get(SESSION_COOKIE)),
        **extra,
    }  # fmt: skip
    return render(request, platform, "password.html", context, viewer=viewer, status_code=status)


def _password_page(
    request: Request, platform: PlatformDep, viewer: Viewer, *, error: str | None = None,
    field: str | None = None, done: bool = False, status: int = 200,
) -> Response:  # fmt: skip
    extra = {"error": error, "field": field, "done": done}
    return password_page_with(request, platform, viewer, extra, status)


@router.get("/account/password", response_class=HTMLResponse)
def password_page(
    request: Request, platform: PlatformDep, viewer: PageViewer, done: int = 0, email: str = "",
    ended: int | None = None,
) -> Response:  # fmt: skip
    """``email``: what became of the recovery address a form just gave or removed; ``ended``:
    how many of the account's other sessions the last form ended."""
    news = {"email_news": email if email in _EMAIL_NEWS else None, "done": bool(done),
            "ended": ended}  # fmt: skip
    return password_page_with(request, platform, viewer, news)


@router.post("/account/password", dependencies=[CsrfChecked])
def password_change(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    background: BackgroundTasks,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    new_again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Change one's own password; other sessions and API tokens of the account end."""
    try:
        if new != new_again:
            raise InvalidInput("new_again", "the two new passwords differ")
        change_password(
            platform.db, platform.hasher, viewer, current=current, new=new,
            keep_token=request.cookies.get(SESSION_COOKIE), address=client_address(request),
            limits=platform.login_limits,
        )  # fmt: skip
    except InvalidInput as exc:
        return _password_page(
            request,
            platform,
            viewer,
            error=said(request, platform, exc),
            field=exc.field,
            status=400,
        )
    except AuthenticationFailed:
        return _password_page(
            request, platform, viewer, error="the current password is not right",
            field="current", status=400,
        )  # fmt: skip
    tell_owner(background, platform, viewer, "password",
               confirmed=my_recovery_email(platform.db, viewer.user_id),
               language=language_of(request, platform), words=wording_for(request, platform))  # fmt: skip
    return redirect("/account/password?done=1")
