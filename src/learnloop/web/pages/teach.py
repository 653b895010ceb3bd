"""The educator's pages: classes, a class overview, a learner in detail, feedback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput
from learnloop.reports.assignments import assignments_of_learner
from learnloop.reports.class_exports import (
    class_answers_table,
    class_items_table,
    class_mastery_table,
)
from learnloop.reports.class_glance import class_glance
from learnloop.reports.class_groups import class_groups, class_learners
from learnloop.reports.class_messages import latest_replies
from learnloop.reports.class_views import (
    class_ended_at,
    class_overview,
    classes_for,
    learner_detail,
)
from learnloop.reports.discussion import class_discussion
from learnloop.reports.item_analysis import item_analysis
from learnloop.reports.item_reports import (
    class_item_reports,
    open_reports_by_item,
    open_reports_in_class,
)
from learnloop.reports.join_codes import class_join_code
from learnloop.reports.learner_views import progress_map
from learnloop.reports.learning_curves import CURVE_NAMES, class_learning_curves
from learnloop.reports.mastery_overrides import overrides_for
from learnloop.reports.projects import work_of_learner
from learnloop.reports.reflections import reflections_for
from learnloop.reports.support_groups import support_groups
from learnloop.reports.withdrawn_answers import withdrawn_for
from learnloop.services.answer_withdrawal import MAX_WITHDRAW_REASON
from learnloop.services.assignments import MAX_NOTE_LENGTH
from learnloop.services.class_codes import DEFAULT_CODE_DAYS, MAX_CODE_DAYS
from learnloop.services.class_downloads import record_class_download
from learnloop.services.class_groups import MAX_GROUP_MEMBERS, disband_group, form_group
from learnloop.services.discussion import MAX_POST_LENGTH, post_message
from learnloop.services.mastery_overrides import MAX_REASON_LENGTH, override_mastery
from learnloop.services.messages import MAX_FEEDBACK_LENGTH, mark_read, send_feedback
from learnloop.web.charts import curve_svg, heatmap_svg, progress_map_svg, sparkline_svg
from learnloop.web.csv_download import csv_download
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, render, said, wording_for

router = APIRouter(prefix="/teach")


@router.get("", response_class=HTMLResponse)
def classes(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    """The classes taught, each with what needs the educator there (reports.class_glance), then
    those that have ended, the latest ended first, without it. An admin's list (every class of
    the platform) leaves the glance out, to stay light at any size."""
    found = classes_for(platform.db, viewer)
    taught = [c for c in found if c.ended_at is None]
    today = datetime.now(UTC).date()
    pedagogy = platform.settings.pedagogy
    glances = (
        {}
        if viewer.is_admin
        else {c.id: class_glance(platform.db, viewer, c.id, pedagogy, today) for c in taught}
    )
    ended = sorted((c for c in found if c.ended_at is not None),
                   key=lambda c: (c.ended_at, c.id), reverse=True)  # fmt: skip
    context = {"classes": taught, "glances": glances, "ended": ended}
    return render(request, platform, "teach/classes.html", context, viewer=viewer)


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def overview(
    request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int, messaged: int = 0
) -> Response:
    """The class page (``messaged``: how many quiet learners were just written to)."""
    return class_page(request, platform, viewer, class_id, extra={"messaged": messaged})


def class_page(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    class_id: int,
    *,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The class page, with what a form on it answered in ``extra`` (``join_error``: opening
    joining was refused; ``message_error``: the message to the quiet learners was)."""
    data = class_overview(platform.db, viewer, class_id, platform.settings.pedagogy)
    context = {
        "o": data,
        "heatmap": heatmap_svg(data, words=wording_for(request, platform)),
        "join": class_join_code(platform.db, viewer, class_id),
        "replies": latest_replies(platform.db, viewer, class_id),
        "reported": open_reports_in_class(platform.db, viewer, class_id),
        "now": datetime.now(UTC),
        "public_url": platform.settings.public_url.rstrip("/"),
        "code_days": (DEFAULT_CODE_DAYS, MAX_CODE_DAYS),
        "max_message": MAX_FEEDBACK_LENGTH,
        **(extra or {}),
    }
    return render(request, platform, "teach/class.html", context, viewer=viewer, status_code=status)


@router.get("/classes/{class_id}/mastery.csv")
def mastery_csv(platform: PlatformDep, viewer: PageViewer, class_id: int) -> StreamingResponse:
    table = class_mastery_table(platform.db, viewer, class_id, platform.settings.pedagogy)
    record_class_download(platform.db, viewer, class_id=class_id, file="mastery")
    return csv_download(table, datetime.now(UTC).date())


