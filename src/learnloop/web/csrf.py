"""CSRF protection for forms: a signed double-submit token.

Each browser gets a random token in an HttpOnly, SameSite=Strict cookie, signed with the
instance's secret (HMAC-SHA256) so that a sibling site cannot plant one of its choosing. Every
form carries the token in a hidden field; a POST whose field and cookie differ, or whose
signature is wrong, is refused before the route runs. Session cookies are SameSite=Lax besides.

The field carries the token masked afresh on every page (a random pad, and the token XOR the
pad), so the bytes of the secret differ from one response to the next. Pages are compressed
(``web.compression``), and a page that reflects what a visitor typed beside a constant secret
lets an observer of compressed sizes guess the secret a character at a time (BREACH, 2013); a
masked token gives that guess nothing to converge on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from fastapi import Request

from learnloop.exceptions import N_

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CsrfFailed",
    "mask_token",
    "new_csrf_token",
    "unmask_token",
    "valid_csrf_token",
]

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
    return hmac.compare_digest(signature.encode(), _sign(nonce, key).encode())


def mask_token(token: str) -> str:
    """The token as a form carries it: a fresh random pad, then the token XOR the pad, in
    URL-safe base64 (which never contains the token's ".", so the two forms cannot be confused)."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(
        pad + bytes(a ^ b for a, b in zip(raw, pad, strict=True))
    ).decode()


def unmask_token(masked: str) -> str | None:
    """The token a masked field carries, or None when the field is not a masked token."""
    try:
        both = base64.urlsafe_b64decode(masked.encode("ascii"))
    except (ValueError, binascii.Error):
        return None
    half = len(both) // 2
    if not both or len(both) != 2 * half:
        return None
    try:
        return bytes(a ^ b for a, b in zip(both[half:], both[:half], strict=True)).decode("ascii")
    except UnicodeDecodeError:
        return None


def _same_token(field: str, cookie: str) -> bool:
    """The field holds the cookie's token, masked (as pages render it) or as it is (as a client
    that reads its own cookie may send it: knowing the cookie already proves the origin)."""
    token = field if "." in field else unmask_token(field)
    return token is not None and hmac.compare_digest(token.encode(), cookie.encode())


async def check_csrf(request: Request, key: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    form = await request.form()
    field = form.get(CSRF_FIELD)
    if not (
        isinstance(field, str)
        and cookie
        and valid_csrf_token(cookie, key)
        and _same_token(field, cookie)
    ):
        raise CsrfFailed(
            N_("the form's security token is missing or stale; reload the page and try again")
        )
