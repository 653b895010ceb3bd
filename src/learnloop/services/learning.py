"""The learning loop's state changes: recording an answer (onboarding is ``services.onboarding``).

``record_attempt`` stores the answer and the learner model's update in one transaction: an
attempt is never stored without its mastery update, nor a mastery update without its attempt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.learnloop_ids import answer_statement
from learnloop.config import DEFAULT_PUBLIC_URL
from learnloop.domain import AnswerFeedback, Course, Grade, Viewer, grade, stage_feedback
from learnloop.domain.grading import SOLUTION_AFTER_MISSES
from learnloop.domain.learner_model import CourseModel, with_outcome
from learnloop.domain.reviews import ReviewScheduler
from learnloop.exceptions import NotFound, PermissionDenied
from learnloop.services.reviews import review_on_answer, scheduler_for, start_card
from learnloop.services.statement_store import insert_statement
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import (
    course_model,
    course_of_learner,
    new_attempt_id,
    recent_outcomes,
)
from learnloop.storage.learner_lock import lock_learner_model
from learnloop.storage.tables import Attempt, Mastery, MasteryEvent

__all__ = [
    "DEFAULT_PUBLIC_URL",
    "AttemptOutcome",
    "MasteryChange",
    "apply_answer",
    "is_evidence",
    "is_locked",
    "mastery_rows",
    "record_attempt",
    "update_model",
]


@dataclass(frozen=True, slots=True)
class MasteryChange:
    objective: str
    before: float
    after: float
    mastered: bool
    newly_mastered: bool


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    attempt_id: int
    activity: str
    item: str
    counted: bool
    feedback: AnswerFeedback
    changes: tuple[MasteryChange, ...]


def _misses_and_seen_correct(outcomes: list[bool]) -> tuple[int, bool]:
    """Misses since the last correct answer, and whether the item was ever answered right, from
    the outcomes of the learner's answers to it, oldest first."""
    misses = 0
    for correct in reversed(outcomes):
        if correct:
            return misses, True
        misses += 1
    return misses, False


def _locked_objectives(
    course: Course, activity_objectives: tuple[str, ...], mastered: set[str]
) -> list[str]:
    missing: list[str] = []
    for objective in activity_objectives:
        missing.extend(
            r for r in course.graph.missing_prerequisites(objective, mastered) if r not in missing
        )
    return missing


def record_attempt(
    db: Database,
    viewer: Viewer,
    *,
    activity_key: str,
    item_key: str,
    response: str | list[str],
    now: datetime | None = None,
    public_url: str = DEFAULT_PUBLIC_URL,
) -> AttemptOutcome:
    """Grade an answer, store it, update mastery of every objective the item tests, and record
    it as an xAPI statement in the LRS: all in one transaction."""
    require_learner(viewer)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        activity = course.activities.get(activity_key)
        if activity is None or item_key not in activity.items:
            raise NotFound(
                "activity %(activity_key)s has no item %(item_key)s",
                activity_key=repr(activity_key),
                item_key=repr(item_key),
            )
        item = course.items[item_key]
        rows = mastery_rows(s, viewer.user_id, course_id)
        missing = _locked_objectives(
            course, activity.objectives, {k for k, m in rows.items() if m.mastered}
        )
        if missing:
            names = ", ".join(course.objectives[m].title for m in missing)
            raise PermissionDenied("this activity is locked: master %(names)s first", names=names)
        result = grade(item, response)  # InvalidInput for an unreadable answer: nothing stored
        outcome = apply_answer(
            s, user_id=viewer.user_id, course_id=course_id, course=course, rows=rows,
            activity_key=activity_key, item_key=item_key, correct=result.correct,
            response=response, answer_text=result.answer_text, now=now, grade_result=result,
        )  # fmt: skip
        insert_statement(
            s,
            answer_statement(
                public_url, attempt_id=outcome.attempt_id, username=viewer.username,
                display_name=viewer.display_name, course=course.slug, activity=activity_key,
                item=item_key, correct=result.correct, response=result.answer_text, when=now,
            ),
            client_id=None,
            now=now,
        )  # fmt: skip
        return outcome


def mastery_rows(s: Session, user_id: int, course_id: int) -> dict[str, Mastery]:
    """The learner's mastery rows, with the learner's model locked for the caller's transaction
    (``storage.learner_lock``): the caller may update them and add the missing ones."""
    lock_learner_model(s, user_id)
    return {
        m.objective_key: m
        for m in s.scalars(
            select(Mastery)
            .where(Mastery.user_id == user_id, Mastery.course_id == course_id)
            .with_for_update()
        )
    }


def is_locked(course: Course, objectives: tuple[str, ...], rows: dict[str, Mastery]) -> bool:
    return bool(_locked_objectives(course, objectives, {k for k, m in rows.items() if m.mastered}))


