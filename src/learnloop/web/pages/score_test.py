"""The learner's score test page: start the test, answer its questions one by one, see the
scores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.exceptions import InvalidInput
from learnloop.reports.score_views import score_page
from learnloop.services.score_tests import answer_score_test, start_score_test
from learnloop.web.deps import CsrfChecked, FormAnswer, PageViewer, PlatformDep
from learnloop.web.rendering import redirect, render, said

router = APIRouter(prefix="/learn/score-test")
_TEMPLATE = "learn/score_test.html"


@router.get("", response_class=HTMLResponse)
def score_test_view(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    page = score_page(platform.db, viewer, datetime.now(UTC))
    return render(request, platform, _TEMPLATE, {"page": page, "error": None}, viewer=viewer)


@router.post("/start", dependencies=[CsrfChecked])
def score_test_start(platform: PlatformDep, viewer: PageViewer) -> Response:
    start_score_test(platform.db, viewer)
    return redirect("/learn/score-test")


@router.post("/answer", dependencies=[CsrfChecked])
def score_test_answer(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    response: FormAnswer,
    item: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        answer_score_test(platform.db, viewer, item_key=item, response=response)
    except InvalidInput as exc:
        page = score_page(platform.db, viewer, datetime.now(UTC))
        context = {"page": page, "error": said(request, platform, exc)}
        return render(request, platform, _TEMPLATE, context, viewer=viewer, status_code=400)
    return redirect("/learn/score-test")
