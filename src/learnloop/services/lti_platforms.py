"""The LTI platforms learnloop knows (services.lti launches from them): registration by the
operator (``learnloop lti-platform add``, or dynamically: services.lti_registration), removal, the
list; and the tool's own signing keys (published at
/lti/jwks, made on first need)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.adapters.lti import LaunchRefused, ToolKey, new_tool_key, platform_key, public_jwks
from learnloop.exceptions import DuplicateName, InvalidInput, NotFound
from learnloop.services.audit import OPERATOR, record_event
from learnloop.storage import Database
from learnloop.storage.tables import Course as CourseRow
from learnloop.storage.tables import LtiDeployment, LtiPlatform, LtiToolKey

__all__ = [
    "PlatformRegistration",
    "add_platform",
    "check_registration",
    "check_url",
    "platforms",
    "register_platform",
    "remove_platform",
    "signing_keys",
    "tool_jwks",
    "tool_keys",
]


@dataclass(frozen=True)
class PlatformRegistration:
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    deployments: tuple[str, ...]
    jwks_url: str = ""
    jwks: dict[str, Any] | None = None  # the platform's public keys, when it publishes no URL
    course_slug: str = ""  # the course new platform courses get, unless a link names one


def check_url(field: str, value: str) -> str:
    """``value`` if it is an HTTPS URL (or HTTP on this machine, for trials); else InvalidInput."""
    parts = urlsplit(value)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise InvalidInput(field, f"{value!r} is not an https URL")
    return value


def check_registration(reg: PlatformRegistration) -> tuple[str, list[str]]:
    """The registration's name (spaces folded) and deployment ids, once every field is valid."""
    name = " ".join(reg.name.split())
    if not name or len(name) > 120:
        raise InvalidInput("name", "give the platform a name of 1 to 120 characters")
    for field, value in (("issuer", reg.issuer), ("auth_login_url", reg.auth_login_url),
                         ("auth_token_url", reg.auth_token_url)):  # fmt: skip
        check_url(field, value)
    if not reg.client_id.strip():
        raise InvalidInput("client_id", "give the client id the platform assigned")
    if bool(reg.jwks_url) == (reg.jwks is not None):
        raise InvalidInput(
            "jwks_url", "give the platform's key set URL or its key set, one of them"
        )
    if reg.jwks_url:
        check_url("jwks_url", reg.jwks_url)
    elif reg.jwks is not None:
        try:
            platform_key(reg.jwks, "")  # refuses what is not a JWKS
        except LaunchRefused as exc:
            raise InvalidInput("jwks", exc.message) from None
        if not reg.jwks["keys"]:
            raise InvalidInput("jwks", "the key set holds no key")
    deployments = list(dict.fromkeys(d.strip() for d in reg.deployments if d.strip()))
    if not deployments:
        raise InvalidInput("deployment", "give at least one deployment id")
    return name, deployments


def add_platform(
    s: Session, reg: PlatformRegistration, *, course_id: int | None, now: datetime, actor: str
) -> int:
    """Store a checked registration (``check_registration``) in the caller's transaction."""
    name, deployments = check_registration(reg)
    if s.scalar(select(LtiPlatform.id).where(LtiPlatform.name == name)) is not None:
        raise DuplicateName("name", f"a platform named {name!r} exists")
    taken = s.scalar(select(LtiPlatform.id).where(
        LtiPlatform.issuer == reg.issuer, LtiPlatform.client_id == reg.client_id
    ))  # fmt: skip
    if taken is not None:
        raise DuplicateName("client_id", "this issuer and client id are registered already")
    row = LtiPlatform(
        name=name, issuer=reg.issuer, client_id=reg.client_id.strip(),
        auth_login_url=reg.auth_login_url, auth_token_url=reg.auth_token_url,
        jwks_url=reg.jwks_url, jwks=reg.jwks or {"keys": []}, jwks_fetched_at=None,
        course_id=course_id, created_at=now,
    )  # fmt: skip
    s.add(row)
    s.flush()
    s.add_all(LtiDeployment(platform_id=row.id, deployment_id=d) for d in deployments)
    record_event(
        s, actor=actor, action="lti.platform_registered", subject=name, now=now,
        details={"issuer": reg.issuer, "client_id": reg.client_id, "deployments": deployments},
    )  # fmt: skip
    return row.id


def register_platform(
    db: Database, reg: PlatformRegistration, *, now: datetime | None = None, actor: str = OPERATOR
) -> int:
    """Register a platform (the operator, with ``learnloop lti-platform add``): its issuer, the
    client id it gave learnloop, its endpoints, its keys (a URL, or the key set itself) and the
    deployments it may launch with."""
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        course_id = None
        if reg.course_slug:
            course_id = s.scalar(select(CourseRow.id).where(CourseRow.slug == reg.course_slug))
            if course_id is None:
                raise InvalidInput("course", f"there is no course {reg.course_slug!r}")
        return add_platform(s, reg, course_id=course_id, now=now, actor=actor)


def remove_platform(
    db: Database, *, name: str, now: datetime | None = None, actor: str = OPERATOR
) -> None:
    """Forget a platform (the operator): its launches stop; the accounts and classes it made
    stay, as ordinary ones."""
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        row = s.scalar(select(LtiPlatform).where(LtiPlatform.name == name))
        if row is None:
            raise NotFound(f"no platform named {name!r}")
        s.delete(row)
        record_event(s, actor=actor, action="lti.platform_removed", subject=name, now=now)


def platforms(db: Database) -> list[tuple[str, str, str, list[str]]]:
    """(name, issuer, client id, deployment ids) of every registered platform."""
    with db.reading() as s:
        rows = list(s.scalars(select(LtiPlatform).order_by(LtiPlatform.name)))
        deployments: dict[int, list[str]] = {}
        for platform_id, deployment in s.execute(
            select(LtiDeployment.platform_id, LtiDeployment.deployment_id)
        ):
            deployments.setdefault(platform_id, []).append(deployment)
        return [(r.name, r.issuer, r.client_id, sorted(deployments.get(r.id, []))) for r in rows]


def tool_keys(s: Session, now: datetime) -> list[ToolKey]:
    """The tool's signing keys, in the caller's transaction (the first call makes one)."""
    rows = list(s.scalars(select(LtiToolKey).order_by(LtiToolKey.created_at)))
    if not rows:
        key = new_tool_key()
        s.add(LtiToolKey(kid=key.kid, private_pem=key.private_pem, created_at=now))
        return [key]
    return [ToolKey(r.kid, r.private_pem) for r in rows]


def signing_keys(db: Database, now: datetime) -> list[ToolKey]:
    """The tool's signing keys, read without a write transaction once they exist."""
    with db.reading() as s:
        rows = list(s.scalars(select(LtiToolKey).order_by(LtiToolKey.created_at)))
    if rows:
        return [ToolKey(r.kid, r.private_pem) for r in rows]
    with db.transaction() as s:  # the first need: make the key pair
        return tool_keys(s, now)


def tool_jwks(db: Database, *, now: datetime | None = None) -> dict[str, Any]:
    """The tool's public keys as a JWKS; the first call makes the key pair."""
    return public_jwks(signing_keys(db, now or datetime.now(UTC)))
