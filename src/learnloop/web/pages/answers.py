"""The educator's withdrawing of a learner's answer, and putting one back, from the learner page
(web.pages.teach): services.answer_withdrawal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from learnloop.exceptions import InvalidInput
from learnloop.services.answer_withdrawal import restore_answer, withdraw_answer
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.teach import learner_page
from learnloop.web.rendering import redirect, said

router = APIRouter(prefix="/teach")


@router.post(
    "/classes/{class_id}/learners/{learner_id}/answers/{attempt_id}/withdraw",
    dependencies=[CsrfChecked],
)
def withdraw(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    learner_id: int,
    attempt_id: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        withdraw_answer(
            platform.db, viewer, class_id=class_id, learner_id=learner_id, attempt_id=attempt_id,
            reason=reason, public_url=platform.settings.public_url,
        )  # fmt: skip
    except InvalidInput as exc:
        return learner_page(
            request, platform, viewer, class_id, learner_id,
            withdraw_error=(attempt_id, said(request, platform, exc)), status=400,
        )  # fmt: skip
    return redirect(f"/teach/classes/{class_id}/learners/{learner_id}?withdrawn=1#withdrawn")


@router.post(
    "/classes/{class_id}/learners/{learner_id}/answers/{attempt_id}/restore",
    dependencies=[CsrfChecked],
)
def restore(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    learner_id: int,
    attempt_id: int,
) -> Response:
    try:
        restore_answer(
            platform.db, viewer, class_id=class_id, learner_id=learner_id, attempt_id=attempt_id,
            public_url=platform.settings.public_url,
        )  # fmt: skip
    except InvalidInput as exc:
        return learner_page(
            request, platform, viewer, class_id, learner_id,
            withdraw_error=(0, said(request, platform, exc)), status=400,
        )  # fmt: skip
    return redirect(f"/teach/classes/{class_id}/learners/{learner_id}?restored=1#withdrawn")
