"""Reflections as their readers see them: the learner, all of theirs; an educator of their class,
only those the learner shares. Newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from learnloop.domain import Viewer
from learnloop.storage import Database
from learnloop.storage.access import learner_record_scope
from learnloop.storage.tables import Reflection

__all__ = ["ReflectionRow", "reflections_for"]


@dataclass(frozen=True)
class ReflectionRow:
    id: int
    objective: str  # key; "" for the course as a whole
    about: str  # the objective's title, or the course's
    went_well: str  # plain text: the templates escape it
    still_hard: str
    next_step: str
    shared: bool
    at: datetime


def reflections_for(
    db: Database, viewer: Viewer, learner_id: int, class_id: int | None = None
) -> list[ReflectionRow]:
    """``learner_id``'s reflections: all of them for the learner themself (``class_id`` None),
    the shared ones for an educator of ``class_id`` (where the learner must be)."""
    with db.reading() as s:
        course_id, course = learner_record_scope(s, viewer, learner_id, class_id)
        query = select(Reflection).where(Reflection.user_id == learner_id)
        if class_id is not None:  # an educator: only what the learner shares
            query = query.where(Reflection.shared)
        rows = list(
            s.scalars(
                query.where(Reflection.course_id == course_id).order_by(
                    Reflection.created_at.desc(), Reflection.id.desc()
                )
            )
        )
    return [
        ReflectionRow(
            r.id, r.objective_key,
            course.objectives[r.objective_key].title
            if r.objective_key in course.objectives else course.title,
            r.went_well, r.still_hard, r.next_step, r.shared, r.created_at,
        )
        for r in rows
    ]  # fmt: skip
