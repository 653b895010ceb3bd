"""Groups educators form, as JSON (the pages' twins)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.reports.class_groups import GroupView, class_groups, my_groups
from learnloop.services.class_groups import MAX_GROUP_MEMBERS, disband_group, form_group
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["class groups"])


class GroupIn(BaseModel):
    name: str = Field(max_length=400)
    learner_ids: list[int] = Field(max_length=MAX_GROUP_MEMBERS * 4)


class GroupCreated(BaseModel):
    id: int


class MemberOut(BaseModel):
    learner_id: int
    display_name: str


class GroupOut(BaseModel):
    id: int
    class_id: int
    class_name: str
    name: str
    members: list[MemberOut]


def _out(g: GroupView) -> GroupOut:
    return GroupOut(
        id=g.id, class_id=g.class_id, class_name=g.class_name, name=g.name,
        members=[MemberOut(learner_id=i, display_name=n) for i, n in g.members],
    )  # fmt: skip


@router.get("/classes/{class_id}/class-groups", response_model=list[GroupOut])
def of_class(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> list[GroupOut]:
    return [_out(g) for g in class_groups(platform.db, viewer, class_id)]


@router.post("/classes/{class_id}/class-groups", response_model=GroupCreated, status_code=201)
def form(class_id: int, body: GroupIn, platform: PlatformDep, viewer: ApiViewer) -> GroupCreated:
    made = form_group(
        platform.db, viewer, class_id=class_id, name=body.name, learner_ids=body.learner_ids
    )
    return GroupCreated(id=made)


@router.post("/class-groups/{group_id}/disband", status_code=204)
def disband(group_id: int, platform: PlatformDep, viewer: ApiViewer) -> None:
    disband_group(platform.db, viewer, group_id)


@router.get("/me/class-groups", response_model=list[GroupOut])
def mine(platform: PlatformDep, viewer: ApiViewer) -> list[GroupOut]:
    return [_out(g) for g in my_groups(platform.db, viewer)]
