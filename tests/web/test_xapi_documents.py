"""xAPI documents over HTTP: State, Activity Profile and Agent Profile with ETags, JSON merge on
POST, preconditions, listing by time; the Activities and Agents resources."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from learnloop.services.lrs import create_client
from tests.conftest import World

AGENT = json.dumps({"mbox": "mailto:ann@example.com"})
ACT = "https://example.com/quiz/1"


@pytest.fixture
def h(app: FastAPI, sqlite_world: World, hasher: PasswordHasher) -> dict[str, dict[str, str]]:
    out = {}
    for name, write in (("write", True), ("read", False)):
        c = create_client(sqlite_world.db, hasher, name=name, can_write=write)
        token = base64.b64encode(f"{c.key}:{c.secret}".encode()).decode()
        out[name] = {"X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {token}"}
    return out


def test_state_put_get_merge_list_and_delete(
    client: TestClient, h: dict[str, dict[str, str]]
) -> None:
    where = {"activityId": ACT, "agent": AGENT, "stateId": "progress"}
    r = client.put(
        "/xapi/activities/state", params=where, json={"page": 3, "score": 1}, headers=h["write"]
    )
    assert r.status_code == 204, r.text
    got = client.get("/xapi/activities/state", params=where, headers=h["read"])
    assert got.json() == {"page": 3, "score": 1}
    assert got.headers["ETag"].startswith('"')
    merged = client.post(
        "/xapi/activities/state", params=where, json={"page": 4, "done": False}, headers=h["write"]
    )
    assert merged.status_code == 204
    assert client.get("/xapi/activities/state", params=where, headers=h["read"]).json() == {
        "page": 4, "score": 1, "done": False,
    }  # fmt: skip
    not_json = client.post(
        "/xapi/activities/state",
        params=where,
        content=b"plain",
        headers={**h["write"], "Content-Type": "text/plain"},
    )
    assert not_json.status_code == 400
    assert client.get("/xapi/activities/state", params=where, headers=h["read"]).json()["page"] == 4
    before = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    client.put(
        "/xapi/activities/state", params={**where, "stateId": "later"}, json={}, headers=h["write"]
    )
    scope = {"activityId": ACT, "agent": AGENT}
    assert client.get("/xapi/activities/state", params=scope, headers=h["read"]).json() == [
        "later",
        "progress",
    ]
    assert client.get(
        "/xapi/activities/state", params={**scope, "since": before}, headers=h["read"]
    ).json() == ["later"]
    registration = {**where, "registration": "6fbd600f-d17c-4c74-801a-2ec2e53231c5"}
    assert (
        client.get("/xapi/activities/state", params=registration, headers=h["read"]).status_code
        == 404
    )
    assert (
        client.delete("/xapi/activities/state", params=scope, headers=h["read"]).status_code == 403
    )
    assert (
        client.delete("/xapi/activities/state", params=scope, headers=h["write"]).status_code == 204
    )
    assert client.get("/xapi/activities/state", params=scope, headers=h["read"]).json() == []
    for bad in (
        {"agent": AGENT, "stateId": "x"},
        {"activityId": ACT, "stateId": "x"},
        {**where, "agent": "{}"},
        {**where, "registration": "r"},
        {**where, "colour": "red"},
    ):
        assert (
            client.put(
                "/xapi/activities/state", params=bad, json={}, headers=h["write"]
            ).status_code
            == 400
        ), bad


@pytest.mark.parametrize(
    ("path", "scope"),
    [("/xapi/activities/profile", {"activityId": ACT}), ("/xapi/agents/profile", {"agent": AGENT})],
)
def test_profiles_need_preconditions(
    path: str, scope: dict[str, str], client: TestClient, h: dict[str, dict[str, str]]
) -> None:
    where = {**scope, "profileId": "prefs"}
    assert client.put(path, params=where, json={"a": 1}, headers=h["write"]).status_code == 400
    created = client.put(
        path, params=where, json={"a": 1}, headers={**h["write"], "If-None-Match": "*"}
    )
    assert created.status_code == 204
    etag = client.get(path, params=where, headers=h["read"]).headers["ETag"]
    assert client.put(path, params=where, json={"a": 2}, headers=h["write"]).status_code == 409
    again = client.put(
        path, params=where, json={"a": 2}, headers={**h["write"], "If-None-Match": "*"}
    )
    assert again.status_code == 412
    stale = client.put(
        path, params=where, json={"a": 2}, headers={**h["write"], "If-Match": '"0000"'}
    )
    assert stale.status_code == 412
    ok = client.put(path, params=where, json={"a": 2}, headers={**h["write"], "If-Match": etag})
    assert ok.status_code == 204
    assert client.get(path, params=where, headers=h["read"]).json() == {"a": 2}
    assert client.get(path, params=scope, headers=h["read"]).json() == ["prefs"]
    assert client.delete(path, params=where, headers=h["write"]).status_code == 204
    assert client.get(path, params=where, headers=h["read"]).status_code == 404


def test_activities_and_agents(client: TestClient, h: dict[str, dict[str, str]]) -> None:
    base = {
        "actor": {"mbox": "mailto:ann@example.com", "name": "Ann"},
        "verb": {"id": "http://example.com/v"},
    }
    for definition in (
        {"name": {"en": "Quiz"}},
        {"name": {"fr": "Jeu"}, "type": "http://example.com/t"},
    ):
        st = {**base, "object": {"id": ACT, "definition": definition}}
        assert client.post("/xapi/statements", json=st, headers=h["write"]).status_code == 200
    activity = client.get("/xapi/activities", params={"activityId": ACT}, headers=h["read"]).json()
    assert activity["definition"] == {
        "name": {"en": "Quiz", "fr": "Jeu"},
        "type": "http://example.com/t",
    }
    assert client.get("/xapi/activities", headers=h["read"]).status_code == 400
    person = client.get("/xapi/agents", params={"agent": AGENT}, headers=h["read"]).json()
    assert person == {"objectType": "Person", "mbox": ["mailto:ann@example.com"]}
    assert client.get("/xapi/agents", params={"agent": "{}"}, headers=h["read"]).status_code == 400


def test_a_blind_state_put_onto_a_document_is_a_conflict_in_xapi_2_only(
    client: TestClient, h: dict[str, dict[str, str]]
) -> None:
    where = {"activityId": ACT, "agent": AGENT, "stateId": "blind"}
    v2 = {**h["write"], "X-Experience-API-Version": "2.0.0"}
    assert (
        client.put("/xapi/activities/state", params=where, json={"a": 1}, headers=v2).status_code
        == 204
    )
    again = client.put("/xapi/activities/state", params=where, json={"a": 2}, headers=v2)
    assert again.status_code == 409
    assert "If-Match" in again.json()["error"]
    assert client.get("/xapi/activities/state", params=where, headers=h["read"]).json() == {"a": 1}
    etag = client.get("/xapi/activities/state", params=where, headers=h["read"]).headers["ETag"]
    matched = client.put(
        "/xapi/activities/state", params=where, json={"a": 3}, headers={**v2, "If-Match": etag}
    )
    assert matched.status_code == 204
    v1 = client.put("/xapi/activities/state", params=where, json={"a": 4}, headers=h["write"])
    assert v1.status_code == 204  # 1.0.3 lets a State PUT overwrite without a precondition
    assert client.get("/xapi/activities/state", params=where, headers=h["read"]).json() == {"a": 4}
