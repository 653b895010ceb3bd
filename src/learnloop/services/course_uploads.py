"""An administrator adds or updates a course from the admin page or the API: a zip of the course
folder, checked as ``learnloop validate`` checks a folder and stored as ``learnloop
import-course`` stores it (services.courses.import_course, one transaction), then answers graded
by the old items are graded again when the administrator asks (services.regrading).

Like the command, an update never regrades behind anyone's back: it counts the answers that the
new items grade differently, and the administrator decides (a correction to an answer key is
worth it; a typo fixed in a hint changes nothing anyway). The upload is unpacked into a folder
of its own that is removed whatever happens.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from learnloop.content.course_archive import unpack_course_archive
from learnloop.content.course_loader import load_course
from learnloop.content.course_media import media_bytes
from learnloop.content.course_sources import source_texts
from learnloop.domain import Role, Viewer
from learnloop.engine import MasteryCriterion
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.courses import import_course
from learnloop.services.regrading import Regrade, regrade_course
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import Course as CourseRow

__all__ = ["CourseUpload", "regrade_course_for", "upload_course"]


@dataclass(frozen=True, slots=True)
class CourseUpload:
    course_id: int
    slug: str
    title: str
    status: Literal["created", "updated", "unchanged"]
    objectives: int
    activities: int
    items: int
    # for an update: the answers the new items grade differently (a dry run), else None
    stale: Regrade | None


def upload_course(
    db: Database,
    viewer: Viewer,
    archive: bytes,
    *,
    filename: str,
    mastery: MasteryCriterion,
    public_url: str,
) -> CourseUpload:
    """Check and store the course zipped in ``archive`` (admins). ContentError names every
    problem with its file and line (the archive's own, or the course's), and nothing changes."""
    require_role(viewer, Role.ADMIN)
    name = Path(filename).name or "upload.zip"
    if not archive:
        raise InvalidInput("archive", "choose the zip of a course folder to send")
    with tempfile.TemporaryDirectory(prefix="learnloop-course-") as folder:
        root = unpack_course_archive(archive, Path(folder), name=name)
        course = load_course(root, default_mastery=mastery)
        media = media_bytes(root, course)
        sources = source_texts(root)
    course_id, status = import_course(
        db, course, media=media, sources=sources, actor=viewer.username
    )
    stale = (
        regrade_course(db, course_id, public_url=public_url, dry_run=True)
        if status == "updated"
        else None
    )
    return CourseUpload(
        course_id, course.slug, course.title, status, len(course.objectives),
        len(course.activities), len(course.items), stale,
    )  # fmt: skip


def regrade_course_for(db: Database, viewer: Viewer, *, slug: str, public_url: str) -> Regrade:
    """Grade the course's answers again with its items as they are now and replay the learners'
    models (admins; services.regrading, each learner in one transaction)."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        course_id = s.scalar(select(CourseRow.id).where(CourseRow.slug == slug))
    if course_id is None:
        raise NotFound("there is no course %(slug)s", slug=repr(slug))
    return regrade_course(db, course_id, public_url=public_url, actor=viewer.username)
