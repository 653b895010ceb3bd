"""Passwords on the pages: a one-time password leads to the password page first, everywhere;
changing it lets the person in; the API refuses until then."""

from __future__ import annotations

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from learnloop.services.accounts import reset_password
from tests.conftest import World
from tests.web.conftest import csrf_of


def test_a_one_time_password_must_be_changed_before_anything_else(
    app: FastAPI, sqlite_world: World, hasher: PasswordHasher
) -> None:
    w = sqlite_world
    one_time = reset_password(w.db, hasher, w.admin, username="lea")
    c = TestClient(app, follow_redirects=False)
    token = csrf_of(c)
    r = c.post("/login", data={"csrf_token": token, "username": "lea", "password": one_time})
    assert r.status_code == 303
    for path in ("/learn", "/learn/progress", "/account/data"):
        held = c.get(path)
        assert held.status_code == 303, path
        assert held.headers["location"] == "/account/password"
    page = c.get("/account/password")
    assert page.status_code == 200
    assert "You signed in with a one-time password" in page.text
    api = TestClient(app)
    bearer = api.post("/api/v1/auth/token", json={"username": "lea", "password": one_time})
    headers = {"Authorization": f"Bearer {bearer.json()['access_token']}"}
    refused = api.get("/api/v1/me", headers=headers)
    assert refused.status_code == 403
    assert "/account/password" in refused.text

    csrf = c.cookies["ll_csrf"]
    differ = c.post(
        "/account/password",
        data={"csrf_token": csrf, "current": one_time, "new": "my own phrase", "new_again": "x"},
    )
    assert differ.status_code == 400
    assert "the two new passwords differ" in differ.text
    wrong = c.post(
        "/account/password",
        data={"csrf_token": csrf, "current": "nope", "new": "my own phrase",
              "new_again": "my own phrase"},
    )  # fmt: skip
    assert wrong.status_code == 400
    assert "the current password is not right" in wrong.text
    done = c.post(
        "/account/password",
        data={"csrf_token": csrf, "current": one_time, "new": "my own phrase",
              "new_again": "my own phrase"},
    )  # fmt: skip
    assert done.status_code == 303
    assert c.get("/learn").status_code == 200  # this session was kept
    assert api.get("/api/v1/me", headers=headers).status_code == 401  # the token ended
