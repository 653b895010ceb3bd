"""Fixtures for the LTI service tests: a platform served over HTTP on the loopback, and a platform
registered with it as its issuer (token endpoint there, its own signing key given as a key set)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from learnloop.services.lti_platforms import tool_jwks
from tests.conftest import World
from tests.lti_platform import Platform, PlatformServer, register


@pytest.fixture
def platform_server(world: World) -> Iterator[PlatformServer]:
    running = PlatformServer(tool_jwks(world.db))
    yield running
    running.close()


@pytest.fixture
def served_platform(world: World, platform_server: PlatformServer) -> Platform:
    platform = Platform()
    register(
        world, platform, issuer=platform_server.url, auth_login_url=platform_server.url + "/auth",
        auth_token_url=platform_server.url + "/token",
    )  # fmt: skip
    return platform
