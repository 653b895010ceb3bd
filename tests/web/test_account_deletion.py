"""The admin deletes an account from the admin page: typed twice, CSRF-checked, then gone."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, World
from tests.web.conftest import CSRF, login, role_token


def _delete(client: TestClient, username: str, confirm: str) -> Any:
    page = client.get("/admin")
    match = CSRF.search(page.text)
    assert match
    return client.post(
        "/admin/accounts/delete",
        data={"csrf_token": match.group(1), "username": username, "confirm": confirm},
    )


def test_the_admin_deletes_an_account_from_the_admin_page(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    login(client, w.admin.username)
    page = client.get("/admin")
    assert "<title>Admin · learnloop</title>" in page.text
    assert page.text.count('action="/admin/accounts/delete"') == 1
    refused = _delete(client, w.learner.username, "not the same")
    assert refused.status_code == 400
    assert "type the username a second time" in refused.text

    done = _delete(client, w.learner.username, w.learner.username)
    assert done.status_code == 200
    assert f"Deleted the account {w.learner.username}" in done.text
    assert f"<td>{w.admin.username}</td><td>account.deleted</td><td>{w.learner.username}</td>" in (
        done.text
    )
    with TestClient(client.app, follow_redirects=False) as other:
        page = other.get("/login")
        token = CSRF.search(page.text)
        assert token
        r = other.post(
            "/login",
            data={
                "csrf_token": token.group(1),
                "username": w.learner.username,
                "password": PASSWORD,
            },
        )
        assert r.status_code == 401


def test_the_form_needs_its_csrf_token(client: TestClient, sqlite_world: World) -> None:
    login(client, sqlite_world.admin.username)
    r = client.post(
        "/admin/accounts/delete",
        data={"username": sqlite_world.learner.username, "confirm": sqlite_world.learner.username},
    )
    assert r.status_code == 403
    with TestClient(client.app, follow_redirects=False) as other:
        login(other, sqlite_world.learner.username)  # still there


def test_a_learner_deletes_their_own_account_from_my_data(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    lea = clients["learner"]
    page = lea.get("/account/data")
    assert 'action="/account/delete"' in page.text
    assert "ask an administrator" not in page.text
    assert 'action="/account/delete"' not in clients["educator"].get("/account/data").text
    wrong = lea.post("/account/delete", data={"csrf_token": lea.cookies["ll_csrf"],
                                               "confirm": "lea", "password": "guess"})  # fmt: skip
    assert wrong.status_code == 400
    assert "that is not your password" in wrong.text
    assert (
        'id="delete-password" name="password" type="password" autocomplete="current-password" required aria-invalid="true"'
        in wrong.text
    )
    done = lea.post("/account/delete", data={"csrf_token": lea.cookies["ll_csrf"],
                                              "confirm": "lea", "password": PASSWORD})  # fmt: skip
    assert (done.status_code, done.headers["location"]) == (303, "/login?deleted=1")
    assert "ll_session=" in done.headers["set-cookie"]
    told = lea.get("/login?deleted=1")
    assert "Your account and everything learnloop kept about you were deleted." in told.text
    assert lea.get("/learn").status_code == 303  # signed out: its session went with it


def test_the_api_deletes_the_callers_own_account(client: TestClient, sqlite_world: World) -> None:
    token = role_token(client, sqlite_world, "other_learner")
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/me/delete", json={"confirm": "lea", "password": PASSWORD},
                          headers=headers)  # fmt: skip
    assert (refused.status_code, refused.json()["field"]) == (400, "confirm")
    done = client.post("/api/v1/me/delete", json={"confirm": "omar", "password": PASSWORD},
                       headers=headers)  # fmt: skip
    assert done.status_code == 200
    assert (done.json()["username"], done.json()["rows"]["users"]) == ("omar", 1)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    educator = {"Authorization": f"Bearer {role_token(client, sqlite_world, 'educator')}"}
    denied = client.post("/api/v1/me/delete", json={"confirm": "teacher", "password": PASSWORD},
                         headers=educator)  # fmt: skip
    assert denied.status_code == 403
