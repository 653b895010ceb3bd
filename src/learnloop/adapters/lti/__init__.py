"""LTI 1.3 (IMS Learning Tools Interoperability): learnloop as a tool launched from a platform
such as Moodle, Canvas or Open edX. Pure: no storage, no network (services.lti does both)."""

from learnloop.adapters.lti.deep_linking import (
    DEEP_LINKING_RESPONSE,
    SCORE_TEST_CHOICE,
    ChosenActivity,
    deep_linking_response,
)
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
    DEEP_LINKING,
    EDUCATOR_ROLES,
    SCORE_SCOPE,
    Launch,
    LaunchRefused,
    is_educator,
    login_request_url,
    read_launch,
    unverified_kid,
)
from learnloop.adapters.lti.names_roles import (
    MEMBERSHIP_MEDIA_TYPE,
    NRPS_CLAIM,
    ROSTER_SCOPE,
    Member,
    members,
    next_page,
)
from learnloop.adapters.lti.registration import (
    PlatformConfiguration,
    client_registration,
    platform_configuration,
    registered,
)

__all__ = [
    "AGS_CLAIM",
    "CLAIM",
    "DEEP_LINKING",
    "DEEP_LINKING_RESPONSE",
    "EDUCATOR_ROLES",
    "MEMBERSHIP_MEDIA_TYPE",
    "NRPS_CLAIM",
    "RESOURCE_LINK",
    "ROSTER_SCOPE",
    "SCORE_MEDIA_TYPE",
    "SCORE_SCOPE",
    "SCORE_TEST_CHOICE",
    "ChosenActivity",
    "Launch",
    "LaunchRefused",
    "Member",
    "PlatformConfiguration",
    "ToolKey",
    "client_assertion",
    "client_registration",
    "deep_linking_response",
    "is_educator",
    "login_request_url",
    "members",
    "new_tool_key",
    "next_page",
    "platform_configuration",
    "platform_key",
    "public_jwks",
    "read_launch",
    "registered",
    "score",
    "scores_url",
    "token_request",
    "unverified_kid",
]
