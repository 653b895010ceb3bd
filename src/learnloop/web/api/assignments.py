"""Assignments as JSON (the pages' twins): an educator assigns (with a due day, if they like) and
follows the class's assignments, a learner reads and finishes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from learnloop.reports.assignments import assignments_for_me, class_assignments
from learnloop.services.assignments import (
    assign_activity,
    change_due_day,
    mark_done,
    withdraw_assignment,
)
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["assignments"])


class AssignIn(BaseModel):
    learner_ids: list[int] = Field(default=[], max_length=500)
    # true: the whole class, its learners now and those who join it later (learner_ids unused)
    everyone: bool = False
    activity: str = Field(max_length=64)
    note: str = Field(default="", max_length=2000)
    due_on: date | None = None  # YYYY-MM-DD, today at the earliest
    # true: leave out the learners it is still locked for (named in `locked`) instead of refusing
    open_only: bool = False


class DueDayIn(BaseModel):
    due_on: date | None  # required: a day (today at the earliest), or null for none


class WithdrawnOut(BaseModel):
    withdrawn: int  # learners it was taken from
    kept: int  # learners who had done it, who keep it as done


class AssignOut(BaseModel):
    assigned: list[str]
    already: list[str]
    locked: list[str]  # left out with open_only: still locked for them


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
    due_on: date | None
    overdue: bool


class LearnerProgressOut(BaseModel):
    learner_id: int
    display_name: str
    done: bool
    answered: int


class ClassAssignmentOut(BaseModel):
    id: int  # the act's handle, for PATCH and DELETE
    activity: str
    title: str
    note: str
    educator: str
    assigned_at: datetime
    due_on: date | None
    overdue: bool
    items: int
    done: int  # learners who have done it
    everyone: bool  # given to the whole class: learners who join it get it while it is not due
    learners: list[LearnerProgressOut]


@router.post("/classes/{class_id}/assignments", response_model=AssignOut, status_code=201)
def assign(class_id: int, body: AssignIn, platform: PlatformDep, viewer: ApiViewer) -> AssignOut:
    done = assign_activity(
        platform.db, viewer, class_id=class_id, learner_ids=body.learner_ids,
        activity_key=body.activity, note=body.note, due_on=body.due_on,
        open_only=body.open_only, whole_class=body.everyone,
    )  # fmt: skip
    return AssignOut(
        assigned=list(done.assigned), already=list(done.already), locked=list(done.locked)
    )


@router.get("/classes/{class_id}/assignments", response_model=list[ClassAssignmentOut])
def of_class(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> list[ClassAssignmentOut]:
    """Each act of assigning once, open first (the soonest due first), with each learner's
    progress."""
    today = datetime.now(UTC).date()
    return [
        ClassAssignmentOut(
            id=a.id, activity=a.activity_key, title=a.activity_title, note=a.note,
            educator=a.educator, assigned_at=a.assigned_at, due_on=a.due_on,
            overdue=a.overdue(today), items=a.items, done=a.done, everyone=a.whole_class,
            learners=[LearnerProgressOut(learner_id=p.learner_id, display_name=p.display_name,
                                         done=p.done, answered=p.answered) for p in a.learners],
        )
        for a in class_assignments(platform.db, viewer, class_id).assignments
    ]  # fmt: skip


@router.patch("/classes/{class_id}/assignments/{assignment_id}", status_code=204)
def change_due(
    class_id: int, assignment_id: int, body: DueDayIn, platform: PlatformDep, viewer: ApiViewer
) -> None:
    """A new due day (or none) for the whole act of assigning that ``assignment_id`` is from."""
    change_due_day(
        platform.db, viewer, class_id=class_id, assignment_id=assignment_id, due_on=body.due_on
    )


@router.delete("/classes/{class_id}/assignments/{assignment_id}", response_model=WithdrawnOut)
def withdraw(
    class_id: int,
    assignment_id: int,
    platform: PlatformDep,
    viewer: ApiViewer,
    learner_id: Annotated[list[int] | None, Query(max_length=500)] = None,
) -> WithdrawnOut:
    """Take the act of assigning back from those who have not done it (or only from the
    ``learner_id``s given); those who have done it keep it."""
    out = withdraw_assignment(
        platform.db, viewer, class_id=class_id, assignment_id=assignment_id,
        learner_ids=learner_id,
    )  # fmt: skip
    return WithdrawnOut(withdrawn=out.withdrawn, kept=out.kept)


@router.get("/me/assignments", response_model=list[AssignmentOut])
def mine(platform: PlatformDep, viewer: ApiViewer) -> list[AssignmentOut]:
    today = datetime.now(UTC).date()
    return [
        AssignmentOut(
            id=a.id, activity=a.activity_key, title=a.activity_title, note=a.note,
            educator=a.educator, assigned_at=a.assigned_at, done=a.done, answered=a.answered,
            items=a.items, due_on=a.due_on, overdue=a.overdue(today),
        )
        for a in assignments_for_me(platform.db, viewer)
    ]  # fmt: skip


@router.post("/me/assignments/{assignment_id}/done", status_code=204)
def done(assignment_id: int, platform: PlatformDep, viewer: ApiViewer) -> None:
    mark_done(platform.db, viewer, assignment_id)
