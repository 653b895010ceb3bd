"""The LRS's bulk inserts (the driver's executemany on SQLite, COPY on PostgreSQL) store the same
rows, their keys are filed from the queue as the statements said, and a clash on a unique key is
SQLAlchemy's IntegrityError on both, as the writer expects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learnloop.services.statement_index import catch_up, keys_queued
from learnloop.services.statement_store import insert_statements
from learnloop.storage import Database
from learnloop.storage.tables import (
    XapiIndexQueue,
    XapiStatement,
    XapiStatementId,
    XapiStatementKey,
)

NOW = datetime(2026, 12, 1, 8, 0, 0, 123000, tzinfo=UTC)


def statement(n: int, **extra: object) -> dict[str, object]:
    return {
        "id": str(uuid.UUID(int=n + 1)),
        "actor": {"mbox": f"mailto:l{n}@example.org", "name": "Ann \"A\" \t\\ Ünïcode"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": f"http://example.org/a{n}"},
        "context": {"registration": str(uuid.UUID(int=99)),
                    "contextActivities": {"parent": [{"id": "http://example.org/course"}]}},
        "timestamp": "2026-11-30T23:59:59.500+01:00",
        "stored": "2026-12-01T08:00:00.123Z",
        **extra,
    }  # fmt: skip


def test_rows_and_keys_are_stored_as_given(db: Database) -> None:
    batch = [statement(n) for n in range(3)]
    batch.append(statement(3, object={"objectType": "StatementRef", "id": batch[0]["id"]}))
    with db.transaction() as s:
        insert_statements(
            s, batch, client_ids=[None] * 4, now=NOW, targets={str(batch[0]["id"]): batch[0]}
        )
    queued = 4 if db.dialect == "sqlite" else 0  # SQLite files them later, PostgreSQL at once
    with db.reading() as s:
        assert len(s.scalars(select(XapiIndexQueue.seq)).all()) == queued
    assert keys_queued(db) == (queued > 0)
    catch_up(db)
    assert not keys_queued(db)
    with db.reading() as s:
        rows = {r.id: r for r in s.scalars(select(XapiStatement))}
        keys = {
            (rows_by_seq, kind, key)
            for rows_by_seq, kind, key in s.execute(
                select(XapiStatementKey.seq, XapiStatementKey.kind, XapiStatementKey.key)
            )
        }
    assert sorted(rows) == sorted(str(st["id"]) for st in batch)
    first = rows[str(batch[0]["id"])]
    assert first.statement == batch[0]  # JSON exactly as given, quotes, tabs and all
    assert first.stored == NOW
    assert len({r.seq for r in rows.values()}) == 4
    with db.reading() as s:
        ids = dict(s.execute(select(XapiStatementId.id, XapiStatementId.seq)).all())
    assert ids == {r.id: r.seq for r in rows.values()}  # each id filed beside its keys
    assert (first.seq, "activity", "http://example.org/course") in keys
    assert (first.seq, "who", "mbox:mailto:l0@example.org") in keys
    assert (first.seq, "verb", "http://adlnet.gov/expapi/verbs/answered") in keys
    assert (first.seq, "object", "http://example.org/a0") in keys
    assert (first.seq, "reg", str(uuid.UUID(int=99))) in keys
    assert not any(seq == first.seq and kind == "object" and key.endswith("course")
                   for seq, kind, key in keys)  # a parent is related, not the object  # fmt: skip
    ref = rows[str(batch[3]["id"])]
    # the StatementRef is filed under its target's keys too
    assert (ref.seq, "ragent", "mbox:mailto:l0@example.org") in keys
    assert (ref.seq, "object", "http://example.org/a0") not in keys


@pytest.mark.postgres
def test_a_clash_on_the_statement_id_is_an_integrity_error_on_postgresql(
    postgres_db: Database,
) -> None:
    """PostgreSQL files the id's key row with the statement, and two processes write there side
    by side: the id's primary key refuses the second copy. (On SQLite the one writer looks
    the ids up first: tests/storage/test_statement_lookup.py.)"""
    db = postgres_db
    with db.transaction() as s:
        insert_statements(s, [statement(0)], client_ids=[None], now=NOW)
    with pytest.raises(IntegrityError), db.transaction() as s:
        insert_statements(s, [statement(1), statement(0)], client_ids=[None, None], now=NOW)
    with db.reading() as s:
        assert len(s.scalars(select(XapiStatement.id)).all()) == 1  # nothing of the second batch


def test_storage_numbers_follow_the_largest_stored(db: Database) -> None:
    with db.transaction() as s:
        insert_statements(s, [statement(0), statement(1)], client_ids=[None, None], now=NOW)
    with db.transaction() as s:
        insert_statements(s, [statement(2)], client_ids=[None], now=NOW)
    with db.reading() as s:
        seqs = {row.id: row.seq for row in s.execute(select(XapiStatement.id, XapiStatement.seq))}
    assert sorted(seqs.values()) == [1, 2, 3]
    assert seqs[str(uuid.UUID(int=3))] == 3  # the later write numbered after the earlier
