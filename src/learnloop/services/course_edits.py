"""An administrator changes one file of a course in the browser: the file as its authors wrote
it (course.yaml, an activity's Markdown, an item file's YAML), edited as text, and the course
checked and stored as a new version exactly as an upload of its folder is
(services.course_uploads): every problem named with its file and line, and nothing changed, or
a new version, with the answers its fixed questions grade differently counted for the
administrator to grade again.

It closes the loop of a learner's report of a wrong key: the admin opens the file at the
question, fixes it, and answers the report; the course stays code (the download gives the folder
back, changed). A file saved over a change someone made since it was opened is refused (409),
so that two admins fixing one course never undo each other.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePosixPath

from sqlalchemy import select

from learnloop.content.course_sources import text_digest
from learnloop.domain import Role, Viewer
from learnloop.engine import MasteryCriterion
from learnloop.exceptions import Conflict, InvalidInput, NotFound
from learnloop.services.course_uploads import CourseUpload, store_course_folder
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import Course, CourseMediaFile, CourseSourceFile

__all__ = ["MAX_SOURCE_CHARS", "NEW_FILE", "NEW_PATH", "edit_course_file"]

# The longest file the editor takes: a course's largest item file is a few dozen kilobytes; a
# page's requests are limited to a megabyte anyway (config.max_request_bytes).
MAX_SOURCE_CHARS = 500_000
# The ``base`` of a file the form creates (a digest is 64 hex digits, never this).
NEW_FILE = "new"
# What a new file may be: an activity or an item file, named as the loader reads them (an
# activity's file name is its key, docs/course-format.md).
NEW_PATH = re.compile(
    r"(activities/[a-z0-9][a-z0-9_-]{0,63}\.md|items/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.yaml)"
)


def _safe(path: str) -> PurePosixPath:
    """A stored path as a relative path inside the folder (they came from checked uploads; this
    makes sure of it before a file is written)."""
    parts = PurePosixPath(path)
    if parts.is_absolute() or ".." in parts.parts or not parts.parts:
        raise NotFound("%(path)s is not a file of the course", path=repr(path))
    return parts


def edit_course_file(
    db: Database,
    viewer: Viewer,
    *,
    slug: str,
    path: str,
    text: str,
    base: str,
    mastery: MasteryCriterion,
    public_url: str,
    removed: bool = False,
) -> CourseUpload:
    """Store ``text`` as the course's file ``path`` (or, ``removed``, drop the file) and the
    course as a new version; ``base`` is the digest of the file as the form showed it (Conflict
    when it has changed since), or NEW_FILE for a file that is not there yet. ContentError names
    every problem of the course so changed, and nothing changes."""
    require_role(viewer, Role.ADMIN)
    text = text.replace("\r\n", "\n")  # a browser sends a textarea's lines with CRLF
    if len(text) > MAX_SOURCE_CHARS:
        raise InvalidInput("text", "a file of at most %(n)s characters", n=MAX_SOURCE_CHARS)
    with db.reading() as s:
        course_id = s.scalar(select(Course.id).where(Course.slug == slug))
        if course_id is None:
            raise NotFound("there is no course %(slug)s", slug=repr(slug))
        sources = dict(s.execute(select(CourseSourceFile.path, CourseSourceFile.text)
                                 .where(CourseSourceFile.course_id == course_id)).all())  # fmt: skip
        media = dict(s.execute(select(CourseMediaFile.path, CourseMediaFile.content)
                               .where(CourseMediaFile.course_id == course_id)).all())  # fmt: skip
    if base == NEW_FILE:
        if not NEW_PATH.fullmatch(path):
            raise InvalidInput(
                "path",
                "a new file is activities/NAME.md or items/NAME.yaml (letters, digits, - and _)",
            )
        if path in sources:
            raise Conflict("%(path)s is there already: open it to change it", path=path)
    elif path not in sources:
        raise NotFound("%(slug)s has no file %(path)s", slug=slug, path=repr(path))
    elif text_digest(sources[path]) != base:
        raise Conflict(
            "someone changed %(path)s since you opened it: open it again, and make your change "
            "to the file as it is now", path=path,
        )  # fmt: skip
    if removed:
        if path == "course.yaml":
            raise InvalidInput("path", "course.yaml stays: a course without it is no course")
        sources.pop(path, None)  # a new file "removed" leaves the course as it is
    else:
        sources[path] = text
    with tempfile.TemporaryDirectory(prefix="learnloop-edit-") as folder:
        root = Path(folder) / slug
        for name, content in sources.items():
            target = root / _safe(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        for name, data in media.items():
            target = root / "media" / _safe(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return store_course_folder(db, viewer, root, mastery=mastery, public_url=public_url,
                                   slug=slug)  # fmt: skip
