"""Answering a learner's report of a problem with a question (services.item_reports): from the
class's items page (an educator) or the course's page (an admin). The learner's own form is on
the activity page (web.pages.learn)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from learnloop.domain import Role
from learnloop.domain.item_reports import MAX_REPORT_REPLY
from learnloop.exceptions import InvalidInput
from learnloop.services.item_reports import resolve_item_report, resolve_reports_on_item
from learnloop.storage.access import require_role
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.admin_courses import course_page
from learnloop.web.pages.teach import items_page
from learnloop.web.rendering import redirect, said

router = APIRouter()

Reply = Annotated[str, Form(max_length=4 * MAX_REPORT_REPLY)]


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
    try:
        resolve_item_report(platform.db, viewer, report_id, reply=reply, class_id=class_id)
    except InvalidInput as exc:
        return items_page(
            request, platform, viewer, class_id,
            report_error=(report_id, said(request, platform, exc)), status=400,
        )  # fmt: skip
    return redirect(f"/teach/classes/{class_id}/items#reports")


@router.post("/admin/courses/{slug}/item-reports/{report_id}/resolve", dependencies=[CsrfChecked])
def resolve_in_course(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Annotated[str, Path(max_length=64)],
    report_id: int,
    reply: Reply = "",
) -> Response:
    require_role(viewer, Role.ADMIN)  # educators answer from their class's items page
    try:
        resolve_item_report(platform.db, viewer, report_id, reply=reply)
    except InvalidInput as exc:
        return course_page(
            request, platform, viewer, slug,
            {"report_error": (report_id, said(request, platform, exc))}, status=400,
        )  # fmt: skip
    return redirect(f"/admin/courses/{slug}#reports")


ItemKey = Annotated[str, Form(max_length=64)]


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
    try:
        resolve_reports_on_item(platform.db, viewer, item_key=item, reply=reply, class_id=class_id)
    except InvalidInput as exc:
        return items_page(
            request, platform, viewer, class_id,
            report_error=(0, said(request, platform, exc)), status=400,
        )  # fmt: skip
    return redirect(f"/teach/classes/{class_id}/items#reports")


@router.post("/admin/courses/{slug}/item-reports/answer-item", dependencies=[CsrfChecked])
def answer_item_in_course(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    slug: Annotated[str, Path(max_length=64)],
    item: ItemKey = "",
    reply: Reply = "",
) -> Response:
    """Answer every open report on one question of the course at once."""
    try:
        resolve_reports_on_item(platform.db, viewer, item_key=item, reply=reply, course_slug=slug)
    except InvalidInput as exc:
        return course_page(
            request, platform, viewer, slug,
            {"report_error": (0, said(request, platform, exc))}, status=400,
        )  # fmt: skip
    return redirect(f"/admin/courses/{slug}#reports")
