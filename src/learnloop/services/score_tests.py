"""A learner's score test: start it, answer its questions one by one, and, with the last answer,
record the score and count the items it asked, all in one transaction each.

A test is for learners of a course with a ``score_test`` whose bank is calibrated
(``services.score_bank``). When it starts it fixes the items it will never ask: those whose
exposure rate would pass the course's cap (van der Linden & Veldkamp's item eligibility, with
the counts kept in the database), and those the learner saw in an earlier test, as long as
enough other items remain. A learner takes it again ``RETEST_DAYS`` after their last one.
The answers are tests, not practice: they change no mastery and no learner model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from learnloop.domain import Viewer, grade
from learnloop.domain.score_test import RETEST_DAYS, CalibratedBank
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import (
    course_of_learner,
    open_score_test,
    score_bank,
    state_of,
)
from learnloop.storage.tables import CourseScoreBank, ScoreItemExposure, ScoreTest

__all__ = ["ScoreAnswer", "answer_score_test", "start_score_test"]


def _excluded(
    s: Session, user_id: int, course_id: int, bank: CalibratedBank, max_rate: float, need: int
) -> list[str]:
    tests = s.scalar(select(CourseScoreBank.tests).where(CourseScoreBank.course_id == course_id))
    shown: dict[str, int] = {}
    for key, count in s.execute(
        select(ScoreItemExposure.item_key, ScoreItemExposure.shown).where(
            ScoreItemExposure.course_id == course_id
        )
    ):
        shown[key] = count
    over = {k for k in bank.keys if (shown.get(k, 0) + 1) / ((tests or 0) + 1) > max_rate}
    seen: set[str] = set()
    for (answers,) in s.execute(
        select(ScoreTest.answers).where(
            ScoreTest.user_id == user_id, ScoreTest.course_id == course_id
        )
    ):
        seen.update(str(item) for item, _ in answers)
    # the learner's earlier items are left out while the test can be filled without them; then
    # the over-exposed ones, while it still can (early on, when a few tests make every rate
    # high, none is: the engine's rule too)
    keys = set(bank.keys)
    excluded = seen & keys if len(keys - seen) >= need else set()
    if len(keys - excluded - over) >= need:
        excluded |= over
    return sorted(excluded)


def start_score_test(db: Database, viewer: Viewer, now: datetime | None = None) -> int:
    """Start (or resume) the course's score test."""
    require_learner(viewer)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        spec = course.score_test
        if spec is None:
            raise NotFound("this course has no score test")
        existing = open_score_test(s, viewer.user_id, course_id)
        bank = score_bank(s, course_id, course)
        if existing is not None and bank is not None:
            state = state_of(spec, bank, existing)
            if not state.done:
                return existing.id
            # done already (a recalibration since moved its estimate): finish it first
            _finish(s, existing, course_id, state.theta, state.se, now)
        elif existing is not None:
            return existing.id
        if bank is None:
            raise PermissionDenied(
                "the score test opens once enough learners have answered its questions"
            )
        last = s.scalar(
            select(ScoreTest.finished_at)
            .where(ScoreTest.user_id == viewer.user_id, ScoreTest.course_id == course_id)
            .order_by(ScoreTest.finished_at.desc())
            .limit(1)
        )
        if last is not None and now < last + timedelta(days=RETEST_DAYS):
            raise PermissionDenied(
                "you can take the score test again from %(day)s",
                day=(last + timedelta(days=RETEST_DAYS)).date().isoformat(),
            )
        excluded = _excluded(s, viewer.user_id, course_id, bank, spec.max_exposure, spec.max_items)
        row = ScoreTest(
            user_id=viewer.user_id, course_id=course_id, excluded=excluded, answers=[],
            started_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


@dataclass(frozen=True, slots=True)
class ScoreAnswer:
    finished: bool
    questions: int
    theta: float | None  # when finished
    se: float | None


def answer_score_test(
    db: Database,
    viewer: Viewer,
    *,
    item_key: str,
    response: str | list[str],
    now: datetime | None = None,
) -> ScoreAnswer:
    """Record the answer to the test's current question; finish the test when it is done."""
    require_learner(viewer)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        row = open_score_test(s, viewer.user_id, course_id)
        bank = score_bank(s, course_id, course)
        if row is None or bank is None or course.score_test is None:
            raise NotFound("no score test is in progress")
        spec = course.score_test
        state = state_of(spec, bank, row)
        if state.next_item is None:  # done already: a recalibration since moved its estimate
            _finish(s, row, course_id, state.theta, state.se, now)
            return ScoreAnswer(True, len(row.answers), state.theta, state.se)
        if state.next_item != item_key:
            raise InvalidInput("item", "answer the test's current question")
        result = grade(course.items[item_key], response)  # InvalidInput for an unreadable answer
        row.answers = [*row.answers, [item_key, result.correct]]
        after = state_of(spec, bank, row)
        if not after.done:
            return ScoreAnswer(False, len(row.answers), None, None)
        _finish(s, row, course_id, after.theta, after.se, now)
        return ScoreAnswer(True, len(row.answers), after.theta, after.se)


def _finish(
    s: Session, row: ScoreTest, course_id: int, theta: float, se: float, now: datetime
) -> None:
    """Record the score, and count the test and each item it asked (increments in the database,
    so that two tests finishing at once both count)."""
    row.theta, row.se, row.finished_at = theta, se, now
    asked = [str(item) for item, _ in row.answers]
    s.execute(
        update(CourseScoreBank)
        .where(CourseScoreBank.course_id == course_id)
        .values(tests=CourseScoreBank.tests + 1)
    )
    s.execute(
        update(ScoreItemExposure)
        .where(ScoreItemExposure.course_id == course_id, ScoreItemExposure.item_key.in_(asked))
        .values(shown=ScoreItemExposure.shown + 1)
    )
