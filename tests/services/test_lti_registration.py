"""Dynamic registration, on both databases, against a platform served over HTTP: a one-time link
registers learnloop with the platform and stores the platform with the client id and deployment it
answered, so that its launches work; a link works once and until it expires; a configuration
that does not hold together is refused and leaves the link usable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.lti_platforms import platforms
from learnloop.services.lti_registration import (
    INVITE_DAYS,
    Registered,
    invite_platform,
    register_dynamically,
)
from tests.conftest import World
from tests.lti_platform import Platform, PlatformServer, launch

PUBLIC = "https://learn.example.org"


def _register(
    world: World, platform_server: PlatformServer, code: str, **changes: str
) -> Registered:
    fields = {"configuration_url": platform_server.url + "/.well-known/openid-configuration",
              "registration_token": "reg-token-1", **changes}  # fmt: skip
    return register_dynamically(world.db, code=code, public_url=PUBLIC, **fields)


def test_a_link_registers_the_platform_and_its_launches_work(
    world: World, platform_server: PlatformServer
) -> None:
    code = invite_platform(world.db, course_slug="fractions")
    done = _register(world, platform_server, code)
    assert platform_server.errors == []
    (asked,) = platform_server.registrations
    assert asked["initiate_login_uri"] == PUBLIC + "/lti/login"
    assert asked["redirect_uris"] == [PUBLIC + "/lti/launch"]
    assert asked["jwks_uri"] == PUBLIC + "/lti/jwks"
    assert asked["token_endpoint_auth_method"] == "private_key_jwt"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in asked["scope"].split()
    messages = asked["https://purl.imsglobal.org/spec/lti-tool-configuration"]["messages"]
    assert {m["type"] for m in messages} == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    host = platform_server.url.split("//")[1]
    assert platforms(world.db) == [
        (f"moodle at {host}", platform_server.url, "dyn-client-1", ["dep-9"])
    ]
    assert done.origin == platform_server.url
    platform = Platform()
    platform_server.jwks = platform.jwks()
    result = launch(
        world.db, platform, issuer=platform_server.url, aud="dyn-client-1", deployment_id="dep-9"
    )
    assert result.next_url == "/learn"  # on the invite's course: no custom parameter needed
    with pytest.raises(NotFound, match="unknown, used or expired"):
        _register(world, platform_server, code)
    assert len(platform_server.registrations) == 1


def test_a_link_expires_and_a_made_up_one_does_not_exist(
    world: World, platform_server: PlatformServer
) -> None:
    old = invite_platform(world.db, now=datetime.now(UTC) - timedelta(days=INVITE_DAYS, minutes=1))
    with pytest.raises(NotFound):
        _register(world, platform_server, old)
    with pytest.raises(NotFound):
        _register(world, platform_server, "made-up")
    assert platform_server.registrations == []


def test_a_configuration_that_does_not_hold_together_is_refused(
    world: World, platform_server: PlatformServer
) -> None:
    code = invite_platform(world.db, name="School Moodle")
    platform_server.configuration_changes = {"issuer": "https://elsewhere.example.org"}
    with pytest.raises(InvalidInput, match="issuer: not on the host that served the configuration"):
        _register(world, platform_server, code)
    platform_server.configuration_changes = {"registration_endpoint": None}
    with pytest.raises(InvalidInput, match="registration_endpoint: missing"):
        _register(world, platform_server, code)
    platform_server.configuration_changes = {}
    with pytest.raises(InvalidInput, match="answered 404"):
        _register(
            world, platform_server, code, configuration_url=platform_server.url + "/nothing-here"
        )
    assert platform_server.registrations == []
    done = _register(world, platform_server, code)  # the link is still good
    assert done.name == "School Moodle"
