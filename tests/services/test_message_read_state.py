"""A message is new until its recipient sees it (both backends): the learner's messages, an
educator's replies, the counts on the class list and class page, marking read (all or nothing,
the first time kept), a reply marking what it answers, and the learner's leaving a class."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learnloop.config import PedagogySettings
from learnloop.exceptions import NotFound
from learnloop.reports.class_messages import latest_replies
from learnloop.reports.class_views import classes_for, learner_detail
from learnloop.reports.learner_views import feedback_received, learner_home
from learnloop.services.classes import remove_member
from learnloop.services.messages import mark_read, reply_to_feedback, send_feedback
from learnloop.storage.tables import FeedbackMessage
from tests.conftest import World

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def message(world: World, body: str, learner: int | None = None) -> int:
    return send_feedback(
        world.db, world.educator, class_id=world.class_id,
        learner_id=learner or world.learner.user_id, body=body,
    )  # fmt: skip


def read_at(world: World, message_id: int) -> datetime | None:
    with world.db.reading() as s:
        return s.scalar(select(FeedbackMessage.read_at).where(FeedbackMessage.id == message_id))


def test_a_message_is_new_to_the_learner_until_marked_read(world: World) -> None:
    first, second = message(world, "One."), message(world, "Two.")
    shown = feedback_received(world.db, world.learner)
    assert [(m.id, m.new) for m in shown] == [(second, True), (first, True)]
    home = learner_home(world.db, world.learner, PedagogySettings())
    assert sorted(home.new_messages) == sorted([first, second])

    assert mark_read(world.db, world.learner, [second], now=T0) == 1
    assert [(m.id, m.new) for m in feedback_received(world.db, world.learner)] == [
        (second, False),
        (first, True),
    ]
    # marking again counts nothing and keeps the first time
    assert mark_read(world.db, world.learner, [second, second], now=T0 + timedelta(days=1)) == 0
    assert read_at(world, second) == T0
    assert read_at(world, first) is None
    assert learner_home(world.db, world.learner, PedagogySettings()).new_messages == [first]


def test_marking_read_is_the_recipients_alone_and_all_or_nothing(world: World) -> None:
    to_lea, to_omar = (
        message(world, "For Lea."),
        message(world, "For Omar.", world.other_learner.user_id),
    )
    for viewer in (world.other_learner, world.educator, world.admin, world.outsider):
        with pytest.raises(NotFound):
            mark_read(world.db, viewer, [to_lea])
    with pytest.raises(NotFound):  # one id that is not hers: nothing marked
        mark_read(world.db, world.learner, [to_lea, to_omar])
    with pytest.raises(NotFound):
        mark_read(world.db, world.learner, [to_lea, 999_999])
    assert read_at(world, to_lea) is None
    assert read_at(world, to_omar) is None
    assert mark_read(world.db, world.learner, []) == 0


def test_a_reply_marks_the_message_it_answers_and_is_new_to_its_educator(world: World) -> None:
    sent = message(world, "Try the strips.")  # sent now, by the clock
    later = datetime.now(UTC) + timedelta(minutes=5)
    reply = reply_to_feedback(world.db, world.learner, message_id=sent, body="Thanks!", now=later)
    assert read_at(world, sent) == later
    mine = feedback_received(world.db, world.learner)
    assert [(m.id, m.mine, m.new) for m in mine] == [(reply.id, True, False), (sent, False, False)]

    # new to the educator it went to: the class list, the class page, the learner page
    assert [(c.id, c.new_replies) for c in classes_for(world.db, world.educator)] == [
        (world.class_id, 1)
    ]
    replies = latest_replies(world.db, world.educator, world.class_id)
    assert replies.new == 1
    assert [r.new for r in replies.latest] == [True]
    page = learner_detail(world.db, world.educator, world.class_id, world.learner.user_id)
    assert [(m.id, m.new) for m in page.feedback] == [(reply.id, True), (sent, False)]
    # not the admin's to read: shown, never new
    assert latest_replies(world.db, world.admin, world.class_id).new == 0
    admin_page = learner_detail(world.db, world.admin, world.class_id, world.learner.user_id)
    assert [m.new for m in admin_page.feedback] == [False, False]
    assert all(c.new_replies == 0 for c in classes_for(world.db, world.admin))

    assert mark_read(world.db, world.educator, [reply.id]) == 1
    assert [c.new_replies for c in classes_for(world.db, world.educator)] == [0]
    assert latest_replies(world.db, world.educator, world.class_id).new == 0


def test_the_class_page_counts_every_new_reply_not_only_those_listed(world: World) -> None:
    sent = message(world, "Tell me how it goes.")
    for n in range(7):
        reply_to_feedback(world.db, world.learner, message_id=sent, body=f"Update {n}.")
    replies = latest_replies(world.db, world.educator, world.class_id)
    assert len(replies.latest) == 5
    assert replies.new == 7
    assert next(r.body for r in replies.latest) == "Update 6."


def test_replies_of_a_learner_who_left_stop_counting(world: World) -> None:
    sent = message(world, "Hello.")
    reply_to_feedback(world.db, world.learner, message_id=sent, body="Hi!")
    assert [c.new_replies for c in classes_for(world.db, world.educator)] == [1]
    remove_member(world.db, world.admin, class_id=world.class_id, user_id=world.learner.user_id)
    assert [c.new_replies for c in classes_for(world.db, world.educator)] == [0]
    assert latest_replies(world.db, world.educator, world.class_id).new == 0
