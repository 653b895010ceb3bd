"""Typed dependencies: the platform, the current user of a page or of the API, CSRF checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request, Response

from learnloop.domain import Viewer
from learnloop.domain.language import Wording
from learnloop.exceptions import AuthenticationFailed, PermissionDenied
from learnloop.services.accounts import viewer_for_token
from learnloop.web.csrf import check_csrf
from learnloop.web.platform import Platform

__all__ = [
    "PASSWORD_CHANGE_PATHS",
    "SESSION_COOKIE",
    "ApiViewer",
    "ApiWords",
    "CsrfChecked",
    "FormAnswer",
    "LoginRequired",
    "PageViewer",
    "PasswordChangeRequired",
    "PlatformDep",
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
CsrfChecked = Depends(csrf_checked)


def _form_answer(response: Annotated[list[str] | None, Form()] = None) -> str | list[str]:
    """An item's answer as a form sends it (``response`` inputs): the one value, or the values in
    order (several checkboxes, an ordering's places); blank inputs left out."""
    values = [v for v in (response or []) if v.strip()]
    return values[0] if len(values) == 1 else values


FormAnswer = Annotated[str | list[str], Depends(_form_answer)]
