"""A forgotten password (services.account_recovery): the recovery address on one's password page,
the page its confirmation link opens, the "forgot your password?" page, and the page a reset
link opens.

Links open a page with a button and do nothing on GET: mail filters open links to check them,
and a link must not be spent by a scanner. Every answer to a request for a reset link reads the
same, whether or not an account matched.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.exceptions import AuthenticationFailed, InvalidInput, NotFound, TooManyAttempts
from learnloop.reports.account_recovery import my_recovery_email
from learnloop.services.account_recovery import (
    account_to_reset,
    confirm_recovery_email,
    remove_recovery_email,
    request_password_reset,
    reset_password_with_link,
    set_recovery_email,
)
from learnloop.services.accounts import MIN_PASSWORD_LENGTH
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep, client_address
from learnloop.web.pages.accounts import password_page_with
from learnloop.web.platform import Platform
from learnloop.web.recovery_mail import (
    MailError,
    mail_ready,
    send_links,
    send_links_quietly,
    tell_owner,
    valid_for,
)
from learnloop.web.rendering import language_of, redirect, render, said, wording_for

router = APIRouter()

_TOKEN = Annotated[str, Path(max_length=64)]


def _refused(response: Response, exc: Exception) -> Response:
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _forgot_page(
    request: Request, platform: Platform, extra: dict[str, Any], status: int = 200
) -> Response:
    words = wording_for(request, platform)
    context = {
        "mail_ready": mail_ready(platform), "sent": False, "error": None, "who": "",
        "valid_for": valid_for(platform, "reset", words), **extra,
    }  # fmt: skip
    return render(request, platform, "forgot.html", context, status_code=status)


@router.get("/login/forgot", response_class=HTMLResponse)
def forgot_page(request: Request, platform: PlatformDep) -> Response:
    return _forgot_page(request, platform, {})


@router.post("/login/forgot", dependencies=[CsrfChecked])
def forgot(
    request: Request,
    platform: PlatformDep,
    background: BackgroundTasks,
    who: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    """Send a reset link to the confirmed address of the account ``who`` names (a username or
    that address), after the answer, which says the same whatever was found."""
    now = datetime.now(UTC)
    try:
        links = request_password_reset(
            platform.db, who=who, now=now,
            life=timedelta(minutes=platform.settings.reset_link_minutes),
            address=client_address(request), limits=platform.login_limits,
        )  # fmt: skip
    except (InvalidInput, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        page = _forgot_page(request, platform, {"error": said(request, platform, exc), "who": who},
                            status)  # fmt: skip
        return _refused(page, exc)
    if links:
        background.add_task(send_links_quietly, platform, links, language_of(request, platform),
                            wording_for(request, platform))  # fmt: skip
    return _forgot_page(request, platform, {"sent": True, "who": who})


def _reset_page(
    request: Request, platform: Platform, token: str, extra: dict[str, Any], status: int = 200
) -> Response:
    context = {"token": token, "min_length": MIN_PASSWORD_LENGTH, "error": None, "field": None,
               **extra}  # fmt: skip
    if "account" not in context:
        try:
            context["account"] = account_to_reset(platform.db, token, now=datetime.now(UTC))
        except NotFound as exc:
            context |= {"account": None, "error": said(request, platform, exc)}
            status = 404
    return render(request, platform, "reset.html", context, status_code=status)


@router.get("/login/reset/{token}", response_class=HTMLResponse)
def reset_page(request: Request, platform: PlatformDep, token: _TOKEN) -> Response:
    """The form a reset link opens: a new password (and the two-step code, where it is on)."""
    return _reset_page(request, platform, token, {})


@router.post("/login/reset/{token}", dependencies=[CsrfChecked])
def reset(
    request: Request,
    platform: PlatformDep,
    token: _TOKEN,
    new: Annotated[str, Form(max_length=1024)] = "",
    new_again: Annotated[str, Form(max_length=1024)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        if new != new_again:
            raise InvalidInput("new_again", "the two new passwords differ")
        reset_password_with_link(
            platform.db, platform.hasher, secret=token, new=new, code=code,
            key=platform.secret_key, now=datetime.now(UTC), address=client_address(request),
            limits=platform.login_limits,
        )  # fmt: skip
    except NotFound:
        return _reset_page(request, platform, token, {})
    except (InvalidInput, AuthenticationFailed, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        field = exc.field if isinstance(exc, InvalidInput) else "code"
        page = _reset_page(request, platform, token,
                           {"error": said(request, platform, exc), "field": field}, status)  # fmt: skip
        return _refused(page, exc)
    return redirect("/login?reset=1")


@router.post("/account/email", dependencies=[CsrfChecked])
def recovery_email(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=300)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Give or replace one's recovery address, and mail it the link that confirms it."""
    if not mail_ready(platform):
        raise InvalidInput("email", "this learnloop sends no e-mail: ask an administrator")
    now = datetime.now(UTC)
    before = my_recovery_email(platform.db, viewer.user_id)
    try:
        link = set_recovery_email(
            platform.db, platform.hasher, viewer, email=email, password=password, now=now,
            life=timedelta(hours=platform.settings.confirm_link_hours),
            address=client_address(request), limits=platform.login_limits,
        )  # fmt: skip
    except (InvalidInput, AuthenticationFailed, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        field = exc.field if isinstance(exc, InvalidInput) else "password"
        extra = {"email_error": said(request, platform, exc), "email_field": field,
                 "email_entered": email}  # fmt: skip
        return _refused(password_page_with(request, platform, viewer, extra, status), exc)
    language, words = language_of(request, platform), wording_for(request, platform)
    tell_owner(background, platform, viewer, "address", confirmed=before, language=language,
               words=words, new_address=link.to)  # fmt: skip
    try:
        send_links(platform, [link], language, words)
    except MailError:
        return redirect("/account/password?email=unsent")
    return redirect("/account/password?email=sent")


@router.post("/account/email/remove", dependencies=[CsrfChecked])
def recovery_email_remove(
    request: Request, platform: PlatformDep, viewer: PageViewer, background: BackgroundTasks
) -> Response:
    before = my_recovery_email(platform.db, viewer.user_id)
    remove_recovery_email(platform.db, viewer, now=datetime.now(UTC))
    tell_owner(background, platform, viewer, "address", confirmed=before,
               language=language_of(request, platform), words=wording_for(request, platform))  # fmt: skip
    return redirect("/account/password?email=removed")


@router.get("/account/email/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, platform: PlatformDep, token: _TOKEN) -> Response:
    """One button that confirms the address (no login needed: the link is the proof)."""
    context = {"token": token, "done": False, "error": None}
    return render(request, platform, "confirm_email.html", context)


@router.post("/account/email/confirm/{token}", dependencies=[CsrfChecked])
def confirm(request: Request, platform: PlatformDep, token: _TOKEN) -> Response:
    try:
        username = confirm_recovery_email(platform.db, token, now=datetime.now(UTC))
    except NotFound as exc:
        context = {"token": token, "done": False, "error": said(request, platform, exc)}
        return render(request, platform, "confirm_email.html", context, status_code=404)
    context = {"token": token, "done": True, "error": None, "username": username}
    return render(request, platform, "confirm_email.html", context)
