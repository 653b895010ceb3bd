"""The admin deletes an account from the admin page: typed twice, CSRF-checked, then gone."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, World
from tests.web.conftest import CSRF, login


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
