"""Discussion threads: a class reads and writes its own, nobody else; moderation hides and keeps
(both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.discussion import activity_thread, class_discussion
from learnloop.services.accounts import register_user
from learnloop.services.discussion import MAX_POST_LENGTH, hide_post, post_message
from learnloop.storage.tables import DiscussionPost
from tests.conftest import PASSWORD, World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_class_shares_its_thread_and_another_class_never_sees_it(world: World) -> None:
    post_message(world.db, world.learner, activity_key="parts-practice", body=" Why 4ths? ", now=T0)
    post_message(
        world.db, world.educator, activity_key="parts-practice", body="Count the equal parts.",
        class_id=world.class_id, now=T0 + timedelta(minutes=5),
    )  # fmt: skip
    post_message(world.db, world.outsider, activity_key="parts-practice", body="8C here", now=T0)
    post_message(world.db, world.learner, activity_key="parts-read", body="Other thread", now=T0)
    mine = activity_thread(world.db, world.other_learner, "parts-practice")
    assert mine.class_id == world.class_id
    assert [(p.author, p.body, p.by_educator) for p in mine.posts] == [
        ("Lea", "Why 4ths?", False), ("Teacher", "Count the equal parts.", True)
    ]  # fmt: skip
    assert [p.can_hide for p in mine.posts] == [False, False]  # omar moderates nothing
    assert [p.can_hide for p in activity_thread(world.db, world.learner, "parts-practice").posts] == [
        True, False
    ]  # fmt: skip
    theirs = activity_thread(world.db, world.outsider, "parts-practice")
    assert [p.body for p in theirs.posts] == ["8C here"]
    recent = class_discussion(world.db, world.educator, world.class_id)
    assert {p.body for p in recent.posts} == {"Why 4ths?", "Count the equal parts.", "Other thread"}
    assert recent.posts[0].body == "Count the equal parts."  # newest first
    assert all(p.can_hide for p in recent.posts)
    with pytest.raises(PermissionDenied):
        class_discussion(world.db, world.other_educator, world.class_id)
    with pytest.raises(PermissionDenied):
        class_discussion(world.db, world.learner, world.class_id)


def test_bad_posts_are_refused_and_nothing_is_stored(world: World, hasher: PasswordHasher) -> None:
    cases = [
        (world.learner, {"activity_key": "parts-practice", "body": "   "}, InvalidInput),
        (world.learner, {"activity_key": "parts-practice", "body": "x" * (MAX_POST_LENGTH + 1)},
         InvalidInput),
        (world.learner, {"activity_key": "no-such-activity", "body": "hi"}, NotFound),
        (world.learner, {"activity_key": "parts-practice", "body": "hi",
                         "class_id": world.other_class_id}, PermissionDenied),
        (world.educator, {"activity_key": "parts-practice", "body": "hi"}, PermissionDenied),
        (world.other_educator, {"activity_key": "parts-practice", "body": "hi",
                                "class_id": world.class_id}, PermissionDenied),
    ]  # fmt: skip
    loner = register_user(
        world.db, hasher, username="loner", password=PASSWORD, display_name="Loner"
    )
    cases.append((loner, {"activity_key": "parts-practice", "body": "hi"}, NotFound))
    for viewer, kwargs, error in cases:
        with pytest.raises(error):
            post_message(world.db, viewer, **kwargs)  # type: ignore[arg-type]
    with world.db.reading() as s:
        assert list(s.scalars(select(DiscussionPost))) == []


def test_taking_a_post_down_hides_it_and_records_who(world: World) -> None:
    first = post_message(world.db, world.learner, activity_key="parts-practice", body="one")
    second = post_message(world.db, world.learner, activity_key="parts-practice", body="two")
    for stranger in (world.other_learner, world.other_educator, world.outsider):
        with pytest.raises(NotFound):
            hide_post(world.db, stranger, first)
    assert hide_post(world.db, world.learner, first, now=T0) == (world.class_id, "parts-practice")
    assert hide_post(world.db, world.educator, second, now=T0) == (
        world.class_id, "parts-practice"
    )  # fmt: skip
    with pytest.raises(NotFound):  # already down
        hide_post(world.db, world.admin, second)
    assert activity_thread(world.db, world.learner, "parts-practice").posts == []
    with world.db.reading() as s:
        rows = {p.body: p.hidden_by for p in s.scalars(select(DiscussionPost))}
    assert rows == {"one": world.learner.user_id, "two": world.educator.user_id}
