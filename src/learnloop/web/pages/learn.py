"""The learner's pages: onboarding, home, activities with their items, progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.domain import Modality
from learnloop.domain.item_reports import MAX_REPORT_COMMENT
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.reports.class_groups import my_groups
from learnloop.reports.discussion import Thread, activity_thread
from learnloop.reports.item_reports import new_answers
from learnloop.reports.join_codes import my_class_name
from learnloop.reports.learner_courses import waiting_elsewhere
from learnloop.reports.learner_views import (
    activity_view,
    learner_home,
    progress_map,
)
from learnloop.reports.mastery_overrides import overrides_for
from learnloop.reports.onboarding_views import onboarding_options
from learnloop.reports.projects import learner_work, reviewed_work_of_mine
from learnloop.reports.reflections import reflections_for
from learnloop.reports.review_views import placement_page, review_queue
from learnloop.reports.withdrawn_answers import withdrawn_for
from learnloop.services.assignments import mark_done
from learnloop.services.discussion import MAX_POST_LENGTH, post_message
from learnloop.services.item_reports import mark_answers_seen, report_item
from learnloop.services.learning import record_attempt
from learnloop.services.messages import MAX_FEEDBACK_LENGTH, mark_read, reply_to_feedback
from learnloop.services.onboarding import complete_onboarding
from learnloop.services.placement import answer_placement, start_placement
from learnloop.services.projects import MAX_WORK_LENGTH, submit_work
from learnloop.services.reflections import (
    MAX_REFLECTION_PART,
    delete_reflection,
    set_sharing,
    write_reflection,
)
from learnloop.web.charts import progress_map_svg
from learnloop.web.deps import CsrfChecked, FormAnswer, PageViewer, PlatformDep
from learnloop.web.rendering import redirect, render, said, wording_for
from learnloop.web.vocabulary import MODALITY_LABELS

router = APIRouter(prefix="/learn")


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    joined: int | None = None,
    replied: int | None = None,
) -> Response:
    """The learner's home; ``joined`` names a class they just joined (web.pages.join),
    ``replied`` says a reply went."""
    return _home(request, platform, viewer, joined=joined, replied=bool(replied))


def _home(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    *,
    joined: int | None = None,
    replied: bool = False,
    reply_error: tuple[int, str] | None = None,
) -> Response:
    try:
        data = learner_home(
            platform.db, viewer, platform.settings.pedagogy, words=wording_for(request, platform)
        )
    except NotFound:
        return redirect("/learn/onboarding")
    if not data.onboarded:
        return redirect("/learn/onboarding")
    mark_read(platform.db, viewer, data.new_messages)  # seen now; this page still shows them new
    answers = new_answers(platform.db, viewer)
    mark_answers_seen(platform.db, viewer, [r.id for r in answers])  # the same: seen now
    return render(
        request,
        platform,
        "learn/home.html",
        {
            "home": data,
            "work": reviewed_work_of_mine(platform.db, viewer),
            "groups": my_groups(platform.db, viewer),
            "joined": my_class_name(platform.db, viewer, joined) if joined else None,
            "replied": replied,
            "reply_error": reply_error,
            "reply_max": MAX_FEEDBACK_LENGTH,
            "elsewhere": waiting_elsewhere(data.courses),
            "answers": answers,
        },
        viewer=viewer,
        status_code=400 if reply_error else 200,
    )


@router.post("/messages/{message_id}/reply", dependencies=[CsrfChecked])
def reply(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    message_id: int,
    body: Annotated[str, Form(max_length=2 * MAX_FEEDBACK_LENGTH)] = "",
) -> Response:
    try:
        reply_to_feedback(platform.db, viewer, message_id=message_id, body=body)
    except InvalidInput as exc:
        return _home(
            request, platform, viewer, reply_error=(message_id, said(request, platform, exc))
        )
    return redirect("/learn?replied=1#messages")


@router.get("/onboarding", response_class=HTMLResponse)
def onboarding_page(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    options = onboarding_options(platform.db, viewer)
    context = {
        "options": options,
        "modalities": [(m.value, MODALITY_LABELS[m.value]) for m in Modality],
        "error": None,
    }
    return render(request, platform, "learn/onboarding.html", context, viewer=viewer)


@router.post("/onboarding", dependencies=[CsrfChecked])
def onboarding(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    course_id: Annotated[int | None, Form()] = None,
    goal_objective: Annotated[str, Form(max_length=64)] = "",
    goal_date: Annotated[str, Form(max_length=10)] = "",
    interests: Annotated[str, Form(max_length=1000)] = "",
    interest_topics: Annotated[list[str] | None, Form()] = None,
    modalities: Annotated[list[str] | None, Form()] = None,
    placement: Annotated[str, Form(max_length=3)] = "",
    weekly_minutes: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        try:
            when = date.fromisoformat(goal_date) if goal_date else None
        except ValueError:
            raise InvalidInput("goal_date", "use a date like 2027-03-31") from None
        minutes = weekly_minutes.strip()
        if minutes and not minutes.isdigit():
            raise InvalidInput("weekly_minutes", "give the minutes as a whole number, like 90")
        complete_onboarding(
            platform.db,
            viewer,
            course_id=course_id,
            goal_objective=goal_objective or None,
            goal_date=when,
            # the topics ticked, then what the learner wrote: one text, as the API takes it
            interests=", ".join(p for p in (*(interest_topics or []), interests.strip()) if p),
            preferred_modalities=modalities or [],
            weekly_minutes=int(minutes) if minutes else None,
        )
    except InvalidInput as exc:
        options = onboarding_options(platform.db, viewer)
        context = {
            "options": options,
            "modalities": [(m.value, MODALITY_LABELS[m.value]) for m in Modality],
            "error": said(request, platform, exc),
        }
        return render(
            request, platform, "learn/onboarding.html", context, viewer=viewer, status_code=400
        )
    if placement == "yes" and onboarding_options(platform.db, viewer).placement_offered:
        start_placement(platform.db, viewer)
        return redirect("/learn/placement")
    return redirect("/learn")


@router.get("/placement", response_class=HTMLResponse)
def placement_view(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    page = placement_page(platform.db, viewer)
    context = {"page": page, "error": None}
    return render(request, platform, "learn/placement.html", context, viewer=viewer)


@router.post("/placement/start", dependencies=[CsrfChecked])
def placement_start(platform: PlatformDep, viewer: PageViewer) -> Response:
    start_placement(platform.db, viewer)
    return redirect("/learn/placement")


@router.post("/placement/answer", dependencies=[CsrfChecked])
def placement_answer(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    response: FormAnswer,
    item: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        answer_placement(
            platform.db,
            viewer,
            item_key=item,
            response=response,
        )
    except InvalidInput as exc:
        page = placement_page(platform.db, viewer)
        context = {"page": page, "error": said(request, platform, exc)}
        return render(
            request, platform, "learn/placement.html", context, viewer=viewer, status_code=400
        )
    return redirect("/learn/placement")


@router.get("/reviews", response_class=HTMLResponse)
def reviews(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    entries = review_queue(platform.db, viewer)
    return render(request, platform, "learn/reviews.html", {"entries": entries}, viewer=viewer)


def _activity_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    key: str,
    errors: dict[str, str],
    status: int,
) -> Response:
    view = activity_view(platform.db, viewer, key)
    try:
        thread: Thread | None = activity_thread(platform.db, viewer, key)
        work = learner_work(platform.db, viewer, key) if view.activity.takes_work else None
    except NotFound:  # not in a class: no discussion to join, nobody to hand work to
        thread, work = None, None
    groups = (  # the groups work can be handed in for: only asked where work is handed in
        [g for g in my_groups(platform.db, viewer) if g.class_id == thread.class_id]
        if thread is not None and work is not None
        else []
    )
    new = [r.id for r in view.reports.values() if r.answer_new]
    if new:  # an answer to a report, read under its question
        mark_answers_seen(platform.db, viewer, new)
    context = {
        "view": view, "errors": errors, "thread": thread,
        "max_post": MAX_POST_LENGTH, "work": work, "max_work": MAX_WORK_LENGTH, "groups": groups,
    }  # fmt: skip
    return render(
        request, platform, "learn/activity.html", context, viewer=viewer, status_code=status
    )


@router.get("/activities/{key}", response_class=HTMLResponse)
def activity(request: Request, platform: PlatformDep, viewer: PageViewer, key: str) -> Response:
    return _activity_page(request, platform, viewer, key, {}, 200)


@router.post("/activities/{key}/items/{item}", dependencies=[CsrfChecked])
def answer(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    key: str,
    item: str,
    response: FormAnswer,
) -> Response:
    try:
        record_attempt(
            platform.db,
            viewer,
            activity_key=key,
            item_key=item,
            response=response,
            public_url=platform.settings.public_url,
        )
    except InvalidInput as exc:
        return _activity_page(
            request, platform, viewer, key, {item: said(request, platform, exc)}, 400
        )
    return redirect(f"/learn/activities/{key}#item-{item}")


def _report_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    key: str,
    item: str,
    *,
    sent: tuple[str, str, str] | None = None,
) -> Response:
    """The form that reports a problem with one question; ``sent``: the kind, the comment and
    why the form sent was refused."""
    view = activity_view(platform.db, viewer, key)
    found = [(n, i) for n, (i, _) in enumerate(view.items, start=1) if i.key == item]
    if not found:
        raise NotFound("the activity has no question %(item)s", item=repr(item))
    number, question = found[0]
    kind, comment, error = sent or ("", None, "")
    context = {"view": view, "item": question, "number": number, "rep": view.reports.get(item),
               "kind": kind, "comment": comment, "error": error}  # fmt: skip
    return render(
        request, platform, "learn/report_item.html", context, viewer=viewer,
        status_code=400 if error else 200,
    )  # fmt: skip


@router.get("/activities/{key}/items/{item}/report", response_class=HTMLResponse)
def report_form(
    request: Request, platform: PlatformDep, viewer: PageViewer, key: str, item: str
) -> Response:
    return _report_page(request, platform, viewer, key, item)


@router.post("/activities/{key}/items/{item}/report", dependencies=[CsrfChecked])
def report(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    key: str,
    item: str,
    kind: Annotated[str, Form(max_length=16)] = "",
    comment: Annotated[str, Form(max_length=4 * MAX_REPORT_COMMENT)] = "",
) -> Response:
    """The learner's report of a problem with the question: it then shows under the question."""
    try:
        report_item(
            platform.db, viewer, activity_key=key, item_key=item, kind=kind, comment=comment
        )
    except InvalidInput as exc:
        sent = (kind, comment, said(request, platform, exc))
        return _report_page(request, platform, viewer, key, item, sent=sent)
    return redirect(f"/learn/activities/{key}#item-{item}")


