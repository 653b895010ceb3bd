"""LTI Names and Role Provisioning Services 2.0, read side: the members of a platform course, as
its membership container lists them, page by page (``Link: <...>; rel="next"``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from learnloop.adapters.lti.launch import NRPS as NRPS_CLAIM
from learnloop.adapters.lti.launch import LaunchRefused

__all__ = [
    "MEMBERSHIP_MEDIA_TYPE",
    "NRPS_CLAIM",
    "ROSTER_SCOPE",
    "Member",
    "members",
    "next_page",
]

ROSTER_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIP_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class Member:
    user_id: str  # the platform's id for the person: the launches' sub
    name: str
    roles: frozenset[str]
    active: bool


def members(container: Any) -> list[Member]:
    """The members a membership container lists; refuses what is not one, naming the field."""
    if not isinstance(container, dict) or not isinstance(container.get("members"), list):
        raise LaunchRefused("members", "the platform's answer is not a membership container")
    out = []
    for n, entry in enumerate(container["members"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("user_id"), str):
            raise LaunchRefused(f"members[{n}].user_id", "missing or not a string")
        roles = entry.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise LaunchRefused(f"members[{n}].roles", "not a list of strings")
        name = entry.get("name") or f"{entry.get('given_name', '')} {entry.get('family_name', '')}"
        out.append(Member(
            entry["user_id"], " ".join(str(name).split()), frozenset(roles),
            entry.get("status", "Active") == "Active",
        ))  # fmt: skip
    return out


def next_page(link_header: str) -> str:
    """The URL of the next page from a response's Link header, or ""."""
    found = _NEXT.search(link_header or "")
    return found.group(1) if found else ""
