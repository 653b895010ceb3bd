"""The JSON API does what the pages do, and says which field is wrong."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, World


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_describes_every_operation(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "learnloop API"
    for path in (
        "/auth/token",
        "/courses",
        "/courses/{slug}",
        "/me/next-steps",
        "/me/attempts",
        "/me/mastery",
        "/classes/{class_id}/report",
    ):
        assert path in spec["paths"], path


def test_login_answer_and_see_mastery_through_the_api(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    h = bearer(tokens["learner"])
    steps = client.get("/api/v1/me/next-steps", headers=h).json()
    assert len(steps) >= 2
    assert all(s["reason_text"] for s in steps)
    course = client.get("/api/v1/courses/fractions", headers=h).json()
    item = next(i for a in course["activities"] for i in a["items"] if i["key"] == "pw-5")
    assert "correct" not in str(item["choices"])  # answers never leave the server
    wrong = client.post(
        "/api/v1/me/attempts",
        headers=h,
        json={"activity": "parts-practice", "item": "pw-5", "response": "b"},
    ).json()
    assert wrong["correct"] is False
    assert wrong["hints"]
    assert wrong["messages"]
    right = client.post(
        "/api/v1/me/attempts",
        headers=h,
        json={"activity": "parts-practice", "item": "pw-4", "response": "5/12"},
    ).json()
    assert right["correct"] is True
    assert right["changes"][0]["after"] > right["changes"][0]["before"]
    mastery = {m["objective"]: m for m in client.get("/api/v1/me/mastery", headers=h).json()}
    assert mastery["parts-of-a-whole"]["attempts"] == 2
    assert mastery["compare"]["state"] == "locked"


def test_class_report_and_feedback_for_the_educator(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    h = bearer(tokens["educator"])
    report = client.get(f"/api/v1/classes/{sqlite_world.class_id}/report", headers=h).json()
    assert {row["display_name"] for row in report["learners"]} == {"Lea", "Omar"}
    assert report["objectives"][0] == "parts-of-a-whole"
    sent = client.post(
        f"/api/v1/classes/{sqlite_world.class_id}/learners/{sqlite_world.learner.user_id}/feedback",
        headers=h,
        json={"body": "Nice"},
    )
    assert sent.status_code == 201
    received = client.get("/api/v1/me/feedback", headers=bearer(tokens["learner"])).json()
    assert [m["body"] for m in received] == ["Nice"]


def test_errors_name_the_field(client: TestClient, tokens: dict[str, str | None]) -> None:
    h = bearer(tokens["learner"])
    bad = client.post(
        "/api/v1/me/attempts",
        headers=h,
        json={"activity": "parts-practice", "item": "pw-4", "response": "lots"},
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "response"
    assert "not a number" in bad.json()["detail"]
    missing = client.post("/api/v1/me/attempts", headers=h, json={"activity": "parts-practice"})
    assert missing.status_code == 422
    assert {tuple(e["loc"]) for e in missing.json()["detail"]} == {
        ("body", "item"),
        ("body", "response"),
    }
    unknown = client.get("/api/v1/courses/nope", headers=h)
    assert unknown.status_code == 404
    assert "nope" in unknown.json()["detail"]


def test_bad_credentials_and_revoked_tokens(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    r = client.post("/api/v1/auth/token", json={"username": "lea", "password": PASSWORD + "x"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    h = bearer(tokens["learner"])
    assert client.delete("/api/v1/auth/token", headers=h).status_code == 204
    assert client.get("/api/v1/me", headers=h).status_code == 401
