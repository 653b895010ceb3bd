"""A forgotten password, as the pages do it (web.pages.account_recovery): the caller's recovery
address (given with their password; the link that confirms it goes by mail), a request for a
reset link (answered 202 whatever matched), and the reset itself with the link's secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from learnloop.exceptions import InvalidInput
from learnloop.reports.account_recovery import my_recovery_email
from learnloop.services.account_recovery import (
    confirm_recovery_email,
    remove_recovery_email,
    request_password_reset,
    reset_password_with_link,
    set_recovery_email,
)
from learnloop.web.deps import ApiViewer, PlatformDep, client_address
from learnloop.web.recovery_mail import (
    MailError,
    mail_ready,
    send_links,
    send_links_quietly,
    tell_owner,
)

router = APIRouter(tags=["auth"])

_SENT = "if an account with a confirmed address matches, a reset link is on its way to it"


class RecoveryEmailOut(BaseModel):
    email: str | None  # null: none given
    confirmed: bool  # its confirmation link was opened: reset links go to it


class RecoveryEmailIn(BaseModel):
    email: str = Field("", max_length=300)
    password: str = Field("", max_length=1024)  # the caller's, checked as a login is


class ForgotIn(BaseModel):
    who: str = Field("", max_length=254)  # a username, or a confirmed recovery address


class LinkIn(BaseModel):
    token: str = Field("", max_length=64)  # the secret at the end of the mailed link


class ResetIn(LinkIn):
    new_password: str = Field("", max_length=1024)
    code: str = Field(
        "", max_length=40
    )  # where two-step sign-in is on: the app's or a recovery code


def _language(request: Request, platform: PlatformDep) -> str:
    return platform.catalogs.choose(None, request.headers.get("accept-language"))


@router.get("/me/recovery-email", response_model=RecoveryEmailOut)
def recovery_email(platform: PlatformDep, viewer: ApiViewer) -> RecoveryEmailOut:
    mine = my_recovery_email(platform.db, viewer.user_id)
    if mine is None:
        return RecoveryEmailOut(email=None, confirmed=False)
    return RecoveryEmailOut(email=mine.email, confirmed=mine.confirmed_at is not None)


@router.put("/me/recovery-email", status_code=202, response_model=RecoveryEmailOut)
def give_recovery_email(
    request: Request, body: RecoveryEmailIn, platform: PlatformDep, viewer: ApiViewer,
    background: BackgroundTasks,
) -> Response | RecoveryEmailOut:  # fmt: skip
    """Give or replace the address; 202: the link that confirms it went to it (in the language
    of Accept-Language), 502 when the relay failed (the address is kept, unconfirmed)."""
    if not mail_ready(platform):
        raise InvalidInput("email", "this learnloop sends no e-mail: ask an administrator")
    before = my_recovery_email(platform.db, viewer.user_id)
    link = set_recovery_email(
        platform.db, platform.hasher, viewer, email=body.email, password=body.password,
        now=datetime.now(UTC), life=timedelta(hours=platform.settings.confirm_link_hours),
        address=client_address(request), limits=platform.login_limits,
    )  # fmt: skip
    language = _language(request, platform)
    words = platform.catalogs.wording(language)
    tell_owner(background, platform, viewer, "address", confirmed=before, language=language,
               words=words, new_address=link.to)  # fmt: skip
    try:
        send_links(platform, [link], language, words)
    except MailError:
        return JSONResponse({"detail": "the address is kept, but the mail to confirm it could "
                             "not be sent: try again later"}, status_code=502)  # fmt: skip
    return RecoveryEmailOut(email=link.to, confirmed=False)


@router.delete("/me/recovery-email", status_code=204)
def forget_recovery_email(
    request: Request, platform: PlatformDep, viewer: ApiViewer, background: BackgroundTasks
) -> Response:
    before = my_recovery_email(platform.db, viewer.user_id)
    remove_recovery_email(platform.db, viewer, now=datetime.now(UTC))
    language = _language(request, platform)
    tell_owner(background, platform, viewer, "address", confirmed=before, language=language,
               words=platform.catalogs.wording(language))  # fmt: skip
    return Response(status_code=204)


@router.post("/auth/recovery-email/confirm", status_code=204)
def confirm(body: LinkIn, platform: PlatformDep) -> Response:
    confirm_recovery_email(platform.db, body.token, now=datetime.now(UTC))
    return Response(status_code=204)


@router.post("/auth/forgot", status_code=202)
def forgot(
    request: Request, body: ForgotIn, platform: PlatformDep, background: BackgroundTasks
) -> dict[str, str]:
    """The same answer whatever matched; the link goes after it."""
    links = request_password_reset(
        platform.db, who=body.who, now=datetime.now(UTC),
        life=timedelta(minutes=platform.settings.reset_link_minutes),
        address=client_address(request), limits=platform.login_limits,
    )  # fmt: skip
    if links:
        language = _language(request, platform)
        background.add_task(send_links_quietly, platform, links, language,
                            platform.catalogs.wording(language))  # fmt: skip
    return {"detail": _SENT}


@router.post("/auth/reset", status_code=204)
def reset(request: Request, body: ResetIn, platform: PlatformDep) -> Response:
    """Set the password with a reset link's secret; every session and token of the account ends."""
    reset_password_with_link(
        platform.db, platform.hasher, secret=body.token, new=body.new_password, code=body.code,
        key=platform.secret_key, now=datetime.now(UTC), address=client_address(request),
        limits=platform.login_limits,
    )  # fmt: skip
    return Response(status_code=204)
