"""A learner's progress report (reports.progress_report) as JSON: the learner's own, and the same
for an educator of their class, in the class's course; sentences (the pace) in the language of
Accept-Language."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from learnloop.reports.progress_report import (
    ProgressReport,
    class_progress_reports,
    progress_report,
)
from learnloop.web.deps import ApiViewer, ApiWords, PlatformDep

router = APIRouter(tags=["learner"])


class ObjectiveOut(BaseModel):
    key: str
    title: str
    statement: str
    state: str  # mastered | in-progress | ready | locked
    p_known: float
    attempts: int
    mastered_at: datetime | None
    missing: list[str]  # titles of the prerequisites still to master


class WeekOut(BaseModel):
    monday: date
    answers: int
    right: int
    days: int


class ScoreOut(BaseModel):
    score: int
    low: int
    high: int
    percentile: int
    finished_at: datetime


class ReportOut(BaseModel):
    learner: str
    course_title: str
    class_name: str | None
    made_on: date
    objectives: list[ObjectiveOut]
    goal_title: str | None
    goal_date: date | None
    pace: str | None  # the pace toward the goal, as a sentence
    weeks: list[WeekOut]  # the latest last
    answers: int
    first_answer: date | None
    score: ScoreOut | None


def _out(r: ProgressReport) -> ReportOut:
    score = r.score
    return ReportOut(
        learner=r.learner, course_title=r.course_title, class_name=r.class_name,
        made_on=r.made_on, objectives=[ObjectiveOut(**asdict(o)) for o in r.objectives],
        goal_title=r.goal_title, goal_date=r.goal_date,
        pace=r.pace.sentence if r.pace else None,
        weeks=[WeekOut(**asdict(w)) for w in r.weeks], answers=r.answers,
        first_answer=r.first_answer,
        score=ScoreOut(score=score.score, low=score.low, high=score.high,
                       percentile=score.percentile, finished_at=score.finished_at)
        if score else None,
    )  # fmt: skip


@router.get("/me/progress-report", response_model=ReportOut)
def own(platform: PlatformDep, viewer: ApiViewer, words: ApiWords) -> ReportOut:
    return _out(progress_report(platform.db, viewer, viewer.user_id, now=datetime.now(UTC),
                                words=words))  # fmt: skip


@router.get("/classes/{class_id}/learners/{learner_id}/report", response_model=ReportOut)
def of_learner(
    platform: PlatformDep, viewer: ApiViewer, words: ApiWords, class_id: int, learner_id: int
) -> ReportOut:
    return _out(progress_report(platform.db, viewer, learner_id, class_id=class_id,
                                now=datetime.now(UTC), words=words))  # fmt: skip


@router.get("/classes/{class_id}/reports", response_model=list[ReportOut])
def of_class(
    platform: PlatformDep, viewer: ApiViewer, words: ApiWords, class_id: int
) -> list[ReportOut]:
    """Every learner's report of the class, by name."""
    _, reports = class_progress_reports(platform.db, viewer, class_id, now=datetime.now(UTC),
                                        words=words)  # fmt: skip
    return [_out(r) for r in reports]
