"""Ordering and matching items on the learner's page, without JavaScript: a select per place or
pair, partial feedback, a clear error for an incomplete answer."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from learnloop.services.courses import import_course
from tests.conftest import World
from tests.content.test_ordering_matching import course_at
from tests.web.test_learner_journey import post, register


def test_a_learner_answers_both_on_the_page(
    client: TestClient, sqlite_world: World, tmp_path: Path
) -> None:
    course_id, _ = import_course(sqlite_world.db, course_at(tmp_path / "c"))
    register(client, "sorter")
    post(client, "/learn/onboarding", course_id=str(course_id))
    page = client.get("/learn/activities/a-read").text
    assert page.count('name="response" required') == 4 + 3  # a select per place and per pair
    assert '<option value="d">more than 1</option>' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/learn/activities/a-read/items/a-2",
        data={"csrf_token": token, "response": ["b", "a", "c", "d"]},
    )
    assert r.status_code == 303
    after = client.get("/learn/activities/a-read").text
    assert "2 of 4 in the right place." in after
    missing = client.post(
        "/learn/activities/a-read/items/a-3", data={"csrf_token": token, "response": ["a", "b"]}
    )
    assert missing.status_code == 400
    assert "choose a match for each of the 3 items" in missing.text
    done = client.post(
        "/learn/activities/a-read/items/a-3",
        data={"csrf_token": token, "response": ["a", "b", "c"]},
    )
    assert done.status_code == 303
    assert "✓ Correct" in client.get("/learn/activities/a-read").text
