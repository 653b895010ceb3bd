"""The learner's start and upkeep as JSON (the pages' twins): their profile (what onboarding
asks), the placement diagnostic, the review queue, and sharing or deleting a reflection."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from learnloop.reports.learner_courses import my_courses
from learnloop.reports.onboarding_views import onboarding_options
from learnloop.reports.review_views import placement_page, review_queue
from learnloop.services.onboarding import choose_course, complete_onboarding
from learnloop.services.placement import answer_placement, start_placement
from learnloop.services.reflections import delete_reflection, set_sharing
from learnloop.web.api.schemas import ItemOut, item_out
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/me", tags=["learner"])


class ProfileIn(BaseModel):
    course_id: int | None = None  # a course to follow; a class's course when left out
    goal_objective: str | None = Field(default=None, max_length=64)
    goal_date: date | None = None
    interests: str = Field(default="", max_length=1000)
    preferred_modalities: list[str] = Field(default_factory=list, max_length=10)
    weekly_minutes: int | None = None  # the time they can give a week (10 to 2400 minutes)


class ProfileOut(BaseModel):
    course_id: int | None
    courses: list[int]  # courses to choose from here (none when classes chose: see /me/courses)
    goal_objective: str | None
    goal_date: date | None
    interests: str
    preferred_modalities: list[str]
    placement_offered: bool
    weekly_minutes: int | None


class CourseOut(BaseModel):
    id: int
    title: str
    current: bool  # the course followed now
    started: bool  # the learner chose their goal in it (else following it asks that first)
    classes: list[str]  # the learner's classes on it
    mastered: int
    objectives: int
    open_assignments: int
    overdue: int
    reviews_due: int


class FollowIn(BaseModel):
    course_id: int


class FollowOut(BaseModel):
    course_id: int
    started: bool  # False: PUT /me/profile with the goal in it next


class ReviewOut(BaseModel):
    objective: str
    title: str
    status: str  # practice (a review failed) | due | later
    due: datetime
    recall: float  # predicted chance of recall now
    reviews: int
    lapses: int
    activity: str | None  # where to review it


class PlacementSummaryOut(BaseModel):
    started_at: datetime
    finished_at: datetime | None
    questions: int
    known: list[str]  # objective titles placed as known
    confident: bool


class PlacementOut(BaseModel):
    offered: bool  # may start one now
    question: ItemOut | None  # the current question of a diagnostic in progress
    number: int
    limit: int
    latest: PlacementSummaryOut | None


class PlacementStarted(BaseModel):
    placement_id: int


class PlacementAnswerIn(BaseModel):
    item: str = Field(max_length=64)
    response: str | list[str]


class PlacementAnswerOut(BaseModel):
    finished: bool
    questions: int
    known: list[str]  # objective keys, once finished


class SharingIn(BaseModel):
    shared: bool


@router.get("/profile", response_model=ProfileOut)
def profile(platform: PlatformDep, viewer: ApiViewer) -> ProfileOut:
    o = onboarding_options(platform.db, viewer)
    return ProfileOut(
        course_id=o.course_id, courses=[c for c, _ in o.courses], goal_objective=o.goal_objective,
        goal_date=o.goal_date, interests=o.interests, preferred_modalities=o.preferred_modalities,
        placement_offered=o.placement_offered,
        weekly_minutes=o.weekly_minutes,
    )  # fmt: skip


@router.put("/profile", status_code=204)
def set_profile(body: ProfileIn, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """What onboarding asks: the course, goal and date, interests, preferred kinds of activity."""
    complete_onboarding(
        platform.db, viewer, course_id=body.course_id, goal_objective=body.goal_objective,
        goal_date=body.goal_date, interests=body.interests,
        preferred_modalities=body.preferred_modalities, weekly_minutes=body.weekly_minutes,
    )  # fmt: skip
    return Response(status_code=204)


@router.get("/courses", response_model=list[CourseOut])
def courses(platform: PlatformDep, viewer: ApiViewer) -> list[CourseOut]:
    """Every course the learner may follow, the one followed first, with what waits in each."""
    return [
        CourseOut(id=c.course_id, title=c.title, current=c.current, started=c.started,
                  classes=list(c.classes), mastered=c.mastered, objectives=c.objectives,
                  open_assignments=c.open_assignments, overdue=c.overdue,
                  reviews_due=c.reviews_due)
        for c in my_courses(platform.db, viewer)
    ]  # fmt: skip


@router.put("/course", response_model=FollowOut)
def follow_course(body: FollowIn, platform: PlatformDep, viewer: ApiViewer) -> FollowOut:
    """Follow another of the learner's courses (403 for a course none of their classes is on)."""
    followed = choose_course(platform.db, viewer, body.course_id)
    return FollowOut(course_id=followed.course_id, started=followed.started)


@router.get("/reviews", response_model=list[ReviewOut])
def reviews(platform: PlatformDep, viewer: ApiViewer) -> list[ReviewOut]:
    """Mastered objectives: back in practice first, then due (most forgotten first), then later."""
    return [
        ReviewOut(objective=e.objective, title=e.title, status=e.status, due=e.due,
                  recall=e.recall, reviews=e.reviews, lapses=e.lapses, activity=e.activity)
        for e in review_queue(platform.db, viewer)
    ]  # fmt: skip


@router.get("/placement", response_model=PlacementOut)
def placement(platform: PlatformDep, viewer: ApiViewer) -> PlacementOut:
    page = placement_page(platform.db, viewer)
    s = page.summary
    latest = None if s is None else PlacementSummaryOut(
        started_at=s.started_at, finished_at=s.finished_at, questions=s.questions,
        known=s.known, confident=s.confident,
    )  # fmt: skip
    return PlacementOut(
        offered=page.offered, question=item_out(page.question) if page.question else None,
        number=page.number, limit=page.limit, latest=latest,
    )  # fmt: skip


@router.post("/placement", response_model=PlacementStarted, status_code=201)
def begin_placement(platform: PlatformDep, viewer: ApiViewer) -> PlacementStarted:
    """Start the diagnostic (or find the one in progress); only before any practice."""
    return PlacementStarted(placement_id=start_placement(platform.db, viewer))


@router.post("/placement/answers", response_model=PlacementAnswerOut)
def placement_answer(
    body: PlacementAnswerIn, platform: PlatformDep, viewer: ApiViewer
) -> PlacementAnswerOut:
    done = answer_placement(platform.db, viewer, item_key=body.item, response=body.response)
    return PlacementAnswerOut(finished=done.finished, questions=done.questions,
                              known=list(done.known))  # fmt: skip


@router.post("/reflections/{reflection_id}/sharing", status_code=204)
def share(
    reflection_id: int, body: SharingIn, platform: PlatformDep, viewer: ApiViewer
) -> Response:
    set_sharing(platform.db, viewer, reflection_id, shared=body.shared)
    return Response(status_code=204)


@router.delete("/reflections/{reflection_id}", status_code=204)
def delete(reflection_id: int, platform: PlatformDep, viewer: ApiViewer) -> Response:
    delete_reflection(platform.db, viewer, reflection_id)
    return Response(status_code=204)
