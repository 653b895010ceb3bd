"""The score test through the pages and the API: closed until calibrated, linked from the home,
answered question by question (a wrong question refused), a score with its range, and the
class's educator sees it on the learner's page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from learnloop.services.demo_practice import answer_for
from tests.conftest import World
from tests.web.conftest import post
from tests.web.score_bank import calibrate_demo_bank

ITEM = re.compile(r'name="item" value="([^"]+)"')
SCORE = re.compile(r'<strong class="score">(\d+)</strong> \(likely between (\d+) and (\d+)\)')


def test_a_learner_takes_the_score_test_and_their_educator_sees_the_score(
    clients: dict[str, TestClient], client: TestClient, tokens: dict[str, str | None],
    sqlite_world: World,
) -> None:  # fmt: skip
    learner = clients["learner"]
    closed = learner.get("/learn/score-test").text
    assert "opens once enough learners have answered" in closed
    assert 'action="/learn/score-test/start"' not in closed
    calibrate_demo_bank(sqlite_world)
    assert 'href="/learn/score-test">Fractions score</a>' in learner.get("/learn").text
    assert 'action="/learn/score-test/start"' in learner.get("/learn/score-test").text
    r = post(learner, "/learn/score-test/start")
    assert r.headers["location"] == "/learn/score-test"  # type: ignore[attr-defined]
    asked = 0
    while (match := ITEM.search(text := learner.get("/learn/score-test").text)) is not None:
        assert f"Question {asked + 1} of at most 12" in text
        item = match.group(1)
        if asked == 0:  # another item than the one asked: refused, nothing recorded
            other = next(k for k in sqlite_world.course.items if k != item)
            bad = post(learner, "/learn/score-test/answer", item=other, response="1/2")
            assert bad.status_code == 400  # type: ignore[attr-defined]
            assert "answer the test&#39;s current question" in bad.text  # type: ignore[attr-defined]
        answer = answer_for(sqlite_world.course, item, True)
        r = post(learner, "/learn/score-test/answer", item=item, response=answer)
        assert r.status_code == 303  # type: ignore[attr-defined]
        asked += 1
    found = SCORE.search(text)
    assert found, text
    score, low, high = (int(g) for g in found.groups())
    assert low < score < high
    assert score > 100
    assert f"Measured with {asked} questions" in text
    assert "You can take the test again from" in text
    assert 'action="/learn/score-test/start"' not in text
    educator = (
        clients["educator"]
        .get(f"/teach/classes/{sqlite_world.class_id}/learners/{sqlite_world.learner.user_id}")
        .text
    )
    assert f"<td>{score}</td><td>{low}–{high}</td>" in educator
    overview = clients["educator"].get(f"/teach/classes/{sqlite_world.class_id}").text
    today = datetime.now(UTC)
    assert f'<span class="score">score {score} on {today:%b} {today.day}, {today.year}</span>' in (
        overview
    )
    assert overview.count('class="score"') == 1  # the classmate has taken no test
    detail = client.get(
        f"/api/v1/classes/{sqlite_world.class_id}/learners/{sqlite_world.learner.user_id}",
        headers={"Authorization": f"Bearer {tokens['educator']}"},
    ).json()
    assert [(r["score"], r["low"], r["high"], r["questions"]) for r in detail["scores"]] == [
        (score, low, high, asked)
    ]
    classmate = clients["other_learner"].get("/learn/score-test").text
    assert "Your latest score" not in classmate  # each learner sees their own scores only


def test_the_score_test_runs_through_the_api(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    me = {"Authorization": f"Bearer {tokens['learner']}"}
    assert client.get("/api/v1/me/score-test", headers=me).json()["ready"] is False
    assert client.post("/api/v1/me/score-test", headers=me).status_code == 403
    calibrate_demo_bank(sqlite_world)
    before = client.get("/api/v1/me/score-test", headers=me).json()
    assert before["offered"] is True
    assert before["limit"] == 12
    assert before["scores"] == []
    assert client.post("/api/v1/me/score-test", headers=me).status_code == 201
    asked = 0
    while (page := client.get("/api/v1/me/score-test", headers=me).json())["question"]:
        question = page["question"]
        assert ("answer" not in question and "choices" not in question) or all(
            "correct" not in c for c in question.get("choices", [])
        )
        response = answer_for(sqlite_world.course, question["key"], False)
        done = client.post("/api/v1/me/score-test/answers", headers=me,
                           json={"item": question["key"], "response": response})  # fmt: skip
        assert done.status_code == 200, done.text
        asked += 1
    body = done.json()
    assert body["finished"] is True
    assert body["questions"] == asked
    assert body["score"] < 100
    after = client.get("/api/v1/me/score-test", headers=me).json()
    assert after["offered"] is False
    assert after["again_on"] is not None
    assert after["scores"][0]["score"] == body["score"]
    assert after["scores"][0]["low"] < body["score"] < after["scores"][0]["high"]
    bad = client.post("/api/v1/me/score-test/answers", headers=me,
                      json={"item": "pw-1", "response": "a"})  # fmt: skip
    assert bad.status_code == 404  # no test in progress
