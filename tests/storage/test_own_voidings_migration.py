"""Migration 0042 takes context.platform out of learnloop's own stored voiding statements (xAPI
allows it only about an Activity, and another LRS refused them), and nothing else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from learnloop.adapters.xapi.statements import validate_statement
from learnloop.storage import Database, upgrade_database
from tests.conftest import database_at

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ACTOR = {"objectType": "Agent", "account": {"homePage": "https://s.example", "name": "lea"}}
ANSWER = {
    "id": "0d5c1d2e-0000-4000-8000-000000000001", "actor": ACTOR,
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
    "object": {"objectType": "Activity", "id": "https://s.example/items/pw-4"},
    "context": {"platform": "learnloop"}, "timestamp": "2026-12-01T09:00:00.000Z",
}  # fmt: skip
VOIDING = {
    "id": "0d5c1d2e-0000-4000-8000-000000000002", "actor": ACTOR,
    "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
    "object": {"objectType": "StatementRef", "id": ANSWER["id"]},
    "context": {"platform": "learnloop"}, "timestamp": "2026-12-01T09:01:00.000Z",
}  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0041, before the fix."""
    yield from database_at(request.param, tmp_path, "0041")


def _stored(db: Database) -> dict[int, dict[str, Any]]:
    with db.engine.connect() as c:
        rows = c.execute(text("SELECT seq, statement FROM xapi_statements")).all()
    return {seq: st if isinstance(st, dict) else json.loads(st) for seq, st in rows}


def test_own_voiding_statements_lose_their_platform_and_nothing_else(old_db: Database) -> None:
    with old_db.engine.begin() as c:
        for seq, st in ((1, ANSWER), (2, VOIDING)):
            c.execute(
                text("INSERT INTO xapi_statements (seq, id, stored, voided, statement)"
                     " VALUES (:seq, :id, :at, :voided, :st)"),
                {"seq": seq, "id": st["id"], "at": AT, "voided": seq == 1, "st": json.dumps(st)},
            )  # fmt: skip
    with pytest.raises(ValueError, match=r"context\.platform"):
        validate_statement(_stored(old_db)[2])
    upgrade_database(old_db.engine)
    after = _stored(old_db)
    assert after[1] == ANSWER  # about an Activity: its platform stays
    assert after[2] == {key: value for key, value in VOIDING.items() if key != "context"}
    validate_statement(after[2])
