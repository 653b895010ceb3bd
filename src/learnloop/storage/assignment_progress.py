"""How far each learner is with an assignment, read the same way by the pages that show it
(reports.assignments) and by the service that withdraws one (services.assignments), which keeps
it for the learners who have done it.

An assignment is done when its learner said so, or has answered every item of its activity
since it was assigned. An activity with no items (a reading, a video) is done only when said so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Course
from learnloop.storage.tables import Assignment, Attempt

__all__ = ["ActKey", "act_key", "answered_since_assigned", "is_done"]

# One act of assigning is the rows it wrote in one transaction, one per learner: they share the
# activity, the time, the educator, the note and the due day (which changes for all at once).
ActKey = tuple[str, datetime, int | None, str, date | None]


def act_key(a: Assignment) -> ActKey:
    return (a.activity_key, a.created_at, a.educator_id, a.note, a.due_on)


def answered_since_assigned(
    s: Session, assignments: Sequence[Assignment], course: Course
) -> dict[int, int]:
    """For each open assignment (by id), how many items of its activity its learner answered
    since it was assigned: one query for all, from the oldest open one."""
    open_ = [a for a in assignments if a.done_at is None and a.activity_key in course.activities]
    if not open_:
        return {}
    seen: dict[tuple[int, str], list[tuple[str, datetime]]] = {}
    for user_id, activity, item, at in s.execute(
        select(Attempt.user_id, Attempt.activity_key, Attempt.item_key, Attempt.created_at).where(
            Attempt.user_id.in_({a.learner_id for a in open_}),
            Attempt.activity_key.in_({a.activity_key for a in open_}),
            Attempt.created_at >= min(a.created_at for a in open_),
        )
    ):
        seen.setdefault((user_id, activity), []).append((item, at))
    out = {}
    for a in open_:
        items = course.activities[a.activity_key].items
        answers = seen.get((a.learner_id, a.activity_key), ())
        out[a.id] = len({item for item, at in answers if item in items and at >= a.created_at})
    return out


def is_done(a: Assignment, answered: dict[int, int], course: Course) -> bool:
    """Done: said so, or every item answered (``answered`` from answered_since_assigned)."""
    items = course.activities[a.activity_key].items
    return a.done_at is not None or (bool(items) and answered.get(a.id, 0) >= len(items))
