"""The LRS's bulk inserts (multi-row INSERT on SQLite, COPY on PostgreSQL) store the same rows,
and a clash on a unique key is SQLAlchemy's IntegrityError on both, as the writer expects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learnloop.services.statement_store import insert_statements
from learnloop.storage import Database
from learnloop.storage.tables import XapiStatement, XapiStatementKey

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
    assert first.timestamp == datetime(2026, 11, 30, 22, 59, 59, 500000, tzinfo=UTC)
    assert first.registration == str(uuid.UUID(int=99))
    assert (first.actor_key, first.object_kind) == ("mbox:mailto:l0@example.org", "Activity")
    assert len({r.seq for r in rows.values()}) == 4
    assert (first.seq, "activity", "http://example.org/course") in keys
    ref = rows[str(batch[3]["id"])]
    # the StatementRef is filed under its target's keys too
    assert any(seq == ref.seq and key == "mbox:mailto:l0@example.org" for seq, _, key in keys)


def test_a_clash_on_the_statement_id_is_an_integrity_error(db: Database) -> None:
    with db.transaction() as s:
        insert_statements(s, [statement(0)], client_ids=[None], now=NOW)
    with pytest.raises(IntegrityError), db.transaction() as s:
        insert_statements(s, [statement(1), statement(0)], client_ids=[None, None], now=NOW)
    with db.reading() as s:
        assert len(s.scalars(select(XapiStatement.id)).all()) == 1  # nothing of the second batch
