"""What learners wrote back to their educators (services.messages writes them): the latest
replies in a class for the class page, each linking to the learner's page where the whole
exchange is; that exchange; and how many replies each educator has not read yet.

A reply is new to the educator it answers until they open that learner's page; the other
educators of the class see it too, but it is not theirs to mark."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain import Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.tables import ClassMember, FeedbackMessage, User

__all__ = [
    "REPLIES_LISTED",
    "ClassReplies",
    "ExchangeEntry",
    "Reply",
    "exchange_with",
    "latest_replies",
    "new_replies_by_class",
]

# the replies the class page lists, newest first; the learner pages keep every one
REPLIES_LISTED = 5


@dataclass(frozen=True)
class Reply:
    learner_id: int
    display_name: str
    body: str
    at: datetime
    to: str  # the educator it answered
    new: bool = False  # to the viewer, who has not read it yet


@dataclass(frozen=True)
class ClassReplies:
    latest: list[Reply]  # newest first, at most REPLIES_LISTED
    new: int  # replies to the viewer in this class they have not read, listed or not


@dataclass(frozen=True)
class ExchangeEntry:
    id: int
    at: datetime
    sender: str  # display name
    body: str
    reply: bool  # the learner wrote it
    new: bool  # a reply to the viewer they have not read yet


def _from_learners_of(class_id: int) -> ColumnElement[bool]:
    """Messages in the class written by one of its (present) learners: the replies."""
    learners = (
        select(ClassMember.user_id)
        .where(ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value)
        .scalar_subquery()
    )
    return (FeedbackMessage.class_id == class_id) & FeedbackMessage.sender_id.in_(learners)


def _unread_to(user_id: int) -> ColumnElement[bool]:
    return (FeedbackMessage.recipient_id == user_id) & FeedbackMessage.read_at.is_(None)


def latest_replies(db: Database, viewer: Viewer, class_id: int) -> ClassReplies:
    """The class's latest replies from its learners (still in it), newest first, and how many
    replies to the viewer are new."""
    with db.reading() as s:
        require_class_educator(s, viewer, class_id)
        learner, educator = aliased(User), aliased(User)
        rows = s.execute(
            select(FeedbackMessage, learner.display_name, educator.display_name)
            .join(learner, learner.id == FeedbackMessage.sender_id)
            .join(educator, educator.id == FeedbackMessage.recipient_id)
            .where(_from_learners_of(class_id))
            .order_by(FeedbackMessage.created_at.desc(), FeedbackMessage.id.desc())
            .limit(REPLIES_LISTED)
        )
        latest = [
            Reply(
                m.sender_id, name, m.body, m.created_at, to,
                m.recipient_id == viewer.user_id and m.read_at is None,
            )
            for m, name, to in rows
        ]  # fmt: skip
        new = s.scalar(
            select(func.count())
            .select_from(FeedbackMessage)
            .where(_from_learners_of(class_id), _unread_to(viewer.user_id))
        )
        return ClassReplies(latest, int(new or 0))


def new_replies_by_class(s: Session, user_id: int, class_ids: Iterable[int]) -> dict[int, int]:
    """How many replies to ``user_id`` they have not read, by class (classes with none left
    out), counting learners still in the class."""
    ids = list(class_ids)
    if not ids:
        return {}
    rows = s.execute(
        select(FeedbackMessage.class_id, func.count())
        .join(
            ClassMember,
            (ClassMember.class_id == FeedbackMessage.class_id)
            & (ClassMember.user_id == FeedbackMessage.sender_id),
        )
        .where(
            FeedbackMessage.class_id.in_(ids),
            ClassMember.role == Role.LEARNER.value,
            _unread_to(user_id),
        )
        .group_by(FeedbackMessage.class_id)
    )
    return {class_id: int(n) for class_id, n in rows}


def exchange_with(
    s: Session, viewer: Viewer, class_id: int, learner_id: int
) -> list[ExchangeEntry]:
    """The messages between the class's educators and one learner in that class, newest first
    (the caller has checked the viewer may read them)."""
    rows = s.execute(
        select(FeedbackMessage, User.display_name)
        .join(User, User.id == FeedbackMessage.sender_id)
        .where(
            FeedbackMessage.class_id == class_id,
            or_(
                FeedbackMessage.recipient_id == learner_id,
                FeedbackMessage.sender_id == learner_id,
            ),
        )
        .order_by(FeedbackMessage.created_at.desc(), FeedbackMessage.id.desc())
    )
    return [
        ExchangeEntry(
            m.id, m.created_at, name, m.body, m.sender_id == learner_id,
            m.sender_id == learner_id and m.recipient_id == viewer.user_id and m.read_at is None,
        )
        for m, name in rows
    ]  # fmt: skip
