"""An administrator's course upload: a new course is added, a changed one updated with the answers
its new items grade differently counted (not changed) until the administrator asks for them to be
graded again; a course with problems changes nothing; only an administrator may (both backends)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnloop.content.course_loader import DEFAULT_MASTERY
from learnloop.exceptions import ContentError, InvalidInput, NotFound, PermissionDenied
from learnloop.services.course_uploads import regrade_course_for, upload_course
from learnloop.services.item_reports import report_item
from learnloop.services.learning import DEFAULT_PUBLIC_URL, record_attempt
from learnloop.storage.tables import Attempt, AuditEvent, Course
from tests.conftest import DEMO_COURSE, World
from tests.content.test_course_archive import zipped

INTEGERS = Path(__file__).parents[1] / "fixtures" / "courses" / "integers"


def demo_with_pw3_key_moved(tmp_path: Path) -> Path:
    """The demo with pw-3's right answer moved from its first choice to its second."""
    folder = tmp_path / "fractions"
    shutil.copytree(DEMO_COURSE, folder)
    items = folder / "items" / "01-parts.yaml"
    text = items.read_text()
    first = "    - text: No, because the parts are not equal\n      correct: true\n"
    second = "    - text: Yes, because 1 of 4 parts is shaded\n"
    assert first in text
    assert second in text
    text = text.replace(first, "    - text: No, because the parts are not equal\n")
    text = text.replace(second, second + "      correct: true\n")
    items.write_text(text)
    return folder


def test_a_new_course_is_added_and_the_same_zip_again_changes_nothing(world: World) -> None:
    data = zipped(INTEGERS, prefix="integers/")
    done = upload_course(world.db, world.admin, data, filename="integers.zip",
                         mastery=DEFAULT_MASTERY, public_url=DEFAULT_PUBLIC_URL)  # fmt: skip
    assert (done.slug, done.status, done.objectives, done.stale) == ("integers", "created", 3, None)
    again = upload_course(world.db, world.admin, data, filename="integers.zip",
                          mastery=DEFAULT_MASTERY, public_url=DEFAULT_PUBLIC_URL)  # fmt: skip
    assert (again.course_id, again.status) == (done.course_id, "unchanged")
    with world.db.reading() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.subject == "integers")).all()
    assert [(a.actor, a.action) for a in audit] == [("admin", "course.created")]


def test_an_update_counts_the_answers_it_regrades_and_the_admin_applies_them(
    world: World, tmp_path: Path
) -> None:
    for response in ("a", "b", "b"):  # lea: right once, wrong twice under the demo's key
        record_attempt(world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
                       response=response)  # fmt: skip
    done = upload_course(
        world.db, world.admin, zipped(demo_with_pw3_key_moved(tmp_path)), filename="f.zip",
        mastery=DEFAULT_MASTERY, public_url=DEFAULT_PUBLIC_URL,
    )  # fmt: skip
    assert (done.status, done.course_id) == ("updated", world.course_id)
    assert done.stale is not None
    assert (done.stale.checked, done.stale.changed, done.stale.now_right) == (3, 3, 2)
    assert (done.stale.learners, done.stale.applied) == (1, False)
    with world.db.reading() as s:  # counted, not changed
        graded = s.scalars(select(Attempt.correct).order_by(Attempt.id)).all()
    assert graded == [True, False, False]
    applied = regrade_course_for(world.db, world.admin, slug="fractions",
                                 public_url=DEFAULT_PUBLIC_URL)  # fmt: skip
    assert (applied.changed, applied.now_right, applied.learners, applied.applied) == (
        3,
        2,
        1,
        True,
    )
    with world.db.reading() as s:
        graded = s.scalars(select(Attempt.correct).order_by(Attempt.id)).all()
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "admin")).all()
    assert graded == [False, True, True]
    assert actions == ["course.updated", "answers.regraded"]
    again = regrade_course_for(world.db, world.admin, slug="fractions",
                               public_url=DEFAULT_PUBLIC_URL)  # fmt: skip
    assert (again.changed, again.learners) == (0, 0)


def test_a_course_with_problems_changes_nothing(world: World, tmp_path: Path) -> None:
    folder = demo_with_pw3_key_moved(tmp_path)
    course_yaml = folder / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("prerequisites: [parts-of-a-whole]",
                                                           "prerequisites: [no-such-objective]", 1))  # fmt: skip
    with world.db.reading() as s:
        before = s.scalar(select(Course.content_hash).where(Course.id == world.course_id))
        events_before = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ContentError) as caught:
        upload_course(world.db, world.admin, zipped(folder), filename="f.zip",
                      mastery=DEFAULT_MASTERY, public_url=DEFAULT_PUBLIC_URL)  # fmt: skip
    [issue] = caught.value.issues
    assert issue.file == "course.yaml"
    assert issue.line > 1
    assert "no-such-objective" in issue.message
    with world.db.reading() as s:
        after = s.scalar(select(Course.content_hash).where(Course.id == world.course_id))
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    assert (after, events) == (before, events_before)


def test_only_an_admin_uploads_or_regrades(world: World) -> None:
    data = zipped(INTEGERS)
    for viewer in (world.educator, world.learner):
        with pytest.raises(PermissionDenied):
            upload_course(world.db, viewer, data, filename="i.zip", mastery=DEFAULT_MASTERY,
                          public_url=DEFAULT_PUBLIC_URL)  # fmt: skip
        with pytest.raises(PermissionDenied):
            regrade_course_for(world.db, viewer, slug="fractions", public_url=DEFAULT_PUBLIC_URL)
    with pytest.raises(InvalidInput) as empty:
        upload_course(world.db, world.admin, b"", filename="", mastery=DEFAULT_MASTERY,
                      public_url=DEFAULT_PUBLIC_URL)  # fmt: skip
    assert empty.value.field == "archive"
    with pytest.raises(NotFound):
        regrade_course_for(world.db, world.admin, slug="nope", public_url=DEFAULT_PUBLIC_URL)
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Course)) == 1  # integers never came in


def test_an_update_names_the_reported_items_it_changed(world: World, tmp_path: Path) -> None:
    for viewer, item in ((world.learner, "pw-3"), (world.other_learner, "pw-3"),
                         (world.learner, "pw-4")):  # fmt: skip
        report_item(world.db, viewer, activity_key="parts-practice", item_key=item,
                    kind="answer-key", comment="")  # fmt: skip
    done = upload_course(
        world.db, world.admin, zipped(demo_with_pw3_key_moved(tmp_path)), filename="f.zip",
        mastery=DEFAULT_MASTERY, public_url=DEFAULT_PUBLIC_URL,
    )  # fmt: skip
    # pw-3 changed and two reports wait on it; pw-4's report is on an item the update left alone
    assert done.reported_changes == (("pw-3", 2),)
