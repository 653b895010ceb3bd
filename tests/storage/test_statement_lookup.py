"""A statement's id is looked up in the queue until it is filed (SQLite), in the ids' own table
after. The writer's checks (a second copy, a conflict, a voiding) and GET by id see a statement
as soon as it is acknowledged, filed or not; the migration that moved ids into their own table
fills it, and its downgrade gives back the columns it dropped."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from learnloop.exceptions import Conflict, NotFound
from learnloop.reports.xapi_queries import get_statement
from learnloop.services.lrs import LrsCaller, store_statements
from learnloop.services.statement_index import catch_up, keys_queued
from learnloop.storage import Database, upgrade_database
from learnloop.storage.migrate import alembic_config
from learnloop.storage.statement_lookup import statements_by_id
from learnloop.storage.tables import XapiStatementId, XapiStatementKey
from tests.conftest import database_at
from tests.services.test_statement_writer import BASE, count, statement

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("filed", [False, True])
def test_the_writer_and_get_see_an_id_queued_or_filed(
    db: Database, caller: LrsCaller, filed: bool
) -> None:
    taken = str(uuid.uuid4())
    store_statements(db, caller, [statement(0, taken)], base_url=BASE)
    if filed:
        catch_up(db)
    assert keys_queued(db) == (db.dialect == "sqlite" and not filed)
    assert get_statement(db, statement_id=taken, voided_id=None)["id"] == taken
    # the same statement again is not stored twice; other content under its id is a conflict
    assert store_statements(db, caller, [statement(0, taken)], base_url=BASE) == [taken]
    with pytest.raises(Conflict):
        store_statements(db, caller, [statement(1, taken)], base_url=BASE)
    assert count(db) == 1
    # voiding it finds it by id, and GET then finds it only as voided
    voiding = statement(2, verb="voided")
    voiding["object"] = {"objectType": "StatementRef", "id": taken}
    store_statements(db, caller, [voiding], base_url=BASE)
    with pytest.raises(NotFound):
        get_statement(db, statement_id=taken, voided_id=None)
    assert get_statement(db, statement_id=None, voided_id=taken)["id"] == taken
    catch_up(db)
    with db.reading() as s:
        ids = s.scalars(select(XapiStatementId.id)).all()
    assert len(ids) == 2  # the statement's and the voiding statement's


def test_a_lookup_takes_many_ids_and_ignores_unknown_ones(db: Database, caller: LrsCaller) -> None:
    ids = [str(uuid.uuid4()) for _ in range(1200)]  # over two of the lookup's chunks
    store_statements(db, caller, [statement(n, i) for n, i in enumerate(ids[:600])], base_url=BASE)
    catch_up(db)
    store_statements(db, caller, [statement(n, i) for n, i in enumerate(ids[600:])], base_url=BASE)
    with db.reading() as s:
        found = statements_by_id(s, [*ids, str(uuid.uuid4())])
    assert sorted(found) == sorted(ids)
    assert len({row.seq for row in found.values()}) == 1200
    assert all(row.statement["id"] == i and not row.voided for i, row in found.items())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from database_at(request.param, tmp_path, "0014")


def test_the_migration_files_ids_as_keys_and_its_downgrade_restores_the_columns(
    db_at_0014: Database,
) -> None:
    db = db_at_0014
    sts = [
        {**statement(1, str(uuid.UUID(int=1))), "timestamp": "2026-11-30T23:00:00+01:00"},
        {**statement(2, str(uuid.UUID(int=2))), "timestamp": "2026-12-01T08:00:00Z",
         "context": {"registration": str(uuid.UUID(int=9))}},
    ]  # fmt: skip
    with db.engine.begin() as c:
        for seq, st in enumerate(sts, start=1):
            c.execute(
                text(
                    "INSERT INTO xapi_statements (seq, id, stored, timestamp, actor_key, verb_id,"
                    " object_kind, object_id, voided, statement) VALUES (:seq, :id, :t, :t,"
                    " 'old', 'old', 'old', 'old', false, :st)"
                ),
                {"seq": seq, "id": st["id"], "t": NOW, "st": json.dumps(st)},
            )
        # statement 2's keys still queued, as 0014 queued them
        c.execute(
            text("INSERT INTO xapi_index_queue (seq, keys) VALUES (2, :keys)"),
            {"keys": json.dumps([["verb", "http://adlnet.gov/expapi/verbs/experienced"]])},
        )
        if db.dialect == "postgresql":  # the rows above took their numbers by hand
            c.execute(text("SELECT setval(pg_get_serial_sequence('xapi_statements', 'seq'), 2)"))
    upgrade_database(db.engine)
    with db.reading() as s:
        found = statements_by_id(s, [str(st["id"]) for st in sts])
        kinds = s.execute(select(XapiStatementKey.seq, XapiStatementKey.kind)).all()
        ids = s.execute(select(XapiStatementId.seq, XapiStatementId.id)).all()
    assert {i: row.seq for i, row in found.items()} == {str(uuid.UUID(int=1)): 1,
                                                         str(uuid.UUID(int=2)): 2}  # fmt: skip
    assert sorted(kinds) == [(2, "verb")]  # what was queued was filed first
    assert sorted(ids) == [(1, str(uuid.UUID(int=1))), (2, str(uuid.UUID(int=2)))]
    assert not keys_queued(db)
    columns = {c["name"] for c in inspect(db.engine).get_columns("xapi_statements")}
    assert not {"actor_key", "timestamp"} & columns

    command.downgrade(alembic_config(db.engine), "0014")
    with db.engine.connect() as c:
        rows = c.execute(
            text("SELECT seq, actor_key, verb_id, object_kind, object_id, registration"
                 " FROM xapi_statements ORDER BY seq")
        ).all()  # fmt: skip
        stamps = c.execute(text("SELECT timestamp FROM xapi_statements ORDER BY seq")).scalars()
        stamps = [str(t)[:19] for t in stamps]
        tables = set(inspect(c).get_table_names())
        unique = [u["column_names"] for u in inspect(c).get_unique_constraints("xapi_statements")]
    assert [tuple(r) for r in rows] == [
        (1, "mbox:mailto:l1@example.org", "http://adlnet.gov/expapi/verbs/experienced", "Activity",
         "http://example.org/a1", None),
        (2, "mbox:mailto:l2@example.org", "http://adlnet.gov/expapi/verbs/experienced", "Activity",
         "http://example.org/a2", str(uuid.UUID(int=9))),
    ]  # fmt: skip
    assert stamps == ["2026-11-30 22:00:00", "2026-12-01 08:00:00"]  # in UTC
    assert "xapi_statement_ids" not in tables
    assert ["id"] in unique
