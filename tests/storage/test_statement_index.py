"""On SQLite, statements' index keys are queued when they are written and filed later, in
batches; PostgreSQL files them at once. Filing puts every queued key where queries find it,
once, even with two filers at a time; the migration that brought the queue files what the old
column indexes held, and its downgrade gives it back."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, func, inspect, select, text

from learnloop.services.statement_index import (
    APP_FILING_STATEMENTS,
    catch_up,
    file_if_long,
    file_queued_keys,
    keys_queued,
)
from learnloop.services.statement_store import insert_statement, insert_statements
from learnloop.storage import Database, upgrade_database
from learnloop.storage.migrate import alembic_config
from learnloop.storage.statement_lookup import statements_by_id
from learnloop.storage.tables import (
    XapiIndexQueue,
    XapiStatement,
    XapiStatementId,
    XapiStatementKey,
)
from tests.conftest import database_at

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def statement(n: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:l{n % 7}@example.org"},
        "verb": {"id": f"http://example.org/verbs/v{n % 3}"},
        "object": {"id": f"http://example.org/a{n % 5}"},
        "timestamp": "2026-12-01T09:00:00Z",
        "stored": "2026-12-01T09:00:00.000Z",
    }


def keys(db: Database) -> list[tuple[int, str, str]]:
    with db.reading() as s:
        rows = s.execute(select(XapiStatementKey.seq, XapiStatementKey.kind, XapiStatementKey.key))
        return sorted((r.seq, r.kind, r.key) for r in rows)


def test_filing_moves_every_queued_key_once_and_empties_the_queue(sqlite_db: Database) -> None:
    db = sqlite_db
    with db.transaction() as s:
        insert_statements(s, [statement(n) for n in range(10)], client_ids=[None] * 10, now=NOW)
    with db.reading() as s:
        queued = {
            (row.seq, kind, key)
            for row in s.scalars(select(XapiIndexQueue))
            for kind, key in json.loads(row.keys)
        }
    assert len(queued) == 10 * 5  # verb, who, object, and the actor and object as related keys
    with db.reading() as s:
        ids = {(r.id, r.seq) for r in s.scalars(select(XapiIndexQueue))}
    assert len(ids) == 10  # and each statement's id, in its own column
    catch_up(db)
    assert keys(db) == sorted(queued)
    with db.reading() as s:
        assert {tuple(r) for r in s.execute(select(XapiStatementId.id, XapiStatementId.seq))} == ids
    assert not keys_queued(db)
    catch_up(db)  # nothing queued: nothing more
    assert len(keys(db)) == len(queued)


def count(db: Database, table: type[XapiIndexQueue] | type[XapiStatementId]) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_a_short_queue_is_left_for_the_writer(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as s:
        insert_statements(s, [statement(n) for n in range(9)], client_ids=[None] * 9, now=NOW)
    with sqlite_db.transaction() as s:
        assert not file_if_long(s, at=10)
    assert count(sqlite_db, XapiIndexQueue) == 9
    with sqlite_db.transaction() as s:
        insert_statements(s, [statement(9)], client_ids=[None], now=NOW)
        assert file_if_long(s, at=10)
    assert count(sqlite_db, XapiIndexQueue) == 0
    assert count(sqlite_db, XapiStatementId) == 10


def test_answers_alone_keep_the_queue_short(sqlite_db: Database) -> None:
    """Where no LRS client writes, nothing but the answers themselves files their statements'
    keys: without that the queue grew with every answer, and each answer read all of it."""
    db = sqlite_db
    sent = [statement(n) for n in range(APP_FILING_STATEMENTS + 50)]
    for st in sent:
        with db.transaction() as s:
            assert insert_statement(s, st, client_id=None, now=NOW)
    queued = count(db, XapiIndexQueue)
    assert 0 < queued <= APP_FILING_STATEMENTS
    assert count(db, XapiStatementId) + queued == len(sent)
    filed, waiting = sent[0], sent[-1]
    with db.transaction() as s:
        found = statements_by_id(s, [filed["id"], waiting["id"]])
        assert set(found) == {filed["id"], waiting["id"]}
        # a filed id still refuses a second copy, as a queued one does
        assert not insert_statement(s, dict(filed), client_id=None, now=NOW)
        assert not insert_statement(s, dict(waiting), client_id=None, now=NOW)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(XapiStatement)) == len(sent)


def test_postgres_files_the_keys_with_the_statements(db: Database) -> None:
    with db.transaction() as s:
        insert_statements(s, [statement(n) for n in range(3)], client_ids=[None] * 3, now=NOW)
    if db.dialect == "postgresql":
        assert not keys_queued(db)
        assert len(keys(db)) == 3 * 5
    else:
        assert keys_queued(db)
        assert keys(db) == []


def _queue_by_hand(db: Database, part: int, count: int) -> None:
    """Statements with their keys queued, on either database (PostgreSQL never queues its own)."""
    with db.transaction() as s:
        sts = [statement(1000 * part + n) for n in range(count)]
        insert_statements(s, sts, client_ids=[None] * count, now=NOW)
        ids = [str(st["id"]) for st in sts]
        seqs = list(s.scalars(select(XapiStatement.seq).where(XapiStatement.id.in_(ids))))
        s.execute(delete(XapiStatementKey).where(XapiStatementKey.seq.in_(seqs)))
        s.execute(delete(XapiIndexQueue).where(XapiIndexQueue.seq.in_(seqs)))
        for st in sts:
            seq = s.scalar(select(XapiStatement.seq).where(XapiStatement.id == st["id"]))
            pairs = [["verb", st["verb"]["id"]], ["who", f"p{part}"], ["who", f"q{seq}"]]
            s.add(XapiIndexQueue(seq=seq, id=st["id"], keys=json.dumps(pairs)))


def test_two_filers_at_once_file_each_key_once(db: Database) -> None:
    rounds = 8

    def write_and_file(part: int) -> None:
        for i in range(rounds):
            _queue_by_hand(db, 10 * part + i, 10)
            catch_up(db)

    threads = [threading.Thread(target=write_and_file, args=(p,)) for p in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    catch_up(db)
    filed = keys(db)
    assert len(filed) == len(set(filed)) == 2 * rounds * 10 * 3
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(XapiStatementId)) == 2 * rounds * 10
    assert not keys_queued(db)


def test_a_rolled_back_filing_leaves_the_keys_queued(db: Database) -> None:
    _queue_by_hand(db, 1, 1)

    def failing_after_filing() -> None:
        with db.transaction() as s:
            file_queued_keys(s)
            raise RuntimeError("the transaction fails after filing")

    with pytest.raises(RuntimeError):
        failing_after_filing()
    assert keys(db) == []
    assert keys_queued(db)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0013, before the queue."""
    yield from database_at(request.param, tmp_path, "0013")


