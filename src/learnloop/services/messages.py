"""Educators' feedback to learners, and learners' replies.

A reply goes to the educator whose message it answers, in that message's class; every educator
of the class sees it on the learner's page, with the rest of their exchange. A learner replies
only to a message sent to them, while they are in its class.

A message is new until its recipient sees it: the learner's home marks the messages it shows as
read, the educator's learner page the replies addressed to that educator, and answering a message
marks it read (``mark_read``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.storage import Database
from learnloop.storage.access import (
    learners_of_class_among,
    require_class_educator,
    require_learner_in_class,
    require_role,
    require_running,
)
from learnloop.storage.tables import ClassMember, FeedbackMessage, User

__all__ = [
    "MAX_FEEDBACK_LENGTH",
    "MAX_RECIPIENTS",
    "SentReply",
    "mark_read",
    "reply_to_feedback",
    "send_feedback",
    "send_feedback_to_learners",
]

MAX_FEEDBACK_LENGTH = 4000
# the most learners one message goes to at once: a large lecture's class
MAX_RECIPIENTS = 500


def _checked_body(body: str, empty: str) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput("body", empty)
    if len(body) > MAX_FEEDBACK_LENGTH:
        raise InvalidInput("body", "use at most %(max)s characters", max=MAX_FEEDBACK_LENGTH)
    return body


def send_feedback(
    db: Database, viewer: Viewer, *, class_id: int, learner_id: int, body: str
) -> int:
    """Send ``body`` (plain text) from an educator of the class to one of its learners."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    body = _checked_body(body, "write the feedback first")
    with db.transaction() as s:
        require_running(require_class_educator(s, viewer, class_id))
        require_learner_in_class(s, class_id, learner_id)
        message = FeedbackMessage(
            class_id=class_id,
            sender_id=viewer.user_id,
            recipient_id=learner_id,
            body=body,
            created_at=datetime.now(UTC),
        )
        s.add(message)
        s.flush()
        return message.id


@dataclass(frozen=True)
class SentReply:
    id: int
    to: str  # the educator's display name
    body: str  # as stored: stripped
    at: datetime


def reply_to_feedback(
    db: Database, viewer: Viewer, *, message_id: int, body: str, now: datetime | None = None
) -> SentReply:
    """The learner's reply (plain text) to a message an educator sent them. To anyone but the
    message's recipient the message does not exist (NotFound)."""
    with db.transaction() as s:
        message = s.get(FeedbackMessage, message_id)
        if message is None or message.recipient_id != viewer.user_id:
            raise NotFound("no message %(message_id)s", message_id=message_id)
        require_role(viewer, Role.LEARNER)  # an educator's own message to a learner is not theirs
        text = _checked_body(body, "write your reply first")
        if s.get(ClassMember, (message.class_id, viewer.user_id)) is None:
            raise InvalidInput(
                "message", "you are no longer in that class: its educators cannot read replies"
            )
        reply = FeedbackMessage(
            class_id=message.class_id, sender_id=viewer.user_id, recipient_id=message.sender_id,
            body=text, created_at=now or datetime.now(UTC),
        )  # fmt: skip
        s.add(reply)
        if message.read_at is None:
            message.read_at = reply.created_at
        s.flush()
        educator = s.get(User, message.sender_id)
        return SentReply(
            reply.id, educator.display_name if educator else "", text, reply.created_at
        )


def send_feedback_to_learners(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    learner_ids: list[int],
    body: str,
    now: datetime | None = None,
) -> list[int]:
    """The same message from an educator of the class to several of its learners (a group, or
    everyone), one message each so that each can reply; the ids. All or nothing: one id that is
    not a learner of the class sends nothing."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    text = _checked_body(body, "write the message first")
    ids = list(dict.fromkeys(learner_ids))
    if not 1 <= len(ids) <= MAX_RECIPIENTS:
        raise InvalidInput("learner_ids", "choose 1 to %(max)s learners", max=MAX_RECIPIENTS)
    at = now or datetime.now(UTC)
    with db.transaction() as s:
        require_running(require_class_educator(s, viewer, class_id))
        members = learners_of_class_among(s, class_id, ids)
        outside = [str(i) for i in ids if i not in members]
        if outside:
            raise InvalidInput(
                "learner_ids",
                "%(ids)s: not learners of this class; nobody was sent the message",
                ids=", ".join(outside),
            )
        rows = [
            FeedbackMessage(class_id=class_id, sender_id=viewer.user_id, recipient_id=learner,
                            body=text, created_at=at)
            for learner in ids
        ]  # fmt: skip
        s.add_all(rows)
        s.flush()
        return [row.id for row in rows]


def mark_read(
    db: Database, viewer: Viewer, message_ids: list[int], *, now: datetime | None = None
) -> int:
    """Mark messages sent to the viewer as read (those already read keep their first time); how
    many were new. All or nothing: an id that is not a message to the viewer changes nothing
    (NotFound, as if it did not exist)."""
    ids = list(dict.fromkeys(message_ids))
    if not ids:
        return 0
    with db.transaction() as s:
        theirs = {  # not dict(result): SQLAlchemy 2.1 rows are not pairs to dict()
            row.id: row.read_at
            for row in s.execute(
                select(FeedbackMessage.id, FeedbackMessage.read_at).where(
                    FeedbackMessage.id.in_(ids), FeedbackMessage.recipient_id == viewer.user_id
                )
            )
        }
        missing = [i for i in ids if i not in theirs]
        if missing:
            raise NotFound("no message %(message_id)s", message_id=missing[0])
        new = [i for i in ids if theirs[i] is None]
        if new:
            s.execute(
                update(FeedbackMessage)
                .where(FeedbackMessage.id.in_(new), FeedbackMessage.read_at.is_(None))
                .values(read_at=now or datetime.now(UTC))
            )
        return len(new)
