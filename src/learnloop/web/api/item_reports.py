"""Reports of a problem with a question as JSON (the pages' twins): a learner sends and reads
theirs; an educator reads those of their class and answers them; an admin, those of a course."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from learnloop.domain.item_reports import MAX_REPORT_COMMENT, MAX_REPORT_REPLY
from learnloop.reports.item_reports import (
    ItemReportRow,
    class_item_reports,
    course_item_reports,
    my_item_reports,
)
from learnloop.services.item_reports import (
    mark_answers_seen,
    report_item,
    resolve_item_report,
    resolve_reports_on_item,
)
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["item reports"])


class ItemReportIn(BaseModel):
    activity: str = Field(max_length=64)
    item: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # answer-key | unclear | typo | other
    comment: str = Field(default="", max_length=MAX_REPORT_COMMENT * 2)  # the service says


class ItemReportCreated(BaseModel):
    id: int


class ItemReportAnswer(BaseModel):
    reply: str = Field(default="", max_length=MAX_REPORT_REPLY * 2)  # the service says


class ItemReportOut(BaseModel):
    id: int
    learner_id: int
    learner: str
    username: str
    activity: str
    item: str
    item_in_course: bool  # false once the course has dropped the item
    kind: str
    comment: str
    reported_at: datetime
    resolved_at: datetime | None
    reply: str
    answer_seen_at: datetime | None  # when the learner first saw the answer (their home, the page)


def _out(r: ItemReportRow) -> ItemReportOut:
    return ItemReportOut(
        id=r.id, learner_id=r.learner_id, learner=r.learner, username=r.username,
        activity=r.activity_key, item=r.item_key, item_in_course=r.prompt is not None,
        kind=r.kind, comment=r.comment, reported_at=r.at, resolved_at=r.resolved_at,
        reply=r.reply, answer_seen_at=r.answer_seen_at,
    )  # fmt: skip


@router.get("/me/item-reports", response_model=list[ItemReportOut])
def mine(platform: PlatformDep, viewer: ApiViewer) -> list[ItemReportOut]:
    """The learner's reports on their course's questions, each question's latest."""
    return [_out(r) for r in my_item_reports(platform.db, viewer)]


@router.post("/me/item-reports", response_model=ItemReportCreated, status_code=201)
def send(body: ItemReportIn, platform: PlatformDep, viewer: ApiViewer) -> ItemReportCreated:
    """Report a problem with a question of the learner's course; while their earlier report on
    it is open, this one replaces what it said (same id)."""
    made = report_item(
        platform.db, viewer, activity_key=body.activity, item_key=body.item, kind=body.kind,
        comment=body.comment,
    )  # fmt: skip
    return ItemReportCreated(id=made)


class SeenIn(BaseModel):
    ids: list[int] = Field(max_length=500)


class SeenOut(BaseModel):
    marked: int  # how many answers were new


@router.post("/me/item-reports/seen", response_model=SeenOut)
def seen(body: SeenIn, platform: PlatformDep, viewer: ApiViewer) -> SeenOut:
    """The learner has seen the answers to these reports of theirs (reading through the API alone
    marks nothing, so that an app decides when its user has seen one)."""
    return SeenOut(marked=mark_answers_seen(platform.db, viewer, body.ids))


@router.get("/classes/{class_id}/item-reports", response_model=list[ItemReportOut])
def of_class(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> list[ItemReportOut]:
    """The reports of the class's learners: open ones oldest first, then the 50 latest answered."""
    return [_out(r) for r in class_item_reports(platform.db, viewer, class_id)]


@router.get("/admin/courses/{slug}/item-reports", response_model=list[ItemReportOut])
def of_course(
    slug: Annotated[str, Path(max_length=64)], platform: PlatformDep, viewer: ApiViewer
) -> list[ItemReportOut]:
    """Every learner's reports on the course's questions, for an admin."""
    return [_out(r) for r in course_item_reports(platform.db, viewer, slug)]


@router.post("/item-reports/{report_id}/resolve", status_code=204, response_class=Response)
def resolve(
    report_id: int, body: ItemReportAnswer, platform: PlatformDep, viewer: ApiViewer
) -> Response:
    """Mark the report looked at, with a reply its learner reads (an educator of their class,
    or an admin)."""
    resolve_item_report(platform.db, viewer, report_id, reply=body.reply)
    return Response(status_code=204)


class ItemAnswer(BaseModel):
    item: str = Field(max_length=64)
    reply: str = Field(default="", max_length=MAX_REPORT_REPLY * 2)  # the service says


class Answered(BaseModel):
    answered: int  # how many reports


@router.post("/classes/{class_id}/item-reports/resolve", response_model=Answered)
def resolve_in_class(
    class_id: int, body: ItemAnswer, platform: PlatformDep, viewer: ApiViewer
) -> Answered:
    """Answer every open report of the class's learners on one question at once (400 names
    `item` when none waits)."""
    done = resolve_reports_on_item(
        platform.db, viewer, item_key=body.item, reply=body.reply, class_id=class_id
    )
    return Answered(answered=done)


@router.post("/admin/courses/{slug}/item-reports/resolve", response_model=Answered)
def resolve_in_course(
    slug: Annotated[str, Path(max_length=64)],
    body: ItemAnswer,
    platform: PlatformDep,
    viewer: ApiViewer,
) -> Answered:
    """Answer every open report on one question of the course at once, for an admin."""
    done = resolve_reports_on_item(
        platform.db, viewer, item_key=body.item, reply=body.reply, course_slug=slug
    )
    return Answered(answered=done)
