"""Group commit in the LRS: batches written together stay all-or-nothing one by one."""

from __future__ import annotations

import hashlib
import time
import uuid
from concurrent.futures import Future

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.adapters.xapi.attachments import AttachmentContent
from learnloop.exceptions import Conflict, InvalidInput
from learnloop.reports.xapi_queries import attachment_contents
from learnloop.services import statement_writer
from learnloop.services.lrs import (
    VOIDED,
    LrsCaller,
    create_client,
    prepare_statements,
    store_statements,
    stored_instant,
    write_group,
)
from learnloop.services.statement_index import catch_up, keys_queued
from learnloop.services.statement_writer import StatementWriter
from learnloop.storage import Database
from learnloop.storage.tables import XapiAttachment, XapiStatement, XapiStatementKey

BASE = "https://learnloop.example"


def statement(
    n: int, statement_id: str | None = None, verb: str = "experienced"
) -> dict[str, object]:
    st: dict[str, object] = {
        "actor": {"mbox": f"mailto:l{n}@example.org"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": f"http://example.org/a{n}"},
    }
    if statement_id:
        st["id"] = statement_id
    return st


def count(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(XapiStatement)) or 0)


def test_a_conflicting_batch_fails_alone_in_its_group(db: Database, caller: LrsCaller) -> None:
    taken = str(uuid.uuid4())
    store_statements(db, caller, [statement(0, taken)], base_url=BASE)
    first = prepare_statements(caller, [statement(1), statement(2)], base_url=BASE)
    clash = prepare_statements(caller, [statement(3), statement(9, taken)], base_url=BASE)
    last = prepare_statements(caller, [statement(4)], base_url=BASE)
    with db.transaction() as s:
        results = write_group(s, [first, clash, last], base_url=BASE, now=stored_instant())
    assert results[0] == first.ids
    assert isinstance(results[1], Conflict)
    assert results[2] == last.ids
    catch_up(db)
    with db.reading() as s:
        stored = set(s.scalars(select(XapiStatement.id)))
        keys = s.scalar(select(func.count()).select_from(XapiStatementKey))
    assert stored == {taken, *first.ids, *last.ids}  # nothing of the conflicting batch
    # for each of the four statements: its verb, actor ("who"), object, and, as related keys,
    # the actor, the authority and the object
    assert keys == 4 * 6


def test_the_same_id_twice_in_one_group_is_stored_once_or_conflicts(
    db: Database, caller: LrsCaller
) -> None:
    shared = str(uuid.uuid4())
    a = prepare_statements(caller, [statement(1, shared)], base_url=BASE)
    same = prepare_statements(caller, [statement(1, shared)], base_url=BASE)
    other = prepare_statements(caller, [statement(2, shared)], base_url=BASE)
    with db.transaction() as s:
        results = write_group(s, [a, same, other], base_url=BASE, now=stored_instant())
    assert results[:2] == [[shared], [shared]]
    assert isinstance(results[2], Conflict)
    assert count(db) == 1


def test_voiding_a_voiding_statement_in_the_same_group_is_refused(
    db: Database, caller: LrsCaller
) -> None:
    target, voiding = str(uuid.uuid4()), str(uuid.uuid4())
    void = statement(1, voiding, verb="voided")
    void["object"] = {"objectType": "StatementRef", "id": target}
    void_again = statement(2, verb="voided")
    void_again["object"] = {"objectType": "StatementRef", "id": voiding}
    batches = [
        prepare_statements(caller, [statement(0, target)], base_url=BASE),
        prepare_statements(caller, [void], base_url=BASE),
        prepare_statements(caller, [void_again], base_url=BASE),
    ]
    assert void["verb"] == {"id": VOIDED}
    with db.transaction() as s:
        results = write_group(s, batches, base_url=BASE, now=stored_instant())
    assert isinstance(results[2], InvalidInput)
    with db.reading() as s:
        voided = s.scalar(select(XapiStatement.voided).where(XapiStatement.id == target))
    assert voided is True
    assert count(db) == 2


def test_the_writer_answers_each_request_after_its_commit(db: Database, caller: LrsCaller) -> None:
    writer = StatementWriter(db, base_url=BASE)
    taken = str(uuid.uuid4())
    store_statements(db, caller, [statement(0, taken)], base_url=BASE)
    futures: list[Future[list[str]]] = [
        writer.submit(prepare_statements(caller, [statement(n)], base_url=BASE))
        for n in range(1, 60)
    ]
    clash = writer.submit(prepare_statements(caller, [statement(7, taken)], base_url=BASE))
    answered = [f.result(timeout=30) for f in futures]
    with pytest.raises(Conflict):
        clash.result(timeout=30)
    with db.reading() as s:
        stored = set(s.scalars(select(XapiStatement.id)))
    assert {i for ids in answered for i in ids} | {taken} == stored


