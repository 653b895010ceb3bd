"""Outside content that counts as an activity (``xapi_activities``): loaded, kept through
storage, and every mistake named with file and line."""

from __future__ import annotations

from pathlib import Path

from learnloop.content.course_loader import load_course
from learnloop.domain.course_codec import course_from_dict, course_to_dict
from tests.content.course_factory import ACTIVITY_A, ACTIVITY_B, write_course
from tests.content.test_misconceptions import messages

H5P = "https://h5p.example.org/content/12"


def _listing(activity: str, ids: str) -> str:
    return activity.replace("objectives:", f"xapi_activities: {ids}\nobjectives:", 1)


def test_outside_ids_load_and_survive_storage(tmp_path: Path) -> None:
    course = load_course(
        write_course(tmp_path, **{"activities/b-practice.md": _listing(ACTIVITY_B, f"[{H5P}]")})
    )
    assert course.activities["b-practice"].xapi_activities == (H5P,)
    assert course.activities["a-read"].xapi_activities == ()
    assert course_from_dict(course_to_dict(course)) == course


def test_a_course_without_outside_content_is_stored_as_before_it(tmp_path: Path) -> None:
    data = course_to_dict(load_course(write_course(tmp_path)))
    assert all("xapi_activities" not in a for a in data["activities"].values())


def test_bad_outside_ids_are_named_with_file_and_line(tmp_path: Path) -> None:
    found = messages(
        write_course(
            tmp_path,
            **{
                "activities/a-read.md": _listing(ACTIVITY_A, f"[{H5P}, not an iri, {H5P}]"),
                "activities/b-practice.md": _listing(ACTIVITY_B, f"[{H5P}]"),
            },
        )
    )
    assert (
        "activities/a-read.md", 5,
        "xapi_activities: 'not an iri' is not an absolute IRI of at most 600 characters "
        "(https://...)",
    ) in found  # fmt: skip
    assert ("activities/a-read.md", 5, f"xapi_activities lists {H5P!r} twice") in found
    assert (
        "activities/b-practice.md", 5,
        f"xapi_activities: {H5P!r} already counts as activity 'a-read'",
    ) in found  # fmt: skip
    no_items = _listing(ACTIVITY_A, f"[{H5P}]").replace("items: [a-1]\n", "")
    found = messages(write_course(tmp_path / "2", **{"activities/a-read.md": no_items}))
    assert any(
        file == "activities/a-read.md" and line == 5 and "has xapi_activities but no items" in m
        for file, line, m in found
    )
    not_a_list = _listing(ACTIVITY_A, H5P)
    found = messages(write_course(tmp_path / "3", **{"activities/a-read.md": not_a_list}))
    assert (
        "activities/a-read.md", 5, "xapi_activities must be a list of activity ids (IRIs)"
    ) in found  # fmt: skip


def test_an_item_lists_outside_questions_and_an_id_names_one_thing(tmp_path: Path) -> None:
    question = f"{H5P}?subContentId=7"
    items = f"""\
- id: a-1
  type: numeric
  objective: a
  prompt: One?
  answer: 1
  xapi_activities: ["{question}"]
- id: b-1
  type: numeric
  objective: b
  prompt: Two?
  answer: 2
  xapi_activities: ["{H5P}", "no iri"]
"""
    root = write_course(
        tmp_path,
        **{"items/items.yaml": items, "activities/a-read.md": _listing(ACTIVITY_A, f"[{H5P}]")},
    )
    found = messages(root)
    assert (
        "items/items.yaml",
        7,  # the item's own line
        f"xapi_activities: {H5P!r} already counts as activity 'a-read'",
    ) in found
    assert any(
        f == "items/items.yaml" and line == 12 and "'no iri' is not an absolute IRI" in m
        for f, line, m in found
    )
    good = items.replace(f'"{H5P}", "no iri"', f'"{H5P}/b"')
    course = load_course(write_course(tmp_path / "2", **{"items/items.yaml": good}))
    assert course.items["a-1"].xapi_activities == (question,)
    assert course_from_dict(course_to_dict(course)) == course
    data = course_to_dict(load_course(write_course(tmp_path / "3")))
    assert all("xapi_activities" not in i for i in data["items"].values())
