"""The educators' mastery overrides for one learner, newest first: for the learner, or for an
educator of their class (the same access as the progress map)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from learnloop.domain import Viewer
from learnloop.storage import Database
from learnloop.storage.access import learner_record_scope
from learnloop.storage.tables import MasteryOverride, User

__all__ = ["OverrideRow", "overrides_for"]

ACTION_WORDS = {"mastered": "marked mastered", "practice": "sent back into practice"}


@dataclass(frozen=True)
class OverrideRow:
    at: datetime
    objective: str  # key
    objective_title: str
    action: str  # mastered | practice
    words: str  # "marked mastered" | "sent back into practice"
    reason: str
    educator: str  # display name; "a former educator" once their account is gone


def overrides_for(
    db: Database, viewer: Viewer, learner_id: int, class_id: int | None = None
) -> list[OverrideRow]:
    educator = aliased(User)
    with db.reading() as s:
        course_id, course = learner_record_scope(s, viewer, learner_id, class_id)
        rows = list(
            s.execute(
                select(MasteryOverride, educator.display_name)
                .outerjoin(educator, educator.id == MasteryOverride.educator_id)
                .where(
                    MasteryOverride.user_id == learner_id, MasteryOverride.course_id == course_id
                )
                .order_by(MasteryOverride.created_at.desc(), MasteryOverride.id.desc())
            )
        )
    return [
        OverrideRow(
            o.created_at, o.objective_key,
            course.objectives[o.objective_key].title
            if o.objective_key in course.objectives else o.objective_key,
            o.action, ACTION_WORDS.get(o.action, o.action), o.reason, name or "a former educator",
        )
        for o, name in rows
    ]  # fmt: skip
