"""Assigning, and the class's assignments at a glance: the form on the groups page, on a
learner's page and on the assignments page for the whole class (services.assignments); a page
listing each act of assigning with who has done it, who has not, and what is overdue
(reports.assignments.class_assignments), where it is changed, withdrawn or a reminder sent; and an
activity with its answer key, to look at before assigning it (reports.activity_preview)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.exceptions import InvalidInput
from learnloop.reports.activity_preview import (
    activity_preview,
    class_activities,
    numeric_key,
)
from learnloop.reports.assignments import class_assignments
from learnloop.services.assignments import (
    MAX_DUE_DAYS,
    MAX_NOTE_LENGTH,
    assign_activity,
    change_due_day,
    withdraw_assignment,
)
from learnloop.services.messages import MAX_FEEDBACK_LENGTH
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.teach import groups_page, learner_page
from learnloop.web.rendering import redirect, render, said, wording_for

router = APIRouter(prefix="/teach")
# Learners named in an assignment's "not yet" cell before the rest fold away behind "and N more": a
# table group's worth, so that a year group of 200 does not turn one row into a page.
WAITING_SHOWN = 12


def due_day(text: str) -> date | None:
    """A form's due day (a date field sends YYYY-MM-DD; empty: none)."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("due_on", "give the day as YYYY-MM-DD") from None


@router.post("/classes/{class_id}/assign", dependencies=[CsrfChecked])
def assign(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    learner_id: Annotated[list[int] | None, Form()] = None,
    activity: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    due_on: Annotated[str, Form(max_length=32)] = "",
    back: Annotated[str, Form(max_length=16)] = "groups",
    everyone: Annotated[bool, Form()] = False,
    open_only: Annotated[bool, Form()] = False,
) -> Response:
    """Assign an activity to the learners named (a group, or one learner from their page), or
    to the whole class (``everyone``, from the class's assignments page: its learners now, and
    those who join it later)."""
    ids = [] if everyone else (learner_id or [])
    try:
        done = assign_activity(
            platform.db, viewer, class_id=class_id, learner_ids=ids, activity_key=activity,
            note=note, due_on=due_day(due_on), open_only=open_only, whole_class=everyone,
        )  # fmt: skip
    except InvalidInput as exc:
        if back == "assignments":
            return assignments_page(
                request, platform, viewer, class_id, error=said(request, platform, exc), status=400
            )
        if back == "learner" and len(ids) == 1:
            return learner_page(
                request,
                platform,
                viewer,
                class_id,
                ids[0],
                assign_error=said(request, platform, exc),
                status=400,
            )
        return groups_page(
            request, platform, viewer, class_id, error=said(request, platform, exc), status=400
        )
    if back == "assignments":
        return redirect(
            f"/teach/classes/{class_id}/assignments?assigned={len(done.assigned)}"
            f"&already={len(done.already)}&locked={len(done.locked)}"
        )
    names = ", ".join(done.assigned) or wording_for(request, platform)("nobody new")
    if back == "learner" and len(ids) == 1:
        return redirect(f"/teach/classes/{class_id}/learners/{ids[0]}?assigned=1#assign")
    return redirect(f"/teach/classes/{class_id}/groups?assigned={quote(names)}")


def assignments_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    *,
    flash: str = "",
    error: str = "",
    error_for: int = 0,
    error_field: str = "due_on",
    preselect: str = "",
    status: int = 200,
) -> Response:
    data = class_assignments(platform.db, viewer, class_id)
    today = datetime.now(UTC).date()
    overdue = sum(a.overdue(today) for a in data.assignments)
    context = {
        "c": data, "today": today, "overdue": overdue, "flash": flash, "error": error,
        "error_for": error_for, "max_due": today + timedelta(days=MAX_DUE_DAYS),
        "max_note": MAX_NOTE_LENGTH, "error_field": error_field, "max_message": MAX_FEEDBACK_LENGTH,
        "preselect": preselect, "waiting_shown": WAITING_SHOWN,
    }  # fmt: skip
    return render(
        request, platform, "teach/assignments.html", context, viewer=viewer, status_code=status
    )


