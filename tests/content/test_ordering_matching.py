"""Ordering and matching items: read from YAML with their checks, graded with partial feedback,
shown in an order that never gives the answer away, answerable on a page without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.content import load_course
from learnloop.domain import Course, grade
from learnloop.domain.course_codec import course_from_dict, course_to_dict
from learnloop.exceptions import ContentError, InvalidInput
from tests.content.course_factory import ACTIVITY_A, ITEMS, write_course

EXTRA = """\
- id: a-2
  type: ordering
  objective: a
  prompt: Smallest first
  order: ["1/5", "1/3", "1/2", "*3/4*"]
- id: a-3
  type: matching
  objective: a
  prompt: Match them
  pairs:
    - {left: "1/8", right: close to 0}
    - {left: "1/2", right: halfway}
    - {left: "7/8", right: close to 1}
  distractors: [more than 1]
"""
ACTIVITY = ACTIVITY_A.replace("items: [a-1]", "items: [a-1, a-2, a-3]")


def course_at(tmp_path: Path, items: str = ITEMS + EXTRA) -> Course:
    return load_course(
        write_course(tmp_path, **{"items/items.yaml": items, "activities/a-read.md": ACTIVITY})
    )


def test_both_kinds_load_and_survive_storage(tmp_path: Path) -> None:
    course = course_at(tmp_path)
    ordering, matching = course.items["a-2"], course.items["a-3"]
    assert ordering.order[3] == "<em>3/4</em>"
    assert [k for k, _ in ordering.shown_order()] != ["a", "b", "c", "d"]
    assert sorted(k for k, _ in ordering.shown_order()) == ["a", "b", "c", "d"]
    assert dict(matching.match_options()) == {
        "a": "close to 0", "b": "halfway", "c": "close to 1", "d": "more than 1"
    }  # fmt: skip
    assert course_from_dict(course_to_dict(course)) == course


def test_grading_gives_partial_credit_in_words(tmp_path: Path) -> None:
    course = course_at(tmp_path)
    ordering, matching = course.items["a-2"], course.items["a-3"]
    right = grade(ordering, ["a", "b", "c", "d"])
    assert right.correct
    assert right.answer_text == "1/5 → 1/3 → 1/2 → <em>3/4</em>"
    swapped = grade(ordering, ["b", "a", "c", "d"])
    assert not swapped.correct
    assert swapped.feedback == ("2 of 4 in the right place.",)
    with pytest.raises(InvalidInput, match="each of the 4 steps in exactly one place"):
        grade(ordering, ["a", "a", "c", "d"])
    assert grade(matching, ["a", "b", "c"]).correct
    crossed = grade(matching, ["b", "a", "c"])
    assert crossed.feedback == ("1 of 3 matched right.",)
    assert crossed.answer_text == "1/8 → halfway; 1/2 → close to 0; 7/8 → close to 1"
    assert not grade(matching, ["d", "b", "c"]).correct  # the distractor matches nothing
    with pytest.raises(InvalidInput, match="a match for each of the 3"):
        grade(matching, ["a", "b"])
    with pytest.raises(InvalidInput):
        grade(matching, ["a", "b", "z"])


@pytest.mark.parametrize(
    ("yaml", "line", "fragment"),
    [
        ("- id: x\n  type: ordering\n  objective: a\n  prompt: p\n  order: [one]\n", 5,
         "needs 'order': 2 or more steps"),
        ("- id: x\n  type: ordering\n  objective: a\n  prompt: p\n  order: [one, one]\n", 5,
         "two steps read the same"),
        ("- id: x\n  type: matching\n  objective: a\n  prompt: p\n  pairs: [{left: l, right: r}]\n",
         5, "needs 'pairs': 2 or more"),
        ("- id: x\n  type: matching\n  objective: a\n  prompt: p\n  pairs:\n"
         "    - {left: l, right: r}\n    - {left: m, right: r}\n", 5,
         "two right-hand options read the same"),
        ("- id: x\n  type: matching\n  objective: a\n  prompt: p\n  pairs:\n"
         "    - {left: l, right: r}\n    - {left: m}\n", 7, "each pair needs a left and a right"),
        ("- id: x\n  type: ordering\n  objective: a\n  prompt: p\n  order: [a, b]\n  pairs: []\n",
         6, "unknown item field 'pairs'"),
    ],
)  # fmt: skip
def test_bad_items_are_named_with_their_line(
    tmp_path: Path, yaml: str, line: int, fragment: str
) -> None:
    activity = ACTIVITY_A.replace("items: [a-1]", "items: [a-1, x]")
    root = write_course(
        tmp_path, **{"items/items.yaml": ITEMS + yaml, "activities/a-read.md": activity}
    )
    with pytest.raises(ContentError) as info:
        load_course(root)
    found = [(i.file, i.line, i.message) for i in info.value.issues]
    assert any(f == "items/items.yaml" and n == line + 17 and fragment in m for f, n, m in found), (
        found
    )
