"""The LRS over HTTP: version header, Basic credentials, statements stored and read back,
batches all or nothing, PUT conflicts, voiding, every filter, paging that keeps the filters."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.config import Settings
from learnloop.reports import xapi_queries
from learnloop.services.lrs import (
    authenticate_client,
    create_client,
    revoke_client,
    store_statements,
)
from learnloop.services.statement_index import keys_queued
from learnloop.storage.tables import XapiStatement
from learnloop.web.app import create_app
from tests.conftest import World

FIXTURES = Path(__file__).parents[1] / "fixtures" / "xapi"
VALID: list[Any] = json.loads((FIXTURES / "valid.json").read_text())
INVALID: dict[str, Any] = json.loads((FIXTURES / "invalid.json").read_text())
VERSION = {"X-Experience-API-Version": "1.0.3"}


def basic(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {**VERSION, "Authorization": f"Basic {token}"}


@pytest.fixture
def lrs(app: FastAPI, sqlite_world: World, hasher: PasswordHasher) -> dict[str, dict[str, str]]:
    writer = create_client(sqlite_world.db, hasher, name="h5p", can_write=True)
    reader = create_client(sqlite_world.db, hasher, name="dashboard", can_write=False)
    return {"write": basic(writer.key, writer.secret), "read": basic(reader.key, reader.secret)}


def stored_count(world: World) -> int:
    with world.db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(XapiStatement)) or 0)


def test_about_version_header_and_credentials(
    client: TestClient, lrs: dict[str, dict[str, str]], sqlite_world: World, hasher: PasswordHasher
) -> None:
    about = client.get("/xapi/about")
    assert about.status_code == 200
    assert "1.0.3" in about.json()["version"]
    missing = client.get(
        "/xapi/statements", headers={"Authorization": lrs["read"]["Authorization"]}
    )
    assert missing.status_code == 400
    assert "X-Experience-API-Version" in missing.json()["error"]
    wrong = client.get(
        "/xapi/statements", headers={**lrs["read"], "X-Experience-API-Version": "0.9"}
    )
    assert wrong.status_code == 400
    anonymous = client.get("/xapi/statements", headers=VERSION)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    assert anonymous.headers["X-Experience-API-Version"] == "1.0.3"
    bad = client.get("/xapi/statements", headers=basic("nobody", "nothing"))
    assert bad.status_code == 401
    read_only = client.post("/xapi/statements", json=VALID[0], headers=lrs["read"])
    assert read_only.status_code == 403
    two = client.get(
        "/xapi/statements", headers={**lrs["read"], "X-Experience-API-Version": "2.0.0"}
    )
    assert two.status_code == 200
    assert two.headers["X-Experience-API-Version"] == "2.0.0"
    late = create_client(sqlite_world.db, hasher, name="late", can_write=True)
    revoke_client(sqlite_world.db, name="late")
    assert client.get("/xapi/statements", headers=basic(late.key, late.secret)).status_code == 401


def test_post_get_and_the_lrs_fields(client: TestClient, lrs: dict[str, dict[str, str]]) -> None:
    posted = client.post("/xapi/statements", json=VALID, headers=lrs["write"])
    assert posted.status_code == 200, posted.text
    ids = posted.json()
    assert len(ids) == len(VALID)
    assert all(uuid.UUID(i) for i in ids)
    one = client.get("/xapi/statements", params={"statementId": ids[0]}, headers=lrs["read"])
    assert one.status_code == 200
    body = one.json()
    assert body["id"] == ids[0]
    assert body["actor"] == VALID[0]["actor"]
    assert body["authority"]["account"]["name"] == "lrs-client:h5p"
    assert body["stored"]
    assert body["timestamp"] == VALID[0]["timestamp"]
    assert body["version"] == "1.0.0"
    assert one.headers["X-Experience-API-Consistent-Through"]
    assert one.headers["Last-Modified"].endswith(" GMT")
    head = client.head("/xapi/statements", params={"statementId": ids[0]}, headers=lrs["read"])
    assert head.status_code == 200
    assert head.content == b""
    listing = client.get("/xapi/statements", headers=lrs["read"]).json()
    assert [s["id"] for s in listing["statements"]] == ids[::-1]  # newest stored first
    assert listing["more"] == ""
    ids_only = client.get(
        "/xapi/statements", params={"format": "ids", "statementId": ids[0]}, headers=lrs["read"]
    )
    assert ids_only.json()["actor"] == {"mbox": "mailto:ann@example.com"}
    assert ids_only.json()["verb"] == {"id": VALID[0]["verb"]["id"]}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_an_invalid_statement_in_a_batch_rejects_all_of_it(
    name: str, client: TestClient, lrs: dict[str, dict[str, str]], sqlite_world: World
) -> None:
    batch = [VALID[0], INVALID[name]["statement"]]
    r = client.post("/xapi/statements", json=batch, headers=lrs["write"])
    assert r.status_code == 400, r.text
    assert r.json()["field"] == INVALID[name]["field"].replace("statement", "statements[1]", 1)
    assert stored_count(sqlite_world) == 0


def test_put_same_content_is_accepted_other_content_conflicts(
    client: TestClient, lrs: dict[str, dict[str, str]], sqlite_world: World
) -> None:
    sid = str(uuid.uuid4())
    first = client.put(
        "/xapi/statements", params={"statementId": sid}, json=VALID[0], headers=lrs["write"]
    )
    assert first.status_code == 204, first.text
    again = client.put(
        "/xapi/statements", params={"statementId": sid}, json=VALID[0], headers=lrs["write"]
    )
    assert again.status_code == 204
    other = copy.deepcopy(VALID[0])
    other["result"]["success"] = False
    clash = client.put(
        "/xapi/statements", params={"statementId": sid}, json=other, headers=lrs["write"]
    )
    assert clash.status_code == 409
    assert client.put("/xapi/statements", json=VALID[0], headers=lrs["write"]).status_code == 400
    mismatch = {**VALID[0], "id": str(uuid.uuid4())}
    r = client.put(
        "/xapi/statements", params={"statementId": sid}, json=mismatch, headers=lrs["write"]
    )
    assert r.status_code == 400
    malformed = client.put(
        "/xapi/statements", params={"statementId": "not-a-uuid"}, json=VALID[0],
        headers=lrs["write"],
    )  # fmt: skip
    assert malformed.status_code == 400
    assert malformed.json()["field"] == "statementId"
    assert stored_count(sqlite_world) == 1
    not_json = client.post(
        "/xapi/statements",
        content=b"{",
        headers={**lrs["write"], "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400


def test_voiding(client: TestClient, lrs: dict[str, dict[str, str]]) -> None:
    (target,) = client.post("/xapi/statements", json=VALID[0], headers=lrs["write"]).json()
    voiding = {
        "actor": {"mbox": "mailto:admin@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }
    (void_id,) = client.post("/xapi/statements", json=voiding, headers=lrs["write"]).json()
    gone = client.get("/xapi/statements", params={"statementId": target}, headers=lrs["read"])
    assert gone.status_code == 404
    kept = client.get("/xapi/statements", params={"voidedStatementId": target}, headers=lrs["read"])
    assert kept.status_code == 200
    assert kept.json()["id"] == target
    listed = [
        s["id"] for s in client.get("/xapi/statements", headers=lrs["read"]).json()["statements"]
    ]
    assert listed == [void_id]  # the voided one is left out; the voiding one is listed
    again = {**voiding, "object": {"objectType": "StatementRef", "id": void_id}}
    assert client.post("/xapi/statements", json=again, headers=lrs["write"]).status_code == 400


@pytest.mark.parametrize("listed_at_most", [5_000, 0])  # by their numbers, or in the database
def test_a_filter_returns_the_statements_that_target_a_matching_one(
    client: TestClient,
    lrs: dict[str, dict[str, str]],
    listed_at_most: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xapi_queries, "MAX_LISTED_REFERENCES", listed_at_most)
    verb = "http://example.com/verbs/rated"
    rated = {**copy.deepcopy(VALID[0]), "verb": {"id": verb}}
    (target,) = client.post("/xapi/statements", json=rated, headers=lrs["write"]).json()
    pointing = {
        "actor": {"mbox": "mailto:reviewer@example.com"},
        "verb": {"id": verb},
        "object": {"objectType": "StatementRef", "id": target},
    }
    (ref_id,) = client.post("/xapi/statements", json=pointing, headers=lrs["write"]).json()
    voiding = {
        "actor": {"mbox": "mailto:admin@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }
    (void_id,) = client.post("/xapi/statements", json=voiding, headers=lrs["write"]).json()
    other = {**copy.deepcopy(VALID[0]), "verb": {"id": "http://example.com/verbs/other"}}
    client.post("/xapi/statements", json=other, headers=lrs["write"])

    def listed(**params: str) -> list[str]:
        page = client.get("/xapi/statements", params=params, headers=lrs["read"]).json()
        return [st["id"] for st in page["statements"]]

    # the voided target is left out; the voiding statement matches through its target's verb
    assert listed(verb=verb) == [void_id, ref_id]
    assert listed(verb=verb, ascending="true") == [ref_id, void_id]
    assert listed(verb=verb, limit="1") == [void_id]
    # the target's actor and activity file the voiding statement as well
    actor = json.dumps(rated["actor"])
    assert void_id in listed(agent=actor)
    assert void_id in listed(activity=rated["object"]["id"])
    assert void_id not in listed(verb="http://example.com/verbs/other")


def test_filters_and_paging_keep_the_filters(
    client: TestClient, lrs: dict[str, dict[str, str]]
) -> None:
    client.post("/xapi/statements", json=VALID, headers=lrs["write"])
    extra = []
    for n in range(5):
        st = copy.deepcopy(VALID[0])
        st["object"]["id"] = f"https://example.com/quiz/{n + 2}"
        extra.append(st)
    client.post("/xapi/statements", json=extra, headers=lrs["write"])

    def ids(**params: str) -> list[str]:
        r = client.get("/xapi/statements", params=params, headers=lrs["read"])
        assert r.status_code == 200, r.text
        return [
            s["object"].get("id", s["object"].get("objectType")) for s in r.json()["statements"]
        ]

    ann = json.dumps({"mbox": "mailto:ann@example.com"})
    assert len(ids(agent=ann)) == 6
    assert ids(verb="http://adlnet.gov/expapi/verbs/completed") == ["Agent"]
    assert ids(activity="https://example.com/quiz/1") == ["https://example.com/quiz/1"]
    assert len(ids(activity="https://example.com/course", related_activities="true")) == 6
    assert ids(activity="https://example.com/course") == []
    teacher = json.dumps({"mbox": "mailto:teacher@example.com"})
    assert ids(agent=teacher) == []
    assert ids(agent=teacher, related_agents="true") == ["SubStatement"]
    assert len(ids(registration="6fbd600f-d17c-4c74-801a-2ec2e53231c5")) == 6
    ascending = ids(agent=ann, ascending="true")
    assert ascending[0] == "https://example.com/quiz/1"
    # paging: 2 at a time, ascending, by agent: the cursor keeps both
    seen: list[str] = []
    r = client.get(
        "/xapi/statements",
        params={"agent": ann, "limit": "2", "ascending": "true"},
        headers=lrs["read"],
    ).json()
    while True:
        seen += [s["object"]["id"] for s in r["statements"]]
        if not r["more"]:
            break
        assert r["more"].startswith("/xapi/statements?cursor=")
        r = client.get(r["more"], headers=lrs["read"]).json()
    assert seen == ascending
    for bad in (
        {"limit": "-1"},
        {"ascending": "yes"},
        {"agent": "{}"},
        {"since": "yesterday"},
        {"colour": "red"},
        {"format": "full"},
    ):
        r = client.get("/xapi/statements", params=bad, headers=lrs["read"])
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["field"] == next(iter(bad))
    until_now = client.get(
        "/xapi/statements", params={"until": "2000-01-01T00:00:00Z"}, headers=lrs["read"]
    ).json()
    assert until_now["statements"] == []


def test_context_activities_come_back_as_arrays_and_404s_say_how_consistent(
    client: TestClient, lrs: dict[str, dict[str, str]]
) -> None:
    st = copy.deepcopy(VALID[0])  # its "grouping" is a single activity, not a list
    (sid,) = client.post("/xapi/statements", json=st, headers=lrs["write"]).json()
    got = client.get("/xapi/statements", params={"statementId": sid}, headers=lrs["read"]).json()
    assert got["context"]["contextActivities"]["grouping"] == [
        {"id": "https://example.com/program"}
    ]
    missing = client.get(
        "/xapi/statements", params={"statementId": str(uuid.uuid4())}, headers=lrs["read"]
    )
    assert missing.status_code == 404
    assert missing.headers["X-Experience-API-Consistent-Through"]


def test_a_request_naming_no_version_is_answered_in_the_configured_one(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path, lrs: dict[str, dict[str, str]]
) -> None:
    for default in ("1.0.3", "2.0.0"):
        settings = Settings(
            database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
            xapi_default_version=default,
        )  # fmt: skip
        with TestClient(create_app(settings, database=sqlite_world.db, hasher=hasher)) as c:
            auth = {"Authorization": lrs["read"]["Authorization"]}
            missing = c.get("/xapi/statements", headers=auth)
            assert missing.status_code == 400
            assert missing.headers["X-Experience-API-Version"] == default
            named = c.get("/xapi/statements", headers={**auth, "X-Experience-API-Version": "1.0.3"})
            assert named.headers["X-Experience-API-Version"] == "1.0.3"


def test_the_alternate_request_syntax_of_xapi_1_0_3(
    client: TestClient, lrs: dict[str, dict[str, str]]
) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    statement_id = str(uuid.uuid4())
    put = client.post(
        "/xapi/statements?method=PUT",
        content=urlencode({
            "statementId": statement_id, "content": json.dumps(VALID[0]),
            "Authorization": lrs["write"]["Authorization"], "X-Experience-API-Version": "1.0.3",
        }),
        headers=form,
    )  # fmt: skip
    assert put.status_code == 204, put.text
    got = client.post(
        "/xapi/statements?method=GET",
        content=urlencode({"statementId": statement_id, **lrs["read"]}),
        headers=form,
    )
    assert got.status_code == 200
    assert got.json()["id"] == statement_id
    extra = client.post(
        f"/xapi/statements?method=GET&statementId={statement_id}",
        content=urlencode(lrs["read"]),
        headers=form,
    )
    assert extra.status_code == 400
    assert "statementId" in extra.json()["error"]
    not_a_form = client.post("/xapi/statements?method=PUT", json=VALID[0], headers=lrs["write"])
    assert not_a_form.status_code == 400
    v2 = client.post(
        "/xapi/statements?method=GET",
        content=urlencode({**lrs["read"], "X-Experience-API-Version": "2.0.0"}),
        headers=form,
    )
    assert v2.status_code == 400  # xAPI 2.0 has no alternate syntax


def test_a_body_past_the_configured_limit_is_refused_before_it_is_stored(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    settings = Settings(
        database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
        xapi_max_request_bytes=4096,
    )  # fmt: skip
    writer = create_client(sqlite_world.db, hasher, name="big", can_write=True)
    headers = basic(writer.key, writer.secret)
    with TestClient(create_app(settings, database=sqlite_world.db, hasher=hasher)) as client:
        small = client.post("/xapi/statements", json=VALID[0], headers=headers)
        assert small.status_code == 200, small.text
        many = [VALID[0]] * 20  # well past 4 KiB
        big = client.post("/xapi/statements", json=many, headers=headers)
        assert big.status_code == 413
        assert "4096 bytes" in big.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: refused as the stream passes it
            yield json.dumps(many).encode()

        streamed = client.post(
            "/xapi/statements", content=chunks(),
            headers={**headers, "Content-Type": "application/json"},
        )  # fmt: skip
        assert streamed.status_code == 413
        document = client.put(
            "/xapi/activities/profile",
            params={"activityId": "https://example.org/a", "profileId": "p"},
            content=b"x" * 5000,
            headers={**headers, "Content-Type": "text/plain", "If-None-Match": "*"},
        )
        assert document.status_code == 413
    assert stored_count(sqlite_world) == 1


def test_a_query_finds_statements_whose_keys_wait_to_be_filed(
    client: TestClient, lrs: dict[str, dict[str, str]], sqlite_world: World, hasher: PasswordHasher
) -> None:
    """Stored outside the writer (which would file them when idle): only the query's own
    catching up files them, and an agent, verb and activity filter each find them."""
    tool = create_client(sqlite_world.db, hasher, name="tool", can_write=True)
    caller = authenticate_client(sqlite_world.db, hasher, tool.key, tool.secret)
    store_statements(sqlite_world.db, caller, copy.deepcopy(VALID[:1]), base_url="http://t")
    assert keys_queued(sqlite_world.db)
    st = VALID[0]
    for params in (
        {"agent": json.dumps(st["actor"])},
        {"verb": st["verb"]["id"]},
        {"activity": st["object"]["id"]},
    ):
        r = client.get("/xapi/statements", params=params, headers=lrs["read"])
        assert r.status_code == 200, r.text
        assert len(r.json()["statements"]) == 1, params
    assert not keys_queued(sqlite_world.db)
