"""Classes: items and misconceptions, learning curves and suggested groups, as JSON (the pages'
twins); the class's mastery and answers as CSV, as the class page downloads them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from learnloop.reports.class_exports import (
    class_answers_table,
    class_items_table,
    class_mastery_table,
)
from learnloop.reports.item_analysis import item_analysis
from learnloop.reports.learning_curves import class_learning_curves
from learnloop.reports.support_groups import support_groups
from learnloop.services.class_downloads import record_class_download
from learnloop.web.csv_download import csv_download
from learnloop.web.deps import ApiViewer, ApiWords, PlatformDep

router = APIRouter(prefix="/classes", tags=["classes"])


class WrongAnswerOut(BaseModel):
    text: str
    answers: int
    learners: int
    misconceptions: list[str]


class ItemStatsOut(BaseModel):
    key: str
    learners: int
    answers: int
    p_first: float | None
    discrimination: float | None
    flags: list[str]  # hard, easy, poor, negative
    wrong_answers: list[WrongAnswerOut]


class ShowingOut(BaseModel):
    learner_id: int
    display_name: str
    answers: int


class MisconceptionOut(BaseModel):
    key: str
    title: str
    learners: list[ShowingOut]
    answers: int
    items: list[str]


class ItemAnalysisOut(BaseModel):
    class_id: int
    learners: int
    items: list[ItemStatsOut]
    misconceptions: list[MisconceptionOut]


class CurvePointOut(BaseModel):
    opportunity: int
    error_rate: float
    learners: int


class CurveOut(BaseModel):
    objective: str
    title: str
    kind: str  # good, still-high, no-learning, low-and-flat, too-little-data
    advice: str
    learners: int
    points: list[CurvePointOut]


class CurvesOut(BaseModel):
    class_id: int
    horizon: int
    min_learners: int
    curves: list[CurveOut]


class MemberOut(BaseModel):
    learner_id: int
    display_name: str
    p_known: float | None
    answers: int


class GroupOut(BaseModel):
    kind: str  # objective | misconception
    key: str
    title: str
    reason: str
    members: list[MemberOut]
    helpers: list[MemberOut]


class GroupsOut(BaseModel):
    class_id: int
    max_size: int
    groups: list[GroupOut]


@router.get("/{class_id}/items", response_model=ItemAnalysisOut)
def items(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> ItemAnalysisOut:
    a = item_analysis(platform.db, viewer, class_id, platform.settings.pedagogy)
    return ItemAnalysisOut(
        class_id=a.class_id,
        learners=a.learners,
        items=[
            ItemStatsOut(
                key=r.key, learners=r.learners, answers=r.answers, p_first=r.p_first,
                discrimination=r.discrimination, flags=[code for code, _ in r.flags],
                wrong_answers=[
                    WrongAnswerOut(text=w.text, answers=w.answers, learners=w.learners,
                                   misconceptions=list(w.misconceptions))
                    for w in r.wrong_answers
                ],
            )
            for r in a.items
        ],
        misconceptions=[
            MisconceptionOut(
                key=m.key, title=m.title, answers=m.answers, items=list(m.items),
                learners=[ShowingOut(learner_id=x.learner_id, display_name=x.display_name,
                                     answers=x.answers) for x in m.learners],
            )
            for m in a.misconceptions
        ],
    )  # fmt: skip


def _member(m: object) -> MemberOut:
    return MemberOut.model_validate(m, from_attributes=True)


@router.get("/{class_id}/groups", response_model=GroupsOut)
def groups(class_id: int, platform: PlatformDep, viewer: ApiViewer, words: ApiWords) -> GroupsOut:
    """Each group's ``reason`` is in the request's language (Accept-Language)."""
    g = support_groups(platform.db, viewer, class_id, platform.settings.pedagogy, words=words)
    return GroupsOut(
        class_id=g.class_id,
        max_size=g.max_size,
        groups=[
            GroupOut(
                kind=x.kind, key=x.key, title=x.title, reason=x.reason,
                members=[_member(m) for m in x.members], helpers=[_member(m) for m in x.helpers],
            )
            for x in g.groups
        ],
    )  # fmt: skip


@router.get("/{class_id}/learning-curves", response_model=CurvesOut)
def learning_curves(
    class_id: int, platform: PlatformDep, viewer: ApiViewer, words: ApiWords
) -> CurvesOut:
    """Each curve's ``advice`` is in the request's language (Accept-Language); ``kind`` is a
    code."""
    c = class_learning_curves(platform.db, viewer, class_id, platform.settings.pedagogy)
    return CurvesOut(
        class_id=c.class_id, horizon=c.horizon, min_learners=c.min_learners,
        curves=[
            CurveOut(
                objective=x.key, title=x.title, kind=x.kind.value, advice=words(x.advice),
                learners=x.learners,
                points=[CurvePointOut(opportunity=p.opportunity, error_rate=p.error_rate,
                                      learners=p.learners) for p in x.points],
            )
            for x in c.curves
        ],
    )  # fmt: skip


_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}


@router.get("/{class_id}/mastery.csv", response_class=StreamingResponse, responses=_CSV)
def mastery_csv(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> StreamingResponse:
    """The class's mastery, a row per learner (columns in docs/api.md)."""
    table = class_mastery_table(platform.db, viewer, class_id, platform.settings.pedagogy)
    record_class_download(platform.db, viewer, class_id=class_id, file="mastery")
    return csv_download(table, datetime.now(UTC).date())


@router.get("/{class_id}/items.csv", response_class=StreamingResponse, responses=_CSV)
def items_csv(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> StreamingResponse:
    """The class's item statistics, a row per item of the course (columns in docs/api.md)."""
    table = class_items_table(platform.db, viewer, class_id, platform.settings.pedagogy)
    record_class_download(platform.db, viewer, class_id=class_id, file="items")
    return csv_download(table, datetime.now(UTC).date())


@router.get("/{class_id}/answers.csv", response_class=StreamingResponse, responses=_CSV)
def answers_csv(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> StreamingResponse:
    """Every answer of the class's learners in its course, oldest first (columns in
    docs/api.md)."""
    table = class_answers_table(platform.db, viewer, class_id)  # who may: checked here
    record_class_download(platform.db, viewer, class_id=class_id, file="answers")
    return csv_download(table, datetime.now(UTC).date())
