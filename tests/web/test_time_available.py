"""The time a learner can give a week (onboarding's "time available"): asked on the onboarding
page and in the API, checked, and, before the learner has a pace of their own, the forecast of
their goal on the home page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.domain.goals import objective_minutes
from learnloop.storage.tables import LearnerProfile
from tests.conftest import World
from tests.web.conftest import post


def test_the_onboarding_page_asks_and_the_home_forecasts_from_it(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    learner = clients["learner"]
    assert 'name="weekly_minutes"' in learner.get("/learn/onboarding").text
    goal_date = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    bad = post(learner, "/learn/onboarding", goal_objective="add-unlike", goal_date=goal_date,
               weekly_minutes="an hour")  # fmt: skip
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "give the minutes as a whole number, like 90" in bad.text  # type: ignore[attr-defined]
    few = post(learner, "/learn/onboarding", goal_objective="add-unlike", goal_date=goal_date,
               weekly_minutes="5")  # fmt: skip
    assert few.status_code == 400  # type: ignore[attr-defined]
    assert "give between 10 and 2400 minutes a week" in few.text  # type: ignore[attr-defined]
    with sqlite_world.db.reading() as s:
        kept = s.scalar(
            select(LearnerProfile.weekly_minutes).where(
                LearnerProfile.user_id == sqlite_world.learner.user_id
            )
        )
    assert kept is None  # a refused form changes nothing
    ok = post(learner, "/learn/onboarding", goal_objective="add-unlike", goal_date=goal_date,
              weekly_minutes="45")  # fmt: skip
    assert ok.status_code == 303  # type: ignore[attr-defined]
    assert 'value="45"' in learner.get("/learn/onboarding").text
    home = learner.get("/learn").text
    path = sqlite_world.course.graph.path_to("add-unlike", set())
    weeks = sum(objective_minutes(sqlite_world.course)[k] for k in path) / 45
    when = datetime.now(UTC).date() + timedelta(weeks=weeks)
    assert f"at 45 minutes a week you get there by {when:%B} {when.day}" in home
    assert 'data-status="on-track"' in home


def test_the_api_reads_and_checks_the_time_available(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    me = {"Authorization": f"Bearer {tokens['learner']}"}
    assert client.get("/api/v1/me/profile", headers=me).json()["weekly_minutes"] is None
    put = client.put("/api/v1/me/profile", headers=me,
                     json={"goal_objective": "compare", "weekly_minutes": 120})  # fmt: skip
    assert put.status_code == 204
    assert client.get("/api/v1/me/profile", headers=me).json()["weekly_minutes"] == 120
    bad = client.put("/api/v1/me/profile", headers=me, json={"weekly_minutes": 3000})
    assert bad.status_code == 400
    assert "weekly_minutes" in bad.text
    assert client.get("/api/v1/me/profile", headers=me).json()["weekly_minutes"] == 120
