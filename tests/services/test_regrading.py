"""Grading answers again after an answer key is fixed: the answers take the new grade, the
learner's state becomes what it would have been under the right key from the start, learnloop's
xAPI record is corrected, and a second run changes nothing (both backends)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learnloop.adapters.xapi.learnloop_ids import attempt_statement_id, regraded_statement_id
from learnloop.domain import Course
from learnloop.exceptions import InvalidInput
from learnloop.services.courses import import_course
from learnloop.services.learning import DEFAULT_PUBLIC_URL, record_attempt
from learnloop.services.regrading import regrade_course
from learnloop.storage.statement_lookup import statements_by_id
from learnloop.storage.tables import Attempt, AuditEvent
from tests.conftest import World, demo_media
from tests.services.test_answer_withdrawal import state

BASE = DEFAULT_PUBLIC_URL
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# (item, choice or typed answer) in order: pw-3's right choice is "a"
SCRIPT = [("pw-3", "b"), ("pw-4", "5/12"), ("pw-3", "a"), ("pw-5", "a"), ("pw-6", "numerator"),
          ("pw-7", ["a", "c"]), ("pw-3", "b"), ("pw-4", "5/12"), ("pw-5", "b"), ("pw-6", "x")]  # fmt: skip


def mistaken(course: Course) -> Course:
    """The demo with pw-3's key wrong: its second choice marked right instead of the first."""
    item = course.items["pw-3"]
    flipped = tuple(dataclasses.replace(c, correct=(i == 1)) for i, c in enumerate(item.choices))
    items = {**course.items, "pw-3": dataclasses.replace(item, choices=flipped)}
    return dataclasses.replace(course, items=items)


def answer(world: World, learner_index: int) -> None:
    learner = (world.learner, world.other_learner)[learner_index]
    for n, (item, response) in enumerate(SCRIPT):
        record_attempt(
            world.db, learner, activity_key="parts-practice", item_key=item, response=response,
            now=T0 + timedelta(hours=5 * n),
        )  # fmt: skip


def test_regrading_after_a_fixed_key_gives_the_state_of_the_right_key_from_the_start(
    world: World,
) -> None:
    _, status = import_course(world.db, mistaken(world.course), media=demo_media(world.course))
    assert status == "updated"
    answer(world, 0)  # lea answers under the mistaken key
    import_course(world.db, world.course, media=demo_media(world.course))  # the fix
    answer(world, 1)  # omar gives the same answers at the same times under the right key
    assert state(world, world.learner.user_id) != state(world, world.other_learner.user_id)
    dry = regrade_course(world.db, world.course_id, public_url=BASE, dry_run=True)
    assert (dry.checked, dry.changed, dry.now_right, dry.learners, dry.applied) == (
        20,
        3,
        1,
        1,
        False,
    )
    done = regrade_course(world.db, world.course_id, public_url=BASE, now=T0 + timedelta(days=9))
    assert (done.changed, done.now_right, done.learners, done.applied) == (3, 1, 1, True)
    assert state(world, world.learner.user_id) == state(world, world.other_learner.user_id)
    with world.db.reading() as s:
        lea = s.scalars(
            select(Attempt).where(Attempt.user_id == world.learner.user_id).order_by(Attempt.id)
        ).all()
        records = statements_by_id(
            s, [i for a in lea for i in (attempt_statement_id(BASE, a.id),
                                         regraded_statement_id(BASE, a.id, 1))]
        )  # fmt: skip
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "answers.regraded")).all()
    assert [a.correct for a in lea if a.item_key == "pw-3"] == [False, True, False]
    for a in lea:
        original = records[attempt_statement_id(BASE, a.id)]
        corrected = records.get(regraded_statement_id(BASE, a.id, 1))
        if a.item_key == "pw-3":  # graded again: the record is corrected
            assert original.voided
            assert corrected is not None
            assert not corrected.voided
            assert corrected.statement["result"]["success"] is a.correct
            assert original.statement["result"]["success"] is not a.correct
        else:
            assert not original.voided
            assert corrected is None
    assert [(e.subject, len(e.details["answers"])) for e in audit] == [("lea", 3)]
    again = regrade_course(world.db, world.course_id, public_url=BASE)
    assert (again.checked, again.changed, again.learners) == (20, 0, 0)


def test_a_second_fix_corrects_the_corrected_record(world: World) -> None:
    answer(world, 0)
    before = state(world, world.learner.user_id)
    media = demo_media(world.course)
    import_course(world.db, mistaken(world.course), media=media)
    regrade_course(world.db, world.course_id, public_url=BASE, items=["pw-3"])
    assert state(world, world.learner.user_id) != before
    import_course(world.db, world.course, media=media)
    back = regrade_course(world.db, world.course_id, public_url=BASE, items=["pw-3"])
    assert back.changed == 3
    assert state(world, world.learner.user_id) == before
    with world.db.reading() as s:
        first = s.scalars(
            select(Attempt.id).where(Attempt.user_id == world.learner.user_id).order_by(Attempt.id)
        ).first()
        assert first is not None
        ids = [attempt_statement_id(BASE, first)] + [
            regraded_statement_id(BASE, first, k) for k in (1, 2)
        ]
        records = statements_by_id(s, ids)
    assert [records[i].voided for i in ids] == [True, True, False]
    assert [records[i].statement["result"]["success"] for i in ids] == [False, True, False]


def test_naming_an_unknown_item_changes_nothing(world: World) -> None:
    answer(world, 0)
    before = state(world, world.learner.user_id)
    with pytest.raises(InvalidInput) as refused:
        regrade_course(world.db, world.course_id, public_url=BASE, items=["pw-3", "nope"])
    assert refused.value.field == "items"
    assert "'nope'" in str(refused.value)
    assert state(world, world.learner.user_id) == before
