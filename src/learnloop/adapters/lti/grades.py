"""LTI Assignment and Grade Services 2.0, the part a tool needs to post scores: the client
assertion that buys an access token (RFC 7523, as the IMS Security Framework's client-credentials
grant asks), the scores URL of a line item, and the score itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt

from learnloop.adapters.lti.keys import ToolKey
from learnloop.adapters.lti.launch import SCORE_SCOPE

__all__ = ["SCORE_MEDIA_TYPE", "client_assertion", "score", "scores_url", "token_request"]

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# How long the tool's client assertion is good for (seconds): it is used at once.
ASSERTION_SECONDS = 300


def client_assertion(
    key: ToolKey, *, client_id: str, token_url: str, now: datetime, jti: str
) -> str:
    """A JWT signed with the tool's key: issuer and subject the client id, audience the token URL."""
    issued = int(now.timestamp())
    claims = {
        "iss": client_id, "sub": client_id, "aud": token_url, "iat": issued,
        "exp": issued + ASSERTION_SECONDS, "jti": jti,
    }  # fmt: skip
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def token_request(assertion: str, scope: str = SCORE_SCOPE) -> dict[str, str]:
    """The form the tool posts to the platform's token URL for an access token to ``scope``."""
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": scope,
    }


def scores_url(lineitem_url: str) -> str:
    """The line item's scores endpoint: ``/scores`` after its path, its query kept (Moodle's line
    item URLs carry one)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score(*, user_id: str, given: float, maximum: float, now: datetime) -> dict[str, Any]:
    """A score: so many of ``maximum`` (learnloop sends the objectives mastered of the course's),
    complete once all are, and final as sent (nothing waits for a person to grade it)."""
    return {
        "userId": user_id,
        "scoreGiven": given,
        "scoreMaximum": maximum,
        "activityProgress": "Completed" if given >= maximum else "InProgress",
        "gradingProgress": "FullyGraded",
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
