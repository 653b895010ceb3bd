"""One message to several learners of a class (both backends): each gets their own copy, and can
reply to it; all or nothing when a recipient is not a learner of the class."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnloop.exceptions import InvalidInput, PermissionDenied
from learnloop.reports.learner_views import feedback_received
from learnloop.services.messages import reply_to_feedback, send_feedback_to_learners
from learnloop.storage.tables import FeedbackMessage
from tests.conftest import World


def stored(world: World) -> int:
    with world.db.reading() as s:
        return s.scalar(select(func.count()).select_from(FeedbackMessage)) or 0


def test_each_learner_gets_their_own_copy_and_replies_alone(world: World) -> None:
    ids = send_feedback_to_learners(
        world.db, world.educator, class_id=world.class_id,
        learner_ids=[world.learner.user_id, world.other_learner.user_id, world.learner.user_id],
        body="  Bring your fraction strips on Monday.  ",
    )  # fmt: skip
    assert len(ids) == 2  # a learner named twice gets it once
    lea, omar = (
        feedback_received(world.db, world.learner),
        feedback_received(world.db, world.other_learner),
    )
    assert [(m.id, m.body) for m in lea] == [(ids[0], "Bring your fraction strips on Monday.")]
    assert [m.id for m in omar] == [ids[1]]
    reply_to_feedback(world.db, world.other_learner, message_id=ids[1], body="Will do")
    assert [m.body for m in feedback_received(world.db, world.learner)] == [
        "Bring your fraction strips on Monday."
    ]  # omar's reply is between omar and the teacher


def test_one_stranger_among_the_recipients_sends_nothing(world: World) -> None:
    before = stored(world)
    with pytest.raises(InvalidInput, match="not learners of this class") as caught:
        send_feedback_to_learners(
            world.db, world.educator, class_id=world.class_id,
            learner_ids=[world.learner.user_id, world.outsider.user_id, world.educator.user_id],
            body="Hello",
        )  # fmt: skip
    assert caught.value.field == "learner_ids"
    assert str(world.outsider.user_id) in str(caught.value)
    assert str(world.educator.user_id) in str(caught.value)  # an educator is no recipient
    for ids, body, field in (([], "Hello", "learner_ids"), ([world.learner.user_id], " ", "body")):
        with pytest.raises(InvalidInput) as bad:
            send_feedback_to_learners(
                world.db, world.educator, class_id=world.class_id, learner_ids=ids, body=body
            )
        assert bad.value.field == field
    for outsider in (world.other_educator, world.learner):
        with pytest.raises(PermissionDenied):
            send_feedback_to_learners(
                world.db, outsider, class_id=world.class_id,
                learner_ids=[world.learner.user_id], body="Hello",
            )  # fmt: skip
    assert stored(world) == before
