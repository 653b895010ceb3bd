"""A learner leaves a class of their own accord (both backends): their classes as they see them,
leaving in one transaction with its audit event, what stays theirs, what the educators stop
seeing, rejoining with a code, and who may not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from learnloop.config import PedagogySettings
from learnloop.exceptions import NotFound, PermissionDenied
from learnloop.reports.assignments import assignments_for_me
from learnloop.reports.class_views import class_overview, learner_detail
from learnloop.reports.learner_classes import my_class, my_classes
from learnloop.reports.learner_views import feedback_received, learner_home
from learnloop.services.assignments import assign_activity
from learnloop.services.class_codes import join_class, open_joining
from learnloop.services.classes import leave_class
from learnloop.services.messages import send_feedback
from learnloop.storage.tables import AuditEvent, ClassMember
from tests.conftest import World

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def members(world: World) -> int:
    with world.db.reading() as s:
        return s.scalar(select(func.count()).select_from(ClassMember)) or 0


def test_a_learner_sees_their_classes_and_who_teaches_them(world: World) -> None:
    (mine,) = my_classes(world.db, world.learner)
    assert (mine.id, mine.name, mine.educators) == (world.class_id, "7B", ("Teacher",))
    assert mine.course_title == world.course.title
    assert my_class(world.db, world.learner, world.class_id) == mine
    with pytest.raises(NotFound):  # another class is not named to them
        my_class(world.db, world.learner, world.other_class_id)
    for viewer in (world.educator, world.admin):
        with pytest.raises(PermissionDenied):
            my_classes(world.db, viewer)


def test_leaving_ends_the_membership_and_keeps_the_learners_own_records(world: World) -> None:
    send_feedback(
        world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
        body="Well done this week.",
    )  # fmt: skip
    assign_activity(
        world.db, world.educator, class_id=world.class_id, learner_ids=[world.learner.user_id],
        activity_key="parts-read", now=NOW,
    )  # fmt: skip
    assert len(assignments_for_me(world.db, world.learner)) == 1
    before = learner_home(world.db, world.learner, PedagogySettings())

    assert leave_class(world.db, world.learner, class_id=world.class_id, now=NOW) == "7B"
    assert my_classes(world.db, world.learner) == []
    with world.db.reading() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.actor, event.action, event.subject, event.details) == (
        "lea", "class.left", "7B", {"class_id": world.class_id},
    )  # fmt: skip
    # the educators no longer see them; the learner keeps their course, messages and progress
    overview = class_overview(world.db, world.educator, world.class_id, PedagogySettings())
    assert world.learner.user_id not in [row.id for row in overview.learners]
    with pytest.raises(NotFound):
        learner_detail(world.db, world.educator, world.class_id, world.learner.user_id)
    after = learner_home(world.db, world.learner, PedagogySettings())
    assert (after.course_title, after.mastered) == (before.course_title, before.mastered)
    assert [m.body for m in feedback_received(world.db, world.learner)] == ["Well done this week."]
    # an assignment of a class they left is no longer theirs to do
    assert assignments_for_me(world.db, world.learner) == []


def test_leaving_twice_or_a_class_not_theirs_changes_nothing(world: World) -> None:
    count = members(world)
    with pytest.raises(NotFound):
        leave_class(world.db, world.learner, class_id=world.other_class_id)
    with pytest.raises(NotFound):
        leave_class(world.db, world.learner, class_id=999_999)
    assert members(world) == count
    leave_class(world.db, world.learner, class_id=world.class_id)
    with pytest.raises(NotFound):
        leave_class(world.db, world.learner, class_id=world.class_id)
    assert members(world) == count - 1


@pytest.mark.parametrize("who", ["educator", "other_educator", "admin"])
def test_only_learners_leave_by_themselves(world: World, who: str) -> None:
    count = members(world)
    with pytest.raises(PermissionDenied):
        leave_class(world.db, getattr(world, who), class_id=world.class_id)
    assert members(world) == count


def test_a_learner_who_left_rejoins_with_a_code(world: World) -> None:
    leave_class(world.db, world.learner, class_id=world.class_id, now=NOW)
    code = open_joining(world.db, world.educator, class_id=world.class_id, now=NOW).code
    joined = join_class(world.db, world.learner, code=code, now=NOW)
    assert joined.new
    assert [c.id for c in my_classes(world.db, world.learner)] == [world.class_id]
