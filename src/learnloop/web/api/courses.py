"""Courses: their objectives, activities and items (without answers)."""

from __future__ import annotations

from fastapi import APIRouter

from learnloop.reports.course_views import course_catalogue, course_detail
from learnloop.web.api.schemas import (
    ActivityOut,
    CourseDetailOut,
    CourseOut,
    ObjectiveOut,
    TopicOut,
    item_out,
)
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(tags=["courses"])


@router.get("/courses", response_model=list[CourseOut])
def list_courses(platform: PlatformDep, viewer: ApiViewer) -> list[CourseOut]:
    return [
        CourseOut(id=i, slug=slug, title=title)
        for i, slug, title in course_catalogue(platform.db, viewer)
    ]


@router.get("/courses/{slug}", response_model=CourseDetailOut)
def get_course(slug: str, platform: PlatformDep, viewer: ApiViewer) -> CourseDetailOut:
    course_id, course = course_detail(platform.db, viewer, slug)
    return CourseDetailOut(
        id=course_id,
        slug=course.slug,
        title=course.title,
        description=course.description,
        objectives=[
            ObjectiveOut(
                key=o.key,
                title=o.title,
                statement=o.statement,
                prerequisites=list(o.prerequisites),
                mastery_threshold=o.mastery.threshold,
                mastery_min_attempts=o.mastery.min_attempts,
            )
            for o in (course.objectives[k] for k in course.graph.topological_order)
        ],
        activities=[
            ActivityOut(
                key=a.key,
                title=a.title,
                modality=a.modality.value,
                minutes=a.minutes,
                objectives=list(a.objectives),
                body=a.body,
                items=[item_out(i) for i in (course.items[k] for k in a.items)],
                topics=list(a.topics),
            )
            for a in course.activities.values()
        ],
        topics=[
            TopicOut(key=t.key, title=t.title, words=list(t.words)) for t in course.topics.values()
        ],
    )
