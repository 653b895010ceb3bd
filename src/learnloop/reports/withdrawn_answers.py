"""The answers withdrawn from one learner's record, newest first, with why and by whom: for the
learner, or for an educator of their class (the same access as the progress map)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from learnloop.domain import Viewer
from learnloop.storage import Database
from learnloop.storage.access import learner_record_scope
from learnloop.storage.tables import User, WithdrawnAnswer

__all__ = ["WithdrawnRow", "withdrawn_for"]


@dataclass(frozen=True)
class WithdrawnRow:
    id: int  # the answer's id, as it was
    answered_at: datetime
    withdrawn_at: datetime
    activity_title: str
    item_key: str
    answer_text: str
    correct: bool
    reason: str
    # the educator's display name (their username once the account is gone); "" when an xAPI
    # client voided the statement the answer came from
    by: str


def withdrawn_for(
    db: Database, viewer: Viewer, learner_id: int, class_id: int | None = None
) -> list[WithdrawnRow]:
    with db.reading() as s:
        course_id, course = learner_record_scope(s, viewer, learner_id, class_id)
        rows = list(
            s.execute(
                select(WithdrawnAnswer, User.display_name)
                .outerjoin(User, User.username == WithdrawnAnswer.withdrawn_by)
                .where(
                    WithdrawnAnswer.user_id == learner_id, WithdrawnAnswer.course_id == course_id
                )
                .order_by(WithdrawnAnswer.withdrawn_at.desc(), WithdrawnAnswer.id.desc())
            )
        )
    return [
        WithdrawnRow(
            w.id, w.created_at, w.withdrawn_at,
            course.activities[w.activity_key].title
            if w.activity_key in course.activities else w.activity_key,
            w.item_key, w.answer_text, w.correct, w.reason, name or w.withdrawn_by,
        )
        for w, name in rows
    ]  # fmt: skip