def apply_answer(
    s: Session,
    *,
    user_id: int,
    course_id: int,
    course: Course,
    activity_key: str,
    item_key: str,
    correct: bool,
    response: Any,
    answer_text: str,
    now: datetime,
    rows: dict[str, Mastery] | None = None,
    grade_result: Grade | None = None,
    statement_id: str | None = None,
) -> AttemptOutcome:
    """Store one answer and update the learner model, inside the caller's transaction: the one
    path for answers given in the app and answers reported by xAPI statements."""
    item = course.items[item_key]
    rows = rows if rows is not None else mastery_rows(s, user_id, course_id)
    # only the outcomes: whole rows would decode every earlier answer's JSON columns
    earlier = list(
        s.scalars(
            select(Attempt.correct)
            .where(
                Attempt.user_id == user_id,
                Attempt.course_id == course_id,
                Attempt.item_key == item_key,
            )
            .order_by(Attempt.id)
        )
    )
    misses_before, seen_correct = _misses_and_seen_correct(earlier)
    result = grade_result or Grade(correct=correct, feedback=(), answer_text=answer_text)
    feedback = stage_feedback(item, result, misses_before)
    attempt = Attempt(
        id=new_attempt_id(s),
        user_id=user_id,
        course_id=course_id,
        activity_key=activity_key,
        item_key=item_key,
        response=response,
        answer_text=answer_text,
        correct=correct,
        misses_before=misses_before,
        counted=is_evidence(seen_correct, misses_before),
        feedback=asdict(feedback),
        created_at=now,
        statement_id=statement_id,
        misconceptions=" ".join(result.misconceptions),
    )
    s.add(attempt)
    s.flush()
    changes = update_model(
        s, attempt, course=course, rows=rows, model=course_model(s, course_id, course),
        scheduler=scheduler_for(s, course_id),
    )  # fmt: skip
    return AttemptOutcome(
        attempt.id, activity_key, item_key, attempt.counted, feedback, tuple(changes)
    )


def is_evidence(seen_correct: bool, misses_before: int) -> bool:
    """Evidence only from an item's first success and the misses before the solution shows:
    answering an item again once it was solved, or copying a shown solution, proves nothing."""
    return not seen_correct and misses_before < SOLUTION_AFTER_MISSES


def update_model(
    s: Session,
    attempt: Attempt,
    *,
    course: Course,
    rows: dict[str, Mastery],
    model: CourseModel,
    scheduler: ReviewScheduler,
) -> list[MasteryChange]:
    """The learner model's update for one stored answer, at the time it was given: mastery of
    each objective its item tests, the history of each estimate, and spaced review. Shared by
    a new answer (``apply_answer``) and a replay of the learner's record (services.model_replay),
    so that both follow one rule."""
    user_id, course_id, now = attempt.user_id, attempt.course_id, attempt.created_at
    item = course.items[attempt.item_key]
    counted, correct = attempt.counted, attempt.correct
    changes: list[MasteryChange] = []
    # The learner model the course chose, through the engine's one interface.
    state = model.state(
        {k: (m.p_known, m.attempts, m.correct) for k, m in rows.items()},
        {k: m.recent for k, m in rows.items()},
        recent_outcomes(s, user_id, course_id, course, before=attempt.id)
        if model.uses_recent
        else "",
    )
    for key in item.objectives:
        objective = course.objectives[key]
        row = rows.get(key)
        if row is None:
            row = Mastery(
                user_id=user_id,
                course_id=course_id,
                objective_key=key,
                p_known=model.estimate(state, key),
                attempts=0,
                correct=0,
                recent="",
                mastered=False,
                threshold=objective.mastery.threshold,
                min_attempts=objective.mastery.min_attempts,
                updated_at=now,
            )
            s.add(row)
            rows[key] = row
        before = row.p_known
        if row.mastered:
            # an answer on a mastered objective: a review when one is due (any answer to
            # one of its questions tests recall, even of an item solved before)
            review_on_answer(
                s, scheduler, user_id=user_id, course_id=course_id, objective=key,
                attempt_id=attempt.id, correct=correct, misses_before=attempt.misses_before,
                now=now,
            )  # fmt: skip
        if counted:
            state = model.update(state, attempt.item_key, key, correct)
            row.p_known = model.estimate(state, key)
            row.attempts += 1
            row.correct += int(correct)
            row.recent = with_outcome(row.recent, correct)
            row.updated_at = now
        newly = False
        # Mastery, once reached, stays: dependents stay unlocked; spaced review keeps it true.
        if not row.mastered and objective.mastery.is_mastered(row.p_known, row.attempts):
            row.mastered, row.mastered_at, newly = True, now, True
            row.threshold = objective.mastery.threshold
            row.min_attempts = objective.mastery.min_attempts
            start_card(
                s, scheduler, user_id=user_id, course_id=course_id, objective=key,
                now=now,
            )  # fmt: skip
        if counted:
            s.add(
                MasteryEvent(
                    attempt_id=attempt.id,
                    user_id=user_id,
                    course_id=course_id,
                    objective_key=key,
                    p_before=before,
                    p_after=row.p_known,
                    mastered=row.mastered,
                    created_at=now,
                )
            )
        changes.append(MasteryChange(key, before, row.p_known, row.mastered, newly))
    if counted and not model.estimates_p_known:
        # a count model's estimates move together (best-lr's learner-level counts)
        for key, row in rows.items():
            if key not in item.objectives and key in course.objectives:
                row.p_known = model.estimate(state, key)
    return changes
