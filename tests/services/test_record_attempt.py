"""record_attempt: staged feedback, the learner model's update, gating, and one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from threading import Barrier, Thread
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, func, select

from learnloop.adapters.xapi.learnloop_ids import attempt_statement_id
from learnloop.config import DEFAULT_PUBLIC_URL
from learnloop.domain.grading import SOLUTION_AFTER_MISSES
from learnloop.exceptions import InvalidInput, PermissionDenied
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class
from learnloop.services.learning import record_attempt
from learnloop.services.lrs import authenticate_client, create_client, store_statements
from learnloop.services.onboarding import complete_onboarding
from learnloop.storage import Database
from learnloop.storage.tables import Attempt, Mastery, MasteryEvent, XapiStatement
from tests.conftest import World


def count(db: Database, table: type) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_wrong_then_right_gives_staged_feedback_and_raises_mastery(world: World) -> None:
    first = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-5", response="b"
    )
    assert not first.feedback.correct
    assert (
        "4 pizzas between 3 friends" in first.feedback.messages[0]
    )  # the chosen option's own feedback
    assert len(first.feedback.hints) == 1
    assert first.feedback.solution == ""
    second = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-5", response="c"
    )
    assert second.feedback.hints
    assert "12 quarters" in second.feedback.solution
    right = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-4", response="5/12"
    )
    assert right.feedback.correct
    (change,) = right.changes
    assert change.objective == "parts-of-a-whole"
    assert change.after > change.before
    assert (first.counted, second.counted, right.counted) == (True, True, True)


def test_answers_after_the_solution_or_after_solving_are_kept_but_not_counted(world: World) -> None:
    args = {"activity_key": "parts-practice", "item_key": "pw-4"}
    record_attempt(world.db, world.learner, response="7/12", **args)
    record_attempt(world.db, world.learner, response="5/7", **args)
    copied = record_attempt(world.db, world.learner, response="5/12", **args)  # solution was shown
    assert copied.feedback.correct
    assert not copied.counted
    assert copied.changes[0].before == copied.changes[0].after
    fresh = record_attempt(
        world.db,
        world.learner,
        activity_key="parts-practice",
        item_key="pw-6",
        response="numerator",
    )
    again = record_attempt(
        world.db,
        world.learner,
        activity_key="parts-practice",
        item_key="pw-6",
        response="numerator",
    )
    assert fresh.counted
    assert not again.counted
    assert count(world.db, Attempt) == 5
    assert count(world.db, MasteryEvent) == 3


def test_three_correct_items_master_an_objective_and_unlock_the_next(world: World) -> None:
    with pytest.raises(PermissionDenied, match="locked: master What a fraction means first"):
        record_attempt(
            world.db, world.learner, activity_key="number-line-read", item_key="nl-1", response="a"
        )
    for item, answer in (("pw-4", "5/12"), ("pw-5", "a"), ("pw-6", "numerator")):
        outcome = record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key=item, response=answer
        )
    assert outcome.changes[0].newly_mastered
    with world.db.reading() as s:
        row = s.get(Mastery, (world.learner.user_id, world.course_id, "parts-of-a-whole"))
    assert row is not None
    assert row.mastered
    assert (row.threshold, row.min_attempts) == (0.95, 3)
    unlocked = record_attempt(
        world.db, world.learner, activity_key="number-line-read", item_key="nl-1", response="a"
    )
    assert unlocked.feedback.correct


def test_unreadable_answer_changes_nothing(world: World) -> None:
    with pytest.raises(InvalidInput) as info:
        record_attempt(
            world.db,
            world.learner,
            activity_key="parts-practice",
            item_key="pw-4",
            response="five twelfths",
        )
    assert info.value.field == "response"
    assert count(world.db, Attempt) == 0
    assert count(world.db, Mastery) == 0


def test_only_learners_answer_and_only_items_of_the_activity(world: World) -> None:
    with pytest.raises(PermissionDenied):
        record_attempt(
            world.db,
            world.educator,
            activity_key="parts-practice",
            item_key="pw-4",
            response="5/12",
        )
    from learnloop.exceptions import NotFound

    with pytest.raises(NotFound):
        record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key="eq-1", response="8"
        )


@contextmanager
def failing_on(db: Database, prefix: str, seen: list[str]) -> Iterator[None]:
    """Make the database fail on the first statement starting with ``prefix``."""

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(
            statement.split()[0:3][-1] if statement.startswith("INSERT") else statement[:20]
        )
        if statement.upper().startswith(prefix):
            raise RuntimeError(f"injected failure on {prefix}")

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_attempt_and_mastery_are_stored_together_or_not_at_all(world: World) -> None:
    seen: list[str] = []
    with (
        failing_on(world.db, "INSERT INTO MASTERY ", seen),
        pytest.raises(RuntimeError, match="injected"),
    ):
        record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key="pw-4", response="5/12"
        )
    assert "attempts" in seen  # the attempt's INSERT ran before the failure
    assert count(world.db, Attempt) == 0
    assert count(world.db, Mastery) == 0
    assert count(world.db, MasteryEvent) == 0
    # and the same call goes through once the fault is gone
    record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-4", response="5/12"
    )
    assert (count(world.db, Attempt), count(world.db, Mastery), count(world.db, MasteryEvent)) == (
        1,
        1,
        1,
    )


def test_an_answer_whose_statement_id_a_client_took_is_recorded_and_stored_once(
    world: World, hasher: PasswordHasher
) -> None:
    """learnloop derives its statements' ids from the answer; a client that sent a statement
    under the next answer's id first neither blocks the answer nor gets a second copy stored."""
    with world.db.reading() as s:
        next_attempt = int(s.scalar(select(func.max(Attempt.id))) or 0) + 1
    taken = attempt_statement_id(DEFAULT_PUBLIC_URL, next_attempt)
    made = create_client(world.db, hasher, name="early", can_write=True)
    caller = authenticate_client(world.db, hasher, made.key, made.secret)
    sent = {
        "id": taken,
        "actor": {"mbox": "mailto:someone@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://example.org/elsewhere"},
    }
    store_statements(world.db, caller, [sent], base_url=DEFAULT_PUBLIC_URL)
    outcome = record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-4", response="5/12"
    )
    assert outcome.attempt_id == next_attempt
    assert outcome.feedback.correct
    with world.db.reading() as s:
        rows = s.scalars(select(XapiStatement.statement).where(XapiStatement.id == taken)).all()
    assert [r["verb"]["id"] for r in rows] == ["http://adlnet.gov/expapi/verbs/experienced"]
    assert count(world.db, Attempt) == 1


