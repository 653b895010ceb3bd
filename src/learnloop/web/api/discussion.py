"""Discussion threads as JSON (the pages' twins): a learner's class thread of an activity, a
class's recent posts, posting, taking a post down."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.reports.discussion import PostView, activity_thread, class_discussion
from learnloop.services.discussion import hide_post, post_message
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["discussion"])


class PostOut(BaseModel):
    id: int
    activity: str
    author: str
    by_educator: bool
    body: str
    at: datetime
    can_hide: bool


class ThreadOut(BaseModel):
    class_id: int
    posts: list[PostOut]


class PostIn(BaseModel):
    body: str = Field(max_length=8000)


class ClassPostIn(PostIn):
    activity: str = Field(max_length=64)


class PostCreated(BaseModel):
    id: int


def _out(p: PostView) -> PostOut:
    return PostOut(
        id=p.id, activity=p.activity_key, author=p.author, by_educator=p.by_educator,
        body=p.body, at=p.at, can_hide=p.can_hide,
    )  # fmt: skip


@router.get("/me/discussion/{activity}", response_model=ThreadOut)
def my_thread(activity: str, platform: PlatformDep, viewer: ApiViewer) -> ThreadOut:
    t = activity_thread(platform.db, viewer, activity)
    return ThreadOut(class_id=t.class_id, posts=[_out(p) for p in t.posts])


@router.post("/me/discussion/{activity}", response_model=PostCreated, status_code=201)
def post_mine(activity: str, body: PostIn, platform: PlatformDep, viewer: ApiViewer) -> PostCreated:
    return PostCreated(id=post_message(platform.db, viewer, activity_key=activity, body=body.body))


@router.get("/classes/{class_id}/discussion", response_model=ThreadOut)
def class_thread(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> ThreadOut:
    t = class_discussion(platform.db, viewer, class_id)
    return ThreadOut(class_id=t.class_id, posts=[_out(p) for p in t.posts])


@router.post("/classes/{class_id}/discussion", response_model=PostCreated, status_code=201)
def post_in_class(
    class_id: int, body: ClassPostIn, platform: PlatformDep, viewer: ApiViewer
) -> PostCreated:
    post_id = post_message(
        platform.db, viewer, activity_key=body.activity, body=body.body, class_id=class_id
    )
    return PostCreated(id=post_id)


@router.post("/discussion/posts/{post_id}/hide", status_code=204)
def hide(post_id: int, platform: PlatformDep, viewer: ApiViewer) -> None:
    hide_post(platform.db, viewer, post_id)