@router.get("/classes/{class_id}/answers.csv")
def answers_csv(platform: PlatformDep, viewer: PageViewer, class_id: int) -> StreamingResponse:
    table = class_answers_table(platform.db, viewer, class_id)  # who may: checked here
    record_class_download(platform.db, viewer, class_id=class_id, file="answers")
    return csv_download(table, datetime.now(UTC).date())


@router.get("/classes/{class_id}/items.csv")
def items_csv(platform: PlatformDep, viewer: PageViewer, class_id: int) -> StreamingResponse:
    table = class_items_table(platform.db, viewer, class_id, platform.settings.pedagogy)
    record_class_download(platform.db, viewer, class_id=class_id, file="items")
    return csv_download(table, datetime.now(UTC).date())


def items_page(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    class_id: int,
    *,
    report_error: tuple[int, str] | None = None,
    status: int = 200,
) -> Response:
    """The class's item analysis, with the questions its learners reported first."""
    data = item_analysis(
        platform.db, viewer, class_id, platform.settings.pedagogy,
        words=wording_for(request, platform),
    )  # fmt: skip
    context = {"a": data, "reports": class_item_reports(platform.db, viewer, class_id),
               "reported": open_reports_by_item(platform.db, viewer, class_id),
               "report_error": report_error}  # fmt: skip
    return render(request, platform, "teach/items.html", context, viewer=viewer, status_code=status)


@router.get("/classes/{class_id}/items", response_class=HTMLResponse)
def items(request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    return items_page(request, platform, viewer, class_id)


def groups_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    *,
    assigned: str = "",
    messaged: int = 0,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The groups page; also shown again, with the error, when a form on it was refused."""
    data = support_groups(
        platform.db, viewer, class_id, platform.settings.pedagogy,
        words=wording_for(request, platform),
    )  # fmt: skip
    activities = {
        key: [(a.key, a.title) for a in data.course.activities_for(key)]
        for key in data.course.objectives
    }
    context = {
        "g": data, "activities": activities, "assigned": assigned, "error": error,
        "messaged": messaged, "max_message": MAX_FEEDBACK_LENGTH,
        "max_note": MAX_NOTE_LENGTH, "formed": class_groups(platform.db, viewer, class_id),
        "ended_at": class_ended_at(platform.db, viewer, class_id),
        "learners": class_learners(platform.db, viewer, class_id), "max_members": MAX_GROUP_MEMBERS,
    }  # fmt: skip
    return render(
        request, platform, "teach/groups.html", context, viewer=viewer, status_code=status
    )


@router.post("/classes/{class_id}/groups/new", dependencies=[CsrfChecked])
def new_group(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    name: Annotated[str, Form(max_length=400)] = "",
    learner_id: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Form a group: by hand, or keeping a suggested group as it is."""
    try:
        form_group(platform.db, viewer, class_id=class_id, name=name, learner_ids=learner_id or [])
    except InvalidInput as exc:
        return groups_page(
            request, platform, viewer, class_id, error=said(request, platform, exc), status=400
        )
    return redirect(f"/teach/classes/{class_id}/groups#formed")


@router.post("/groups/{group_id}/disband", dependencies=[CsrfChecked])
def disband(platform: PlatformDep, viewer: PageViewer, group_id: int) -> Response:
    class_id = disband_group(platform.db, viewer, group_id)
    return redirect(f"/teach/classes/{class_id}/groups#formed")


@router.get("/classes/{class_id}/curves", response_class=HTMLResponse)
def curves(request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int) -> Response:
    data = class_learning_curves(platform.db, viewer, class_id, platform.settings.pedagogy)
    words = wording_for(request, platform)
    charts = {c.key: curve_svg(c, horizon=data.horizon, words=words) for c in data.curves}
    context = {"c": data, "charts": charts, "names": CURVE_NAMES}
    return render(request, platform, "teach/curves.html", context, viewer=viewer)


@router.get("/classes/{class_id}/groups", response_class=HTMLResponse)
def groups(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    assigned: str = "",
    messaged: int = 0,
) -> Response:
    return groups_page(
        request, platform, viewer, class_id, assigned=assigned[:300], messaged=messaged
    )


def _discussion_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    error: str | None = None,
    status: int = 200,
) -> Response:
    thread = class_discussion(platform.db, viewer, class_id)
    activities = [(a.key, a.title) for a in thread.course.activities.values()]
    context = {
        "t": thread, "activities": activities, "error": error, "max_post": MAX_POST_LENGTH,
    }  # fmt: skip
    return render(
        request, platform, "teach/discussion.html", context, viewer=viewer, status_code=status
    )


