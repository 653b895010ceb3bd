"""Handed-in work and rubric feedback as JSON (the pages' twins): a learner hands in and reads
their feedback; an educator lists the class's work and reviews it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.reports.projects import SubmissionView, class_work, learner_work
from learnloop.services.projects import (
    MAX_COMMENT_LENGTH,
    MAX_WORK_LENGTH,
    review_submission,
    submit_work,
)
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["work"])


class WorkIn(BaseModel):
    body: str = Field(max_length=MAX_WORK_LENGTH * 2)  # the service says what is too long
    group_id: int | None = None  # for a group of the class the learner is in


class WorkCreated(BaseModel):
    id: int


class LevelOut(BaseModel):
    criterion: str
    title: str
    level: int  # 0 = lowest
    levels: int
    text: str


class ReviewOut(BaseModel):
    levels: list[LevelOut]
    comment: str
    educator: str
    reviewed_at: datetime


class WorkOut(BaseModel):
    id: int
    activity: str
    learner_id: int
    learner: str
    group_id: int | None
    group: str
    body: str
    submitted_at: datetime
    review: ReviewOut | None


class ClassWorkOut(BaseModel):
    awaiting: list[WorkOut]
    reviewed: list[WorkOut]


class ReviewIn(BaseModel):
    levels: dict[str, int] = Field(default_factory=dict, max_length=50)
    comment: str = Field(default="", max_length=MAX_COMMENT_LENGTH * 2)


def _out(v: SubmissionView) -> WorkOut:
    review = None
    if v.review is not None:
        review = ReviewOut(
            levels=[
                LevelOut(criterion=lv.key, title=lv.criterion, level=lv.index, levels=lv.top + 1,
                         text=lv.level)
                for lv in v.review.levels
            ],
            comment=v.review.comment, educator=v.review.educator, reviewed_at=v.review.at,
        )  # fmt: skip
    return WorkOut(
        id=v.id, activity=v.activity_key, learner_id=v.learner_id, learner=v.learner,
        group_id=v.group_id, group=v.group,
        body=v.body, submitted_at=v.at, review=review,
    )  # fmt: skip


@router.get("/me/work/{activity}", response_model=list[WorkOut])
def my_work(activity: str, platform: PlatformDep, viewer: ApiViewer) -> list[WorkOut]:
    return [_out(v) for v in learner_work(platform.db, viewer, activity)]


@router.post("/me/work/{activity}", response_model=WorkCreated, status_code=201)
def hand_in(activity: str, body: WorkIn, platform: PlatformDep, viewer: ApiViewer) -> WorkCreated:
    made = submit_work(
        platform.db, viewer, activity_key=activity, body=body.body, group_id=body.group_id
    )
    return WorkCreated(id=made)


@router.get("/classes/{class_id}/work", response_model=ClassWorkOut)
def work_of_class(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> ClassWorkOut:
    data = class_work(platform.db, viewer, class_id)
    return ClassWorkOut(
        awaiting=[_out(v) for v in data.awaiting], reviewed=[_out(v) for v in data.reviewed]
    )


@router.post("/work/{submission_id}/review", status_code=204)
def review(submission_id: int, body: ReviewIn, platform: PlatformDep, viewer: ApiViewer) -> None:
    review_submission(platform.db, viewer, submission_id, levels=body.levels, comment=body.comment)
