"""Calls from the tool to a platform's services (grades, rosters): an access token bought with a
client assertion signed by the tool's key (the IMS Security Framework's client-credentials grant),
and plain HTTPS requests that turn every failure into one ``PlatformError`` naming the URL."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any

from learnloop.adapters.lti import client_assertion, token_request
from learnloop.exceptions import InvalidInput
from learnloop.services.lti_platforms import check_url, signing_keys
from learnloop.storage import Database
from learnloop.storage.tables import LtiPlatform

__all__ = ["PlatformError", "Tokens", "access_token", "fetch_jwks", "get", "json_of", "post"]

# Seconds to wait for a platform's endpoint before counting the call as failed (retried next run).
HTTP_TIMEOUT_SECONDS = 10
# The largest answer read from a platform: a page of a roster or a token is far smaller.
MAX_ANSWER_BYTES = 10_000_000
# A platform's key set is a few kilobytes; a larger answer is not one.
MAX_JWKS_BYTES = 1_000_000


class PlatformError(Exception):
    """A platform's endpoint could not be reached, refused, or answered nonsense."""


def _call(request: urllib.request.Request) -> tuple[bytes, str]:
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as answer:  # noqa: S310
            return bytes(answer.read(MAX_ANSWER_BYTES)), answer.headers.get("Link", "")
    except urllib.error.HTTPError as exc:
        exc.close()  # its body is not read: free the connection
        raise PlatformError(f"{request.full_url} answered {exc.code}") from None
    except OSError as exc:
        raise PlatformError(f"{request.full_url} could not be reached: {exc}") from None


def post(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    return _call(request)[0]


def get(url: str, headers: dict[str, str]) -> tuple[bytes, str]:
    """The answer's body and its Link header (for paging)."""
    return _call(urllib.request.Request(url, headers=headers, method="GET"))  # noqa: S310


def json_of(body: bytes, url: str) -> Any:
    """The JSON a platform answered at ``url``."""
    try:
        return json.loads(body)
    except ValueError:
        raise PlatformError(f"{url} did not answer JSON") from None


def fetch_jwks(url: str) -> dict[str, Any]:
    """The key set a platform publishes at ``url`` (HTTPS, or HTTP on this machine)."""
    check_url("jwks_url", url)
    try:
        body, _ = get(url, {"Accept": "application/json"})
        if len(body) > MAX_JWKS_BYTES:
            raise PlatformError(f"{url}: the key set is too large")
        value = json_of(body, url)
    except PlatformError as exc:
        raise InvalidInput("jwks", f"the platform's key set could not be fetched: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidInput("jwks", "the platform's key set is not a JSON object")
    return value


def access_token(db: Database, platform: LtiPlatform, scope: str, now: datetime) -> str:
    """A bearer token for ``scope`` from the platform's token URL."""
    key = signing_keys(db, now)[0]
    assertion = client_assertion(
        key, client_id=platform.client_id, token_url=platform.auth_token_url, now=now,
        jti=secrets.token_urlsafe(16),
    )  # fmt: skip
    answer = post(
        platform.auth_token_url, urllib.parse.urlencode(token_request(assertion, scope)).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    found = json_of(answer, platform.auth_token_url)
    token = found.get("access_token") if isinstance(found, dict) else None
    if not isinstance(token, str) or not token:
        raise PlatformError(f"{platform.auth_token_url} gave no access token")
    return token


class Tokens:
    """One access token per platform for a run of calls: a platform that refused once is not
    asked again in the same run (its calls fail with the same error)."""

    def __init__(self, db: Database, scope: str, now: datetime) -> None:
        self._db, self._scope, self._now = db, scope, now
        self._known: dict[int, str | PlatformError] = {}

    def of(self, platform: LtiPlatform) -> str:
        if platform.id not in self._known:
            try:
                self._known[platform.id] = access_token(self._db, platform, self._scope, self._now)
            except PlatformError as exc:
                self._known[platform.id] = exc
        token = self._known[platform.id]
        if isinstance(token, PlatformError):
            raise token
        return token
