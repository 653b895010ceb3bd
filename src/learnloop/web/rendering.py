"""Rendering pages: every template gets the viewer and a CSRF token; cookies are set safely."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop.domain import Viewer
from learnloop.web.csrf import CSRF_COOKIE, new_csrf_token, valid_csrf_token
from learnloop.web.deps import SESSION_COOKIE
from learnloop.web.platform import Platform

__all__ = ["CSP", "clear_session_cookie", "redirect", "render", "set_session_cookie"]


# No inline script anywhere; authored content is sanitized, and this forbids the rest.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' https:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def render(
    request: Request,
    platform: Platform,
    template: str,
    context: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    token = request.cookies.get(CSRF_COOKIE)
    fresh = not valid_csrf_token(token, platform.secret_key)
    if fresh:
        token = new_csrf_token(platform.secret_key)
    response = platform.templates.TemplateResponse(
        request,
        template,
        {"viewer": viewer, "csrf_token": token, **context},
        status_code=status_code,
    )
    if fresh and token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=platform.settings.secure_cookies,
            path="/",
        )
    return response


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a POST, the browser GETs the next page (no resubmission on reload)."""
    return RedirectResponse(url, status_code=303)


def set_session_cookie(response: Response, platform: Platform, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=platform.settings.secure_cookies,
        max_age=platform.settings.session_hours * 3600,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
