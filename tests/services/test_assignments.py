"""Assignments: an educator gives an activity to learners of their class, the learner sees it
first, it is done when its items are answered or the learner says so (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learnloop.config import PedagogySettings
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.assignments import assignments_for_me, assignments_of_learner
from learnloop.reports.learner_views import learner_home
from learnloop.services.assignments import assign_activity, mark_done
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import Assignment
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_assignment_reaches_the_learners_and_is_done_when_its_items_are(world: World) -> None:
    record_attempt(  # answered before the assignment: does not count towards it
        world.db, world.learner, activity_key="parts-read", item_key="pw-1",
        response=answer_for(world.course, "pw-1", True), now=T0 - timedelta(hours=1),
    )  # fmt: skip
    done = assign_activity(
        world.db, world.educator, class_id=world.class_id,
        learner_ids=[world.learner.user_id, world.other_learner.user_id],
        activity_key="parts-read", note="Read it before Monday.", now=T0,
    )  # fmt: skip
    assert done.assigned == ("Lea", "Omar")
    again = assign_activity(
        world.db, world.educator, class_id=world.class_id,
        learner_ids=[world.learner.user_id], activity_key="parts-read", now=T0,
    )  # fmt: skip
    assert (again.assigned, again.already) == ((), ("Lea",))
    mine = assignments_for_me(world.db, world.learner)
    assert [(a.activity_title, a.note, a.educator, a.done, a.answered, a.items) for a in mine] == [
        ("What is a fraction?", "Read it before Monday.", "Teacher", False, 0, 2)
    ]  # fmt: skip
    assert learner_home(world.db, world.learner, PedagogySettings()).assignments == mine
    for item in ("pw-1", "pw-2"):
        record_attempt(
            world.db, world.learner, activity_key="parts-read", item_key=item,
            response=answer_for(world.course, item, False), now=T0 + timedelta(minutes=5),
        )  # fmt: skip
    assert assignments_for_me(world.db, world.learner)[0].done  # both answered since, even wrong
    seen = assignments_of_learner(
        world.db, world.educator, world.class_id, world.other_learner.user_id
    )
    assert [(a.done, a.answered) for a in seen] == [(False, 0)]
    mark_done(world.db, world.other_learner, seen[0].id)
    assert assignments_for_me(world.db, world.other_learner)[0].done
    with pytest.raises(NotFound):  # somebody else's
        mark_done(world.db, world.learner, seen[0].id)


def test_a_locked_activity_or_an_outsider_refuses_the_whole_list(world: World) -> None:
    with pytest.raises(InvalidInput, match="still locked for Lea, Omar: nothing assigned"):
        assign_activity(
            world.db, world.educator, class_id=world.class_id,
            learner_ids=[world.learner.user_id, world.other_learner.user_id],
            activity_key="add-like-practice",
        )  # fmt: skip
    with pytest.raises(NotFound, match="not in this class"):
        assign_activity(
            world.db, world.educator, class_id=world.class_id,
            learner_ids=[world.learner.user_id, world.outsider.user_id], activity_key="parts-read",
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="no activity"):
        assign_activity(
            world.db, world.educator, class_id=world.class_id,
            learner_ids=[world.learner.user_id], activity_key="nope",
        )  # fmt: skip
    for viewer in (world.learner, world.other_educator):
        with pytest.raises(PermissionDenied):
            assign_activity(
                world.db, viewer, class_id=world.class_id,
                learner_ids=[world.learner.user_id], activity_key="parts-read",
            )  # fmt: skip
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)) == 0
