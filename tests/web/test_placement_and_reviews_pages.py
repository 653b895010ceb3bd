"""Placement and reviews through the pages: onboarding offers the diagnostic and starts the
learner where it placed them, the home counts due reviews, the review page lists them, and the
class's educator sees the placement result."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from learnloop.services.demo_practice import answer_for
from learnloop.storage.tables import MemoryCard
from tests.conftest import World
from tests.web.conftest import post

ITEM = re.compile(r'name="item" value="([^"]+)"')


def test_onboarding_placement_reviews_and_the_educators_view(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    learner = clients["learner"]
    page = learner.get("/learn/onboarding")
    assert 'name="placement" value="yes"' in page.text
    r = post(
        learner, "/learn/onboarding", goal_objective="", modalities=["interactive"], placement="yes"
    )
    assert r.headers["location"] == "/learn/placement"  # type: ignore[attr-defined]
    questions = 0
    while (match := ITEM.search(text := learner.get("/learn/placement").text)) is not None:
        assert "There is no feedback here" in text
        if questions == 0:  # an unreadable answer is refused and changes nothing
            bad = post(learner, "/learn/placement/answer", item=match.group(1), response="")
            assert bad.status_code == 400  # type: ignore[attr-defined]
        item = match.group(1)
        answer = answer_for(sqlite_world.course, item, True)
        r = post(learner, "/learn/placement/answer", item=item, response=answer)
        assert r.status_code == 303  # type: ignore[attr-defined]
        questions += 1
    assert f"Done in {questions} questions" in text
    assert "already mastered" in text
    home = learner.get("/learn").text
    assert "No review due" in home
    assert "Take the placement diagnostic" not in home  # taken: no longer offered
    reviews = learner.get("/learn/reviews").text
    assert reviews.count('data-status="later"') >= questions
    # time passes: the cards fall due
    with sqlite_world.db.transaction() as s:
        s.execute(
            update(MemoryCard)
            .where(MemoryCard.user_id == sqlite_world.learner.user_id)
            .values(due=datetime.now(UTC) - timedelta(days=1))
        )
    home = learner.get("/learn").text
    assert re.search(r"<strong>\d+ reviews? due</strong>", home)
    assert 'data-reason="review"' in home
    due_page = learner.get("/learn/reviews").text
    assert 'data-status="due"' in due_page
    yesterday = datetime.now(UTC) - timedelta(days=1)
    assert f"due since {yesterday:%b} {yesterday.day}, {yesterday.year}" in due_page
    educator = (
        clients["educator"]
        .get(f"/teach/classes/{sqlite_world.class_id}/learners/{sqlite_world.learner.user_id}")
        .text
    )
    assert f"{questions} questions" in educator
    assert "Placed as mastered:" in educator
    assert 'data-status="due"' in educator
    # other learners of the class do not see it; the classmate has no placement
    other = clients["other_educator"].get(
        f"/teach/classes/{sqlite_world.class_id}/learners/{sqlite_world.learner.user_id}"
    )
    assert other.status_code == 403
    classmate = (
        clients["educator"]
        .get(
            f"/teach/classes/{sqlite_world.class_id}/learners/{sqlite_world.other_learner.user_id}"
        )
        .text
    )
    assert "No placement diagnostic taken." in classmate
