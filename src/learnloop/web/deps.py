"""Typed dependencies: the platform, the current user of a page or of the API, CSRF checks."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

from fastapi import Depends, Form, Request, Response, UploadFile

from learnloop.domain import Role, Viewer
from learnloop.domain.language import Wording
from learnloop.exceptions import AuthenticationFailed, InvalidInput, PermissionDenied
from learnloop.services.accounts import viewer_for_token
from learnloop.storage.access import require_role
from learnloop.web.csrf import check_csrf
from learnloop.web.platform import Platform

__all__ = [
    "PASSWORD_CHANGE_PATHS",
    "SESSION_COOKIE",
    "ApiAdmin",
    "ApiViewer",
    "ApiWords",
    "CsrfChecked",
    "FormAnswer",
    "LoginRequired",
    "PageViewer",
    "PasswordChangeRequired",
    "PlatformDep",
    "sent_file",
    "typed_body",
]

SESSION_COOKIE = "ll_session"


class LoginRequired(Exception):
    """A page needs a logged-in user; the app redirects to the login page."""


def client_address(request: Request) -> str:
    """The client's IP address as the server sees it (behind a reverse proxy, uvicorn takes it
    from X-Forwarded-For only when the proxy is named in LEARNLOOP_FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else ""


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


class PasswordChangeRequired(Exception):
    """The user holds a one-time password: every page but the password page sends them there."""


# What a user with a one-time password may still reach: the page to change it, and the way out.
PASSWORD_CHANGE_PATHS = ("/account/password", "/logout")


def page_viewer(request: Request, platform: PlatformDep) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired
    try:
        viewer = viewer_for_token(platform.db, token, kind="cookie")
    except AuthenticationFailed:
        raise LoginRequired from None
    if viewer.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequired
    return viewer


def api_viewer(request: Request, platform: PlatformDep) -> Viewer:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationFailed("send 'Authorization: Bearer <token>' (POST /api/v1/auth/token)")
    viewer = viewer_for_token(platform.db, token.strip(), kind="api")
    if viewer.must_change_password:
        raise PermissionDenied("choose your own password first, on the page /account/password")
    return viewer


async def csrf_checked(request: Request, platform: PlatformDep) -> None:
    await check_csrf(request, platform.secret_key)


def api_words(request: Request, response: Response, platform: PlatformDep) -> Wording:
    """How an API answer writes its sentences for people (reasons, flags, advice): in the first
    language of the request's Accept-Language that learnloop speaks, else the instance's
    default; the answer says which (Content-Language) and that it depends on the header. Codes
    and field names stay as they are, for programs."""
    language = platform.catalogs.choose(None, request.headers.get("accept-language"))
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    return platform.catalogs.wording(language)


PageViewer = Annotated[Viewer, Depends(page_viewer)]
ApiViewer = Annotated[Viewer, Depends(api_viewer)]
ApiWords = Annotated[Wording, Depends(api_words)]


def _api_admin(viewer: ApiViewer) -> Viewer:
    """The API caller when an admin, checked before the route reads its body (an upload)."""
    require_role(viewer, Role.ADMIN)
    return viewer


ApiAdmin = Annotated[Viewer, Depends(_api_admin)]


async def typed_body(request: Request, kinds: Collection[str], message: str) -> bytes:
    """The request's body when its Content-Type is one of ``kinds`` (within the size limits of
    web.request_limits); else InvalidInput naming Content-Type, with ``message``."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in kinds:
        raise InvalidInput("Content-Type", message)
    return await request.body()


def sent_file(upload: UploadFile | None) -> tuple[bytes, str]:
    """A form's file as (bytes, name); empty when none was chosen."""
    if upload is None:
        return b"", ""
    return upload.file.read(), upload.filename or ""


CsrfChecked = Depends(csrf_checked)


def _form_answer(response: Annotated[list[str] | None, Form()] = None) -> str | list[str]:
    """An item's answer as a form sends it (``response`` inputs): the one value, or the values in
    order (several checkboxes, an ordering's places); blank inputs left out."""
    values = [v for v in (response or []) if v.strip()]
    return values[0] if len(values) == 1 else values


FormAnswer = Annotated[str | list[str], Depends(_form_answer)]
