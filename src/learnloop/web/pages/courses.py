"""A learner's courses: every course they may follow, with how far they are and what waits in
each (reports.learner_courses), and the switch to another (services.onboarding.choose_course).
A course they have not started asks their goal in it first (onboarding).

``/learn/courses/{id}/activities/{key}`` is the address of an activity in a given course, for
links that outlive the learner's choice of course (calendar events, reminders): it opens the
activity when the learner follows that course, and otherwise offers the switch, never making
it on a GET."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.exceptions import NotFound
from learnloop.reports.learner_courses import my_courses
from learnloop.services.onboarding import choose_course
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.rendering import redirect, render

router = APIRouter(prefix="/learn/courses")


@router.get("", response_class=HTMLResponse)
def courses_page(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    context = {"courses": my_courses(platform.db, viewer)}
    return render(request, platform, "learn/courses.html", context, viewer=viewer)


# Where a switch may lead on: an activity of the course switched to, nowhere else (no open redirect).
_NEXT = re.compile(r"/learn/activities/[A-Za-z0-9_-]{1,64}")


@router.post("/{course_id}", dependencies=[CsrfChecked])
def follow(
    platform: PlatformDep,
    viewer: PageViewer,
    course_id: int,
    next_page: Annotated[str, Form(alias="next", max_length=100)] = "",
) -> Response:
    followed = choose_course(platform.db, viewer, course_id)
    if not followed.started:
        return redirect("/learn/onboarding")
    return redirect(next_page if _NEXT.fullmatch(next_page) else "/learn")


@router.get("/{course_id}/activities/{key}", response_class=HTMLResponse)
def activity_in_course(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    course_id: int,
    key: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
) -> Response:
    choices = {c.course_id: c for c in my_courses(platform.db, viewer)}
    choice = choices.get(course_id)
    if choice is None:
        raise NotFound("course %(course_id)s is not one of yours", course_id=course_id)
    if choice.current:
        return redirect(f"/learn/activities/{key}")
    context = {"course": choice, "next": f"/learn/activities/{key}"}
    return render(request, platform, "learn/other_course.html", context, viewer=viewer)
