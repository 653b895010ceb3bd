"""Joining a class with a code (both backends): an educator opens the class with a code that
expires, a learner who gives it joins and follows the class's course; wrong, expired or replaced
codes admit nobody and change nothing; every change is audited."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.domain.class_codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    new_code,
    normalized_code,
    shown_code,
)
from learnloop.exceptions import InvalidInput, PermissionDenied
from learnloop.reports.admin_views import admin_overview
from learnloop.reports.join_codes import class_join_code, join_preview
from learnloop.services.accounts import register_user
from learnloop.services.class_codes import MAX_CODE_DAYS, close_joining, join_class, open_joining
from learnloop.services.classes import create_class_for
from learnloop.services.courses import import_course
from learnloop.storage.tables import AuditEvent, ClassMember, LearnerProfile
from tests.conftest import PASSWORD, World, demo_media

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def members(world: World, class_id: int) -> set[int]:
    with world.db.reading() as s:
        return set(s.scalars(select(ClassMember.user_id).where(ClassMember.class_id == class_id)))


def course_of(world: World, user_id: int) -> int | None:
    with world.db.reading() as s:
        profile = s.get(LearnerProfile, user_id)
        return None if profile is None else profile.course_id


def audit_count(world: World) -> int:
    with world.db.reading() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_a_new_learner_joins_with_the_code_and_follows_the_class(
    world: World, hasher: PasswordHasher
) -> None:
    opened = open_joining(world.db, world.educator, class_id=world.class_id, days=7, now=NOW)
    assert len(opened.code) == CODE_LENGTH
    assert set(opened.code) <= set(CODE_ALPHABET)
    assert opened.expires_at == NOW + timedelta(days=7)
    nia = register_user(world.db, hasher, username="nia", password=PASSWORD, display_name="Nia")
    typed = shown_code(opened.code).lower().replace("-", " - ")  # as a person might type it
    preview = join_preview(world.db, nia, typed, now=NOW)
    assert (preview.class_name, preview.educators, preview.already_member) == (
        "7B", ("Teacher",), False
    )  # fmt: skip
    assert preview.leaving_course is None
    joined = join_class(world.db, nia, code=typed, now=NOW + timedelta(days=6))
    assert (joined.class_id, joined.class_name, joined.new) == (world.class_id, "7B", True)
    assert nia.user_id in members(world, world.class_id)
    assert course_of(world, nia.user_id) == world.course_id
    with world.db.reading() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.actor, event.action, event.details) == (
        "nia", "class.joined", {"class_id": world.class_id}
    )  # fmt: skip
    # the class's own events, newest first (the world's setup is stamped by the real clock)
    changes = admin_overview(world.db, world.admin).changes
    actions = [c.action for c in changes if c.action.startswith("class.")]
    assert actions[:2] == ["class.joined", "class.join_code_opened"]


def test_joining_again_changes_no_membership(world: World) -> None:
    opened = open_joining(world.db, world.educator, class_id=world.class_id, now=NOW)
    before, events = members(world, world.class_id), audit_count(world)
    assert join_preview(world.db, world.learner, opened.code, now=NOW).already_member
    joined = join_class(world.db, world.learner, code=opened.code, now=NOW)
    assert not joined.new
    assert members(world, world.class_id) == before
    assert audit_count(world) == events  # nothing changed, nothing to account for


def test_joining_a_class_on_another_course_switches_the_course(
    world: World, hasher: PasswordHasher
) -> None:
    other = dataclasses.replace(world.course, slug="fractions-b", title="Fractions, again")
    other_id, _ = import_course(world.db, other, media=demo_media(other))
    class_id = create_class_for(world.db, world.admin, name="9Z", course_slug="fractions-b")
    opened = open_joining(world.db, world.admin, class_id=class_id, now=NOW)
    preview = join_preview(world.db, world.learner, opened.code, now=NOW)
    assert preview.leaving_course == world.course.title
    assert preview.educators == ()  # nobody teaches it yet
    join_class(world.db, world.learner, code=opened.code, now=NOW)
    assert course_of(world, world.learner.user_id) == other_id
    assert world.learner.user_id in members(world, world.class_id)  # still in 7B too
    # joining 7B again with its code makes its course the one followed again
    back = open_joining(world.db, world.educator, class_id=world.class_id, now=NOW)
    assert not join_class(world.db, world.learner, code=back.code, now=NOW).new
    assert course_of(world, world.learner.user_id) == world.course_id


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "give the class code"),
        ("ABCDE", "a class code is 10 letters and digits"),
        ("ABCDE-FGH10", "a class code is 10 letters and digits"),  # 1 and 0 are never in a code
        ("ABCDE-FGH2Z", "no class has this code"),
    ],
)
def test_a_wrong_code_admits_nobody(
    world: World, hasher: PasswordHasher, typed: str, says: str
) -> None:
    open_joining(world.db, world.educator, class_id=world.class_id, now=NOW)
    nia = register_user(world.db, hasher, username="nia", password=PASSWORD, display_name="Nia")
    events = audit_count(world)
    with pytest.raises(InvalidInput, match=says) as caught:
        join_class(world.db, nia, code=typed, now=NOW)
    assert caught.value.field == "code"
    assert nia.user_id not in members(world, world.class_id)
    assert course_of(world, nia.user_id) is None
    assert audit_count(world) == events


def test_expired_replaced_and_closed_codes_admit_nobody(
    world: World, hasher: PasswordHasher
) -> None:
    nia = register_user(world.db, hasher, username="nia", password=PASSWORD, display_name="Nia")
    first = open_joining(world.db, world.educator, class_id=world.class_id, days=1, now=NOW)
    with pytest.raises(InvalidInput, match="expired on 2026-12-07"):
        join_class(world.db, nia, code=first.code, now=NOW + timedelta(days=1))
    second = open_joining(world.db, world.educator, class_id=world.class_id, now=NOW)
    assert second.code != first.code
    with pytest.raises(InvalidInput, match="no class has this code"):  # the new one replaced it
        join_class(world.db, nia, code=first.code, now=NOW)
    shown = class_join_code(world.db, world.educator, world.class_id)
    assert shown is not None
    assert shown.code == second.code
    assert close_joining(world.db, world.educator, class_id=world.class_id, now=NOW)
    assert not close_joining(world.db, world.educator, class_id=world.class_id, now=NOW)
    assert class_join_code(world.db, world.educator, world.class_id) is None
    with pytest.raises(InvalidInput, match="no class has this code"):
        join_class(world.db, nia, code=second.code, now=NOW)
    assert nia.user_id not in members(world, world.class_id)


def test_only_the_class_educators_and_admins_open_it_and_only_learners_join(
    world: World,
) -> None:
    for outsider in (world.other_educator, world.learner):
        with pytest.raises(PermissionDenied):
            open_joining(world.db, outsider, class_id=world.class_id, now=NOW)
        with pytest.raises(PermissionDenied):
            close_joining(world.db, outsider, class_id=world.class_id, now=NOW)
        with pytest.raises(PermissionDenied):
            class_join_code(world.db, outsider, world.class_id)
    opened = open_joining(world.db, world.admin, class_id=world.class_id, now=NOW)
    for not_a_learner in (world.other_educator, world.admin):
        with pytest.raises(PermissionDenied):
            join_class(world.db, not_a_learner, code=opened.code, now=NOW)
        with pytest.raises(PermissionDenied):
            join_preview(world.db, not_a_learner, opened.code, now=NOW)
    assert world.other_educator.user_id not in members(world, world.class_id)


@pytest.mark.parametrize("days", [0, -3, MAX_CODE_DAYS + 1])
def test_a_code_lasts_a_day_to_a_term(world: World, days: int) -> None:
    with pytest.raises(InvalidInput, match="from 1 to 90 days") as caught:
        open_joining(world.db, world.educator, class_id=world.class_id, days=days, now=NOW)
    assert caught.value.field == "days"
    assert class_join_code(world.db, world.educator, world.class_id) is None


def test_codes_are_drawn_fresh_and_typed_forgivingly() -> None:
    drawn = [new_code() for _ in range(200)]
    assert len(set(drawn)) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in drawn)
    assert shown_code("ABCDEFGH23") == "ABCDE-FGH23"
    assert normalized_code(" abcde-fgh23\n") == "ABCDEFGH23"
    for look_alike in "0O1IL":
        assert look_alike not in CODE_ALPHABET
