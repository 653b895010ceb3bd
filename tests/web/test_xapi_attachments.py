"""Statements with attachments over HTTP: multipart/mixed in, ``attachments=true`` out, every
rejection a 400 that stores nothing, and signed statements (golden statements in
tests/fixtures/xapi/attachments.json)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.adapters.xapi.multipart import parse_multipart
from learnloop.services.lrs import create_client
from learnloop.storage.tables import XapiAttachment, XapiStatement
from tests.adapters.test_xapi_attachments import jws, signed
from tests.conftest import World
from tests.web.test_xapi import basic

GOLDEN = json.loads((Path(__file__).parents[1] / "fixtures/xapi/attachments.json").read_text())
CONTENTS: dict[str, bytes] = {k: v.encode() for k, v in GOLDEN["contents"].items()}
STATEMENTS: dict[str, dict[str, Any]] = GOLDEN["statements"]
BOUNDARY = "golden-boundary-2026"
MIXED = {"Content-Type": f"multipart/mixed; boundary={BOUNDARY}"}


def golden(name: str) -> dict[str, Any]:
    return copy.deepcopy(STATEMENTS[name])


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


DECLARED = {a["sha2"]: a["contentType"] for st in STATEMENTS.values() for a in st["attachments"]}


def multipart(statements: Any, *contents: bytes, headers: dict[str, str] | None = None) -> bytes:
    """A request body as xAPI clients send it: statements first, then one part a content."""
    out = [f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode()]
    out.append(json.dumps(statements).encode() + b"\r\n")
    for content in contents:
        part = {
            "Content-Type": DECLARED.get(sha(content), "application/octet-stream"),
            "Content-Transfer-Encoding": "binary",
            "X-Experience-API-Hash": sha(content), **(headers or {}),
        }  # fmt: skip
        head = "".join(f"{k}: {v}\r\n" for k, v in part.items() if v)
        out.append(f"--{BOUNDARY}\r\n{head}\r\n".encode() + content + b"\r\n")
    out.append(f"--{BOUNDARY}--".encode())
    return b"".join(out)


@pytest.fixture
def lrs(app: FastAPI, sqlite_world: World, hasher: PasswordHasher) -> dict[str, str]:
    writer = create_client(sqlite_world.db, hasher, name="essays", can_write=True)
    return basic(writer.key, writer.secret)


def counts(world: World) -> tuple[int, int]:
    with world.db.reading() as s:
        return (
            int(s.scalar(select(func.count()).select_from(XapiStatement)) or 0),
            int(s.scalar(select(func.count()).select_from(XapiAttachment)) or 0),
        )


def test_the_golden_fixture_holds_together() -> None:
    for statement in STATEMENTS.values():
        for attachment in statement["attachments"]:
            if "fileUrl" not in attachment:
                content = next(c for c in CONTENTS.values() if sha(c) == attachment["sha2"])
                assert attachment["length"] == len(content)


def test_attachments_go_in_as_parts_and_come_back_with_attachments_true(
    client: TestClient, lrs: dict[str, str], sqlite_world: World
) -> None:
    both = golden("essay_and_photo")
    body = multipart([golden("essay"), both], CONTENTS["essay"], CONTENTS["photo"])
    posted = client.post("/xapi/statements", content=body, headers={**lrs, **MIXED})
    assert posted.status_code == 200, posted.text
    assert counts(sqlite_world) == (2, 2)  # the essay sent for both statements is kept once
    plain = client.get("/xapi/statements", params={"statementId": both["id"]}, headers=lrs)
    assert plain.headers["content-type"].startswith("application/json")
    assert plain.json()["attachments"] == both["attachments"]
    rich = client.get(
        "/xapi/statements",
        params={"statementId": both["id"], "attachments": "true"},
        headers=lrs,
    )
    assert rich.status_code == 200
    parts = parse_multipart(rich.content, rich.headers["content-type"])
    assert json.loads(parts[0].body)["id"] == both["id"]
    assert [p.body for p in parts[1:]] == [CONTENTS["essay"], CONTENTS["photo"]]
    assert [p.headers["x-experience-api-hash"] for p in parts[1:]] == [
        a["sha2"] for a in both["attachments"]
    ]
    assert parts[2].content_type == "image/jpeg"
    assert rich.headers["X-Experience-API-Consistent-Through"]
    listing = client.get("/xapi/statements", params={"attachments": "true"}, headers=lrs)
    listed = parse_multipart(listing.content, listing.headers["content-type"])
    assert len(json.loads(listed[0].body)["statements"]) == 2
    assert sorted(p.body for p in listed[1:]) == sorted(CONTENTS.values())  # each once
    head = client.head("/xapi/statements", params={"attachments": "true"}, headers=lrs)
    assert head.headers["content-type"].startswith("multipart/mixed")
    assert head.content == b""


def test_put_takes_a_statement_with_its_attachment(
    client: TestClient, lrs: dict[str, str], sqlite_world: World
) -> None:
    essay = golden("essay")
    put = client.put(
        "/xapi/statements",
        params={"statementId": essay["id"]},
        content=multipart(essay, CONTENTS["essay"]),
        headers={**lrs, **MIXED},
    )
    assert put.status_code == 204, put.text
    assert counts(sqlite_world) == (1, 1)


def test_an_attachment_by_file_url_needs_no_part(
    client: TestClient, lrs: dict[str, str], sqlite_world: World
) -> None:
    as_json = client.post("/xapi/statements", json=golden("by_url"), headers=lrs)
    assert as_json.status_code == 200, as_json.text
    assert counts(sqlite_world) == (1, 0)
    got = client.get(
        "/xapi/statements",
        params={"statementId": golden("by_url")["id"], "attachments": "true"},
        headers=lrs,
    )
    assert len(parse_multipart(got.content, got.headers["content-type"])) == 1  # nothing held


def with_content_type(content_type: str) -> dict[str, str]:
    return {"Content-Type": content_type}


REJECTED: dict[str, tuple[Any, dict[str, str], str]] = {
    # an attachment without fileUrl sent as plain JSON: its content is nowhere
    "no part, as JSON": (
        json.dumps(STATEMENTS["essay"]).encode(),
        with_content_type("application/json"),
        "statement.attachments[0].sha2",
    ),
    "no part, in a batch": (
        multipart([STATEMENTS["by_url"], STATEMENTS["essay"]]),
        MIXED,
        "statements[1].attachments[0].sha2",
    ),
    "a part no statement names": (
        multipart([STATEMENTS["essay"]], CONTENTS["essay"], b"stray"),
        MIXED,
        "X-Experience-API-Hash",
    ),
    "hash of other bytes": (
        multipart(
            [STATEMENTS["essay"]], CONTENTS["essay"], headers={"X-Experience-API-Hash": "0" * 64}
        ),
        MIXED,
        "part 1",
    ),
    "no hash header": (
        multipart([STATEMENTS["essay"]], CONTENTS["essay"], headers={"X-Experience-API-Hash": ""}),
        MIXED,
        "part 1",
    ),
    "not binary": (
        multipart(
            [STATEMENTS["essay"]],
            CONTENTS["essay"],
            headers={"Content-Transfer-Encoding": "base64"},
        ),
        MIXED,
        "part 1",
    ),
    "no boundary in the header": (
        multipart([STATEMENTS["essay"]], CONTENTS["essay"]),
        with_content_type("multipart/mixed"),
        "Content-Type",
    ),
    "another boundary in the body": (
        multipart([STATEMENTS["essay"]], CONTENTS["essay"]),
        with_content_type("multipart/mixed; boundary=not-the-one"),
        "body",
    ),
    "form data": (
        multipart([STATEMENTS["essay"]], CONTENTS["essay"]),
        with_content_type(f"multipart/form-data; boundary={BOUNDARY}"),
        "Content-Type",
    ),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_a_request_whose_attachments_do_not_hold_is_refused_whole(
    case: str, client: TestClient, lrs: dict[str, str], sqlite_world: World
) -> None:
    body, headers, field = REJECTED[case]
    r = client.post("/xapi/statements", content=body, headers={**lrs, **headers})
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field
    assert counts(sqlite_world) == (0, 0)


def signed_body(statement: dict[str, Any], signature: bytes, content_type: str) -> bytes:
    document = signed(statement, signature)
    document["attachments"][-1]["contentType"] = content_type
    return multipart(document, signature)


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_signed_statement_is_stored_with_its_signature(
    alg: str, client: TestClient, lrs: dict[str, str], sqlite_world: World
) -> None:
    statement = golden("by_url")
    signature = jws(statement, alg, x5c=True)
    body = signed_body(statement, signature, "application/octet-stream")
    r = client.post("/xapi/statements", content=body, headers={**lrs, **MIXED})
    assert r.status_code == 200, r.text
    got = client.get(
        "/xapi/statements",
        params={"statementId": statement["id"], "attachments": "true"},
        headers=lrs,
    )
    assert parse_multipart(got.content, got.headers["content-type"])[1].body == signature


@pytest.mark.parametrize(
    ("case", "content_type"),
    [("HS256", "application/octet-stream"), ("RS256", "text/plain; charset=ascii")],
)
def test_a_signature_that_breaks_the_rules_is_refused(
    case: str, content_type: str, client: TestClient, lrs: dict[str, str], sqlite_world: World
) -> None:
    statement = golden("by_url")
    body = signed_body(statement, jws(statement, case), content_type)
    r = client.post("/xapi/statements", content=body, headers={**lrs, **MIXED})
    assert r.status_code == 400, r.text
    assert r.json()["field"].startswith("statement.attachments[1]")
    assert counts(sqlite_world) == (0, 0)


def test_a_signature_of_another_statement_is_refused(
    client: TestClient, lrs: dict[str, str], sqlite_world: World
) -> None:
    statement = golden("by_url")
    changed = {**statement, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    body = signed_body(changed, jws(statement), "application/octet-stream")
    r = client.post("/xapi/statements", content=body, headers={**lrs, **MIXED})
    assert r.status_code == 400
    assert "differs" in r.json()["error"]
    assert counts(sqlite_world) == (0, 0)
