"""Work given to the whole class (both backends): it goes to the class's learners as the
transaction finds them, and to each learner who joins later (by a code or an admin), with the same
note and due day, unless its due day has passed, it is still locked for them, or it was withdrawn
as a whole; it is one act on the class's assignments page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.content.roster_csv import read_roster
from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput
from learnloop.reports.assignments import class_assignments, my_assignments
from learnloop.services.accounts import register_user
from learnloop.services.assignments import assign_activity, withdraw_assignment
from learnloop.services.class_codes import join_class, open_joining
from learnloop.services.classes import add_members, leave_class
from learnloop.services.courses import create_class
from learnloop.services.lti_platforms import register_platform
from learnloop.services.rosters import import_roster
from learnloop.storage.tables import Assignment, User
from tests.conftest import PASSWORD, World, unlock_activity
from tests.lti_platform import INSTRUCTOR, Platform, launch, registration

NOW = datetime.now(UTC).replace(microsecond=0)
READ = "parts-read"  # the first objective's: open to everyone
LOCKED = "recipe-project"  # needs mastered prerequisites


def _newcomer(world: World, hasher: PasswordHasher, name: str = "nina") -> Viewer:
    return register_user(world.db, hasher, username=name, password=PASSWORD,
                         display_name=name.title(), role=Role.LEARNER)  # fmt: skip


def _whole(world: World, activity: str = READ, due_days: int | None = 3, **kw: object) -> None:
    assign_activity(
        world.db, world.educator, class_id=world.class_id, learner_ids=[], activity_key=activity,
        note="Before Friday", now=NOW - timedelta(days=1), whole_class=True,
        due_on=None if due_days is None else (NOW + timedelta(days=due_days)).date(), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def _rows(world: World, learner: Viewer) -> list[tuple[str, str, object, bool]]:
    with world.db.reading() as s:
        return [
            (a.activity_key, a.note, a.due_on, a.whole_class)
            for a in s.scalars(select(Assignment).where(Assignment.learner_id == learner.user_id))
        ]


def test_a_newcomer_gets_the_whole_classs_work_in_the_same_act(
    world: World, hasher: PasswordHasher
) -> None:
    _whole(world)
    due = (NOW + timedelta(days=3)).date()
    assert _rows(world, world.learner) == [(READ, "Before Friday", due, True)]
    assert _rows(world, world.other_learner) == [(READ, "Before Friday", due, True)]
    assert _rows(world, world.outsider) == []  # another class
    nina = _newcomer(world, hasher)
    code = open_joining(world.db, world.educator, class_id=world.class_id).code
    join_class(world.db, nina, code=code, now=NOW)
    assert _rows(world, nina) == [(READ, "Before Friday", due, True)]
    assert [
        a.activity_key for a in my_assignments(world.db, nina, world.course_id, world.course)
    ] == [READ]
    (act,) = class_assignments(world.db, world.educator, world.class_id).assignments
    assert act.whole_class
    assert sorted(p.display_name for p in act.learners) == ["Lea", "Nina", "Omar"]
    # added by an admin, the same
    add_members(world.db, world.admin, class_id=world.class_id, usernames="olga", now=NOW)
    assert (READ, "Before Friday", due, True) in _rows(world, world.outsider)


def test_nobody_joins_a_class_already_overdue(world: World, hasher: PasswordHasher) -> None:
    _whole(world, due_days=1)
    nina = _newcomer(world, hasher)
    code = open_joining(world.db, world.educator, class_id=world.class_id).code
    join_class(world.db, nina, code=code, now=NOW + timedelta(days=2))  # the day after it was due
    assert _rows(world, nina) == []


def test_a_newcomer_is_not_given_what_is_locked_for_them(
    world: World, hasher: PasswordHasher
) -> None:
    unlock_activity(world, world.learner, LOCKED)
    _whole(world, LOCKED, due_days=None, open_only=True)
    assert [r[0] for r in _rows(world, world.learner)] == [LOCKED]
    assert _rows(world, world.other_learner) == []  # locked for Omar: left out
    nina = _newcomer(world, hasher)
    add_members(world.db, world.admin, class_id=world.class_id, usernames="nina", now=NOW)
    assert _rows(world, nina) == []


def test_withdrawn_as_a_whole_it_stops_going_to_newcomers(
    world: World, hasher: PasswordHasher
) -> None:
    _whole(world)
    (act,) = class_assignments(world.db, world.educator, world.class_id).assignments
    withdraw_assignment(world.db, world.educator, class_id=world.class_id, assignment_id=act.id,
                        learner_ids=[world.other_learner.user_id])  # Omar excused  # fmt: skip
    nina = _newcomer(world, hasher)
    add_members(world.db, world.admin, class_id=world.class_id, usernames="nina", now=NOW)
    assert [r[0] for r in _rows(world, nina)] == [READ]  # excusing one does not stop it
    withdraw_assignment(world.db, world.educator, class_id=world.class_id, assignment_id=act.id)
    ravi = _newcomer(world, hasher, "ravi")
    add_members(world.db, world.admin, class_id=world.class_id, usernames="ravi", now=NOW)
    assert _rows(world, ravi) == []


def test_coming_back_does_not_give_it_twice(world: World) -> None:
    _whole(world)
    leave_class(world.db, world.learner, class_id=world.class_id)
    add_members(world.db, world.admin, class_id=world.class_id, usernames="lea", now=NOW)
    assert len(_rows(world, world.learner)) == 1


def test_a_class_without_learners_has_no_one_to_give_it_to(world: World) -> None:
    empty = create_class(world.db, name="Empty", course_id=world.course_id)
    with pytest.raises(InvalidInput) as refused:
        assign_activity(world.db, world.admin, class_id=empty, learner_ids=[], activity_key=READ,
                        whole_class=True)  # fmt: skip
    assert refused.value.field == "learner_ids"


def test_a_roster_and_an_lti_launch_give_newcomers_the_whole_classs_work(
    world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    _whole(world)
    roster = tmp_path / "roster.csv"
    roster.write_text("username,display_name,role,class,course\nzoe,Zoë,learner,7B,\n", "utf-8")
    import_roster(world.db, hasher, read_roster(roster), source="roster.csv", now=NOW)
    with world.db.reading() as s:
        zoe = s.scalar(select(User.id).where(User.username == "zoe"))
    assert zoe is not None
    assert _rows(world, Viewer(zoe, "zoe", "Zoë", Role.LEARNER))[0][0] == READ

    platform = Platform()
    register_platform(world.db, registration(platform))
    first = launch(world.db, platform)  # the platform's course makes its own class
    teacher = launch(world.db, platform, sub="moodle-teacher-1", roles=[INSTRUCTOR])
    assign_activity(
        world.db, Viewer(teacher.user_id, "t", "T", Role.EDUCATOR), class_id=first.class_id,
        learner_ids=[], activity_key=READ, whole_class=True,
    )  # fmt: skip
    later = launch(world.db, platform, sub="moodle-learner-2", name="Grace Hopper")
    assert [r[0] for r in _rows(world, Viewer(later.user_id, "g", "G", Role.LEARNER))] == [READ]