def with_attachment(n: int, content: bytes, statement_id: str | None = None) -> dict[str, object]:
    st = statement(n, statement_id)
    st["attachments"] = [
        {
            "usageType": "https://example.org/usage/essay", "display": {"en": "Essay"},
            "contentType": "text/plain", "length": len(content),
            "sha2": hashlib.sha256(content).hexdigest(),
        }
    ]  # fmt: skip
    return st


def parts(*contents: bytes) -> dict[str, AttachmentContent]:
    return {
        hashlib.sha256(c).hexdigest(): AttachmentContent(
            hashlib.sha256(c).hexdigest(), "text/plain", c
        )
        for c in contents
    }


def test_attachments_are_stored_with_their_batch_once_each_and_not_with_a_failed_one(
    db: Database, caller: LrsCaller
) -> None:
    taken = str(uuid.uuid4())
    store_statements(db, caller, [statement(0, taken)], base_url=BASE)
    essay, stray = b"essay\r\n\x00\xff", b"never stored"
    kept = prepare_statements(
        caller, [with_attachment(1, essay), with_attachment(2, essay)], base_url=BASE,
        contents=parts(essay),
    )  # fmt: skip
    again = prepare_statements(caller, [with_attachment(3, essay)], base_url=BASE,
                               contents=parts(essay))  # fmt: skip
    clash = prepare_statements(caller, [with_attachment(9, stray, taken)], base_url=BASE,
                               contents=parts(stray))  # fmt: skip
    with db.transaction() as s:
        results = write_group(s, [kept, again, clash], base_url=BASE, now=stored_instant())
    assert isinstance(results[2], Conflict)
    with db.reading() as s:
        stored = s.execute(select(XapiAttachment.sha2, XapiAttachment.content)).all()
    assert [(row.sha2, row.content) for row in stored] == [
        (hashlib.sha256(essay).hexdigest(), essay)
    ]
    assert attachment_contents(db, [hashlib.sha256(essay).hexdigest(), "0" * 64]) == {
        hashlib.sha256(essay).hexdigest(): ("text/plain", essay)
    }
    with pytest.raises(InvalidInput) as missing:
        prepare_statements(caller, [with_attachment(4, b"no part")], base_url=BASE)
    assert missing.value.field == "statement.attachments[0].sha2"


@pytest.fixture
def sqlite_caller(sqlite_db: Database, hasher: PasswordHasher) -> LrsCaller:
    create_client(sqlite_db, hasher, name="writer", can_write=True)
    return LrsCaller(1, "writer", True)


def _wait_until_filed(db: Database, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not keys_queued(db):
            return True
        time.sleep(0.01)
    return False


def test_the_writer_files_the_keys_once_the_requests_stop(
    sqlite_db: Database, sqlite_caller: LrsCaller
) -> None:
    caller = sqlite_caller
    writer = StatementWriter(sqlite_db, base_url=BASE)
    writer.submit(prepare_statements(caller, [statement(1)], base_url=BASE)).result(timeout=30)
    # nobody reads: the writer's pause files them (within INDEX_IDLE_SECONDS and a margin)
    assert _wait_until_filed(sqlite_db, 5.0)


def test_the_writer_files_the_keys_when_enough_wait(
    sqlite_db: Database, sqlite_caller: LrsCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = sqlite_caller
    monkeypatch.setattr(statement_writer, "INDEX_IDLE_SECONDS", 60.0)  # no pause will file them
    monkeypatch.setattr(statement_writer, "INDEX_BATCH_STATEMENTS", 3)
    writer = StatementWriter(sqlite_db, base_url=BASE)
    first = prepare_statements(caller, [statement(1), statement(2)], base_url=BASE)
    writer.submit(first).result(timeout=30)
    time.sleep(0.2)
    assert keys_queued(sqlite_db)  # two of three: still waiting
    second = prepare_statements(caller, [statement(3)], base_url=BASE)
    writer.submit(second).result(timeout=30)
    assert _wait_until_filed(sqlite_db, 5.0)


def test_the_writer_files_keys_that_waited_too_long_under_a_steady_load(
    sqlite_db: Database, sqlite_caller: LrsCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = sqlite_caller
    monkeypatch.setattr(statement_writer, "INDEX_IDLE_SECONDS", 60.0)
    monkeypatch.setattr(statement_writer, "INDEX_BATCH_STATEMENTS", 10**9)
    monkeypatch.setattr(statement_writer, "INDEX_MAX_WAIT_SECONDS", 0.2)
    writer = StatementWriter(sqlite_db, base_url=BASE)
    filed_during_load = 0
    deadline = time.monotonic() + 1.0
    n = 0
    while time.monotonic() < deadline:  # one request after another: never idle, never a batch
        n += 1
        writer.submit(prepare_statements(caller, [statement(n)], base_url=BASE)).result(30)
        with sqlite_db.reading() as s:
            filed_during_load = int(s.scalar(select(func.count(XapiStatementKey.seq))) or 0)
    assert filed_during_load > 0