def test_answers_of_one_learner_at_once_are_all_recorded_and_all_counted(
    world: World, hasher: PasswordHasher
) -> None:
    """A double click, two tabs: each answer waits for the other's transaction, so neither
    fails on the mastery row both would add (PostgreSQL refused the second with a duplicate
    key) and neither overwrites the other's update."""
    at_once, learners = 4, []
    for n in range(6):
        viewer = register_user(
            world.db, hasher, username=f"twin{n}", password="long enough pw", display_name="Twin"
        )
        add_to_class(world.db, class_id=world.class_id, user_id=viewer.user_id)
        complete_onboarding(
            world.db, viewer, course_id=None, goal_objective=None, goal_date=None, interests="",
            preferred_modalities=[],
        )  # fmt: skip
        learners.append(viewer)
    failures: list[BaseException] = []

    def answer(viewer: Any, start: Barrier, response: str) -> None:
        start.wait()
        try:
            record_attempt(
                world.db, viewer, activity_key="parts-practice", item_key="pw-4", response=response
            )
        except BaseException as exc:
            failures.append(exc)

    for viewer in learners:
        start = Barrier(at_once)
        threads = [Thread(target=answer, args=(viewer, start, "7/12")) for _ in range(at_once)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
    with world.db.reading() as s:
        for viewer in learners:
            counted = s.scalar(
                select(func.count())
                .select_from(Attempt)
                .where(Attempt.user_id == viewer.user_id, Attempt.counted.is_(True))
            )
            row = s.scalar(select(Mastery).where(
                Mastery.user_id == viewer.user_id, Mastery.objective_key == "parts-of-a-whole"
            ))  # fmt: skip
            assert row is not None
            # wrong answers count until the worked solution shows, then no more
            assert counted == min(at_once, SOLUTION_AFTER_MISSES)
            assert row.attempts == counted
