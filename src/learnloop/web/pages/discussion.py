"""Taking a discussion post down: one route for its author, the class's educators and admins."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from learnloop.domain import Role
from learnloop.services.discussion import hide_post
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.rendering import redirect

router = APIRouter(prefix="/discussion")


@router.post("/posts/{post_id}/hide", dependencies=[CsrfChecked])
def hide(platform: PlatformDep, viewer: PageViewer, post_id: int) -> Response:
    class_id, activity_key = hide_post(platform.db, viewer, post_id)
    if viewer.role is Role.LEARNER:
        return redirect(f"/learn/activities/{activity_key}#discussion")
    return redirect(f"/teach/classes/{class_id}/discussion")
