"""Rubrics on project and hands-on activities: read from the front matter, checked with file and
line, and kept through storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.content.course_loader import load_course
from learnloop.domain import Course, RubricCriterion
from learnloop.domain.course_codec import course_from_dict, course_to_dict
from learnloop.exceptions import ContentError
from tests.content.course_factory import write_course

PROJECT = """\
---
title: Make B
modality: project
minutes: 30
objectives: [b]
rubric:
  - key: accuracy
    title: The amounts are right
    levels: [Not yet, Mostly, All of them]
  - key: working
    title: The working is shown
    levels: ['No', 'Yes']
---
Make something.
"""


def _project(rubric: str, modality: str = "project") -> str:
    return (
        f"---\ntitle: Make B\nmodality: {modality}\nminutes: 30\nobjectives: [b]\n"
        f"{rubric}---\nMake something.\n"
    )


def messages(root: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(ContentError) as info:
        load_course(root)
    return [(i.file, i.line, i.message) for i in info.value.issues]


def test_a_rubric_loads_in_order_and_survives_storage(tmp_path: Path) -> None:
    course = load_course(write_course(tmp_path, **{"activities/b-make.md": PROJECT}))
    make = course.activities["b-make"]
    assert make.takes_work
    assert make.rubric == (
        RubricCriterion("accuracy", "The amounts are right", ("Not yet", "Mostly", "All of them")),
        RubricCriterion("working", "The working is shown", ("No", "Yes")),
    )
    assert not course.activities["a-read"].takes_work
    assert course.activities["a-read"].rubric == ()
    assert course_from_dict(course_to_dict(course)) == course


def test_a_course_stored_before_rubrics_reads_without_them(tmp_path: Path) -> None:
    course = load_course(write_course(tmp_path))
    data = course_to_dict(course)
    for activity in data["activities"].values():
        del activity["rubric"]
    assert course_from_dict(data).activities["a-read"].rubric == ()


def test_only_work_activities_take_a_rubric(tmp_path: Path) -> None:
    rubric = "rubric:\n  - key: x\n    title: X\n    levels: [a, b]\n"
    root = write_course(tmp_path, **{"activities/b-make.md": _project(rubric, "reading")})
    assert messages(root) == [
        (
            "activities/b-make.md",
            6,
            "only hands-on and project activities take a rubric, not reading",
        ),
    ]


@pytest.mark.parametrize(
    ("rubric", "line", "message"),
    [
        ("rubric: []\n", 6, "rubric must be a non-empty list of criteria"),
        ("rubric: working\n", 6, "rubric must be a non-empty list of criteria"),
        ("rubric:\n  - just a line\n", 7, "a rubric criterion must be a mapping with key, title and levels"),
        ("rubric:\n  - key: x\n    title: X\n", 7, "rubric criterion needs 'levels'"),
        ("rubric:\n  - key: Bad Key\n    title: X\n    levels: [a, b]\n", 7,
         "rubric key 'Bad Key' must be lower-case letters, digits, - or _"),
        ("rubric:\n  - key: x\n    title: ''\n    levels: [a, b]\n", 8,
         "rubric title must be text of 1 to 200 characters"),
        ("rubric:\n  - key: x\n    title: X\n    levels: [only one]\n", 9,
         "rubric levels must be a list of 2 to 6 texts (lowest first), each of 1 to 200 characters"),
        ("rubric:\n  - key: x\n    title: X\n    levels: [a, b, c, d, e, f, g]\n", 9,
         "rubric levels must be a list of 2 to 6 texts (lowest first), each of 1 to 200 characters"),
        ("rubric:\n  - key: x\n    title: X\n    levels: [a, 3]\n", 9,
         "rubric levels must be a list of 2 to 6 texts (lowest first), each of 1 to 200 characters"),
        ("rubric:\n  - key: x\n    title: X\n    levels: [No, Yes]\n", 9,
         "rubric levels must be text: put quotes around Yes, No, On or Off (YAML reads them as "
         "true or false)"),
        ("rubric:\n  - key: x\n    title: X\n    levels: [a, b]\n    points: 4\n", 10,
         "unknown rubric criterion field 'points' (expected one of: key, levels, title)"),
        ("rubric:\n  - key: x\n    title: X\n    levels: [a, b]\n"
         "  - key: x\n    title: Y\n    levels: [a, b]\n", 10, "rubric key 'x' is used twice"),
    ],
)  # fmt: skip
def test_each_mistake_is_named_with_its_line(
    tmp_path: Path, rubric: str, line: int, message: str
) -> None:
    root = write_course(tmp_path, **{"activities/b-make.md": _project(rubric)})
    assert messages(root) == [("activities/b-make.md", line, message)]


def test_too_many_criteria_are_refused(tmp_path: Path) -> None:
    criteria = "".join(f"  - key: c{i}\n    title: C{i}\n    levels: [a, b]\n" for i in range(11))
    root = write_course(tmp_path, **{"activities/b-make.md": _project("rubric:\n" + criteria)})
    assert messages(root) == [
        ("activities/b-make.md", 6, "a rubric has at most 10 criteria, not 11")
    ]


def test_the_demo_project_has_its_rubric(demo_course: Course) -> None:
    recipe = demo_course.activities["recipe-project"]
    assert [c.key for c in recipe.rubric] == ["scaling", "working", "mixed-numbers", "checking"]
    assert all(len(c.levels) == 3 for c in recipe.rubric)
