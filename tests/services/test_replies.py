"""A learner replies to their educator's message (both backends): the reply goes to that
educator in that class, shows in the exchange on both sides and in the educator's reminder; to
anyone but the message's recipient the message does not exist, and a bad reply changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learnloop.config import PedagogySettings
from learnloop.content.catalogs import Catalogs
from learnloop.domain.reminders import ClassNews, reminder_text
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.class_views import learner_detail
from learnloop.reports.learner_views import feedback_received
from learnloop.reports.reminders import due_class_digests
from learnloop.services.classes import remove_member
from learnloop.services.messages import MAX_FEEDBACK_LENGTH, reply_to_feedback, send_feedback
from learnloop.services.reminders import want_reminders
from learnloop.storage.tables import FeedbackMessage
from tests.conftest import World

PEDAGOGY = PedagogySettings()


def replies_stored(world: World) -> int:
    with world.db.reading() as s:
        return s.scalar(select(func.count()).select_from(FeedbackMessage)) or 0


def message_to_lea(world: World, body: str = "Try the strips before the next quiz.") -> int:
    return send_feedback(
        world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
        body=body,
    )  # fmt: skip


def test_a_reply_reaches_the_educator_and_shows_on_both_sides(world: World) -> None:
    sent = message_to_lea(world)
    reply = reply_to_feedback(
        world.db, world.learner, message_id=sent, body="  Thanks, I will try them today.  "
    )
    assert (reply.to, reply.body) == ("Teacher", "Thanks, I will try them today.")
    reply_id = reply.id
    mine = feedback_received(world.db, world.learner)
    assert [(m.id, m.mine, m.sender, m.recipient, m.body) for m in mine] == [
        (reply_id, True, "Lea", "Teacher", "Thanks, I will try them today."),
        (sent, False, "Teacher", "Lea", "Try the strips before the next quiz."),
    ]
    page = learner_detail(world.db, world.educator, world.class_id, world.learner.user_id)
    assert [(m.id, m.sender, m.body, m.reply) for m in page.feedback] == [
        (reply_id, "Lea", "Thanks, I will try them today.", True),
        (sent, "Teacher", "Try the strips before the next quiz.", False),
    ]
    # the classmate's exchange is theirs alone
    omar = learner_detail(world.db, world.educator, world.class_id, world.other_learner.user_id)
    assert omar.feedback == []
    assert feedback_received(world.db, world.other_learner) == []


def test_only_the_recipient_replies(world: World) -> None:
    sent = message_to_lea(world)
    before = replies_stored(world)
    for someone in (world.other_learner, world.outsider, world.educator, world.admin):
        with pytest.raises(NotFound):
            reply_to_feedback(world.db, someone, message_id=sent, body="Me too")
    with pytest.raises(NotFound):
        reply_to_feedback(world.db, world.learner, message_id=sent + 99, body="Hello?")
    reply_id = reply_to_feedback(world.db, world.learner, message_id=sent, body="Thanks").id
    # the educator cannot "reply" to the learner's reply as if it were sent to them
    with pytest.raises(PermissionDenied):
        reply_to_feedback(world.db, world.educator, message_id=reply_id, body="Good")
    assert replies_stored(world) == before + 1


@pytest.mark.parametrize(
    ("body", "says"),
    [("   ", "write your reply first"), ("x" * (MAX_FEEDBACK_LENGTH + 1), "at most 4000")],
)
def test_a_bad_reply_changes_nothing(world: World, body: str, says: str) -> None:
    sent = message_to_lea(world)
    before = replies_stored(world)
    with pytest.raises(InvalidInput, match=says) as caught:
        reply_to_feedback(world.db, world.learner, message_id=sent, body=body)
    assert caught.value.field == "body"
    assert replies_stored(world) == before


def test_a_learner_who_left_the_class_cannot_reply(world: World) -> None:
    sent = message_to_lea(world)
    remove_member(world.db, world.admin, class_id=world.class_id, user_id=world.learner.user_id)
    with pytest.raises(InvalidInput, match="no longer in that class") as caught:
        reply_to_feedback(world.db, world.learner, message_id=sent, body="Thanks")
    assert caught.value.field == "message"


def test_the_educators_reminder_counts_replies_since_the_last(world: World) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=90)
    want_reminders(world.db, world.educator, email="t@example.org", frequency="daily",
                   language="en", now=long_ago)  # fmt: skip
    now = datetime.now(UTC) + timedelta(minutes=5)
    assert due_class_digests(world.db, PEDAGOGY, now) == []  # nothing waits
    sent = message_to_lea(world)
    assert due_class_digests(world.db, PEDAGOGY, now) == []  # their own message is no news
    reply_to_feedback(world.db, world.learner, message_id=sent, body="Thanks")
    reply_to_feedback(world.db, world.learner, message_id=sent, body="Done: 3/6 = 1/2")
    (digest,) = due_class_digests(world.db, PEDAGOGY, now)
    assert digest.user_id == world.educator.user_id
    assert digest.classes == [ClassNews("7B", [], 0, 2)]
    text = reminder_text(digest, home_url="/teach", stop_url="/stop",
                         words=Catalogs.load().wording("en")).body  # fmt: skip
    assert "- 2 new replies from learners to your messages." in text