def test_the_migration_files_what_the_column_indexes_held(old_db: Database) -> None:
    rows = [  # seq, actor, verb, object kind, object id, registration
        (1, "mbox:mailto:a@example.org", "http://v/1", "Activity", "http://a/1", None),
        (2, "mbox:mailto:a@example.org", "http://v/2", "Agent", "mbox:mailto:b@example.org",
         str(uuid.UUID(int=5))),
        (3, None, "http://v/1", "Agent", "mbox:mailto:b@example.org", None),
    ]  # fmt: skip
    with old_db.engine.begin() as c:
        for seq, actor, verb, kind, obj, reg in rows:
            c.execute(
                text(
                    "INSERT INTO xapi_statements (seq, id, stored, timestamp, actor_key, verb_id,"
                    " object_kind, object_id, registration, voided, statement) VALUES (:seq, :id,"
                    " :t, :t, :actor, :verb, :kind, :obj, :reg, false, '{}')"
                ),
                {"seq": seq, "id": str(uuid.UUID(int=seq)), "t": NOW, "actor": actor,
                 "verb": verb, "kind": kind, "obj": obj, "reg": reg},
            )  # fmt: skip
        c.execute(text("INSERT INTO xapi_statement_keys (seq, kind, key) VALUES (1, 'agent', 'x')"))
        if old_db.dialect == "postgresql":  # the rows above took their numbers by hand
            c.execute(text("SELECT setval(pg_get_serial_sequence('xapi_statements', 'seq'), 3)"))
    upgrade_database(old_db.engine, "0014")
    assert keys(old_db) == [
        (1, "agent", "x"),
        (1, "object", "http://a/1"),
        (1, "verb", "http://v/1"),
        (1, "who", "mbox:mailto:a@example.org"),
        (2, "reg", str(uuid.UUID(int=5))),
        (2, "verb", "http://v/2"),
        (2, "who", "mbox:mailto:a@example.org"),
        (2, "who", "mbox:mailto:b@example.org"),
        (3, "verb", "http://v/1"),
        (3, "who", "mbox:mailto:b@example.org"),
    ]
    # and back: what is still queued is filed, the old kinds and the column indexes return
    with old_db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO xapi_statements (seq, id, stored, timestamp, actor_key, verb_id,"
                " object_kind, object_id, voided, statement) VALUES (4, :id, :t, :t,"
                " 'mbox:mailto:l4@example.org', 'http://v/1', 'Activity', 'http://a/4', false,"
                " '{}')"
            ),
            {"id": str(uuid.UUID(int=4)), "t": NOW},
        )
        c.execute(
            text("INSERT INTO xapi_index_queue (seq, keys) VALUES (4, :keys)"),
            {"keys": json.dumps([["agent", "mbox:mailto:l4@example.org"],
                                 ["activity", "http://a/4"], ["verb", "http://v/1"]])},
        )  # fmt: skip
    command.downgrade(alembic_config(old_db.engine), "0013")
    with old_db.engine.connect() as c:
        kinds = dict(
            c.execute(text("SELECT kind, count(*) FROM xapi_statement_keys GROUP BY kind")).all()
        )
        indexes = {i["name"] for i in inspect(c).get_indexes("xapi_statements")}
        seqs = c.execute(text("SELECT count(DISTINCT seq) FROM xapi_statement_keys")).scalar()
    assert kinds == {"agent": 2, "activity": 1}  # 'x', and statement 4's actor and object
    assert "ix_xapi_statements_verb" in indexes
    assert seqs == 2  # statement 1's old key and statement 4's, filed on the way down
