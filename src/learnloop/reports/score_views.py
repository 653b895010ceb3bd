"""What a course's score test looks like to a learner (the test page) and to their educator (the
learner's scores)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Item, Viewer
from learnloop.domain.score_test import RETEST_DAYS, percentile, scaled_score
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import (
    course_of_learner,
    open_score_test,
    score_bank,
    state_of,
)
from learnloop.storage.tables import ScoreTest

__all__ = ["ScorePage", "ScoreResult", "latest_scores", "learner_scores", "score_page"]

# The band shown around a score: plus or minus one standard error (about two chances in three
# that the learner's ability lies inside it).
_BAND_SE = 1.0


@dataclass(frozen=True, slots=True)
class ScoreResult:
    score: int  # on the scale of mean 100 and standard deviation 15
    low: int  # the band of one standard error around it
    high: int
    percentile: int  # share of the calibration population below the score
    theta: float
    se: float
    questions: int
    finished_at: datetime


def _result(row: ScoreTest) -> ScoreResult:
    theta, se = float(row.theta or 0.0), float(row.se or 0.0)
    assert row.finished_at is not None
    return ScoreResult(
        scaled_score(theta), scaled_score(theta - _BAND_SE * se), scaled_score(theta + _BAND_SE * se),
        percentile(theta), theta, se, len(row.answers), row.finished_at,
    )  # fmt: skip


def learner_scores(session: Session, learner_id: int, course_id: int) -> list[ScoreResult]:
    """The learner's finished score tests in the course, newest first."""
    rows = session.scalars(
        select(ScoreTest)
        .where(
            ScoreTest.user_id == learner_id,
            ScoreTest.course_id == course_id,
            ScoreTest.finished_at.is_not(None),
        )
        .order_by(ScoreTest.finished_at.desc(), ScoreTest.id.desc())
    )
    return [_result(row) for row in rows]


def latest_scores(
    session: Session, learner_ids: list[int], course_id: int
) -> dict[int, ScoreResult]:
    """Each learner's most recent finished score test in the course, in one query."""
    rows = session.scalars(
        select(ScoreTest)
        .where(
            ScoreTest.user_id.in_(learner_ids),
            ScoreTest.course_id == course_id,
            ScoreTest.finished_at.is_not(None),
        )
        .order_by(ScoreTest.finished_at.desc(), ScoreTest.id.desc())
    )
    latest: dict[int, ScoreResult] = {}
    for row in rows:
        if row.user_id not in latest:
            latest[row.user_id] = _result(row)
    return latest


@dataclass(frozen=True)
class ScorePage:
    exists: bool  # the course has a score test
    title: str
    ready: bool  # its bank is calibrated
    offered: bool  # the learner may start one now
    question: Item | None  # the current question of a test in progress
    number: int  # its number (1-based)
    limit: int  # the most questions a test asks
    results: list[ScoreResult]  # finished tests, newest first
    again_on: date | None  # when a learner who took it lately may take it again
    course_language: str = "en"


def score_page(db: Database, viewer: Viewer, now: datetime) -> ScorePage:
    require_learner(viewer)
    with db.reading() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        spec = course.score_test
        if spec is None:
            return ScorePage(False, "", False, False, None, 0, 0, [], None)
        bank = score_bank(s, course_id, course)
        results = learner_scores(s, viewer.user_id, course_id)
        row = open_score_test(s, viewer.user_id, course_id)
    page = ScorePage(
        True, spec.title, bank is not None, False, None, 0, spec.max_items, results, None,
        course.language,
    )  # fmt: skip
    if bank is None:
        return page
    if row is not None and (item := state_of(spec, bank, row).next_item) is not None:
        return replace(page, question=course.items[item], number=len(row.answers) + 1)
    again = results[0].finished_at + timedelta(days=RETEST_DAYS) if results else None
    if again is not None and now < again:
        return replace(page, again_on=again.date())
    return replace(page, offered=True)
