"""Interests (onboarding's "interests"): the onboarding page says what the course's activities are
about, and a learner's interests bring an activity about them first among equals, with the reason
on the home page and in the API."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import World
from tests.web.conftest import post


def first_step(client: TestClient, bearer: dict[str, str]) -> dict[str, str]:
    steps = client.get("/api/v1/me/next-steps", headers=bearer).json()
    return steps[0]  # type: ignore[no-any-return]


def test_interests_bring_activities_about_them_first(
    clients: dict[str, TestClient], client: TestClient, tokens: dict[str, str | None],
    sqlite_world: World,
) -> None:  # fmt: skip
    learner = clients["learner"]
    onboarding = learner.get("/learn/onboarding").text
    assert "This course has activities about: cooking, music, sport, making things." in onboarding
    bearer = {"Authorization": f"Bearer {tokens['learner']}"}
    course = client.get("/api/v1/courses/fractions", headers=bearer).json()
    assert {"key": "music", "title": "music", "words": [
        "song", "singing", "drum", "drums", "guitar", "piano", "band", "rhythm"
    ]} in course["topics"]  # fmt: skip
    tagged = {a["key"]: a["topics"] for a in course["activities"] if a["topics"]}
    assert tagged["note-lengths"] == ["music"]
    assert tagged["league-table"] == ["sport"]
    before = first_step(client, bearer)
    assert "interests you" not in before["reason_text"]

    saved = post(learner, "/learn/onboarding", interests="Baking, and paper origami")
    assert saved.status_code == 303  # type: ignore[attr-defined]
    after = first_step(client, bearer)
    about = sqlite_world.course.activities[after["activity"]].topics
    assert set(about) & {"cooking", "making"}  # baking names cooking, origami names making
    assert after["objective"] == before["objective"]  # the same objective, another activity
    assert after["reason_text"].endswith("which you said interests you.")
    home = learner.get("/learn").text
    assert "which you said interests you." in home
    progress = learner.get("/learn/progress").text  # every activity says what it is about
    assert "What is a fraction?</a> (Reading, about cooking)" in progress
    assert "Practice — naming fractions</a> (Interactive practice)" in progress

    post(learner, "/learn/onboarding", interests="chess")  # names no topic of the course
    assert "interests you" not in first_step(client, bearer)["reason_text"]


def test_the_class_educator_sees_what_the_learner_answered_at_onboarding(
    clients: dict[str, TestClient], client: TestClient, tokens: dict[str, str | None],
    sqlite_world: World,
) -> None:  # fmt: skip
    learner = clients["learner"]
    assert "Your class's educators see your answers too" in learner.get("/learn/onboarding").text
    post(learner, "/learn/onboarding", interests="<b>football</b> & drums",
         modalities=["hands-on", "video"], weekly_minutes="45",
         goal_objective="add-like", goal_date="2030-06-01")  # fmt: skip
    w = sqlite_world
    page = clients["educator"].get(f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}")
    assert page.status_code == 200
    assert "goal: Adding with like denominators by June 1, 2030" in page.text
    assert "Interests: &lt;b&gt;football&lt;/b&gt; &amp; drums" in page.text  # escaped, as typed
    assert "Prefers: Video, Hands-on task" in page.text or "Prefers: Hands-on task, Video" in (
        page.text
    )
    assert "45 minutes a week" in page.text
    bearer = {"Authorization": f"Bearer {tokens['educator']}"}
    api = client.get(f"/api/v1/classes/{w.class_id}/learners/{w.learner.user_id}", headers=bearer)
    assert api.status_code == 200
    detail = api.json()
    assert detail["profile"] == {
        "goal_objective": "add-like", "goal_date": "2030-06-01",
        "interests": "<b>football</b> & drums", "preferred_modalities": ["hands-on", "video"],
        "weekly_minutes": 45,
    }  # fmt: skip
    assert detail["scores"] == []
    assert detail["placement"] is None
    assert detail["username"] == w.learner.username


def test_the_course_topics_are_ticked_and_the_rest_is_written(
    clients: dict[str, TestClient], client: TestClient, tokens: dict[str, str | None]
) -> None:
    learner = clients["learner"]
    page = learner.get("/learn/onboarding").text
    for title in ("cooking", "music", "sport", "making things"):
        assert f'name="interest_topics" value="{title}"' in page
    saved = post(learner, "/learn/onboarding", interest_topics=["cooking", "making things"],
                 interests=" origami, chess ")  # fmt: skip
    assert saved.status_code == 303  # type: ignore[attr-defined]
    bearer = {"Authorization": f"Bearer {tokens['learner']}"}
    profile = client.get("/api/v1/me/profile", headers=bearer).json()
    assert profile["interests"] == "cooking, making things, origami, chess"
    page = learner.get("/learn/onboarding").text
    ticked = re.findall(r'name="interest_topics" value="([^"]+)"\s+checked', page)
    assert ticked == ["cooking", "making things"]
    assert 'name="interests" value="origami, chess"' in page  # only what no box says
    # written words that name a topic tick its box ("music" was the world learner's own word)
    post(learner, "/learn/onboarding", interests="Music and baking")
    page = learner.get("/learn/onboarding").text
    ticked = re.findall(r'name="interest_topics" value="([^"]+)"\s+checked', page)
    assert ticked == ["cooking", "music"]
    assert 'name="interests" value="Music and baking"' in page  # kept as written
    post(learner, "/learn/onboarding")  # nothing ticked, nothing written: no interests
    assert client.get("/api/v1/me/profile", headers=bearer).json()["interests"] == ""
