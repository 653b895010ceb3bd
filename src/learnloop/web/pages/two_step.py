"""Two-step sign-in on the pages (services.two_factor): the code asked after a right password, and
the account page where a person turns it on (a QR code for their app, then a code from it, then
their recovery codes, shown once) or off (their password and a code).

Between the two steps nobody is signed in: the login page leaves a short-lived cookie that names
the account, signed with the instance's key (HMAC-SHA256) and good for PENDING_MINUTES; the code
page turns it into a session."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from learnloop.domain import Viewer
from learnloop.exceptions import AuthenticationFailed, InvalidInput, TooManyAttempts
from learnloop.services.accounts import start_session, viewer_for_user
from learnloop.services.two_factor import (
    check_second_step,
    finish_enrolment,
    pending_enrolment,
    start_enrolment,
    turn_off_two_factor,
    two_factor_on,
)
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep, client_address
from learnloop.web.navigation import HOME, safe_next
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, render, said, set_session_cookie

router = APIRouter()

PENDING_COOKIE = "ll_pending"
# Minutes between a right password and its code: time to find the phone, short enough that a
# cookie left on a shared computer is soon worth nothing.
PENDING_MINUTES = 5


def _signature(key: str, payload: str) -> str:
    mac = hmac.new(hashlib.sha256(b"pending login\0" + key.encode()).digest(), payload.encode(),
                   hashlib.sha256)  # fmt: skip
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def pending_login(response: Response, platform: Platform, user_id: int) -> None:
    """Leave the cookie that lets the code page finish signing ``user_id`` in."""
    expires = int((datetime.now(UTC) + timedelta(minutes=PENDING_MINUTES)).timestamp())
    payload = f"{user_id}.{expires}.{secrets.token_urlsafe(8)}"
    response.set_cookie(
        PENDING_COOKIE, f"{payload}.{_signature(platform.secret_key, payload)}",
        max_age=PENDING_MINUTES * 60, httponly=True, samesite="lax",
        secure=platform.settings.secure_cookies, path="/login",
    )  # fmt: skip


def _pending_user(request: Request, platform: Platform) -> int | None:
    """The account the cookie names, while it is genuine and fresh."""
    value = request.cookies.get(PENDING_COOKIE, "")
    payload, _, signature = value.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _signature(platform.secret_key, payload)):
        return None
    parts = payload.split(".")
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    user_id, expires = parts[0], parts[1]
    if int(expires) < datetime.now(UTC).timestamp():
        return None
    return int(user_id)


def _code_page(
    request: Request, platform: Platform, *, next: str, error: str = "", status: int = 200
) -> Response:
    context = {"next": next, "error": error}
    return render(request, platform, "login_code.html", context, status_code=status)


@router.get("/login/code", response_class=HTMLResponse)
def code_page(request: Request, platform: PlatformDep, next: str = "") -> Response:
    if _pending_user(request, platform) is None:
        return redirect("/login")
    return _code_page(request, platform, next=next)


@router.post("/login/code", dependencies=[CsrfChecked])
def code(
    request: Request,
    platform: PlatformDep,
    code: Annotated[str, Form(max_length=40)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The second step: a session once the code is right."""
    user_id = _pending_user(request, platform)
    if user_id is None:
        return redirect("/login")
    try:
        check_second_step(
            platform.db, user_id, platform.secret_key, code,
            address=client_address(request), limits=platform.login_limits,
        )  # fmt: skip
    except TooManyAttempts as exc:
        refused = _code_page(request, platform, next=next, error=said(request, platform, exc),
                             status=429)  # fmt: skip
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    except AuthenticationFailed as exc:
        return _code_page(request, platform, next=next, error=said(request, platform, exc),
                          status=401)  # fmt: skip
    viewer = viewer_for_user(platform.db, user_id)
    token = start_session(
        platform.db, user_id, kind="cookie", hours=platform.settings.session_hours
    )
    response = redirect(safe_next(next) or HOME[viewer.role])
    set_session_cookie(response, platform, token)
    response.delete_cookie(PENDING_COOKIE, path="/login")
    return response


def _qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code (segno: markup, no image file)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#111827", light="#ffffff",
                                                 title="QR")  # fmt: skip
    return Markup(svg)  # noqa: S704 (segno's own SVG of a URI this code made)


def _settings_page(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = {"on": two_factor_on(platform.db, viewer.user_id), **(extra or {})}
    return render(request, platform, "two_step.html", context, viewer=viewer, status_code=status)


@router.get("/account/two-step", response_class=HTMLResponse)
def settings_page(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    return _settings_page(request, platform, viewer)


@router.post("/account/two-step/start", dependencies=[CsrfChecked])
def start(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    """A new secret for the app: its QR code and its letters, then a form for the app's code."""
    try:
        enrolment = start_enrolment(platform.db, viewer, platform.secret_key)
    except InvalidInput as exc:
        return _settings_page(request, platform, viewer, {"error": said(request, platform, exc)},
                              400)  # fmt: skip
    extra = {"enrolment": enrolment, "qr": _qr_svg(enrolment.uri)}
    return _settings_page(request, platform, viewer, extra)


@router.post("/account/two-step/confirm", dependencies=[CsrfChecked])
def confirm(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """On with the app's code: the recovery codes, shown on this answer only."""
    try:
        codes = finish_enrolment(platform.db, viewer, platform.secret_key, code)
    except InvalidInput as exc:
        extra: dict[str, Any] = {"error": said(request, platform, exc)}
        again = pending_enrolment(platform.db, viewer, platform.secret_key)
        if again is not None:  # the same key again, for another try at its code
            extra |= {"enrolment": again, "qr": _qr_svg(again.uri)}
        return _settings_page(request, platform, viewer, extra, 400)
    return _settings_page(request, platform, viewer, {"recovery": codes})


@router.post("/account/two-step/off", dependencies=[CsrfChecked])
def off(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    password: Annotated[str, Form(max_length=1024)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        turn_off_two_factor(
            platform.db, platform.hasher, viewer, platform.secret_key, password=password,
            code=code, address=client_address(request), limits=platform.login_limits,
        )  # fmt: skip
    except (InvalidInput, TooManyAttempts) as exc:
        extra = {"off_error": said(request, platform, exc),
                 "off_field": getattr(exc, "field", "")}  # fmt: skip
        return _settings_page(request, platform, viewer, extra, 400)
    return _settings_page(request, platform, viewer, {"turned_off": True})
