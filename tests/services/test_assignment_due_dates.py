"""Due days on assignments, and the class's assignments at a glance (both backends): a due day is
today or later and at most a school year ahead, else nothing is assigned; the learner's open
assignments come soonest due first; past its day and not done an assignment is overdue; the class
view shows each act of assigning once with who has done it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.assignments import (
    assignments_for_me,
    assignments_of_learner,
    class_assignments,
)
from learnloop.services.assignments import MAX_DUE_DAYS, assign_activity, mark_done
from learnloop.services.classes import leave_class
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import Assignment
from tests.conftest import World, unlock_activity

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
DAY0 = T0.date()


def _assign(w: World, activity: str, who: list[int], *, due: date | None, at: datetime = T0,
            note: str = "") -> None:  # fmt: skip
    assign_activity(
        w.db, w.educator, class_id=w.class_id, learner_ids=who, activity_key=activity,
        note=note, due_on=due, now=at,
    )  # fmt: skip


def _count(w: World) -> int:
    with w.db.reading() as s:
        return s.scalar(select(func.count()).select_from(Assignment)) or 0


def test_a_due_day_is_today_or_later_and_within_a_school_year(world: World) -> None:
    w = world
    lea = [w.learner.user_id]
    for bad in (DAY0 - timedelta(days=1), DAY0 + timedelta(days=MAX_DUE_DAYS + 1)):
        with pytest.raises(InvalidInput) as refused:
            _assign(w, "parts-read", lea, due=bad)
        assert refused.value.field == "due_on"
    assert _count(w) == 0  # refused: nothing assigned
    _assign(w, "parts-read", lea, due=DAY0)  # today will do
    _assign(w, "parts-practice", lea, due=DAY0 + timedelta(days=MAX_DUE_DAYS))
    assert sorted(a.due_on for a in assignments_for_me(w.db, w.learner)) == [
        DAY0,
        DAY0 + timedelta(days=MAX_DUE_DAYS),
    ]


def test_open_assignments_come_soonest_due_first_and_overdue_is_past_the_day_undone(
    world: World,
) -> None:
    w = world
    lea = [w.learner.user_id]
    unlock_activity(w, w.learner, "fraction-strips")  # and the number line with it
    _assign(w, "parts-read", lea, due=None, at=T0)
    _assign(w, "parts-practice", lea, due=DAY0 + timedelta(days=7), at=T0 + timedelta(hours=1))
    _assign(w, "fraction-strips", lea, due=DAY0 + timedelta(days=2), at=T0 + timedelta(hours=2))
    _assign(w, "number-line-read", lea, due=None, at=T0 + timedelta(hours=3))
    mine = assignments_for_me(w.db, w.learner)
    assert [a.activity_key for a in mine] == [
        "fraction-strips", "parts-practice", "number-line-read", "parts-read",
    ]  # fmt: skip
    strips = mine[0]
    assert not strips.overdue(DAY0 + timedelta(days=2))  # due that day: not yet late
    assert strips.overdue(DAY0 + timedelta(days=3))
    assert not mine[2].overdue(DAY0 + timedelta(days=300))  # no due day: never late
    mark_done(w.db, w.learner, strips.id)
    again = assignments_for_me(w.db, w.learner)
    assert again[-1].activity_key == "fraction-strips"  # done: last
    assert not again[-1].overdue(DAY0 + timedelta(days=3))
    # the educator reads the same on the learner's page
    seen = assignments_of_learner(w.db, w.educator, w.class_id, w.learner.user_id)
    assert [(a.activity_key, a.due_on) for a in seen] == [(a.activity_key, a.due_on) for a in again]


def test_the_class_view_shows_each_act_once_with_who_has_done_it(world: World) -> None:
    w = world
    both = [w.learner.user_id, w.other_learner.user_id]
    _assign(w, "parts-read", both, due=DAY0 + timedelta(days=1), note="Before Tuesday.")
    _assign(w, "parts-practice", [w.other_learner.user_id], due=None, at=T0 + timedelta(hours=1))
    for item in ("pw-1", "pw-2"):  # Lea answers the reading's two questions
        record_attempt(
            w.db, w.learner, activity_key="parts-read", item_key=item,
            response=answer_for(w.course, item, True), now=T0 + timedelta(minutes=10),
        )  # fmt: skip
    record_attempt(  # Omar answers one of them
        w.db, w.other_learner, activity_key="parts-read", item_key="pw-1",
        response=answer_for(w.course, "pw-1", False), now=T0 + timedelta(minutes=20),
    )  # fmt: skip

    view = class_assignments(w.db, w.educator, w.class_id)
    assert view.class_name == "7B"
    reading, practice = view.assignments  # the one with a due day first
    assert (reading.activity_key, reading.note, reading.educator) == (
        "parts-read",
        "Before Tuesday.",
        "Teacher",
    )
    assert (reading.done, len(reading.learners), reading.items) == (1, 2, 2)
    assert [(p.display_name, p.done, p.answered) for p in reading.learners] == [
        ("Lea", True, 2),
        ("Omar", False, 1),
    ]
    assert [p.display_name for p in reading.waiting] == ["Omar"]
    assert reading.overdue(DAY0 + timedelta(days=2))
    assert not reading.overdue(DAY0 + timedelta(days=1))
    assert (practice.activity_key, practice.done, practice.due_on) == ("parts-practice", 0, None)
    assert not practice.overdue(DAY0 + timedelta(days=300))

    # once everyone has done it, an act goes after the open ones and is never overdue
    record_attempt(
        w.db, w.other_learner, activity_key="parts-read", item_key="pw-2",
        response=answer_for(w.course, "pw-2", True), now=T0 + timedelta(minutes=30),
    )  # fmt: skip
    after = class_assignments(w.db, w.educator, w.class_id).assignments
    assert [a.activity_key for a in after] == ["parts-practice", "parts-read"]
    assert not after[1].overdue(DAY0 + timedelta(days=2))

    # a learner who left is no longer counted
    leave_class(w.db, w.other_learner, class_id=w.class_id)
    left = class_assignments(w.db, w.educator, w.class_id).assignments
    assert [(a.activity_key, [p.display_name for p in a.learners]) for a in left] == [
        ("parts-read", ["Lea"])
    ]


def test_only_the_class_educators_and_admins_see_the_class_assignments(world: World) -> None:
    w = world
    _assign(w, "parts-read", [w.learner.user_id], due=None)
    assert len(class_assignments(w.db, w.admin, w.class_id).assignments) == 1
    for viewer in (w.learner, w.other_educator, w.outsider):
        with pytest.raises(PermissionDenied):
            class_assignments(w.db, viewer, w.class_id)
    with pytest.raises(NotFound):
        class_assignments(w.db, w.educator, 999_999)
    assert class_assignments(w.db, w.other_educator, w.other_class_id).assignments == []
