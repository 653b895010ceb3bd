"""Migration 0030 adds an optional due day to assignments: those already there have none and stay
as they were; downgrading drops the column and keeps the assignments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from learnloop.storage import Database, upgrade_database
from learnloop.storage.migrate import alembic_config
from tests.conftest import database_at
from tests.storage.old_rows import class_with_teacher_and_learner

AT = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0029, before due days."""
    yield from database_at(request.param, tmp_path, "0029")


def test_assignments_made_before_the_upgrade_have_no_due_day(old_db: Database) -> None:
    with old_db.engine.begin() as c:
        class_with_teacher_and_learner(c, AT)
        c.execute(
            text(
                "INSERT INTO assignments (id, class_id, learner_id, activity_key, educator_id,"
                " note, created_at) VALUES (1, 1, 2, 'read', 1, 'Soon.', :t)"
            ),
            {"t": AT},
        )
    upgrade_database(old_db.engine)
    with old_db.engine.begin() as c:
        assert c.execute(text("SELECT due_on, note FROM assignments")).one() == (None, "Soon.")
        c.execute(text("UPDATE assignments SET due_on = :d"), {"d": date(2026, 12, 11)})
        (due,) = c.execute(text("SELECT due_on FROM assignments")).one()
    assert str(due)[:10] == "2026-12-11"
    command.downgrade(alembic_config(old_db.engine), "0029")
    columns = {col["name"] for col in inspect(old_db.engine).get_columns("assignments")}
    assert "due_on" not in columns
    with old_db.engine.connect() as c:
        assert c.execute(text("SELECT note FROM assignments")).scalar_one() == "Soon."
