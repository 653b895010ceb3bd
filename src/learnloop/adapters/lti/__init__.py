"""LTI 1.3 (IMS Learning Tools Interoperability): learnloop as a tool launched from a platform
such as Moodle, Canvas or Open edX. Pure: no storage, no network (services.lti does both)."""

from learnloop.adapters.lti.grades import (
    SCORE_MEDIA_TYPE,
    client_assertion,
    score,
    scores_url,
    token_request,
)
from learnloop.adapters.lti.keys import ToolKey, new_tool_key, platform_key, public_jwks
from learnloop.adapters.lti.launch import (
    AGS_CLAIM,
    CLAIM,
    EDUCATOR_ROLES,
    SCORE_SCOPE,
    Launch,
    LaunchRefused,
    is_educator,
    login_request_url,
    read_launch,
    unverified_kid,
)

__all__ = [
    "AGS_CLAIM",
    "CLAIM",
    "EDUCATOR_ROLES",
    "SCORE_MEDIA_TYPE",
    "SCORE_SCOPE",
    "Launch",
    "LaunchRefused",
    "ToolKey",
    "client_assertion",
    "is_educator",
    "login_request_url",
    "new_tool_key",
    "platform_key",
    "public_jwks",
    "read_launch",
    "score",
    "scores_url",
    "token_request",
    "unverified_kid",
]
