"""Reflections as JSON (the pages' twins): the learner writes and reads theirs; an educator of
their class reads the ones they share."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.reports.reflections import ReflectionRow, reflections_for
from learnloop.services.reflections import MAX_REFLECTION_PART, write_reflection
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["reflections"])
_PART = MAX_REFLECTION_PART * 2  # the service says what is too long


class ReflectionIn(BaseModel):
    objective: str = Field(default="", max_length=64)  # "": the course as a whole
    went_well: str = Field(default="", max_length=_PART)
    still_hard: str = Field(default="", max_length=_PART)
    next_step: str = Field(default="", max_length=_PART)
    shared: bool = False  # with the learner's educators


class ReflectionCreated(BaseModel):
    id: int


class ReflectionOut(BaseModel):
    id: int
    objective: str
    about: str
    went_well: str
    still_hard: str
    next_step: str
    shared: bool
    written_at: datetime


def _out(r: ReflectionRow) -> ReflectionOut:
    return ReflectionOut(
        id=r.id, objective=r.objective, about=r.about, went_well=r.went_well,
        still_hard=r.still_hard, next_step=r.next_step, shared=r.shared, written_at=r.at,
    )  # fmt: skip


@router.get("/me/reflections", response_model=list[ReflectionOut])
def mine(platform: PlatformDep, viewer: ApiViewer) -> list[ReflectionOut]:
    return [_out(r) for r in reflections_for(platform.db, viewer, viewer.user_id)]


@router.post("/me/reflections", response_model=ReflectionCreated, status_code=201)
def write(body: ReflectionIn, platform: PlatformDep, viewer: ApiViewer) -> ReflectionCreated:
    made = write_reflection(
        platform.db, viewer, objective=body.objective, went_well=body.went_well,
        still_hard=body.still_hard, next_step=body.next_step, shared=body.shared,
    )  # fmt: skip
    return ReflectionCreated(id=made)


@router.get(
    "/classes/{class_id}/learners/{learner_id}/reflections", response_model=list[ReflectionOut]
)
def shared_with_me(
    class_id: int, learner_id: int, platform: PlatformDep, viewer: ApiViewer
) -> list[ReflectionOut]:
    return [_out(r) for r in reflections_for(platform.db, viewer, learner_id, class_id)]
