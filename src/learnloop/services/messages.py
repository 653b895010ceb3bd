"""Educators' feedback to learners."""

from __future__ import annotations

from datetime import UTC, datetime

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_learner_in_class, require_role
from learnloop.storage.tables import FeedbackMessage

__all__ = ["MAX_FEEDBACK_LENGTH", "send_feedback"]

MAX_FEEDBACK_LENGTH = 4000


def send_feedback(
    db: Database, viewer: Viewer, *, class_id: int, learner_id: int, body: str
) -> int:
    """Send ``body`` (plain text) from an educator of the class to one of its learners."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    body = body.strip()
    if not body:
        raise InvalidInput("body", "write the feedback first")
    if len(body) > MAX_FEEDBACK_LENGTH:
        raise InvalidInput(
            "body",
            "use at most %(max)s characters",
            max=MAX_FEEDBACK_LENGTH,
        )
    with db.transaction() as s:
        require_class_educator(s, viewer, class_id)
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
