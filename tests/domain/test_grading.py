from __future__ import annotations

import pytest

from learnloop.domain import Choice, Item, ItemKind, WrongAnswer, grade, stage_feedback
from learnloop.domain.grading import parse_number
from learnloop.exceptions import InvalidInput

SINGLE = Item(
    key="q1",
    kind=ItemKind.SINGLE_CHOICE,
    prompt="?",
    objectives=("o",),
    hints=("hint one", "hint two"),
    solution="worked",
    choices=(
        Choice("a", "3/4", True, "right because"),
        Choice("b", "4/3", False, "swapped"),
        Choice("c", "1/4", False, "one slice"),
    ),
)
MULTI = Item(
    key="q2",
    kind=ItemKind.MULTIPLE_CHOICE,
    prompt="?",
    objectives=("o",),
    choices=(
        Choice("a", "x", True, "yes a"),
        Choice("b", "y", True, "yes b"),
        Choice("c", "z", False, "no c"),
    ),
)
NUMERIC = Item(
    key="q3",
    kind=ItemKind.NUMERIC,
    prompt="?",
    objectives=("o",),
    answer=0.75,
    tolerance=0.001,
    wrong_answers=(WrongAnswer(repr(4 / 3), "you flipped it"),),
)
TEXT = Item(
    key="q4",
    kind=ItemKind.SHORT_TEXT,
    prompt="?",
    objectives=("o",),
    accepted=("numerator",),
    patterns=(r"the\s+numerator",),
    wrong_answers=(WrongAnswer("denominator", "that is the bottom one"),),
)


def test_single_choice_returns_the_chosen_options_feedback() -> None:
    assert grade(SINGLE, "a").correct
    wrong = grade(SINGLE, "b")
    assert not wrong.correct
    assert wrong.feedback == ("swapped",)


def test_choice_items_refuse_unknown_or_missing_choices() -> None:
    with pytest.raises(InvalidInput, match="no choice 'z'"):
        grade(SINGLE, "z")
    with pytest.raises(InvalidInput, match="choose"):
        grade(SINGLE, [])
    with pytest.raises(InvalidInput, match="exactly one"):
        grade(SINGLE, ["a", "b"])


def test_multiple_choice_needs_exactly_the_correct_set() -> None:
    assert grade(MULTI, ["a", "b"]).correct
    partial = grade(MULTI, ["a"])
    assert not partial.correct
    assert "1 correct choice(s) not selected yet." in partial.feedback
    assert not grade(MULTI, ["a", "b", "c"]).correct


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.75", 0.75), ("3/4", 0.75), ("75%", 0.75), ("1 1/2", 1.5), ("-1 1/2", -1.5), ("0,5", 0.5)],
)
def test_parse_number_reads_decimals_fractions_mixed_and_percents(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


def test_numeric_items_accept_equivalent_forms_and_name_known_mistakes() -> None:
    for answer in ("3/4", "0.75", "6/8", "75%"):
        assert grade(NUMERIC, answer).correct, answer
    flipped = grade(NUMERIC, "4/3")
    assert not flipped.correct
    assert flipped.feedback == ("you flipped it",)
    with pytest.raises(InvalidInput, match="not a number"):
        grade(NUMERIC, "three quarters")


def test_short_text_accepts_answers_and_patterns_case_insensitively() -> None:
    assert grade(TEXT, "Numerator").correct
    assert grade(TEXT, "  the   numerator ").correct
    wrong = grade(TEXT, "Denominator")
    assert not wrong.correct
    assert wrong.feedback == ("that is the bottom one",)


def test_feedback_is_staged_hint_then_solution() -> None:
    first = stage_feedback(SINGLE, grade(SINGLE, "b"), misses_before=0)
    assert (first.messages, first.hints, first.solution, first.misses) == (
        ("swapped",),
        ("hint one",),
        "",
        1,
    )
    second = stage_feedback(SINGLE, grade(SINGLE, "c"), misses_before=1)
    assert second.messages == ("one slice",)
    assert second.hints == ("hint one", "hint two")
    assert second.solution == "worked"
    right = stage_feedback(SINGLE, grade(SINGLE, "a"), misses_before=2)
    assert right.correct
    assert right.messages == ("right because",)
