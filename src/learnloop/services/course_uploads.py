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

from sqlalchemy import func, select

from learnloop.content.course_archive import unpack_course_archive
from learnloop.content.course_loader import load_course
from learnloop.content.course_media import media_bytes
from learnloop.content.course_sources import source_texts
from learnloop.domain import Item, Role, Viewer
from learnloop.engine import MasteryCriterion
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.courses import import_course
from learnloop.services.regrading import Regrade, regrade_course
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.course_store import course_by_slug
from learnloop.storage.tables import Course as CourseRow
from learnloop.storage.tables import ItemReport

__all__ = ["CourseUpload", "regrade_course_for", "store_course_folder", "upload_course"]


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
    # for an update: the items it changed or dropped that learners' open reports are about, with
    # how many reports wait on each (the course page offers to answer them)
    reported_changes: tuple[tuple[str, int], ...] = ()


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
        return store_course_folder(db, viewer, root, mastery=mastery, public_url=public_url)


def store_course_folder(
    db: Database,
    viewer: Viewer,
    root: Path,
    *,
    mastery: MasteryCriterion,
    public_url: str,
    slug: str | None = None,
) -> CourseUpload:
    """Check and store the course folder at ``root`` as an upload does (the course editor
    writes one too, services.course_edits); ``slug``: the course it must stay."""
    require_role(viewer, Role.ADMIN)
    course = load_course(root, default_mastery=mastery)
    if slug is not None and course.slug != slug:
        raise InvalidInput(
            "text", "the course's slug stays %(slug)s: a new course is sent as a zip", slug=slug
        )
    media = media_bytes(root, course)
    sources = source_texts(root)
    before = _items_before(db, course.slug)
    course_id, status = import_course(
        db, course, media=media, sources=sources, actor=viewer.username
    )
    stale = (
        regrade_course(db, course_id, public_url=public_url, dry_run=True)
        if status == "updated"
        else None
    )
    changed = {k for k, item in before.items() if course.items.get(k) != item}
    return CourseUpload(
        course_id, course.slug, course.title, status, len(course.objectives),
        len(course.activities), len(course.items), stale,
        _waiting_on(db, course_id, changed) if status == "updated" else (),
    )  # fmt: skip


def _items_before(db: Database, slug: str) -> dict[str, Item]:
    """The items of the course stored under ``slug`` now (none for a new course)."""
    with db.reading() as s:
        try:
            return dict(course_by_slug(s, slug)[1].items)
        except NotFound:
            return {}


def _waiting_on(db: Database, course_id: int, items: set[str]) -> tuple[tuple[str, int], ...]:
    """Of ``items``, those with open reports on the course, with how many, by key."""
    if not items:
        return ()
    with db.reading() as s:
        found = s.execute(
            select(ItemReport.item_key, func.count())
            .where(
                ItemReport.course_id == course_id,
                ItemReport.item_key.in_(sorted(items)),
                ItemReport.resolved_at.is_(None),
            )
            .group_by(ItemReport.item_key)
            .order_by(ItemReport.item_key)
        )
        return tuple((str(key), int(n)) for key, n in found)


def regrade_course_for(db: Database, viewer: Viewer, *, slug: str, public_url: str) -> Regrade:
    """Grade the course's answers again with its items as they are now and replay the learners'
    models (admins; services.regrading, each learner in one transaction)."""
    require_role(viewer, Role.ADMIN)
    with db.reading() as s:
        course_id = s.scalar(select(CourseRow.id).where(CourseRow.slug == slug))
    if course_id is None:
        raise NotFound("there is no course %(slug)s", slug=repr(slug))
    return regrade_course(db, course_id, public_url=public_url, actor=viewer.username)
