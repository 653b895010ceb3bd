"""Learners' reflections (product.md, Autonomy: "reflections"): a few lines on what went well,
what is still hard and what they will try next, about one objective or the course as a whole.
Reflecting on one's own learning is the self-evaluation phase of self-regulated learning
(Zimmerman 2002), which the platform can prompt but not do for the learner.

A reflection belongs to its learner: only they write, share, unshare or delete it. Their class's
educators read it only while it is shared (the learner's consent, given per reflection and
withdrawn at any time). Plain text, escaped when shown.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import course_of_learner
from learnloop.storage.tables import Reflection

__all__ = ["MAX_REFLECTION_PART", "delete_reflection", "set_sharing", "write_reflection"]

MAX_REFLECTION_PART = 1_000  # a few sentences for each prompt: a reflection, not an essay


def write_reflection(
    db: Database,
    viewer: Viewer,
    *,
    objective: str,
    went_well: str,
    still_hard: str,
    next_step: str,
    shared: bool,
    now: datetime | None = None,
) -> int:
    """Keep a reflection of the learner's on ``objective`` of their course ("" for the course as
    a whole); at least one of the three parts must say something."""
    require_learner(viewer)
    parts = {"went_well": went_well.strip(), "still_hard": still_hard.strip(),
             "next_step": next_step.strip()}  # fmt: skip
    for field, text in parts.items():
        if len(text) > MAX_REFLECTION_PART:
            raise InvalidInput(
                field,
                "use at most %(max)s characters",
                max=MAX_REFLECTION_PART,
            )
    if not any(parts.values()):
        raise InvalidInput("went_well", "write at least one of the three")
    with db.transaction() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        if objective and objective not in course.objectives:
            raise InvalidInput(
                "objective", "the course has no objective %(objective)s", objective=repr(objective)
            )
        row = Reflection(
            user_id=viewer.user_id, course_id=course_id, objective_key=objective, shared=shared,
            created_at=now or datetime.now(UTC), **parts,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


def _own(s: Session, viewer: Viewer, reflection_id: int) -> Reflection:
    row = s.get(Reflection, reflection_id)
    if row is None or row.user_id != viewer.user_id:
        # anyone else's reflection does not exist for them, shared or not
        raise NotFound("reflection %(reflection_id)s does not exist", reflection_id=reflection_id)
    return row


def set_sharing(db: Database, viewer: Viewer, reflection_id: int, *, shared: bool) -> None:
    """The learner shares a reflection of theirs with their educators, or stops sharing it."""
    with db.transaction() as s:
        _own(s, viewer, reflection_id).shared = shared


def delete_reflection(db: Database, viewer: Viewer, reflection_id: int) -> None:
    """The learner deletes a reflection of theirs: gone from the database, not hidden."""
    with db.transaction() as s:
        s.delete(_own(s, viewer, reflection_id))
