"""Migration 0029 adds when a message was read: the messages already there count as read when
they were sent, so an upgrade shows nobody a backlog as new; downgrading drops the column."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from learnloop.storage import Database, upgrade_database
from learnloop.storage.migrate import alembic_config
from tests.conftest import database_at
from tests.storage.old_rows import class_with_teacher_and_learner

SENT = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0028, before read state."""
    yield from database_at(request.param, tmp_path, "0028")


def test_messages_sent_before_the_upgrade_count_as_read_when_sent(old_db: Database) -> None:
    with old_db.engine.begin() as c:
        class_with_teacher_and_learner(c, SENT)
        c.execute(
            text(
                "INSERT INTO feedback_messages (id, class_id, sender_id, recipient_id, body,"
                " created_at) VALUES (1, 1, 1, 2, 'Hello', :t)"
            ),
            {"t": SENT},
        )
    upgrade_database(old_db.engine)
    with old_db.engine.connect() as c:
        read, sent = c.execute(text("SELECT read_at, created_at FROM feedback_messages")).one()
    assert read is not None
    assert read == sent
    command.downgrade(alembic_config(old_db.engine), "0028")
    columns = {col["name"] for col in inspect(old_db.engine).get_columns("feedback_messages")}
    assert "read_at" not in columns
    assert "body" in columns
