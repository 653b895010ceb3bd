"""Assignments as JSON (the pages' twins): an educator assigns, a learner reads and finishes."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.reports.assignments import assignments_for_me
from learnloop.services.assignments import assign_activity, mark_done
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["assignments"])


class AssignIn(BaseModel):
    learner_ids: list[int] = Field(max_length=500)
    activity: str = Field(max_length=64)
    note: str = Field(default="", max_length=2000)


class AssignOut(BaseModel):
    assigned: list[str]
    already: list[str]


class AssignmentOut(BaseModel):
    id: int
    activity: str
    title: str
    note: str
    educator: str
    assigned_at: datetime
    done: bool
    answered: int
    items: int


@router.post("/classes/{class_id}/assignments", response_model=AssignOut, status_code=201)
def assign(class_id: int, body: AssignIn, platform: PlatformDep, viewer: ApiViewer) -> AssignOut:
    done = assign_activity(
        platform.db, viewer, class_id=class_id, learner_ids=body.learner_ids,
        activity_key=body.activity, note=body.note,
    )  # fmt: skip
    return AssignOut(assigned=list(done.assigned), already=list(done.already))


@router.get("/me/assignments", response_model=list[AssignmentOut])
def mine(platform: PlatformDep, viewer: ApiViewer) -> list[AssignmentOut]:
    return [
        AssignmentOut(
            id=a.id, activity=a.activity_key, title=a.activity_title, note=a.note,
            educator=a.educator, assigned_at=a.assigned_at, done=a.done, answered=a.answered,
            items=a.items,
        )
        for a in assignments_for_me(platform.db, viewer)
    ]  # fmt: skip


@router.post("/me/assignments/{assignment_id}/done", status_code=204)
def done(assignment_id: int, platform: PlatformDep, viewer: ApiViewer) -> None:
    mark_done(platform.db, viewer, assignment_id)
