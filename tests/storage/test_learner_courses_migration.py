"""Migration 0032 moves a learner's goal from their profile to their row for the course they
follow: one who finished onboarding keeps their goal and its date, one who has not has no row,
and downgrading brings the goal in the followed course back to the profile."""

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

AT = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
PROFILE = (
    "INSERT INTO learner_profiles (user_id, course_id, goal_objective, goal_date, interests,"
    " preferred_modalities, onboarded_at) VALUES (:u, 1, :g, :d, '', '[]', :t)"
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0031, with goals on the profiles."""
    yield from database_at(request.param, tmp_path, "0031")


def test_goals_move_to_the_followed_course_and_back(old_db: Database) -> None:
    with old_db.engine.begin() as c:
        class_with_teacher_and_learner(c, AT)
        c.execute(
            text(
                "INSERT INTO users (id, username, display_name, password_hash, role, created_at)"
                " VALUES (3, 'new', 'New', 'x', 'learner', :t)"
            ),
            {"t": AT},
        )
        c.execute(text(PROFILE), {"u": 2, "g": "compare", "d": date(2027, 3, 1), "t": AT})
        c.execute(text(PROFILE), {"u": 3, "g": None, "d": None, "t": None})  # not onboarded
    upgrade_database(old_db.engine)
    with old_db.engine.begin() as c:
        rows = c.execute(
            text("SELECT user_id, course_id, goal_objective, goal_date FROM learner_courses")
        ).all()
        # raw SQL reads a date back as text on SQLite, as a date on PostgreSQL
        assert [(*r[:3], str(r[3])) for r in rows] == [(2, 1, "compare", "2027-03-01")]
    columns = {c["name"] for c in inspect(old_db.engine).get_columns("learner_profiles")}
    assert "goal_objective" not in columns
    assert "interests" in columns
    command.downgrade(alembic_config(old_db.engine), "0031")
    with old_db.engine.begin() as c:
        goals = c.execute(
            text("SELECT user_id, goal_objective, goal_date FROM learner_profiles ORDER BY user_id")
        ).all()
    assert [(g[0], g[1], g[2] and str(g[2])) for g in goals] == [
        (2, "compare", "2027-03-01"), (3, None, None),
    ]  # fmt: skip
    assert "learner_courses" not in inspect(old_db.engine).get_table_names()
