"""A course's media go into the database with it: all or nothing, checked against the hashes
the course was loaded with, replaced file by file when a new version changes them."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from learnloop.content import load_course
from learnloop.content.course_media import media_bytes
from learnloop.exceptions import InvalidInput
from learnloop.services.courses import import_course
from learnloop.storage import Database
from learnloop.storage.tables import Course as CourseRow
from learnloop.storage.tables import CourseMediaFile
from tests.conftest import DEMO_COURSE


def stored(db: Database) -> dict[str, bytes]:
    with db.reading() as s:
        return {row.path: row.content for row in s.scalars(select(CourseMediaFile))}


def test_media_are_stored_with_the_course_and_follow_its_versions(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "fractions"
    shutil.copytree(DEMO_COURSE, folder)
    course = load_course(folder)
    drawing = (folder / "media" / "three-quarters.svg").read_bytes()
    with pytest.raises(InvalidInput) as caught:
        import_course(db, course)  # the bytes forgotten: nothing is stored
    assert caught.value.field == "media"
    with db.reading() as s:
        assert s.scalar(select(CourseRow.id)) is None
    assert import_course(db, course, media=media_bytes(folder, course))[1] == "created"
    assert stored(db) == {"three-quarters.svg": drawing}
    assert import_course(db, course, media=media_bytes(folder, course))[1] == "unchanged"

    # a new version: the drawing redrawn, a photo added
    (folder / "media" / "three-quarters.svg").write_bytes(drawing.replace(b"#f59e0b", b"#2563eb"))
    (folder / "media" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    newer = load_course(folder)
    assert import_course(db, newer, media=media_bytes(folder, newer))[1] == "updated"
    assert set(stored(db)) == {"three-quarters.svg", "photo.png"}
    assert b"#2563eb" in stored(db)["three-quarters.svg"]
    # and one without the photo: it goes
    without = replace(newer, media={k: v for k, v in newer.media.items() if k != "photo.png"})
    assert import_course(db, without, media=media_bytes(folder, without))[1] == "updated"
    assert set(stored(db)) == {"three-quarters.svg"}
