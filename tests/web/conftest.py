"""A test app on the world's database, and logged-in clients for every role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from learnloop.config import Settings
from learnloop.web.app import create_app
from tests.conftest import PASSWORD, World

ROLES = ("anonymous", "learner", "other_learner", "other_educator", "educator", "admin")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(world: World, hasher: PasswordHasher, tmp_path: Path) -> FastAPI:
    settings = Settings(database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret")
    return create_app(settings, database=world.db, hasher=hasher)


def post(client: TestClient, path: str, **data: object) -> object:
    """A form POST with the client's CSRF token, as a page's form sends it."""
    return client.post(path, data={"csrf_token": client.cookies["ll_csrf"], **data})


def csrf_of(client: TestClient) -> str:
    page = client.get("/login")
    match = CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


def login(client: TestClient, username: str) -> TestClient:
    response = client.post(
        "/login", data={"csrf_token": csrf_of(client), "username": username, "password": PASSWORD}
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def app(sqlite_world: World, hasher: PasswordHasher, tmp_path: Path) -> FastAPI:
    return make_app(sqlite_world, hasher, tmp_path)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def username_of(world: World, role: str) -> str | None:
    if role == "anonymous":
        return None
    viewer = getattr(world, role)
    return str(viewer.username)


def role_client(app: FastAPI, world: World, role: str) -> TestClient:
    """A page client for one role: logged in, or holding a CSRF token when anonymous (close it)."""
    c = TestClient(app, follow_redirects=False)
    name = username_of(world, role)
    if name:
        login(c, name)
    else:
        csrf_of(c)
    return c


def role_token(client: TestClient, world: World, role: str) -> str | None:
    """An API bearer token for one role (None for anonymous)."""
    name = username_of(world, role)
    if name is None:
        return None
    r = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.fixture
def clients(app: FastAPI, sqlite_world: World) -> Iterator[dict[str, TestClient]]:
    """A page client per role (logged in with a cookie, holding a CSRF token)."""
    out = {role: role_client(app, sqlite_world, role) for role in ROLES}
    yield out
    for c in out.values():
        c.close()


@pytest.fixture
def tokens(client: TestClient, sqlite_world: World) -> dict[str, str | None]:
    """An API bearer token per role (None for anonymous)."""
    return {role: role_token(client, sqlite_world, role) for role in ROLES}
