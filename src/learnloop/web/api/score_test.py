"""The learner's score test as JSON (the page's twin): its state and scores, starting it, and
answering its current question."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.domain.score_test import scaled_score
from learnloop.reports.score_views import score_page
from learnloop.services.score_tests import answer_score_test, start_score_test
from learnloop.web.api.schemas import ItemOut, ScoreOut, item_out
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/me/score-test", tags=["learner"])


class ScoreTestOut(BaseModel):
    exists: bool  # the course has a score test
    title: str
    ready: bool  # its bank is calibrated
    offered: bool  # may start one now
    question: ItemOut | None  # the current question of a test in progress
    number: int
    limit: int
    again_on: date | None  # the day the next test may start, if not now
    scores: list[ScoreOut]  # newest first


class ScoreTestStarted(BaseModel):
    test_id: int


class ScoreAnswerIn(BaseModel):
    item: str = Field(max_length=64)
    response: str | list[str]


class ScoreAnswerOut(BaseModel):
    finished: bool
    questions: int
    score: int | None  # once finished


@router.get("", response_model=ScoreTestOut)
def score_test(platform: PlatformDep, viewer: ApiViewer) -> ScoreTestOut:
    page = score_page(platform.db, viewer, datetime.now(UTC))
    return ScoreTestOut(
        exists=page.exists, title=page.title, ready=page.ready, offered=page.offered,
        question=item_out(page.question) if page.question else None, number=page.number,
        limit=page.limit, again_on=page.again_on, scores=[ScoreOut.of(r) for r in page.results],
    )  # fmt: skip


@router.post("", response_model=ScoreTestStarted, status_code=201)
def begin_score_test(platform: PlatformDep, viewer: ApiViewer) -> ScoreTestStarted:
    """Start the course's score test (or find the one in progress)."""
    return ScoreTestStarted(test_id=start_score_test(platform.db, viewer))


@router.post("/answers", response_model=ScoreAnswerOut)
def score_test_answer(
    body: ScoreAnswerIn, platform: PlatformDep, viewer: ApiViewer
) -> ScoreAnswerOut:
    done = answer_score_test(platform.db, viewer, item_key=body.item, response=body.response)
    score = None if done.theta is None else scaled_score(done.theta)
    return ScoreAnswerOut(finished=done.finished, questions=done.questions, score=score)
