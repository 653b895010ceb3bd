"""Failed-login limits over HTTP: the login page and the API token answer 429 with Retry-After
once an account has failed too often, and no session is started."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.cli.serving import _config
from learnloop.config import Settings
from learnloop.web.app import create_app
from learnloop.web.deps import SESSION_COOKIE
from tests.conftest import PASSWORD, World
from tests.web.conftest import csrf_of


def _client(world: World, hasher: PasswordHasher, tmp_path: Path) -> TestClient:
    settings = Settings(
        database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
        login_failures_per_account=2,
    )  # fmt: skip
    return TestClient(
        create_app(settings, database=world.db, hasher=hasher), follow_redirects=False
    )


def test_the_login_page_refuses_an_account_that_failed_too_often(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    name = sqlite_world.learner.username
    with _client(sqlite_world, hasher, tmp_path) as client:
        token = csrf_of(client)
        for _ in range(2):
            r = client.post(
                "/login", data={"csrf_token": token, "username": name, "password": "nope"}
            )
            assert r.status_code == 401
        r = client.post(
            "/login", data={"csrf_token": token, "username": name, "password": PASSWORD}
        )
        assert r.status_code == 429
        assert 14 * 60 < int(r.headers["Retry-After"]) <= 15 * 60
        assert "too many failed logins" in r.text
        assert SESSION_COOKIE not in r.cookies
        # the API refuses the same account the same way
        r = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) > 0
        assert "too many failed logins" in r.json()["detail"]
        # another account is not affected
        r = client.post(
            "/login",
            data={
                "csrf_token": token,
                "username": sqlite_world.educator.username,
                "password": PASSWORD,
            },
        )
        assert r.status_code == 303


def test_the_api_counts_failures_too(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    name = sqlite_world.educator.username
    with _client(sqlite_world, hasher, tmp_path) as client:
        for _ in range(2):
            r = client.post("/api/v1/auth/token", json={"username": name, "password": "nope"})
            assert r.status_code == 401
        r = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        assert r.status_code == 429


def test_forwarded_addresses_are_trusted_only_from_the_named_proxies() -> None:
    direct = _config("127.0.0.1", 8000, False, "", "text")
    assert direct.proxy_headers is False
    proxied = _config("127.0.0.1", 8000, False, "10.0.0.5", "text")
    assert proxied.proxy_headers is True
    assert proxied.forwarded_allow_ips == "10.0.0.5"
