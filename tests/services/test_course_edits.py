"""A course's file changed in the browser (both backends): a fixed answer key stores a new version
and counts the answers it grades differently; a file that breaks the course is refused with its
file and line and nothing changes; a save over a change made since is refused; the course keeps
its slug; only an admin edits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnloop.content.course_loader import DEFAULT_MASTERY
from learnloop.content.course_sources import source_texts, starter_text, text_digest
from learnloop.exceptions import Conflict, ContentError, InvalidInput, NotFound, PermissionDenied
from learnloop.reports.course_sources import course_file, course_files, item_sources
from learnloop.services.course_edits import NEW_FILE, edit_course_file
from learnloop.services.courses import import_course
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.course_store import course_by_slug
from learnloop.storage.tables import Course, CourseSourceFile
from tests.conftest import DEMO_COURSE, World, demo_media

ITEMS = "items/01-parts.yaml"
URL = "https://x.example"


@pytest.fixture
def kept(world: World) -> World:
    """The world's course imported with its folder's files kept, as an upload keeps them."""
    import_course(world.db, world.course, media=demo_media(world.course),
                  sources=source_texts(DEMO_COURSE))  # fmt: skip
    return world


def _edit(
    world: World, text: str, path: str = ITEMS, base: str | None = None, viewer: object = None
) -> object:
    if base is None:  # the file as it is now
        base = course_file(world.db, world.admin, "fractions", path).digest
    return edit_course_file(
        world.db, viewer or world.admin, slug="fractions", path=path, text=text,  # type: ignore[arg-type]
        base=base, mastery=DEFAULT_MASTERY, public_url=URL,
    )  # fmt: skip


def _version(world: World) -> str:
    """The stored course's content digest: a new version changes it."""
    with world.db.reading() as s:
        return str(s.scalar(select(Course.content_hash).where(Course.slug == "fractions")))


def test_a_fixed_answer_key_is_a_new_version_with_its_stale_answers_counted(kept: World) -> None:
    w = kept
    record_attempt(w.db, w.learner, activity_key="parts-practice", item_key="pw-3",
                   response=answer_for(w.course, "pw-3", True))  # fmt: skip
    before = _version(w)
    text = course_file(w.db, w.admin, "fractions", ITEMS).text
    # the key moves from the first choice to the second: the learner's right answer is now wrong
    old = "    - text: No, because the parts are not equal\n      correct: true\n"
    assert text.count(old) == 1
    fixed = text.replace(old, "    - text: No, because the parts are not equal\n")
    fixed = fixed.replace(
        "    - text: Yes, because 1 of 4 parts is shaded\n",
        "    - text: Yes, because 1 of 4 parts is shaded\n      correct: true\n",
        1,
    )
    assert fixed != text
    done = _edit(w, fixed.replace("\n", "\r\n"))  # as a browser's textarea sends it
    assert done.status == "updated"  # type: ignore[attr-defined]
    assert done.stale.changed == 1  # type: ignore[attr-defined]
    assert _version(w) != before
    assert course_file(w.db, w.admin, "fractions", ITEMS).text == fixed  # kept with \n
    with w.db.reading() as s:
        item = course_by_slug(s, "fractions")[1].items["pw-3"]
    assert [c.correct for c in item.choices][:2] == [False, True]  # type: ignore[attr-defined]


def test_a_file_that_breaks_the_course_is_refused_with_its_line(kept: World) -> None:
    w = kept
    before, text = _version(w), course_file(w.db, w.admin, "fractions", ITEMS).text
    broken = text.replace("  type: numeric\n", "  type: essay\n", 1)
    with pytest.raises(ContentError) as refused:
        _edit(w, broken)
    assert any(str(issue).startswith(f"{ITEMS}:") for issue in refused.value.issues)
    assert _version(w) == before
    assert course_file(w.db, w.admin, "fractions", ITEMS).text == text
    with pytest.raises(ContentError):
        _edit(w, "course: [unclosed\n", path="course.yaml")
    assert _version(w) == before


def test_a_save_over_a_change_made_since_is_refused(kept: World) -> None:
    w = kept
    opened = course_file(w.db, w.admin, "fractions", ITEMS)
    _edit(w, opened.text + "# checked by Ann\n")
    with pytest.raises(Conflict):
        _edit(w, opened.text + "# checked by Bo\n", base=opened.digest)
    assert course_file(w.db, w.admin, "fractions", ITEMS).text.endswith("# checked by Ann\n")


