"""Rosters from the admin page and the API: the new accounts' one-time passwords are shown once
and work; problems are listed with file and line and change nothing."""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.services.accounts import authenticate
from learnloop.storage.tables import User
from tests.conftest import World
from tests.services.test_roster_uploads import oneroster_zip
from tests.services.test_rosters import ROSTER
from tests.web.conftest import role_token

PASSWORD_ROW = re.compile(r"<tr><td>(\w+)</td><td>(\w+)</td><td><code>([^<]+)</code></td></tr>")


def send(client: TestClient, data: bytes, name: str, **fields: str) -> Any:
    return client.post(
        "/admin/rosters",
        data={"csrf_token": client.cookies["ll_csrf"], **fields},
        files={"roster": (name, data, "text/csv" if name.endswith(".csv") else "application/zip")},
    )


def accounts(world: World) -> int:
    with world.db.reading() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def test_the_admin_page_imports_a_roster_and_shows_the_passwords_once(
    clients: dict[str, TestClient], sqlite_world: World, hasher: PasswordHasher
) -> None:
    admin = clients["admin"]
    assert 'action="/admin/rosters" enctype="multipart/form-data"' in admin.get("/admin").text
    done = send(admin, ROSTER.encode(), "10A.csv")
    text = done.text
    assert done.status_code == 200
    assert "2 accounts created · 1 class created · 5 people added to classes" in text
    rows = PASSWORD_ROW.findall(text)
    assert [(u, r) for u, r, _ in rows] == [("zoe", "learner"), ("yan", "learner")]
    assert authenticate(sqlite_world.db, hasher, "yan", rows[1][2]).must_change_password
    assert done.headers["cache-control"] == "no-store"
    assert PASSWORD_ROW.findall(admin.get("/admin").text) == []  # shown once

    before = accounts(sqlite_world)
    broken = send(admin, (ROSTER + "newbie,,learner,12Z,\n").encode(), "more.csv")
    assert broken.status_code == 400
    assert "<code>more.csv:7: new class &#39;12Z&#39; needs its course</code>" in broken.text
    assert accounts(sqlite_world) == before

    zipped = send(admin, oneroster_zip(), "sis.zip", course="fractions")
    assert "2 accounts created · 2 classes created" in zipped.text  # yan came with 10A
    assert "1 enrollment (role guardian), 1 enrollment (user not enabled)" in zipped.text


def test_the_api_imports_a_roster_csv_and_a_oneroster_zip(
    client: TestClient, sqlite_world: World, hasher: PasswordHasher
) -> None:
    headers = {"Authorization": f"Bearer {role_token(client, sqlite_world, 'admin')}"}
    done = client.post("/api/v1/admin/rosters?filename=10A.csv", content=ROSTER.encode(),
                       headers={**headers, "Content-Type": "text/csv"})  # fmt: skip
    assert done.status_code == 200, done.text
    body = done.json()
    assert [(a["username"], a["role"]) for a in body["accounts_created"]] == [
        ("zoe", "learner"), ("yan", "learner"),
    ]  # fmt: skip
    assert authenticate(sqlite_world.db, hasher, "zoe", body["accounts_created"][0]["password"])
    assert (body["classes_created"], body["memberships_added"], body["left_out"]) == (
        ["10A"], 5, {},
    )  # fmt: skip
    refused = client.post("/api/v1/admin/rosters", content=oneroster_zip(),
                          headers={**headers, "Content-Type": "application/zip"})  # fmt: skip
    assert refused.status_code == 400
    assert {i["file"] for i in refused.json()["issues"]} == {"oneroster.zip:enrollments.csv"}
    zipped = client.post("/api/v1/admin/rosters?course=fractions&link_emails=false",
                         content=oneroster_zip(),
                         headers={**headers, "Content-Type": "application/zip"})  # fmt: skip
    assert zipped.status_code == 200, zipped.text
    assert zipped.json()["left_out"] == {"role guardian": 1, "user not enabled": 1}
    wrong = client.post("/api/v1/admin/rosters", json={"rows": []}, headers=headers)
    assert (wrong.status_code, wrong.json()["field"]) == (400, "Content-Type")
