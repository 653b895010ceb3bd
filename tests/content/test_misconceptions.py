"""Misconceptions: declared in course.yaml, tagged on wrong answers, checked with file and line,
kept through storage, and reported by grading."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.content.course_loader import load_course
from learnloop.domain import grade
from learnloop.domain.course_codec import course_from_dict, course_to_dict
from learnloop.exceptions import ContentError
from tests.content.course_factory import COURSE_YAML, write_course

DECLARED = (
    COURSE_YAML
    + """\
misconceptions:
  - key: swap
    title: Swaps top and bottom
    description: Reads the denominator as the number of parts taken.
  - key: add-across
    title: Adds tops and bottoms
"""
)

TAGGED = """\
- id: a-1
  type: single_choice
  objective: a
  prompt: Pick one
  choices:
    - text: right
      correct: true
    - text: wrong
      feedback: no
      misconception: swap
    - text: also wrong
- id: b-1
  type: numeric
  objective: b
  prompt: How much?
  answer: 3/4
  wrong_answers:
    - answer: 4/3
      feedback: upside down
      misconception: swap
    - answer: 1
      feedback: not quite
"""


def messages(root: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(ContentError) as info:
        load_course(root)
    return [(i.file, i.line, i.message) for i in info.value.issues]


def test_tags_and_declarations_load(tmp_path: Path) -> None:
    course = load_course(
        write_course(tmp_path, **{"course.yaml": DECLARED, "items/items.yaml": TAGGED})
    )
    assert list(course.misconceptions) == ["swap", "add-across"]
    assert course.misconceptions["swap"].description.startswith("Reads the denominator")
    assert course.misconceptions["add-across"].description == ""
    assert [c.misconception for c in course.items["a-1"].choices] == ["", "swap", ""]
    assert [w.misconception for w in course.items["b-1"].wrong_answers] == ["swap", ""]
    again = course_from_dict(course_to_dict(course))
    assert again == course


def test_grading_names_what_the_answer_reveals(tmp_path: Path) -> None:
    course = load_course(
        write_course(tmp_path, **{"course.yaml": DECLARED, "items/items.yaml": TAGGED})
    )
    choice, numeric = course.items["a-1"], course.items["b-1"]
    assert grade(choice, "b").misconceptions == ("swap",)
    assert grade(choice, "c").misconceptions == ()
    assert grade(choice, "a").misconceptions == ()
    assert grade(numeric, "1 1/3").misconceptions == ("swap",)
    assert grade(numeric, "1").misconceptions == ()
    assert grade(numeric, "0.75").misconceptions == ()


def test_an_undeclared_tag_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    root = write_course(tmp_path, **{"items/items.yaml": TAGGED})  # course.yaml declares none
    found = messages(root)
    assert ("items/items.yaml", 10, "item 'a-1': misconception 'swap' is not declared in "
            "course.yaml's misconceptions (declared: none)") in found  # fmt: skip
    assert any(f == "items/items.yaml" and line == 20 and "'swap'" in m for f, line, m in found)


def test_a_correct_choice_cannot_carry_a_misconception(tmp_path: Path) -> None:
    items = TAGGED.replace(
        "      correct: true\n", "      correct: true\n      misconception: swap\n"
    )
    found = messages(write_course(tmp_path, **{"course.yaml": DECLARED, "items/items.yaml": items}))
    assert found == [
        ("items/items.yaml", 8, "item 'a-1': a correct choice cannot reveal a misconception")
    ]


def test_bad_declarations_are_named(tmp_path: Path) -> None:
    bad = (
        COURSE_YAML
        + """\
misconceptions:
  - key: Bad Key
    title: x
  - key: ok
  - key: ok
    title: twice
  - key: extra
    title: has a stray field
    remedy: no such field
"""
    )
    found = messages(write_course(tmp_path, **{"course.yaml": bad}))
    assert any(line == 12 and "must be lower-case" in m for _, line, m in found)
    assert any(line == 14 and "needs a title" in m for _, line, m in found)
    assert any(line == 15 and "defined twice" in m for _, line, m in found)
    assert any(line == 19 and "unknown misconception field 'remedy'" in m for _, line, m in found)
    assert len(found) == 4


def test_courses_stored_before_misconceptions_still_load(tmp_path: Path) -> None:
    data = course_to_dict(load_course(write_course(tmp_path)))
    del data["misconceptions"]
    for item in data["items"].values():
        for c in item["choices"]:
            del c["misconception"]
    course = course_from_dict(data)
    assert course.misconceptions == {}
    assert course.items["a-1"].choices[1].misconception == ""


def test_the_demo_course_declares_every_tag_it_uses(demo_course: object) -> None:
    from learnloop.domain import Course

    assert isinstance(demo_course, Course)
    used = {
        tag
        for item in demo_course.items.values()
        for tag in [c.misconception for c in item.choices]
        + [w.misconception for w in item.wrong_answers]
        if tag
    }
    assert used == set(demo_course.misconceptions)
    assert len(used) >= 3
