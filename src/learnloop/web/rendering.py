"""Rendering pages: every template gets the viewer and a CSRF token; cookies are set safely."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop.domain import Viewer
from learnloop.domain.language import Wording
from learnloop.exceptions import ContentError, LearnloopError
from learnloop.web.csrf import CSRF_COOKIE, mask_token, new_csrf_token, valid_csrf_token
from learnloop.web.deps import SESSION_COOKIE
from learnloop.web.i18n import LANGUAGE_COOKIE, use
from learnloop.web.platform import Platform

__all__ = [
    "CSP",
    "clear_session_cookie",
    "language_of",
    "redirect",
    "render",
    "said",
    "set_session_cookie",
    "wording_for",
]


# No inline script anywhere; authored content is sanitized, and this forbids the rest.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' https:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def language_of(request: Request, platform: Platform) -> str:
    """The language this request's pages speak (``web.i18n``)."""
    return platform.catalogs.choose(
        request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )


def wording_for(request: Request, platform: Platform) -> Wording:
    """How a report writes this request's sentences (``domain.language``)."""
    return platform.catalogs.wording(language_of(request, platform))


def said(request: Request, platform: Platform, error: LearnloopError) -> str:
    """An error's message in the reader's language (its English where the catalog has none);
    an invalid field's message without the field's name."""
    return (
        wording_for(request, platform)(error.template, **error.values)
        if error.template
        else str(error)
    )


def problems(request: Request, platform: Platform, error: LearnloopError) -> list[str]:
    """What a form that sends a file shows when it is refused: every problem of a course or a
    roster (FILE:LINE: message, as the command line prints them), else the error in the reader's
    language."""
    if isinstance(error, ContentError):
        return [str(issue) for issue in error.issues]
    return [said(request, platform, error)]


def render(
    request: Request,
    platform: Platform,
    template: str,
    context: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie is not None and valid_csrf_token(cookie, platform.secret_key):
        token = cookie
    else:
        token = new_csrf_token(platform.secret_key)
    fresh = token != cookie
    language = language_of(request, platform)
    with use(language, platform.catalogs.wording(language)):
        response = platform.templates.TemplateResponse(
            request,
            template,
            {
                "viewer": viewer, "csrf_token": mask_token(token), "lang": language,
                "languages": platform.catalogs.languages, "today": datetime.now(UTC).date(),
                **context,
            },
            status_code=status_code,
        )  # fmt: skip
    response.headers["Content-Language"] = language
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
    if fresh:
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
