"""An administrator finds accounts by a part of the username or name, by role, a page at a time,
each with its classes; the same through the API."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.domain import Role
from learnloop.reports.account_directory import ACCOUNTS_PAGE, find_accounts
from learnloop.services.accounts import register_user, reset_password
from tests.conftest import PASSWORD, World
from tests.web.conftest import role_token


def names(page: str) -> list[str]:
    return re.findall(r'<tr id="account-\d+"><td>([^<]+)</td>', page)


def test_an_admin_finds_accounts_by_name_role_and_page(
    sqlite_world: World, clients: dict[str, TestClient], hasher: PasswordHasher
) -> None:
    w, admin = sqlite_world, clients["admin"]
    assert names(admin.get("/admin/accounts?q=O").text) == ["Olga", "Omar"]  # any case
    learners = admin.get("/admin/accounts?role=learner").text
    assert names(learners) == ["Lea", "Olga", "Omar"]
    assert '<a href="/admin/classes/1">7B</a>' in learners.split('id="account-4"')[1]
    assert names(admin.get("/admin/accounts?q=%25").text) == []  # "%" is a character, no wildcard
    assert "0 accounts" in admin.get("/admin/accounts?q=_").text
    reset_password(w.db, hasher, w.admin, username="lea")
    assert "one-time password not changed yet" in admin.get("/admin/accounts?q=lea").text

    for n in range(ACCOUNTS_PAGE + 5):
        register_user(w.db, hasher, username=f"pupil{n:02d}", password=PASSWORD,
                      display_name=f"Pupil {n:02d}", role=Role.LEARNER)  # fmt: skip
    first = admin.get("/admin/accounts?q=pupil").text
    assert f"{ACCOUNTS_PAGE + 5} accounts · 1 to {ACCOUNTS_PAGE} shown" in first
    assert names(first)[:2] == ["Pupil 00", "Pupil 01"]
    assert (
        f'href="/admin/accounts?q=pupil&amp;role=&amp;offset={ACCOUNTS_PAGE}" rel="next"' in first
    )
    second = admin.get(f"/admin/accounts?q=pupil&offset={ACCOUNTS_PAGE}").text
    assert names(second) == [f"Pupil {n:02d}" for n in range(ACCOUNTS_PAGE, ACCOUNTS_PAGE + 5)]
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second

    bad = admin.get("/admin/accounts?role=wizard")
    assert bad.status_code == 400
    assert "&#39;wizard&#39; is not a role" in bad.text  # escaped, as every page escapes
    assert admin.get("/admin/accounts?q=" + "x" * 65).status_code == 400
    assert clients["educator"].get("/admin/accounts").status_code == 403


def test_the_api_finds_accounts_too(sqlite_world: World, client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {role_token(client, sqlite_world, 'admin')}"}
    found = client.get("/api/v1/admin/accounts?role=educator", headers=auth).json()
    assert found["total"] == 2
    assert found["next_offset"] is None
    assert [(a["username"], [c["name"] for c in a["classes"]]) for a in found["accounts"]] == [
        ("teacher", ["7B"]), ("teacher2", ["8C"]),
    ]  # fmt: skip
    page = client.get("/api/v1/admin/accounts?limit=2", headers=auth).json()
    assert (page["total"], page["next_offset"], len(page["accounts"])) == (6, 2, 2)
    bad = client.get("/api/v1/admin/accounts?role=wizard", headers=auth)
    assert bad.status_code == 400
    assert "role" in bad.text
    assert find_accounts(sqlite_world.db, sqlite_world.admin, query="lea").accounts[0].classes == (
        (sqlite_world.class_id, "7B"),
    )
