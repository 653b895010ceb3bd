"""course.yaml's score_test: read with its defaults, stored and read back, and every bad value
named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.content import load_course
from learnloop.domain import Course
from learnloop.domain.course_codec import course_from_dict, course_to_dict
from learnloop.domain.score_test import DEFAULT_SE_TARGET, ScoreTestSpec
from learnloop.exceptions import ContentError, ContentIssue
from tests.content.course_factory import COURSE_YAML, write_course

SCORED = (
    COURSE_YAML
    + """\
score_test:
  title: Mini score
  max_items: 2
  max_exposure: 1
"""
)


def issues_of(root: Path) -> list[ContentIssue]:
    with pytest.raises(ContentError) as info:
        load_course(root)
    return info.value.issues


def test_a_score_test_is_read_with_defaults_and_stored_as_read(tmp_path: Path) -> None:
    course = load_course(write_course(tmp_path / "ok", **{"course.yaml": SCORED}))
    assert course.score_test == ScoreTestSpec("Mini score", 2, DEFAULT_SE_TARGET, 1.0, ())
    assert course.score_test.bank_items(course) == ["a-1", "b-1"]
    assert course_from_dict(course_to_dict(course)).score_test == course.score_test
    plain = load_course(write_course(tmp_path / "plain"))
    assert plain.score_test is None
    # a course without one is stored as before score tests existed (its content hash unchanged)
    assert "score_test" not in course_to_dict(plain)


def test_the_bank_is_the_chosen_objectives_items(demo_course: Course) -> None:
    spec = ScoreTestSpec("Adding", 3, objectives=("add-like", "add-unlike"))
    bank = spec.bank_items(demo_course)
    assert bank
    assert all({"add-like", "add-unlike"} & set(demo_course.items[k].objectives) for k in bank)
    assert len(bank) < len(ScoreTestSpec("All").bank_items(demo_course))


@pytest.mark.parametrize(
    ("block", "line", "message"),
    [
        (
            "  max_items: 3\n  max_exposure: 1\n",
            13,
            "the bank has 2 items, fewer than max_items (3)",
        ),
        ("  max_items: 2\n  max_exposure: 0.5\n", 14, "a test can hold only 1 items on average"),
        ("  max_items: 1\n  objectives: [a, z]\n", 14, "unknown objective(s): z"),
        ("  max_items: 1\n  length: 4\n", 14, "unknown score_test field 'length'"),
        ("  max_items: 1.5\n", 13, "max_items must be a whole number, not 1.5"),
        ("  max_items: 1\n  se_target: high\n", 14, "se_target must be a number, not 'high'"),
        ("  max_items: 1\n  se_target: 1.5\n", 14, "se_target must be at least 0 and below 1"),
        ("  max_items: 0\n", 13, "max_items must be 1 to 100, not 0"),
        ("  max_items: 1\n  objectives: a\n", 14, "objectives must be a list of objective keys"),
    ],
)
def test_a_bad_score_test_is_named_with_its_line(
    tmp_path: Path, block: str, line: int, message: str
) -> None:
    text = COURSE_YAML + "score_test:\n  title: S\n" + block
    issues = issues_of(write_course(tmp_path, **{"course.yaml": text}))
    assert any(
        i.file == "course.yaml" and i.line == line and message in i.message for i in issues
    ), issues


def test_a_score_test_that_is_not_a_mapping_is_named(tmp_path: Path) -> None:
    issues = issues_of(write_course(tmp_path, **{"course.yaml": COURSE_YAML + "score_test: yes\n"}))
    assert [(i.line, i.message) for i in issues] == [
        (11, "score_test must be a mapping (title, max_items, se_target, ...)")
    ]
