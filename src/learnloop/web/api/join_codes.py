"""Class join codes, as JSON (the pages' twins): an educator opens, reads and closes a class's
code; a learner joins with one, lists their classes and leaves one."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.domain.class_codes import OpenCode
from learnloop.exceptions import NotFound
from learnloop.reports.join_codes import class_join_code
from learnloop.reports.learner_classes import my_classes
from learnloop.services.class_codes import (
    DEFAULT_CODE_DAYS,
    MAX_CODE_DAYS,
    close_joining,
    join_class,
    open_joining,
)
from learnloop.services.classes import leave_class
from learnloop.web.deps import ApiViewer, PlatformDep
from learnloop.web.platform import Platform

router = APIRouter(tags=["classes"])


class JoinCodeIn(BaseModel):
    days: int = Field(DEFAULT_CODE_DAYS, description=f"how long it admits: 1 to {MAX_CODE_DAYS}")


class JoinCodeOut(BaseModel):
    code: str = Field(description="as people read it, like ABCDE-FGH23")
    url: str = Field(description="the join page: a learner who follows it joins after confirming")
    created_at: datetime
    expires_at: datetime
    expired: bool


class JoinIn(BaseModel):
    code: str = Field("", max_length=64, description="case, spaces and dashes are ignored")


class JoinedOut(BaseModel):
    class_id: int
    class_name: str
    course_id: int
    new: bool = Field(description="false when the learner was in the class already")


class MyClassOut(BaseModel):
    id: int
    name: str
    course_title: str
    educators: list[str] = Field(description="display names of the educators who see your work")
    ended_at: datetime | None = Field(
        None, description="when the class ended: nothing new happens in it, your records stay"
    )


def _out(platform: Platform, open_code: OpenCode) -> JoinCodeOut:
    return JoinCodeOut(
        code=open_code.shown,
        url=f"{platform.settings.public_url.rstrip('/')}/join/{open_code.code}",
        created_at=open_code.created_at,
        expires_at=open_code.expires_at,
        expired=open_code.expired(datetime.now(UTC)),
    )


@router.get("/classes/{class_id}/join-code", response_model=JoinCodeOut)
def read_code(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> JoinCodeOut:
    found = class_join_code(platform.db, viewer, class_id)
    if found is None:
        raise NotFound("class %(class_id)s has no join code", class_id=class_id)
    return _out(platform, found)


@router.post("/classes/{class_id}/join-code", response_model=JoinCodeOut, status_code=201)
def new_code(
    class_id: int, platform: PlatformDep, viewer: ApiViewer, body: JoinCodeIn | None = None
) -> JoinCodeOut:
    """A new code, which replaces the class's old one."""
    days = (body or JoinCodeIn()).days
    return _out(platform, open_joining(platform.db, viewer, class_id=class_id, days=days))


@router.delete("/classes/{class_id}/join-code", status_code=204)
def stop_joining(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> None:
    close_joining(platform.db, viewer, class_id=class_id)


@router.post("/me/classes", response_model=JoinedOut)
def join(body: JoinIn, platform: PlatformDep, viewer: ApiViewer) -> JoinedOut:
    """Join the class whose open code this is; the learner follows its course from now on."""
    joined = join_class(platform.db, viewer, code=body.code)
    return JoinedOut(
        class_id=joined.class_id, class_name=joined.class_name, course_id=joined.course_id,
        new=joined.new,
    )  # fmt: skip


@router.get("/me/classes", response_model=list[MyClassOut])
def classes(platform: PlatformDep, viewer: ApiViewer) -> list[MyClassOut]:
    """The classes you are in, by name, with their educators."""
    return [
        MyClassOut(
            id=c.id,
            name=c.name,
            course_title=c.course_title,
            educators=list(c.educators),
            ended_at=c.ended_at,
        )
        for c in my_classes(platform.db, viewer)
    ]


@router.delete("/me/classes/{class_id}", status_code=204)
def leave(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> None:
    """Leave a class: its educators stop seeing your work; what you did stays yours."""
    leave_class(platform.db, viewer, class_id=class_id)
