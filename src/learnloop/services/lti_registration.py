"""Dynamic registration (LTI Dynamic Registration 1.0): instead of copying values between
learnloop's command line and the platform's forms, the operator makes a one-time link
(``invite_platform``; ``learnloop lti-platform invite``), and the platform's administrator gives
it to the platform, which opens it with its OpenID configuration and a registration token.
``register_dynamically`` then reads the configuration, registers learnloop with the platform, and
stores the platform with the client id and deployment it answered, consuming the link.

The link is the authority: whoever holds it can register one platform, once, before it expires.
Only its SHA-256 is stored. A failure anywhere leaves the link usable, except when the platform took
the registration and storing it failed (a name or client id already here): then the platform
holds a registration learnloop does not, and its administrator removes it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from learnloop.adapters.lti import (
    LaunchRefused,
    client_registration,
    platform_configuration,
    registered,
)
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.audit import OPERATOR, record_event
from learnloop.services.lti_calls import PlatformError, get, json_of, post
from learnloop.services.lti_platforms import PlatformRegistration, add_platform, check_url
from learnloop.storage import Database
from learnloop.storage.secret_digest import secret_digest
from learnloop.storage.tables import Course as CourseRow
from learnloop.storage.tables import LtiInvite, LtiPlatform

__all__ = ["INVITE_DAYS", "Registered", "invite_platform", "register_dynamically"]

# How long a registration link stays good: time to pass it to the platform's administrator.
INVITE_DAYS = 7
# What learnloop calls itself on the platform's list of tools.
TOOL_NAME = "learnloop"


@dataclass(frozen=True)
class Registered:
    name: str
    issuer: str
    client_id: str
    deployment_id: str
    origin: str  # the platform's scheme and host: its page frames learnloop's answer


def invite_platform(
    db: Database,
    *,
    name: str = "",
    course_slug: str = "",
    now: datetime | None = None,
    actor: str = OPERATOR,
) -> str:
    """A new one-time registration code (the caller builds the link: /lti/register/CODE)."""
    now = now or datetime.now(UTC)
    name = " ".join(name.split())
    if len(name) > 120:
        raise InvalidInput("name", "use at most 120 characters")
    code = secrets.token_urlsafe(24)
    with db.transaction() as s:
        course_id = None
        if course_slug:
            course_id = s.scalar(select(CourseRow.id).where(CourseRow.slug == course_slug))
            if course_id is None:
                raise InvalidInput("course", f"there is no course {course_slug!r}")
        s.add(LtiInvite(
            code_hash=secret_digest(code), name=name, course_id=course_id, created_at=now,
            expires_at=now + timedelta(days=INVITE_DAYS), used_at=None,
        ))  # fmt: skip
        record_event(s, actor=actor, action="lti.invite_created", subject=name or "(unnamed)",
                     now=now, details={"course": course_slug})  # fmt: skip
    return code


def _open_invite(db: Database, code: str, now: datetime) -> LtiInvite:
    with db.reading() as s:
        invite = s.get(LtiInvite, secret_digest(code))
        if invite is None or invite.used_at is not None or invite.expires_at < now:
            raise NotFound("this registration link is unknown, used or expired: ask for a new one")
        return invite


def _free_name(wanted: str, taken: set[str]) -> str:
    name, n = wanted[:115], 1
    while name in taken:
        n += 1
        name = f"{wanted[:115]} {n}"
    return name


def register_dynamically(
    db: Database,
    *,
    code: str,
    configuration_url: str,
    registration_token: str,
    public_url: str,
    now: datetime | None = None,
) -> Registered:
    """Register learnloop with the platform that opened the link ``code`` (see the docstring)."""
    now = now or datetime.now(UTC)
    invite = _open_invite(db, code, now)
    try:
        check_url("openid_configuration", configuration_url)
        body, _ = get(configuration_url, {"Accept": "application/json"})
        config = platform_configuration(json_of(body, configuration_url), configuration_url)
        for field in (
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "registration_endpoint",
        ):
            check_url(field, getattr(config, field))
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if registration_token:
            headers["Authorization"] = f"Bearer {registration_token}"
        request = client_registration(public_url, name=TOOL_NAME)
        answer = post(config.registration_endpoint, json.dumps(request).encode(), headers)
        client_id, deployment = registered(json_of(answer, config.registration_endpoint))
    except LaunchRefused as exc:
        raise InvalidInput(exc.claim, exc.message) from None
    except PlatformError as exc:
        raise InvalidInput("openid_configuration", str(exc)) from None
    host = urlsplit(config.issuer).netloc
    with db.transaction() as s:
        row = s.get(LtiInvite, invite.code_hash)
        if row is None or row.used_at is not None:  # another registration took it meanwhile
            raise NotFound("this registration link is used already: ask for a new one")
        row.used_at = now
        taken = set(s.scalars(select(LtiPlatform.name)))
        name = _free_name(invite.name or f"{config.product or 'LTI platform'} at {host}", taken)
        add_platform(s, PlatformRegistration(
            name=name, issuer=config.issuer, client_id=client_id,
            auth_login_url=config.authorization_endpoint, auth_token_url=config.token_endpoint,
            deployments=(deployment,), jwks_url=config.jwks_uri,
        ), course_id=invite.course_id, now=now, actor=f"lti-registration:{host}")  # fmt: skip
    parts = urlsplit(config.issuer)
    return Registered(
        name, config.issuer, client_id, deployment, f"{parts.scheme}://{parts.netloc}"
    )
