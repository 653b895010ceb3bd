"""The other side of an LTI 1.3 launch, for the tests: a platform with its own RSA key, which
publishes its key set and signs id_tokens the way Moodle or Canvas does (the claims of the IMS LTI
1.3 core specification's resource-link launch)."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import jwt

from learnloop.adapters.lti import CLAIM, new_tool_key
from learnloop.services.lti import PlatformRegistration, register_platform
from learnloop.storage.tables import LtiDeepLink

if TYPE_CHECKING:
    from tests.conftest import World

ISSUER = "https://moodle.example.org"
CLIENT_ID = "learnloop-client-7"
DEPLOYMENT = "deployment-1"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


class Platform:
    """One platform key (``kid``); ``id_token`` signs a launch, with claims overridden or removed
    (a value of None drops the claim)."""

    def __init__(self) -> None:
        self.key = new_tool_key()
        self.kid = self.key.kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.public_jwk()]}

    def claims(self, nonce: str, /, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "moodle-user-42",
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "name": "Ada Lovelace",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "target_link_uri": "http://127.0.0.1:8000/lti/launch",
            CLAIM + "resource_link": {"id": "link-1", "title": "Fractions practice"},
            CLAIM + "context": {"id": "course-99", "title": "Year 7 Maths", "label": "Y7M"},
            CLAIM + "roles": [LEARNER],
        }
        for name, value in changes.items():
            bare = (
                name in claims
                or name.startswith("https://")
                or name in ("azp", "nbf", "given_name", "family_name", "email")
            )
            claim = name if bare else CLAIM + name
            if value is None:
                claims.pop(claim, None)
            else:
                claims[claim] = value
        return claims

    def id_token(self, nonce: str, /, *, kid: str | None = None, **changes: Any) -> str:
        return jwt.encode(
            self.claims(nonce, **changes), self.key.private_pem, algorithm="RS256",
            headers={"kid": kid or self.kid},
        )  # fmt: skip


def state_and_nonce(auth_url: str) -> tuple[str, str]:
    """What the tool's authentication request carries (the platform signs the nonce back)."""
    query = parse_qs(urlsplit(auth_url).query)
    return query["state"][0], query["nonce"][0]


def register(world: World, platform: Platform, **changes: Any) -> int:
    """Register ``platform`` on the world's database, new platform courses on the demo course."""
    fields: dict[str, Any] = {
        "name": "School Moodle", "issuer": ISSUER, "client_id": CLIENT_ID,
        "auth_login_url": ISSUER + "/mod/lti/auth.php", "auth_token_url": ISSUER + "/mod/lti/token.php",
        "deployments": (DEPLOYMENT,), "jwks": platform.jwks(), "course_slug": "fractions",
    }  # fmt: skip
    fields.update(changes)
    return register_platform(world.db, PlatformRegistration(**fields))


def pending_deep_link(world: World) -> str:
    """A deep-linking request of the world's educator for their class, as their launch leaves it."""
    platform_id = register(world, Platform(), name=f"Moodle {secrets.token_hex(3)}",
                           client_id=secrets.token_hex(4))  # fmt: skip
    link_id = secrets.token_urlsafe(24)
    with world.db.transaction() as s:
        s.add(LtiDeepLink(
            id=link_id, platform_id=platform_id, user_id=world.educator.user_id,
            class_id=world.class_id, deployment_id=DEPLOYMENT,
            return_url=ISSUER + "/mod/lti/contentitem_return.php", data="moodle-data-1",
            accept_multiple=True, accept_line_items=True, created_at=datetime.now(UTC),
        ))  # fmt: skip
    return link_id
