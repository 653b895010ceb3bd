"""LTI Deep Linking 2.0, the tool's answer: the activities an instructor chose, as resource links
in a JWT signed with the tool's key, which the browser posts to the platform's return URL. Each
link launches learnloop on its activity (custom parameter ``activity``), or on the course's score
test (``score_test=1``); a link marked graded asks the platform for a gradebook column (a line
item) for the activity's objectives, or for the score test's percentile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from learnloop.adapters.lti.keys import ToolKey
from learnloop.adapters.lti.launch import CLAIM

__all__ = [
    "DEEP_LINKING_RESPONSE", "SCORE_TEST_CHOICE", "ChosenActivity", "deep_linking_response",
]  # fmt: skip

DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
# How long the platform may take to receive the answer (seconds): the browser posts it at once.
RESPONSE_SECONDS = 600


# The choice that stands for the course's score test: no activity key can read so (keys start
# with a letter or a digit).
SCORE_TEST_CHOICE = ":score-test"


@dataclass(frozen=True)
class ChosenActivity:
    key: str  # an activity's key, or SCORE_TEST_CHOICE
    title: str
    summary: str
    maximum: int  # the most a graded link's score can be: the objectives it serves, or 100
    graded: bool


def _item(choice: ChosenActivity, launch_url: str, course: str) -> dict[str, Any]:
    custom = (
        {"course": course, "score_test": "1"}
        if choice.key == SCORE_TEST_CHOICE
        else {"course": course, "activity": choice.key}
    )
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": choice.title,
        "url": launch_url,
        "custom": custom,
    }
    if choice.summary:
        item["text"] = choice.summary
    if choice.graded:
        item["lineItem"] = {"scoreMaximum": choice.maximum, "label": choice.title,
                            "resourceId": choice.key.lstrip(":")}  # fmt: skip
    return item


def deep_linking_response(
    key: ToolKey,
    *,
    client_id: str,
    platform_issuer: str,
    deployment_id: str,
    nonce: str,
    data: str,
    chosen: list[ChosenActivity],
    launch_url: str,
    course: str,
    now: datetime,
) -> str:
    """The signed LtiDeepLinkingResponse carrying ``chosen`` (none: the instructor cancelled)."""
    issued = int(now.timestamp())
    claims: dict[str, Any] = {
        "iss": client_id,
        "aud": platform_issuer,
        "iat": issued,
        "exp": issued + RESPONSE_SECONDS,
        "nonce": nonce,
        CLAIM + "message_type": DEEP_LINKING_RESPONSE,
        CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": deployment_id,
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items": [
            _item(c, launch_url, course) for c in chosen
        ],
    }
    if data:
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] = data
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})
