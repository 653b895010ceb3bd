"""The commands keep a course's source files with it: ``learnloop init`` the demo's, and
``learnloop import-course`` replaces them with the folder's as it is now (a file gone goes)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content.course_sources import source_texts
from learnloop.storage import Database
from learnloop.storage.tables import Course, CourseSourceFile
from tests.conftest import DEMO_COURSE


def kept(slug: str) -> dict[str, str]:
    db = Database.from_url(os.environ["LEARNLOOP_DATABASE_URL"])
    try:
        with db.reading() as s:
            rows = s.execute(
                select(CourseSourceFile.path, CourseSourceFile.text)
                .join(Course, Course.id == CourseSourceFile.course_id)
                .where(Course.slug == slug)
            ).all()
        return dict(rows)
    finally:
        db.dispose()


def test_init_and_import_course_keep_the_folders_files(demo_cli: CliRunner, tmp_path: Path) -> None:
    assert kept("fractions") == source_texts(DEMO_COURSE)
    folder = tmp_path / "fractions"
    shutil.copytree(DEMO_COURSE, folder)
    (folder / "course.yaml").write_text("# a note\n" + (folder / "course.yaml").read_text())
    # an activity's file renamed: the old path goes, the new one comes
    (folder / "activities" / "note-lengths.md").rename(folder / "activities" / "z-notes.md")
    result = demo_cli.invoke(app, ["import-course", str(folder)])
    assert result.exit_code == 0, result.output
    stored = kept("fractions")
    assert stored == source_texts(folder)
    assert "activities/note-lengths.md" not in stored
    assert "activities/z-notes.md" in stored
    assert stored["course.yaml"].startswith("# a note\n")
