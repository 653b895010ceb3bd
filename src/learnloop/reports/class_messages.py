"""What learners wrote back to their educators, for the class page: the latest replies in a class,
each linking to the learner's page, where the whole exchange is (services.messages writes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from learnloop.domain import Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.tables import ClassMember, FeedbackMessage, User

__all__ = ["REPLIES_LISTED", "Reply", "latest_replies"]

# the replies the class page lists, newest first; the learner pages keep every one
REPLIES_LISTED = 5


@dataclass(frozen=True)
class Reply:
    learner_id: int
    display_name: str
    body: str
    at: datetime
    to: str  # the educator it answered


def latest_replies(db: Database, viewer: Viewer, class_id: int) -> list[Reply]:
    """The class's latest replies from its learners (still in it), newest first."""
    with db.reading() as s:
        require_class_educator(s, viewer, class_id)
        learners = (
            select(ClassMember.user_id)
            .where(ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value)
            .scalar_subquery()
        )
        learner, educator = aliased(User), aliased(User)
        rows = s.execute(
            select(FeedbackMessage, learner.display_name, educator.display_name)
            .join(learner, learner.id == FeedbackMessage.sender_id)
            .join(educator, educator.id == FeedbackMessage.recipient_id)
            .where(FeedbackMessage.class_id == class_id, FeedbackMessage.sender_id.in_(learners))
            .order_by(FeedbackMessage.created_at.desc(), FeedbackMessage.id.desc())
            .limit(REPLIES_LISTED)
        )
        return [Reply(m.sender_id, name, m.body, m.created_at, to) for m, name, to in rows]
