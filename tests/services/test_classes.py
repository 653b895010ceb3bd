"""Classes set up by an admin: created on a course, people added all or nothing, removed without
losing their records; every change audited (both backends)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.config import PedagogySettings
from learnloop.exceptions import DuplicateName, InvalidInput, NotFound, PermissionDenied
from learnloop.reports.admin_views import admin_overview, class_members
from learnloop.reports.class_views import class_overview
from learnloop.services.accounts import register_user
from learnloop.services.classes import add_members, create_class_for, remove_member
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import Attempt, ClassMember, LearnerProfile
from tests.conftest import PASSWORD, World


def test_an_admin_creates_a_class_and_fills_it(world: World, hasher: PasswordHasher) -> None:
    new = register_user(world.db, hasher, username="nia", password=PASSWORD, display_name="Nia")
    class_id = create_class_for(
        world.db, world.admin, name="  9A   maths ", course_slug="fractions"
    )
    done = add_members(world.db, world.admin, class_id=class_id, usernames="nia, teacher2\nlea nia")
    assert done.added == ("nia", "teacher2", "lea")
    assert done.already == ()
    again = add_members(world.db, world.admin, class_id=class_id, usernames="nia")
    assert (again.added, again.already) == ((), ("nia",))
    members = class_members(world.db, world.admin, class_id)
    assert members.name == "9A maths"
    assert [(u, r) for _, u, _, r in members.members] == [
        ("teacher2", "educator"), ("lea", "learner"), ("nia", "learner")
    ]  # fmt: skip
    with world.db.reading() as s:
        profile = s.get(LearnerProfile, new.user_id)
    assert profile is not None
    assert profile.course_id == world.course_id  # she follows the class's course now
    overview = class_overview(world.db, world.other_educator, class_id, PedagogySettings())
    assert [row.username for row in overview.learners] == ["lea", "nia"]
    actions = [c.action for c in admin_overview(world.db, world.admin).changes]
    assert actions[:2] == ["class.members_added", "class.created"]


def test_one_bad_name_adds_nobody(world: World, hasher: PasswordHasher) -> None:
    register_user(world.db, hasher, username="nia", password=PASSWORD, display_name="Nia")
    with world.db.reading() as s:
        before = s.scalar(select(func.count()).select_from(ClassMember))
    with pytest.raises(InvalidInput, match="no account named nobody1, nobody2: nobody added"):
        add_members(world.db, world.admin, class_id=world.class_id, usernames="nia nobody1 nobody2")
    with pytest.raises(InvalidInput, match="admins see every class"):
        add_members(world.db, world.admin, class_id=world.class_id, usernames="nia admin")
    with pytest.raises(InvalidInput, match="at least one"):
        add_members(world.db, world.admin, class_id=world.class_id, usernames=" , ")
    with pytest.raises(NotFound):
        add_members(world.db, world.admin, class_id=9999, usernames="nia")
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ClassMember)) == before


def test_class_names_and_courses_are_checked(world: World) -> None:
    with pytest.raises(DuplicateName):
        create_class_for(world.db, world.admin, name="7B", course_slug="fractions")
    with pytest.raises(InvalidInput, match="no course 'algebra'") as info:
        create_class_for(world.db, world.admin, name="New", course_slug="algebra")
    assert info.value.field == "course"
    with pytest.raises(InvalidInput, match="needs a name"):
        create_class_for(world.db, world.admin, name="   ", course_slug="fractions")


def test_only_admins_set_classes_up(world: World) -> None:
    for viewer in (world.learner, world.educator, world.other_educator, world.outsider):
        with pytest.raises(PermissionDenied):
            create_class_for(world.db, viewer, name="X", course_slug="fractions")
        with pytest.raises(PermissionDenied):
            add_members(world.db, viewer, class_id=world.class_id, usernames="olga")
        with pytest.raises(PermissionDenied):
            remove_member(
                world.db, viewer, class_id=world.class_id, user_id=world.other_learner.user_id
            )
        with pytest.raises(PermissionDenied):
            class_members(world.db, viewer, world.class_id)


def test_removing_a_learner_keeps_their_record(world: World) -> None:
    record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", True),
    )  # fmt: skip
    assert (
        remove_member(world.db, world.admin, class_id=world.class_id, user_id=world.learner.user_id)
        == "lea"
    )
    overview = class_overview(world.db, world.educator, world.class_id, PedagogySettings())
    assert [row.username for row in overview.learners] == ["omar"]
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 1
    with pytest.raises(NotFound):
        remove_member(world.db, world.admin, class_id=world.class_id, user_id=world.learner.user_id)
