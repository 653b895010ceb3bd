"""Class reports: states, the stuck list, and a query count that does not grow with the class."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import event

from learnloop.config import PedagogySettings
from learnloop.domain import Role
from learnloop.reports.class_views import class_overview, learner_detail
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class
from learnloop.services.learning import record_attempt
from learnloop.storage import Database
from tests.conftest import World


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_stuck_threshold_is_the_named_setting(world: World) -> None:
    for item, answer in [("pw-3", "b"), ("pw-5", "b"), ("pw-7", ["a"])]:
        record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key=item, response=answer
        )
    strict = class_overview(
        world.db, world.educator, world.class_id, PedagogySettings(stuck_min_attempts=3)
    )
    lenient = class_overview(
        world.db, world.educator, world.class_id, PedagogySettings(stuck_min_attempts=4)
    )
    assert [(s.display_name, s.objective, s.attempts) for s in strict.stuck] == [
        ("Lea", "parts-of-a-whole", 3)
    ]
    assert lenient.stuck == []
    row = next(r for r in strict.learners if r.display_name == "Lea")
    assert row.cells[0].state == "in-progress"
    assert row.cells[1].state == "locked"


def test_report_queries_do_not_grow_with_the_class(world: World, hasher: PasswordHasher) -> None:
    pedagogy = PedagogySettings()
    with counting(world.db) as small:
        class_overview(world.db, world.educator, world.class_id, pedagogy)
    for i in range(10):
        viewer = register_user(
            world.db,
            hasher,
            username=f"extra{i}",
            password="long enough",
            display_name=f"X{i}",
            role=Role.LEARNER,
        )
        add_to_class(world.db, class_id=world.class_id, user_id=viewer.user_id)
        record_attempt(
            world.db, viewer, activity_key="parts-practice", item_key="pw-4", response="5/12"
        )
    with counting(world.db) as large:
        overview = class_overview(world.db, world.educator, world.class_id, pedagogy)
    assert len(overview.learners) == 12
    assert len(large) == len(small)
    with counting(world.db) as detail:
        learner_detail(world.db, world.educator, world.class_id, world.learner.user_id)
    # a fixed set: class, membership, course, user, profile, their goal in the course, mastery,
    # its history, answers, feedback, placement, review cards, the course's memory model, score
    # tests (+ BEGIN on SQLite)
    assert len(detail) <= 16
