"""A class's life as JSON (the admin page's twins, services.class_lifecycle): rename it, end it
when its run is over, reopen it, delete it once ended."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from learnloop.services.class_lifecycle import delete_class, end_class, rename_class, reopen_class
from learnloop.services.courses import MAX_CLASS_NAME
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/admin", tags=["admin"])


class ClassNameIn(BaseModel):
    name: str = Field(max_length=MAX_CLASS_NAME * 2)  # the service says what is too long


class ClassNamed(BaseModel):
    id: int
    name: str  # as kept: spaces folded


@router.post("/classes/{class_id}/rename", response_model=ClassNamed)
def rename(
    class_id: int, body: ClassNameIn, platform: PlatformDep, viewer: ApiViewer
) -> ClassNamed:
    """A new name, unique among classes (400 names `name`, also when another class has it)."""
    return ClassNamed(
        id=class_id, name=rename_class(platform.db, viewer, class_id=class_id, name=body.name)
    )


@router.post("/classes/{class_id}/end", status_code=204, response_class=Response)
def end(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """End the class: its records stay readable, nothing new starts in it, its join code goes
    (400 names `class` when it has ended already)."""
    end_class(platform.db, viewer, class_id=class_id)
    return Response(status_code=204)


@router.post("/classes/{class_id}/reopen", status_code=204, response_class=Response)
def reopen(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """Let an ended class run again (400 names `class` when it has not ended)."""
    reopen_class(platform.db, viewer, class_id=class_id)
    return Response(status_code=204)


class DeleteClassIn(BaseModel):
    confirm: str = Field(max_length=MAX_CLASS_NAME * 2)  # the class's name, typed again


class ClassDeleted(BaseModel):
    name: str
    rows: dict[str, int]  # what went with the class, by table


@router.post("/classes/{class_id}/delete", response_model=ClassDeleted)
def delete(
    class_id: int, body: DeleteClassIn, platform: PlatformDep, viewer: ApiViewer
) -> ClassDeleted:
    """Delete an ended class and what belongs to it (400 names `class` while it runs, `confirm`
    when the name does not match); its learners' own records stay."""
    gone = delete_class(platform.db, viewer, class_id=class_id, confirm=body.confirm)
    return ClassDeleted(name=gone.name, rows=gone.rows)
