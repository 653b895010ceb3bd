"""An educator's message to several learners of a class at once (a group formed or suggested,
from the groups page; those who have not done an assignment, from the class's assignments page):
services.messages, one message to each, so that each can reply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from learnloop.exceptions import InvalidInput
from learnloop.services.messages import MAX_FEEDBACK_LENGTH, send_feedback_to_learners
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.assignments import assignments_page
from learnloop.web.pages.teach import class_page, groups_page
from learnloop.web.rendering import redirect, said

router = APIRouter(prefix="/teach")


@router.post("/classes/{class_id}/messages", dependencies=[CsrfChecked])
def message_learners(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    body: Annotated[str, Form(max_length=2 * MAX_FEEDBACK_LENGTH)] = "",
    learner_id: Annotated[list[int] | None, Form()] = None,
    back: Annotated[str, Form(max_length=16)] = "groups",
    act: Annotated[int, Form()] = 0,
) -> Response:
    """From the groups page (a group), from the class's assignments page (``back``: those who
    have not done the act of assigning ``act``), or from the class page (``back``: class, those
    who have gone quiet)."""
    try:
        sent = send_feedback_to_learners(
            platform.db, viewer, class_id=class_id, learner_ids=learner_id or [], body=body
        )
    except InvalidInput as exc:
        if back == "class":
            extra = {"message_error": said(request, platform, exc), "message_body": body}
            return class_page(request, platform, viewer, class_id, extra=extra, status=400)
        if back == "assignments":
            return assignments_page(
                request, platform, viewer, class_id, error=said(request, platform, exc),
                error_for=act, error_field="body" if exc.field == "body" else "message",
                status=400,
            )  # fmt: skip
        return groups_page(
            request, platform, viewer, class_id, error=said(request, platform, exc), status=400
        )
    if back == "class":
        return redirect(f"/teach/classes/{class_id}?messaged={len(sent)}#quiet")
    if back == "assignments":
        return redirect(f"/teach/classes/{class_id}/assignments?messaged={len(sent)}")
    return redirect(f"/teach/classes/{class_id}/groups?messaged={len(sent)}")
