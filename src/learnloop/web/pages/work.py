"""The educator's pages for handed-in work: the class's work waiting for feedback, and one piece
of work with its rubric to fill in (services.projects)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.exceptions import InvalidInput
from learnloop.reports.projects import class_work, submission_for_review
from learnloop.services.projects import MAX_COMMENT_LENGTH, review_submission
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.rendering import redirect, render, said

router = APIRouter(prefix="/teach")

LEVEL_FIELD = "level-"  # the form field of a criterion: level-<criterion key>, its level index


@router.get("/classes/{class_id}/work", response_class=HTMLResponse)
def work(request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    data = class_work(platform.db, viewer, class_id)
    return render(request, platform, "teach/work.html", {"w": data}, viewer=viewer)


def _review_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    submission_id: int,
    *,
    error: str | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    this, rubric, others = submission_for_review(platform.db, viewer, submission_id)
    context = {
        "s": this, "rubric": rubric, "others": others, "error": error, "saved": saved,
        "max_comment": MAX_COMMENT_LENGTH, "field": LEVEL_FIELD,
    }  # fmt: skip
    return render(
        request, platform, "teach/review.html", context, viewer=viewer, status_code=status
    )


@router.get("/work/{submission_id}", response_class=HTMLResponse)
def submission(
    request: Request, platform: PlatformDep, viewer: PageViewer, submission_id: int, saved: int = 0
) -> Response:
    return _review_page(request, platform, viewer, submission_id, saved=bool(saved))


@router.post("/work/{submission_id}/review", dependencies=[CsrfChecked])
async def review(
    request: Request, platform: PlatformDep, viewer: PageViewer, submission_id: int
) -> Response:
    form = await request.form()
    comment = form.get("comment", "")
    levels: dict[str, int] = {}
    try:
        for name, value in form.multi_items():
            if name.startswith(LEVEL_FIELD) and isinstance(value, str):
                key = name[len(LEVEL_FIELD) :]
                if not value.strip().isdigit():
                    raise InvalidInput(f"levels.{key}", "choose one of the levels")
                levels[key] = int(value)
        if not isinstance(comment, str):
            raise InvalidInput("comment", "must be text")
        review_submission(platform.db, viewer, submission_id, levels=levels, comment=comment)
    except InvalidInput as exc:
        return _review_page(
            request, platform, viewer, submission_id, error=said(request, platform, exc), status=400
        )
    return redirect(f"/teach/work/{submission_id}?saved=1")