@router.get("/classes/{class_id}/discussion", response_class=HTMLResponse)
def discussion(
    request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int
) -> Response:
    return _discussion_page(request, platform, viewer, class_id)


@router.post("/classes/{class_id}/discussion", dependencies=[CsrfChecked])
def discussion_post(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    activity: Annotated[str, Form(max_length=64)] = "",
    body: Annotated[str, Form(max_length=8000)] = "",
) -> Response:
    try:
        post_message(platform.db, viewer, activity_key=activity, body=body, class_id=class_id)
    except InvalidInput as exc:
        return _discussion_page(
            request, platform, viewer, class_id, said(request, platform, exc), 400
        )
    return redirect(f"/teach/classes/{class_id}/discussion")


def learner_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    learner_id: int,
    *,
    error: str | None = None,
    sent: bool = False,
    override_error: str | None = None,
    overridden: bool = False,
    assign_error: str | None = None,
    assigned: bool = False,
    withdraw_error: tuple[int, str] | None = None,
    withdrew: bool = False,
    restored: bool = False,
    status: int = 200,
) -> Response:
    detail = learner_detail(platform.db, viewer, class_id, learner_id)
    mark_read(platform.db, viewer, [m.id for m in detail.feedback if m.new])  # shown new, once
    _, objectives = progress_map(platform.db, viewer, learner_id, class_id)
    threshold = platform.settings.pedagogy.mastery_threshold
    words = wording_for(request, platform)
    sparks = {
        key: sparkline_svg(
            detail.history.get(key, []), threshold=threshold, label=title, words=words
        )
        for key, title, *_ in detail.mastery
    }
    context = {
        "d": detail,
        "sparks": sparks,
        "chart": progress_map_svg(
            objectives,
            title=words("%(name)s's progress", name=detail.display_name),
            words=words,
        ),
        "error": error,
        "sent": sent,
        "overrides": overrides_for(platform.db, viewer, learner_id, class_id),
        "reflections": reflections_for(platform.db, viewer, learner_id, class_id),
        "work": work_of_learner(platform.db, viewer, class_id, learner_id),
        "override_error": override_error,
        "overridden": overridden,
        "max_reason": MAX_REASON_LENGTH,
        "assignments": assignments_of_learner(platform.db, viewer, class_id, learner_id),
        "ended_at": class_ended_at(platform.db, viewer, class_id),
        "assign_error": assign_error,
        "assigned": assigned,
        "max_note": MAX_NOTE_LENGTH,
        "withdrawn": withdrawn_for(platform.db, viewer, learner_id, class_id),
        "withdraw_error": withdraw_error,
        "withdrew": withdrew,
        "restored": restored,
        "max_withdraw": MAX_WITHDRAW_REASON,
    }
    return render(
        request, platform, "teach/learner.html", context, viewer=viewer, status_code=status
    )


@router.get("/classes/{class_id}/learners/{learner_id}", response_class=HTMLResponse)
def learner(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    learner_id: int,
    sent: int = 0,
    overridden: int = 0,
    assigned: int = 0,
    withdrawn: int = 0,
    restored: int = 0,
) -> Response:
    return learner_page(
        request, platform, viewer, class_id, learner_id, sent=bool(sent),
        overridden=bool(overridden), assigned=bool(assigned), withdrew=bool(withdrawn),
        restored=bool(restored),
    )  # fmt: skip


@router.post("/classes/{class_id}/learners/{learner_id}/mastery", dependencies=[CsrfChecked])
def mastery_override(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    learner_id: int,
    objective: Annotated[str, Form(max_length=64)] = "",
    action: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        override_mastery(
            platform.db, viewer, class_id=class_id, learner_id=learner_id, objective=objective,
            action=action, reason=reason,
        )  # fmt: skip
    except InvalidInput as exc:
        return learner_page(
            request,
            platform,
            viewer,
            class_id,
            learner_id,
            override_error=said(request, platform, exc),
            status=400,
        )
    return redirect(f"/teach/classes/{class_id}/learners/{learner_id}?overridden=1#override")


@router.post("/classes/{class_id}/learners/{learner_id}/feedback", dependencies=[CsrfChecked])
def feedback(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    learner_id: int,
    body: Annotated[str, Form(max_length=8000)] = "",
) -> Response:
    try:
        send_feedback(platform.db, viewer, class_id=class_id, learner_id=learner_id, body=body)
    except InvalidInput as exc:
        return learner_page(
            request,
            platform,
            viewer,
            class_id,
            learner_id,
            error=said(request, platform, exc),
            status=400,
        )
    return redirect(f"/teach/classes/{class_id}/learners/{learner_id}?sent=1")
