"""One record of learning: a statement about a learnloop item updates the learner model exactly
as an answer in the app; answers in the app are emitted into the LRS; nothing counts twice."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.adapters.xapi.learnloop_ids import (
    activity_iri,
    attempt_statement_id,
    item_iri,
    learner_agent,
)
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import DEFAULT_PUBLIC_URL, record_attempt
from learnloop.services.lrs import create_client
from learnloop.storage.tables import Attempt, Mastery
from tests.conftest import World

BASE = DEFAULT_PUBLIC_URL


@pytest.fixture
def writer(app: FastAPI, sqlite_world: World, hasher: PasswordHasher) -> dict[str, str]:
    creds = create_client(sqlite_world.db, hasher, name="h5p", can_write=True)
    token = base64.b64encode(f"{creds.key}:{creds.secret}".encode()).decode()
    return {"X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {token}"}


def mastery(world: World, user_id: int, objective: str) -> tuple[float, int, int, bool] | None:
    with world.db.reading() as s:
        row = s.get(Mastery, (user_id, world.course_id, objective))
        return None if row is None else (row.p_known, row.attempts, row.correct, row.mastered)


def attempts(world: World, user_id: int) -> int:
    with world.db.reading() as s:
        return int(
            s.scalar(select(func.count()).select_from(Attempt).where(Attempt.user_id == user_id))
            or 0
        )


def answered(username: str, item: str, success: bool | None = None, **extra: Any) -> dict[str, Any]:
    st: dict[str, Any] = {
        "actor": learner_agent(BASE, username),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": item_iri(BASE, "fractions", item)},
        "context": {
            "contextActivities": {
                "parent": [{"id": activity_iri(BASE, "fractions", "parts-practice")}]
            }
        },
        **extra,
    }
    if success is not None:
        st["result"] = {"success": success}
    return st


def test_a_statement_updates_the_model_as_an_answer_in_the_app_does(
    client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    for item, right in (("pw-4", True), ("pw-5", False), ("pw-6", True)):
        record_attempt(
            w.db, w.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(w.course, item, right),
        )  # fmt: skip
        r = client.post(
            "/xapi/statements", json=answered(w.other_learner.username, item, right), headers=writer
        )
        assert r.status_code == 200, r.text
    in_app = mastery(w, w.learner.user_id, "parts-of-a-whole")
    by_xapi = mastery(w, w.other_learner.user_id, "parts-of-a-whole")
    assert in_app is not None
    assert by_xapi == pytest.approx(in_app)
    assert attempts(w, w.other_learner.user_id) == 3


def test_in_app_answers_are_in_the_lrs_and_nothing_counts_twice(
    client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    outcome = record_attempt(
        w.db, w.learner, activity_key="parts-practice", item_key="pw-4",
        response=answer_for(w.course, "pw-4", True),
    )  # fmt: skip
    agent = json.dumps(learner_agent(BASE, w.learner.username))
    listed = client.get("/xapi/statements", params={"agent": agent}, headers=writer).json()[
        "statements"
    ]
    assert len(listed) == 1
    st = listed[0]
    assert st["id"] == attempt_statement_id(BASE, outcome.attempt_id)
    assert st["object"]["id"] == item_iri(BASE, "fractions", "pw-4")
    assert st["result"]["success"] is True
    before = mastery(w, w.learner.user_id, "parts-of-a-whole")
    # learnloop's own statement, sent back (by another LRS, say) under a new id: not counted again
    copy = {k: v for k, v in st.items() if k not in ("id", "stored", "authority")}
    assert client.post("/xapi/statements", json=copy, headers=writer).status_code == 200
    # an external statement sent twice with the same id: stored and counted once
    external = {
        **answered(w.other_learner.username, "pw-4", True),
        "id": "1f0b3f6e-3c4a-4c1e-9d0b-2f8e6a1b7c55",
    }
    for _ in range(2):
        assert client.post("/xapi/statements", json=external, headers=writer).status_code == 200
    assert mastery(w, w.learner.user_id, "parts-of-a-whole") == before
    assert attempts(w, w.learner.user_id) == 1
    assert attempts(w, w.other_learner.user_id) == 1


def test_what_does_not_feed_the_model(
    client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    locked = answered(w.learner.username, "eq-1", True)  # equivalent fractions: locked at first
    no_outcome = answered(w.learner.username, "pw-4")
    stranger = answered("nobody-here", "pw-4", True)
    other_site = {
        **answered(w.learner.username, "pw-4", True),
        "object": {"id": "https://elsewhere.example/items/pw-4"},
    }
    for st in (locked, no_outcome, stranger, other_site):
        assert client.post("/xapi/statements", json=st, headers=writer).status_code == 200
    assert attempts(w, w.learner.user_id) == 0  # all stored, none counted
    scored = {**answered(w.learner.username, "pw-4"), "result": {"score": {"scaled": 0.9}}}
    assert client.post("/xapi/statements", json=scored, headers=writer).status_code == 200
    row = mastery(w, w.learner.user_id, "parts-of-a-whole")
    assert row is not None
    assert (row[1], row[2]) == (1, 1)
