"""LTI 1.3 (IMS Learning Tools Interoperability): learnloop as a tool launched from a platform
such as Moodle, Canvas or Open edX. Pure: no storage, no network (services.lti does both)."""

from learnloop.adapters.lti.keys import ToolKey, new_tool_key, platform_key, public_jwks
from learnloop.adapters.lti.launch import (
    CLAIM,
    EDUCATOR_ROLES,
    Launch,
    LaunchRefused,
    is_educator,
    login_request_url,
    read_launch,
    unverified_kid,
)

__all__ = [
    "CLAIM",
    "EDUCATOR_ROLES",
    "Launch",
    "LaunchRefused",
    "ToolKey",
    "is_educator",
    "login_request_url",
    "new_tool_key",
    "platform_key",
    "public_jwks",
    "read_launch",
    "unverified_kid",
]
