"""Spaced review's state changes: a card when an objective is mastered, a review when a due
objective is answered, back into practice after a failed review, and fitting a course's FSRS
parameters on its own review history (used only when they predict held-out memories at least as
well as FSRS's defaults).

These run inside the caller's transaction (``record_attempt``, ``finish_placement``), so an
answer, its mastery update and its review are stored together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.reviews import MIN_REVIEWS_TO_FIT, ReviewScheduler, rating_for, review_history
from learnloop.domain.reviews import MemoryCard as Card
from learnloop.engine.memory import DEFAULT_PARAMETERS, FSRSMemoryModel
from learnloop.storage import Database
from learnloop.storage.tables import CourseMemoryModel, MemoryCard, ReviewEvent

__all__ = [
    "REFRESH_RIGHT_ANSWERS",
    "FitOutcome",
    "fit_course_memory",
    "held_out_memories",
    "review_on_answer",
    "scheduler_for",
    "start_card",
]

# After a failed review, this many right answers on the objective bring it back out of practice:
# one could be luck; two in a row after feedback is the smallest run that says "recalled again".
REFRESH_RIGHT_ANSWERS = 2


def scheduler_for(session: Session, course_id: int) -> ReviewScheduler:
    """The course's fitted FSRS parameters if it has them (and they were adopted: at least as
    good as the defaults on held-out memories), FSRS's defaults otherwise."""
    fitted = session.get(CourseMemoryModel, course_id)
    return ReviewScheduler(fitted.parameters if fitted is not None and fitted.adopted else None)


def _to_domain(row: MemoryCard) -> Card:
    return Card(row.stability, row.difficulty, row.due, row.last_review, row.reviews, row.lapses)


def _store(row: MemoryCard, card: Card) -> None:
    row.stability, row.difficulty = card.stability, card.difficulty
    row.due, row.last_review = card.due, card.last_review
    row.reviews, row.lapses = card.reviews, card.lapses


def start_card(
    session: Session,
    scheduler: ReviewScheduler,
    *,
    user_id: int,
    course_id: int,
    objective: str,
    now: datetime,
) -> None:
    """An objective was mastered (or placed as known): its memory starts now."""
    row = session.get(MemoryCard, (user_id, course_id, objective))
    card = scheduler.start(now)
    if row is None:
        row = MemoryCard(
            user_id=user_id, course_id=course_id, objective_key=objective,
            needs_practice=False, refresh_right=0,
        )  # fmt: skip
        session.add(row)
    _store(row, card)
    row.needs_practice, row.refresh_right = False, 0
    session.add(
        ReviewEvent(
            user_id=user_id, course_id=course_id, objective_key=objective, attempt_id=None,
            rating=3, reviewed_at=now,
        )
    )  # fmt: skip


def review_on_answer(
    session: Session,
    scheduler: ReviewScheduler,
    *,
    user_id: int,
    course_id: int,
    objective: str,
    attempt_id: int,
    correct: bool,
    misses_before: int,
    now: datetime,
) -> str | None:
    """An answer on a mastered objective: a review if the card is due, progress out of
    practice if a review failed. Returns "reviewed", "lapsed", "refreshed" or None."""
    row = session.get(MemoryCard, (user_id, course_id, objective))
    if row is None:
        return None
    if row.needs_practice:
        row.refresh_right = row.refresh_right + 1 if correct else 0
        if row.refresh_right >= REFRESH_RIGHT_ANSWERS:
            row.needs_practice, row.refresh_right = False, 0
            return "refreshed"
        return None
    if not scheduler.is_due(_to_domain(row), now):
        return None  # practice between reviews does not move the schedule
    rating = rating_for(correct, misses_before)
    _store(row, scheduler.review(_to_domain(row), rating, now))
    session.add(
        ReviewEvent(
            user_id=user_id, course_id=course_id, objective_key=objective, attempt_id=attempt_id,
            rating=rating, reviewed_at=now,
        )
    )  # fmt: skip
    if not correct:
        row.needs_practice, row.refresh_right = True, 0
        return "lapsed"
    return "reviewed"


# Share of the course's memories (a learner's reviews of one objective) kept out of the check fit.
_HELD_OUT = 0.2


@dataclass(frozen=True, slots=True)
class FitOutcome:
    reviews: int
    fitted: bool
    log_loss: float | None  # on the held-out memories, of the parameters fitted without them
    baseline_log_loss: float | None = None  # FSRS's defaults on the same held-out memories
    adopted: bool = False  # fitted, and at least as good as the defaults: the course uses it


def held_out_memories(course_id: int, memories: int) -> npt.NDArray[np.bool_]:
    """Which of the course's memories (numbered in the order of learner, then objective) are
    kept out of the check fit: about _HELD_OUT of them, drawn from a stream seeded by the course,
    so a night's check is repeatable."""
    return np.random.default_rng(course_id).random(memories) < _HELD_OUT


def _log_loss(p: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(np.where(y, np.log(p), np.log(1 - p))))


def fit_course_memory(db: Database, course_id: int, now: datetime) -> FitOutcome:
    """Fit the course's FSRS parameters on its review history, once it has enough reviews. The
    fit runs in no transaction (on SQLite it would hold the write lock that every answer waits
    for); the parameters stored are those fitted on the reviews read."""
    with db.reading() as s:
        rows = [
            (u, o, t, r)
            for u, o, t, r in s.execute(
                select(
                    ReviewEvent.user_id,
                    ReviewEvent.objective_key,
                    ReviewEvent.reviewed_at,
                    ReviewEvent.rating,
                )
                .where(ReviewEvent.course_id == course_id)
                .order_by(ReviewEvent.user_id, ReviewEvent.objective_key, ReviewEvent.id)
            )
        ]
    history = review_history(rows)
    scored = int((~history.first).sum()) if rows else 0
    if scored < MIN_REVIEWS_TO_FIT:
        return FitOutcome(scored, False, None)
    held = held_out_memories(course_id, int(history.memory.max()) + 1)[history.memory]
    test, train = held & ~history.first, ~held & ~history.first
    model = FSRSMemoryModel()
    if test.any() and train.any():
        # Checked on memories the fit did not see, beside FSRS's defaults on the same ones: the
        # fitted parameters are used only when they predict those at least as well.
        check = model.fit(history, scored=~held).predict_recall(history)
        default = model.predict_recall(history, DEFAULT_PARAMETERS)
        log_loss = _log_loss(check[test], history.recalled[test])
        baseline: float | None = _log_loss(default[test], history.recalled[test])
    else:  # too few memories to hold any out: scored on the reviews it was fitted on
        baseline = None
    model.fit(history)
    if baseline is None:
        scored_rows = ~history.first
        log_loss = _log_loss(
            model.predict_recall(history)[scored_rows], history.recalled[scored_rows]
        )
    adopted = baseline is None or log_loss <= baseline
    with db.transaction() as s:
        row = s.get(CourseMemoryModel, course_id)
        if row is None:
            row = CourseMemoryModel(course_id=course_id)
            s.add(row)
        row.parameters = list(model.parameters_)
        row.reviews = scored
        row.log_loss, row.baseline_log_loss, row.adopted = log_loss, baseline, adopted
        row.fitted_at = now
    return FitOutcome(scored, True, log_loss, baseline, adopted)
