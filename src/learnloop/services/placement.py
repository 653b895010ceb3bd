"""The placement diagnostic's state changes: start it, answer its questions, and, when it is
done, start the learner where it placed them, all in one transaction with the last answer.

Placing: an objective placed as known becomes mastered (its prerequisites are too: the known set
is closed under prerequisites) and gets a review card, so spaced review checks the placement; an
objective placed as not known starts from the diagnostic's chance that it is known, instead of
the course's prior.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Course, Viewer, grade
from learnloop.domain.placement import diagnostic, offers_placement
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.services.reviews import scheduler_for, start_card
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import course_of_learner
from learnloop.storage.learner_courses import practised_or_placed
from learnloop.storage.learner_lock import lock_learner_model
from learnloop.storage.tables import Mastery, Placement

__all__ = ["PlacementAnswer", "answer_placement", "apply_placement", "start_placement"]

# An objective placed as not known starts no higher than this, whatever the diagnostic said:
# placement never declares mastery through the back door of a high prior.
_MAX_START = 0.8


def _open(s: Session, user_id: int, course_id: int) -> Placement | None:
    return s.scalar(
        select(Placement).where(
            Placement.user_id == user_id,
            Placement.course_id == course_id,
            Placement.finished_at.is_(None),
        )
    )


def start_placement(db: Database, viewer: Viewer, now: datetime | None = None) -> int:
    """Start (or resume) the diagnostic; only before any practice in the course."""
    require_learner(viewer)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        existing = _open(s, viewer.user_id, course_id)
        if existing is not None:
            return existing.id
        if not offers_placement(course):
            raise InvalidInput("placement", "this course is too wide for a placement diagnostic")
        if practised_or_placed(s, viewer.user_id, course_id):
            raise PermissionDenied(
                "the placement diagnostic is for the start of a course, before any practice"
            )
        row = Placement(
            user_id=viewer.user_id, course_id=course_id, answers=[], result=None, started_at=now
        )
        s.add(row)
        s.flush()
        return row.id


@dataclass(frozen=True, slots=True)
class PlacementAnswer:
    finished: bool
    questions: int
    known: tuple[str, ...]  # when finished: the objectives placed as known


def answer_placement(
    db: Database,
    viewer: Viewer,
    *,
    item_key: str,
    response: str | list[str],
    now: datetime | None = None,
) -> PlacementAnswer:
    """Record the answer to the diagnostic's current question; finish it when it is done."""
    require_learner(viewer)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        row = _open(s, viewer.user_id, course_id)
        if row is None:
            raise NotFound("no placement diagnostic is in progress")
        state = diagnostic(course, row.answers)
        if state.next_item is None or state.next_item.key != item_key:
            raise InvalidInput("item", "answer the diagnostic's current question")
        result = grade(state.next_item, response)  # InvalidInput for an unreadable answer
        row.answers = [*row.answers, [state.next_objective, item_key, result.correct]]
        after = diagnostic(course, row.answers)
        if not after.done:
            return PlacementAnswer(False, len(row.answers), ())
        placed = after.result()
        row.result = {
            "p_known": placed.p_known,
            "known": list(placed.known),
            "confident": placed.confident,
            "questions": placed.questions,
        }
        row.finished_at = now
        apply_placement(
            s, viewer.user_id, course_id, course, placed.p_known, set(placed.known), now
        )
        return PlacementAnswer(True, len(row.answers), placed.known)


def apply_placement(
    s: Session,
    user_id: int,
    course_id: int,
    course: Course,
    p_known: dict[str, float],
    known: set[str],
    now: datetime,
) -> None:
    """Start the learner where a finished diagnostic placed them (the learner's model is locked
    here); also how a replay of the learner's record applies a placement (services.model_replay).
    An objective the course gained since the diagnostic starts from its prior."""
    scheduler = scheduler_for(s, course_id)
    lock_learner_model(s, user_id)
    rows = {
        m.objective_key: m
        for m in s.scalars(
            select(Mastery).where(Mastery.user_id == user_id, Mastery.course_id == course_id)
        )
    }
    for key, objective in course.objectives.items():
        row = rows.get(key)
        if row is None:
            row = Mastery(
                user_id=user_id, course_id=course_id, objective_key=key, attempts=0, correct=0,
                recent="", mastered=False, threshold=objective.mastery.threshold,
                min_attempts=objective.mastery.min_attempts,
            )  # fmt: skip
            s.add(row)
        row.updated_at = now
        if key in known:
            row.p_known = max(p_known.get(key, 0.0), objective.mastery.threshold)
            row.mastered, row.mastered_at = True, now
            start_card(s, scheduler, user_id=user_id, course_id=course_id, objective=key, now=now)
        else:
            row.p_known = min(max(p_known.get(key, 0.0), objective.bkt.prior), _MAX_START)