@router.post("/activities/{key}/discussion", dependencies=[CsrfChecked])
def discuss(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    key: str,
    body: Annotated[str, Form(max_length=8000)] = "",
) -> Response:
    try:
        post_message(platform.db, viewer, activity_key=key, body=body)
    except InvalidInput as exc:
        return _activity_page(
            request, platform, viewer, key, {"discussion": said(request, platform, exc)}, 400
        )
    return redirect(f"/learn/activities/{key}#discussion")


@router.post("/activities/{key}/work", dependencies=[CsrfChecked])
def hand_in(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    key: str,
    body: Annotated[str, Form(max_length=4 * MAX_WORK_LENGTH)] = "",
    group_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        if group_id and not group_id.isdigit():
            raise InvalidInput("group_id", "choose one of your groups")
        group = int(group_id) if group_id else None
        submit_work(platform.db, viewer, activity_key=key, body=body, group_id=group)
    except InvalidInput as exc:
        return _activity_page(
            request, platform, viewer, key, {"work": said(request, platform, exc)}, 400
        )
    return redirect(f"/learn/activities/{key}#work")


@router.post("/assignments/{assignment_id}/done", dependencies=[CsrfChecked])
def assignment_done(platform: PlatformDep, viewer: PageViewer, assignment_id: int) -> Response:
    mark_done(platform.db, viewer, assignment_id)
    return redirect("/learn")


def _progress_page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    course, objectives = progress_map(platform.db, viewer, viewer.user_id)
    words = wording_for(request, platform)
    chart = progress_map_svg(
        objectives, title=words("Your progress in %(course)s", course=course.title), words=words
    )
    context = {
        "course": course,
        "objectives": objectives,
        "chart": chart,
        "overrides": overrides_for(platform.db, viewer, viewer.user_id),
        "withdrawn": withdrawn_for(platform.db, viewer, viewer.user_id),
        "reflections": reflections_for(platform.db, viewer, viewer.user_id),
        "reflection_error": error,
        "max_part": MAX_REFLECTION_PART,
    }
    return render(
        request, platform, "learn/progress.html", context, viewer=viewer, status_code=status
    )


@router.get("/progress", response_class=HTMLResponse)
def progress(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    return _progress_page(request, platform, viewer)


@router.post("/reflections", dependencies=[CsrfChecked])
def reflect(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    objective: Annotated[str, Form(max_length=64)] = "",
    went_well: Annotated[str, Form(max_length=4 * MAX_REFLECTION_PART)] = "",
    still_hard: Annotated[str, Form(max_length=4 * MAX_REFLECTION_PART)] = "",
    next_step: Annotated[str, Form(max_length=4 * MAX_REFLECTION_PART)] = "",
    shared: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    try:
        write_reflection(
            platform.db, viewer, objective=objective, went_well=went_well, still_hard=still_hard,
            next_step=next_step, shared=bool(shared),
        )  # fmt: skip
    except InvalidInput as exc:
        return _progress_page(
            request, platform, viewer, error=said(request, platform, exc), status=400
        )
    return redirect("/learn/progress#reflections")


@router.post("/reflections/{reflection_id}/sharing", dependencies=[CsrfChecked])
def reflection_sharing(
    platform: PlatformDep,
    viewer: PageViewer,
    reflection_id: int,
    shared: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    set_sharing(platform.db, viewer, reflection_id, shared=bool(shared))
    return redirect(f"/learn/progress#reflection-{reflection_id}")


@router.post("/reflections/{reflection_id}/delete", dependencies=[CsrfChecked])
def reflection_delete(platform: PlatformDep, viewer: PageViewer, reflection_id: int) -> Response:
    delete_reflection(platform.db, viewer, reflection_id)
    return redirect("/learn/progress#reflections")
