"""Answering learners' reports of a problem with a question (services.item_reports), one report
or every open one on a question: from the class's items page (an educator) or the course's page
(an admin). The learner's own form is web.pages.learn's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from learnloop.domain import Role, Viewer
from learnloop.domain.item_reports import MAX_REPORT_REPLY
from learnloop.exceptions import InvalidInput
from learnloop.services.item_reports import resolve_item_report, resolve_reports_on_item
from learnloop.storage.access import require_role
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.admin_courses import course_page
from learnloop.web.pages.teach import items_page
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, said

router = APIRouter()

Reply = Annotated[str, Form(max_length=4 * MAX_REPORT_REPLY)]
ItemKey = Annotated[str, Form(max_length=64)]
Slug = Annotated[str, Path(max_length=64)]


def _in_class(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    class_id: int,
    shown_at: int,
    answer: Callable[[], object],
) -> Response:
    """Answer from the class's items page: the page again with why not (under the report
    ``shown_at``, 0 above them all) when refused."""
    try:
        answer()
    except InvalidInput as exc:
        return items_page(
            request, platform, viewer, class_id,
            report_error=(shown_at, said(request, platform, exc)), status=400,
        )  # fmt: skip
    return redirect(f"/teach/classes/{class_id}/items#reports")


def _in_course(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    slug: str,
    shown_at: int,
    answer: Callable[[], object],
) -> Response:
    """The same from the course's admin page (an admin's: educators answer from their class)."""
    require_role(viewer, Role.ADMIN)
    try:
        answer()
    except InvalidInput as exc:
        return course_page(
            request, platform, viewer, slug,
            {"report_error": (shown_at, said(request, platform, exc))}, status=400,
        )  # fmt: skip
    return redirect(f"/admin/courses/{slug}#reports")


@router.post(
    "/teach/classes/{class_id}/item-reports/{report_id}/resolve", dependencies=[CsrfChecked]
)
def resolve_in_class(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    report_id: int,
    reply: Reply = "",
) -> Response:
    return _in_class(
        request, platform, viewer, class_id, report_id,
        lambda: resolve_item_report(platform.db, viewer, report_id, reply=reply, class_id=class_id),
    )  # fmt: skip


@router.post("/teach/classes/{class_id}/item-reports/answer-item", dependencies=[CsrfChecked])
def answer_item_in_class(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    item: ItemKey = "",
    reply: Reply = "",
) -> Response:
    """Answer every open report of the class's learners on one question at once."""
    return _in_class(
        request, platform, viewer, class_id, 0,
        lambda: resolve_reports_on_item(
            platform.db, viewer, item_key=item, reply=reply, class_id=class_id
        ),
    )  # fmt: skip


@router.post("/admin/courses/{slug}/item-reports/{report_id}/resolve", dependencies=[CsrfChecked])
def resolve_in_course(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Slug,
    report_id: int,
    reply: Reply = "",
) -> Response:
    return _in_course(
        request, platform, viewer, slug, report_id,
        lambda: resolve_item_report(platform.db, viewer, report_id, reply=reply),
    )  # fmt: skip


@router.post("/admin/courses/{slug}/item-reports/answer-item", dependencies=[CsrfChecked])
def answer_item_in_course(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Slug,
    item: ItemKey = "",
    reply: Reply = "",
) -> Response:
    """Answer every open report on one question of the course at once."""
    return _in_course(
        request, platform, viewer, slug, 0,
        lambda: resolve_reports_on_item(
            platform.db, viewer, item_key=item, reply=reply, course_slug=slug
        ),
    )  # fmt: skip
