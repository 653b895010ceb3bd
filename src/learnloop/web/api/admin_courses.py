"""Adding or updating a course from a script, and grading its answers again after an update
(admins; services.course_uploads): what the admin page's course form does, as JSON."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel

from learnloop.reports.course_sources import course_source_archive
from learnloop.services.course_uploads import CourseUpload, regrade_course_for, upload_course
from learnloop.services.regrading import Regrade
from learnloop.web.deps import ApiAdmin, ApiViewer, PlatformDep, typed_body

router = APIRouter(prefix="/admin", tags=["admin"])

ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


async def _zip_body(request: Request) -> bytes:
    return await typed_body(request, ZIP_TYPES, "send the course folder's zip as application/zip")


class RegradeOut(BaseModel):
    checked: int  # in-app answers graded again
    changed: int  # whose outcome changes (a dry run) or changed
    now_right: int  # of those, right with the items as they are now
    learners: int  # learners whose answers change
    mastery_gained: int  # objectives mastered after the replay and not before (0 in a dry run)
    mastery_lost: int
    applied: bool  # false: only counted (after an upload); POST .../regrade applies them

    @classmethod
    def of(cls, r: Regrade) -> RegradeOut:
        return cls(checked=r.checked, changed=r.changed, now_right=r.now_right,
                   learners=r.learners, mastery_gained=r.mastery_gained,
                   mastery_lost=r.mastery_lost, applied=r.applied)  # fmt: skip


class ReportedChange(BaseModel):
    item: str
    reports: int


class CourseUploadOut(BaseModel):
    id: int
    slug: str
    title: str
    status: Literal["created", "updated", "unchanged"]
    objectives: int
    activities: int
    items: int
    # an update only: the answers the new items grade differently, counted, not yet changed
    regrade: RegradeOut | None
    # an update only: the items it changed or dropped that learners' open reports are about, with
    # how many wait on each (answer them with POST /admin/courses/{slug}/item-reports/resolve)
    reported_changes: list[ReportedChange] = []

    @classmethod
    def of(cls, done: CourseUpload) -> CourseUploadOut:
        return cls(
            id=done.course_id, slug=done.slug, title=done.title, status=done.status,
            objectives=done.objectives, activities=done.activities, items=done.items,
            regrade=RegradeOut.of(done.stale) if done.stale is not None else None,
            reported_changes=[ReportedChange(item=k, reports=n) for k, n in done.reported_changes],
        )  # fmt: skip


@router.post("/courses", response_model=CourseUploadOut)
def upload(
    response: Response,
    platform: PlatformDep,
    viewer: ApiAdmin,
    archive: Annotated[bytes, Depends(_zip_body)],
) -> CourseUploadOut:
    """Send the course folder as a zip (``Content-Type: application/zip``): it is checked like
    ``learnloop validate`` and stored under its slug (201 when new). A course with problems is
    refused with 400 and ``issues``, each with its ``file``, ``line`` and ``message``."""
    done = upload_course(
        platform.db, viewer, archive, filename="upload.zip", mastery=platform.default_mastery,
        public_url=platform.settings.public_url,
    )  # fmt: skip
    response.status_code = 201 if done.status == "created" else 200
    return CourseUploadOut.of(done)


@router.get("/courses/{slug}/source.zip", response_class=Response)
def source(
    slug: Annotated[str, Path(max_length=64)], platform: PlatformDep, viewer: ApiViewer
) -> Response:
    """The course folder as its authors wrote it (course.yaml, activities, items) with its
    media, as a zip: change it and send it back with ``POST /admin/courses``. 404 for a course
    imported before learnloop kept its files."""
    name, data = course_source_archive(platform.db, viewer, slug)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.post("/courses/{slug}/regrade", response_model=RegradeOut)
def regrade(
    slug: Annotated[str, Path(max_length=64)], platform: PlatformDep, viewer: ApiViewer
) -> RegradeOut:
    """Grade the course's in-app answers again with its items as they are now, and work the
    learners' models out again from them (each learner in one transaction)."""
    done = regrade_course_for(
        platform.db, viewer, slug=slug, public_url=platform.settings.public_url
    )
    return RegradeOut.of(done)