@router.get("/classes/{class_id}/assignments", response_class=HTMLResponse)
def assignments(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    changed: int = 0,
    withdrawn: int = -1,
    kept: int = 0,
    assigned: int = -1,
    already: int = 0,
    messaged: int = 0,
    activity: str = "",
    locked: int = 0,
) -> Response:
    words = wording_for(request, platform)
    flash = ""
    if messaged > 0:
        flash = words.plural(
            "Message sent to %(num)s learner.", "Message sent to %(num)s learners.", messaged
        )
    elif assigned >= 0:
        flash = words.plural(
            "Assigned to %(num)s learner. They see it first on their home page.",
            "Assigned to %(num)s learners. They see it first on their home page.",
            assigned,
        )
        if locked > 0:
            flash += " " + words.plural(
                "It is still locked for %(num)s learner, who did not get it.",
                "It is still locked for %(num)s learners, who did not get it.",
                locked,
            )
        if already > 0:
            flash += " " + words.plural(
                "%(num)s learner already had it open and keeps it as it was.",
                "%(num)s learners already had it open and keep it as it was.",
                already,
            )
    elif changed:
        flash = words("The due day is changed for everyone it was assigned to.")
    elif withdrawn >= 0:
        flash = words.plural(
            "Withdrawn from %(num)s learner.", "Withdrawn from %(num)s learners.", withdrawn
        )
        if kept > 0:
            flash += " " + words.plural(
                "%(num)s learner who had done it keeps it as done.",
                "%(num)s learners who had done it keep it as done.",
                kept,
            )
    return assignments_page(
        request, platform, viewer, class_id, flash=flash, preselect=activity[:64]
    )


@router.get("/classes/{class_id}/activities", response_class=HTMLResponse)
def activities(
    request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int
) -> Response:
    """The course's activities, objective by objective, with who they are open for."""
    data = class_activities(platform.db, viewer, class_id)
    return render(request, platform, "teach/activities.html", {"c": data}, viewer=viewer)


@router.get("/classes/{class_id}/activities/{key}", response_class=HTMLResponse)
def activity(
    request: Request, platform: PlatformDep, viewer: PageViewer, class_id: int, key: str
) -> Response:
    """An activity with its answer key, before assigning it (reports.activity_preview)."""
    data = activity_preview(platform.db, viewer, class_id, key)
    context = {"p": data, "numeric_key": numeric_key}
    return render(request, platform, "teach/activity.html", context, viewer=viewer)


@router.post("/classes/{class_id}/assignments/{assignment_id}/due", dependencies=[CsrfChecked])
def change_due(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    assignment_id: int,
    due_on: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """A new due day for an act of assigning (empty: none)."""
    try:
        change_due_day(
            platform.db, viewer, class_id=class_id, assignment_id=assignment_id,
            due_on=due_day(due_on),
        )  # fmt: skip
    except InvalidInput as exc:
        return assignments_page(
            request, platform, viewer, class_id, error=said(request, platform, exc),
            error_for=assignment_id, status=400,
        )  # fmt: skip
    return redirect(f"/teach/classes/{class_id}/assignments?changed=1")


@router.post("/classes/{class_id}/assignments/{assignment_id}/withdraw", dependencies=[CsrfChecked])
def withdraw(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    assignment_id: int,
    learner_id: Annotated[list[int] | None, Form()] = None,
    choose: Annotated[bool, Form()] = False,
) -> Response:
    """Take an act of assigning back from those who have not done it, or from those ticked
    (``choose``: the form's boxes, so that none ticked is an error, never everyone)."""
    try:
        out = withdraw_assignment(
            platform.db, viewer, class_id=class_id, assignment_id=assignment_id,
            learner_ids=(learner_id or []) if choose else None,
        )  # fmt: skip
    except InvalidInput as exc:
        return assignments_page(
            request, platform, viewer, class_id, error=said(request, platform, exc),
            error_for=assignment_id, error_field=exc.field or "", status=400,
        )  # fmt: skip
    return redirect(
        f"/teach/classes/{class_id}/assignments?withdrawn={out.withdrawn}&kept={out.kept}"
    )
