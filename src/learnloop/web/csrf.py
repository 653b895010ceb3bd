"""CSRF protection for forms: a signed double-submit token.

Each browser gets a random token in an HttpOnly, SameSite=Strict cookie, signed with the
instance's secret (HMAC-SHA256) so that a sibling site cannot plant one of its choosing. Every
form carries the same token in a hidden field; a POST whose field and cookie differ, or whose
signature is wrong, is refused before the route runs. Session cookies are SameSite=Lax besides.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from learnloop.exceptions import N_

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "CsrfFailed", "new_csrf_token", "valid_csrf_token"]

CSRF_COOKIE = "ll_csrf"
CSRF_FIELD = "csrf_token"


class CsrfFailed(Exception):
    """A form came without a valid CSRF token."""


def _sign(nonce: str, key: str) -> str:
    return hmac.new(key.encode(), nonce.encode(), hashlib.sha256).hexdigest()[:32]


def new_csrf_token(key: str) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(nonce, key)}"


def valid_csrf_token(token: str | None, key: str) -> bool:
    if not token or "." not in token:
        return False
    nonce, _, signature = token.partition(".")
    return hmac.compare_digest(signature, _sign(nonce, key))


async def check_csrf(request: Request, key: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    form = await request.form()
    field = form.get(CSRF_FIELD)
    if not (
        isinstance(field, str)
        and cookie
        and valid_csrf_token(cookie, key)
        and hmac.compare_digest(field, cookie)
    ):
        raise CsrfFailed(
            N_("the form's security token is missing or stale; reload the page and try again")
        )
