"""The learner's start and upkeep through the JSON API: the profile onboarding asks for, the
placement diagnostic answered question by question, the review queue, and a reflection shared,
unshared and deleted by its writer only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.reflections import write_reflection
from tests.conftest import World


def bearer(tokens: dict[str, str | None], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_the_profile_reads_and_changes_as_onboarding_does(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    me = bearer(tokens, "learner")
    got = client.get("/api/v1/me/profile", headers=me).json()
    assert (got["goal_objective"], got["interests"], got["preferred_modalities"]) == (
        "add-unlike", "music", ["reading"])  # fmt: skip
    assert got["courses"] == []  # the class chose the course
    changed = client.put("/api/v1/me/profile", headers=me, json={
        "goal_objective": "compare", "goal_date": "2027-03-31", "interests": "football",
        "preferred_modalities": ["interactive", "video"]})  # fmt: skip
    assert changed.status_code == 204
    got = client.get("/api/v1/me/profile", headers=me).json()
    assert (got["goal_objective"], got["goal_date"], got["preferred_modalities"]) == (
        "compare", "2027-03-31", ["interactive", "video"])  # fmt: skip
    for body, field in (({"goal_objective": "flying"}, "goal_objective"),
                        ({"preferred_modalities": ["dance"]}, "preferred_modalities")):  # fmt: skip
        bad = client.put("/api/v1/me/profile", headers=me, json=body)
        assert bad.status_code == 400, bad.text
        assert field in bad.text
    assert client.get("/api/v1/me/profile", headers=me).json()["goal_objective"] == "compare"


def test_the_placement_diagnostic_runs_through_the_api(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    me = bearer(tokens, "learner")
    before = client.get("/api/v1/me/placement", headers=me).json()
    assert before["offered"] is True
    assert before["question"] is None
    started = client.post("/api/v1/me/placement", headers=me)
    assert started.status_code == 201
    asked = 0
    while (page := client.get("/api/v1/me/placement", headers=me).json())["question"]:
        question = page["question"]
        assert "answer" not in question
        assert "accepted" not in question
        assert page["number"] == asked + 1
        response = answer_for(sqlite_world.course, question["key"], True)
        done = client.post("/api/v1/me/placement/answers", headers=me,
                           json={"item": question["key"], "response": response})  # fmt: skip
        assert done.status_code == 200, done.text
        asked += 1
        assert asked <= page["limit"]
    assert done.json()["finished"] is True
    assert done.json()["known"]  # everything right: some objectives placed as known
    latest = client.get("/api/v1/me/placement", headers=me).json()["latest"]
    assert latest["finished_at"] is not None
    assert latest["questions"] == asked
    wrong = client.post("/api/v1/me/placement/answers", headers=me,
                        json={"item": "pw-4", "response": "1/2"})  # fmt: skip
    assert wrong.status_code == 404  # nothing in progress any more


def test_the_review_queue_lists_what_is_due(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    me = bearer(tokens, "learner")
    assert client.get("/api/v1/me/reviews", headers=me).json() == []
    long_ago = datetime.now(UTC) - timedelta(days=60)
    for item in ["pw-3", "pw-4", "pw-5", "pw-6", "pw-7"]:
        record_attempt(sqlite_world.db, sqlite_world.learner, activity_key="parts-practice",
                       item_key=item, response=answer_for(sqlite_world.course, item, True),
                       now=long_ago)  # fmt: skip
    queue = client.get("/api/v1/me/reviews", headers=me).json()
    assert [(e["objective"], e["status"]) for e in queue] == [("parts-of-a-whole", "due")]
    assert 0 < queue[0]["recall"] < 1
    assert queue[0]["activity"]


def test_a_reflection_is_shared_unshared_and_deleted_by_its_writer_only(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    made = write_reflection(sqlite_world.db, sqlite_world.learner, objective="", went_well="pizza",
                            still_hard="", next_step="", shared=True)  # fmt: skip
    me, classmate = bearer(tokens, "learner"), bearer(tokens, "other_learner")
    sharing = f"/api/v1/me/reflections/{made}/sharing"
    assert client.post(sharing, headers=classmate, json={"shared": False}).status_code == 404
    assert client.delete(f"/api/v1/me/reflections/{made}", headers=classmate).status_code == 404
    assert client.post(sharing, headers=me, json={"shared": False}).status_code == 204
    assert client.get("/api/v1/me/reflections", headers=me).json()[0]["shared"] is False
    assert client.delete(f"/api/v1/me/reflections/{made}", headers=me).status_code == 204
    assert client.get("/api/v1/me/reflections", headers=me).json() == []
