"""A user downloads everything learnloop keeps about them: their rows in every table that refers
to users, the xAPI statements naming them, and nobody else's; no credential hashes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from learnloop.reports.learner_export import SECRET_COLUMNS
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.messages import send_feedback
from learnloop.storage.personal_data import user_tables
from tests.conftest import PASSWORD, World
from tests.web.conftest import login

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _answer(world: World, viewer: object, item: str, right: bool) -> None:
    record_attempt(
        world.db, viewer, activity_key="parts-practice", item_key=item,  # type: ignore[arg-type]
        response=answer_for(world.course, item, right), now=T0,
    )  # fmt: skip


def _two_answers_and_a_classmates(w: World) -> None:
    _answer(w, w.learner, "pw-4", True)
    _answer(w, w.learner, "pw-3", False)
    _answer(w, w.other_learner, "pw-4", False)


def test_a_learner_downloads_their_own_data_and_nobody_elses(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    _two_answers_and_a_classmates(w)
    send_feedback(
        w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id, body="Well done"
    )
    send_feedback(
        w.db, w.educator, class_id=w.class_id, learner_id=w.other_learner.user_id, body="Not yours"
    )
    login(client, w.learner.username)

    r = client.get("/account/data.json")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith('attachment; filename="learnloop-')
    assert r.headers["cache-control"] == "no-store"
    data = r.json()
    me = w.learner.user_id

    assert data["user"]["username"] == w.learner.username
    # every table that refers to users, and the failed logins under the username
    assert set(data["tables"]) == set(user_tables()) | {"login_failures"}
    attempts = data["tables"]["attempts"]
    assert sorted(a["item_key"] for a in attempts) == ["pw-3", "pw-4"]
    assert {a["user_id"] for a in attempts} == {me}
    assert data["tables"]["mastery"]
    assert {m["user_id"] for m in data["tables"]["mastery"]} == {me}
    assert [m["body"] for m in data["tables"]["feedback_messages"]] == ["Well done"]
    assert data["tables"]["class_members"]
    assert data["tables"]["auth_sessions"]
    # the in-app answers as xAPI statements, about this learner only
    statements = data["xapi_statements"]
    assert len(statements) == 2
    assert {st["actor"]["account"]["name"] for st in statements} == {w.learner.username}
    # no credential hash, under any name
    text = json.dumps(data)
    for column in SECRET_COLUMNS:
        assert column not in text
    assert "$argon2" not in text
    assert "Not yours" not in text


def test_the_data_page_lists_what_is_kept_kind_by_kind(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    _two_answers_and_a_classmates(w)
    login(client, w.learner.username)
    page = client.get("/account/data").text
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', page))
    assert rows["Your answers to questions"] == "2"  # the classmate's answer is not theirs
    assert rows["Signed-in sessions"] == "1"
    assert "Messages to and from educators" not in rows  # no row for what is not kept
    assert int(rows["Learning records (xAPI statements) that name you"]) >= 2
    assert 'href="/account/data.json"' in page
    assert "Passwords and session keys are kept only as one-way hashes" in page


def test_an_educator_finds_the_feedback_they_sent(client: TestClient, sqlite_world: World) -> None:
    w = sqlite_world
    send_feedback(w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id, body="Hi")
    login(client, w.educator.username)
    data = client.get("/account/data.json").json()
    assert [m["body"] for m in data["tables"]["feedback_messages"]] == ["Hi"]
    assert data["tables"]["attempts"] == []


def test_the_api_gives_the_same_document(client: TestClient, sqlite_world: World) -> None:
    w = sqlite_world
    _answer(w, w.learner, "pw-4", True)
    token = client.post(
        "/api/v1/auth/token", json={"username": w.learner.username, "password": PASSWORD}
    ).json()["access_token"]
    data = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"}).json()
    assert [a["item_key"] for a in data["tables"]["attempts"]] == ["pw-4"]
    assert len(data["xapi_statements"]) == 1