def test_the_course_keeps_its_slug_and_only_an_admin_edits(kept: World) -> None:
    w = kept
    course_yaml = course_file(w.db, w.admin, "fractions", "course.yaml").text
    assert "slug: fractions" in course_yaml
    with pytest.raises(InvalidInput) as renamed:
        _edit(w, course_yaml.replace("slug: fractions", "slug: fractions-2"), path="course.yaml")
    assert renamed.value.field == "text"
    with w.db.reading() as s:
        assert s.scalar(select(Course.id).where(Course.slug == "fractions-2")) is None
    with pytest.raises(PermissionDenied):
        _edit(w, course_yaml, path="course.yaml", base=text_digest(course_yaml), viewer=w.educator)
    with pytest.raises(PermissionDenied):
        course_files(w.db, w.educator, "fractions")
    with pytest.raises(NotFound):
        edit_course_file(w.db, w.admin, slug="fractions", path="items/none.yaml", text="",
                         base="", mastery=DEFAULT_MASTERY, public_url=URL)  # fmt: skip
    with pytest.raises(NotFound):
        course_file(w.db, w.admin, "fractions", "../secret")


def test_each_item_is_found_at_its_line(kept: World) -> None:
    where = item_sources(course_files(kept.db, kept.admin, "fractions"))
    assert set(where) == set(kept.course.items)
    path, line = where["pw-3"]
    text = course_file(kept.db, kept.admin, "fractions", path).text
    assert text.splitlines()[line - 1] == "- id: pw-3"
    with kept.db.reading() as s:
        paths = list(s.scalars(select(CourseSourceFile.path)))
    assert [f.path for f in course_files(kept.db, kept.admin, "fractions")] == sorted(paths)


def test_a_new_activity_file_joins_the_course_and_can_leave_it(kept: World) -> None:
    w = kept
    path = "activities/halves-in-the-kitchen.md"
    text = starter_text(path, "parts-of-a-whole").replace(
        "A title learners read", "Halves in the kitchen"
    )
    done = _edit(w, text, path=path, base=NEW_FILE)
    assert done.activities == len(w.course.activities) + 1  # type: ignore[attr-defined]
    with w.db.reading() as s:
        assert course_by_slug(s, "fractions")[1].activities["halves-in-the-kitchen"].title == (
            "Halves in the kitchen"
        )
    with pytest.raises(Conflict):  # it is there now: a second "new" one would overwrite it
        _edit(w, text, path=path, base=NEW_FILE)
    file = course_file(w.db, w.admin, "fractions", path)
    gone = edit_course_file(w.db, w.admin, slug="fractions", path=path, text="", base=file.digest,
                            mastery=DEFAULT_MASTERY, public_url=URL, removed=True)  # fmt: skip
    assert gone.activities == len(w.course.activities)
    assert path not in {f.path for f in course_files(w.db, w.admin, "fractions")}


def test_new_files_are_named_as_the_loader_reads_them_and_removals_are_checked(kept: World) -> None:
    w = kept
    for bad in ("notes.txt", "activities/Bad Name.md", "media/x.md", "../items/x.yaml"):
        with pytest.raises(InvalidInput) as refused:
            _edit(w, "x", path=bad, base=NEW_FILE)
        assert refused.value.field == "path"
    item_file = course_file(w.db, w.admin, "fractions", ITEMS)
    with pytest.raises(ContentError) as still_named:  # activities still show its questions
        edit_course_file(w.db, w.admin, slug="fractions", path=ITEMS, text="", base=item_file.digest,
                         mastery=DEFAULT_MASTERY, public_url=URL, removed=True)  # fmt: skip
    assert any(str(i).startswith("activities/") for i in still_named.value.issues)
    course_yaml = course_file(w.db, w.admin, "fractions", "course.yaml")
    with pytest.raises(InvalidInput):
        edit_course_file(w.db, w.admin, slug="fractions", path="course.yaml", text="",
                         base=course_yaml.digest, mastery=DEFAULT_MASTERY, public_url=URL,
                         removed=True)  # fmt: skip
    assert ITEMS in {f.path for f in course_files(w.db, w.admin, "fractions")}
