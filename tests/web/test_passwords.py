"""Passwords on the pages: a one-time password leads to the password page first, everywhere;
changing it lets the person in; the API refuses until then."""

from __future__ import annotations

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from learnloop.services.accounts import reset_password
from tests.conftest import PASSWORD, World
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


def test_a_guessable_password_is_refused_with_its_reason_on_each_form(
    app: FastAPI, clients: dict[str, TestClient], sqlite_world: World
) -> None:
    c = TestClient(app, follow_redirects=False)
    form = {"csrf_token": csrf_of(c), "username": "zoe", "display_name": "Zoe Dupont",
            "password": "Dupont2024!", "password_again": "Dupont2024!"}  # fmt: skip
    refused = c.post("/register", data=form)
    assert refused.status_code == 400
    assert "a password with your name in it is guessed at once" in refused.text
    c.cookies.set("lang", "fr")
    form["password"] = form["password_again"] = "azertyuiop"
    refused = c.post("/register", data=form)
    assert "une suite de touches ou de lettres" in refused.text
    lea = clients["learner"]
    changed = lea.post("/account/password", data={
        "csrf_token": lea.cookies["ll_csrf"], "current": PASSWORD, "new": "Password123",
        "new_again": "Password123",
    })  # fmt: skip
    assert changed.status_code == 400
    assert "a common word, even with digits or symbols around it" in changed.text
    assert 'id="new" name="new" type="password"' in changed.text
