"""The admin pages' twins in the JSON API: a class made and filled, a member removed, a one-time
password that must be changed, an account deleted with everything about the person; each refused
with the field named when the request is wrong, and nothing changed then."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World


def test_an_admin_makes_a_class_fills_it_and_removes_a_member(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    made = client.post("/api/v1/admin/classes", headers=admin,
                       json={"name": "9A", "course": "fractions"})  # fmt: skip
    assert made.status_code == 201
    class_id = made.json()["id"]
    twice = client.post("/api/v1/admin/classes", headers=admin,
                        json={"name": "9A", "course": "fractions"})  # fmt: skip
    assert twice.status_code == 400
    assert "name" in twice.text
    unknown = client.post(f"/api/v1/admin/classes/{class_id}/members", headers=admin,
                          json={"usernames": ["omar", "nobody"]})  # fmt: skip
    assert unknown.status_code == 400
    assert "nobody" in unknown.text
    members = f"/api/v1/admin/classes/{class_id}/members"
    assert client.get(members, headers=admin).json()["members"] == []  # nobody added
    added = client.post(members, headers=admin, json={"usernames": ["omar", "teacher2"]})
    assert added.json() == {"added": ["omar", "teacher2"], "already": []}
    again = client.post(members, headers=admin, json={"usernames": ["omar"]})
    assert again.json() == {"added": [], "already": ["omar"]}
    listed = client.get(members, headers=admin).json()["members"]
    assert [(m["username"], m["role"]) for m in listed] == [
        ("teacher2", "educator"),
        ("omar", "learner"),
    ]
    omar = sqlite_world.other_learner.user_id
    assert client.delete(f"{members}/{omar}", headers=admin).status_code == 204
    assert [m["username"] for m in client.get(members, headers=admin).json()["members"]] == [
        "teacher2"
    ]


def test_an_admin_resets_a_password_and_deletes_an_account(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    reset = client.post("/api/v1/admin/accounts/password-reset", headers=admin,
                        json={"username": "omar"})  # fmt: skip
    assert reset.status_code == 200
    one_time = reset.json()["password"]
    token = client.post("/api/v1/auth/token", json={"username": "omar", "password": one_time})
    assert token.status_code == 200
    omar = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/api/v1/me/next-steps", headers=omar).status_code == 403  # change it first

    wrong = client.post("/api/v1/admin/accounts/delete", headers=admin,
                        json={"username": "omar", "confirm": "omar2"})  # fmt: skip
    assert wrong.status_code == 400
    assert "confirm" in wrong.text
    assert client.post("/api/v1/auth/token",
                       json={"username": "omar", "password": one_time}).status_code == 200  # fmt: skip
    gone = client.post("/api/v1/admin/accounts/delete", headers=admin,
                       json={"username": "omar", "confirm": "omar"})  # fmt: skip
    assert gone.status_code == 200
    assert gone.json()["username"] == "omar"
    assert gone.json()["rows"]["users"] == 1
    assert client.get("/api/v1/me", headers=omar).status_code == 401
