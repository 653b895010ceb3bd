"""Migration 0031 adds the learners' calendar links: one a learner at most, each secret's hash once,
gone with the learner; downgrading drops the table and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from learnloop.storage import Database, upgrade_database
from learnloop.storage.migrate import alembic_config
from tests.conftest import database_at
from tests.storage.old_rows import class_with_teacher_and_learner

AT = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
INSERT = "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (:u, :h, :t)"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0030, before calendar links."""
    yield from database_at(request.param, tmp_path, "0030")


def test_calendar_links_are_one_a_learner_and_go_with_the_learner(old_db: Database) -> None:
    with old_db.engine.begin() as c:
        class_with_teacher_and_learner(c, AT)
    upgrade_database(old_db.engine)
    with old_db.engine.begin() as c:
        c.execute(text(INSERT), {"u": 2, "h": "a" * 64, "t": AT})
    for user, digest in ((2, "b" * 64), (1, "a" * 64)):  # a second link; a hash used twice
        with pytest.raises(IntegrityError), old_db.engine.begin() as c:
            c.execute(text(INSERT), {"u": user, "h": digest, "t": AT})
    with old_db.engine.begin() as c:
        c.execute(text("DELETE FROM class_members"))
        c.execute(text("DELETE FROM users WHERE id = 2"))
        assert c.execute(text("SELECT count(*) FROM calendar_feeds")).scalar_one() == 0
    command.downgrade(alembic_config(old_db.engine), "0030")
    assert "calendar_feeds" not in inspect(old_db.engine).get_table_names()
    assert "users" in inspect(old_db.engine).get_table_names()
