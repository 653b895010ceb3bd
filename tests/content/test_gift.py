"""Moodle GIFT into a course folder: every kind GIFT has that learnloop grades, the escapes,
feedback and weights; problems named by line; nothing written when anything is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from learnloop.content.gift import add_gift_to_course, parse_gift
from learnloop.domain import grade
from learnloop.exceptions import ContentError
from tests.content.course_factory import write_course

BANK = """\
// A bank written for this test
$CATEGORY: fractions/basics

::Halves:: Which is bigger, 1/2 or 1/3? {=1/2 #Yes: halves are bigger pieces ~1/3 #Thirds are smaller ~They are equal}

::Truth:: 2/4 is equal to 1/2. {T}

::Name:: The bottom number of a fraction is the {=denominator =the denominator}

::Decimal:: Write 3/4 as a decimal. {#0.75:0.001}

::Between:: Give a number between 1 and 3. {#1..3}

::Equal:: Which are equal to 1/2? {~%50%2/4 ~%50%3/6 ~%-100%2/3}

::Pairs:: Match each fraction with an equal one. {
=2/4 -> 1/2
=6/9 -> 2/3
=3/12 -> 1/4
= -> 3/4
}

Escapes \\{ and \\} and a colon\\: all kept. {=yes ~no}
"""


def test_each_kind_becomes_a_learnloop_item(tmp_path: Path) -> None:
    questions = parse_gift(BANK, "bank.gift")
    assert [(q.line, q.kind) for q in questions] == [
        (4, "single_choice"), (6, "single_choice"), (8, "short_text"), (10, "numeric"),
        (12, "numeric"), (14, "multiple_choice"), (16, "matching"), (23, "single_choice"),
    ]  # fmt: skip
    assert questions[0].data["choices"][1] == {
        "text": "1/3", "correct": False, "feedback": "Thirds are smaller"
    }  # fmt: skip
    assert questions[3].data == {"answer": 0.75, "tolerance": 0.001}
    assert questions[4].data == {"answer": 2.0, "tolerance": 1.0}
    assert [c["correct"] for c in questions[5].data["choices"]] == [True, True, False]
    assert questions[7].prompt == "Escapes { and } and a colon: all kept."

    course_dir = write_course(tmp_path / "c")
    (tmp_path / "bank.gift").write_text(BANK)
    items_file, activity_file, n = add_gift_to_course(course_dir, tmp_path / "bank.gift", "a")
    assert n == 8
    assert items_file.name == "bank.yaml"
    assert activity_file.name == "bank-questions.md"
    course = load_course(course_dir)
    assert grade(course.items["bank-1"], "a").correct  # the choices keep their order
    assert grade(course.items["bank-3"], "The Denominator").correct
    assert grade(course.items["bank-4"], "3/4").correct
    assert not grade(course.items["bank-5"], "3.5").correct
    assert grade(course.items["bank-6"], ["a", "b"]).correct
    assert grade(course.items["bank-7"], ["a", "b", "c"]).correct
    assert questions[6].data["distractors"] == ["3/4"]  # Moodle's extra wrong answer
    assert [r for _, r in course.items["bank-7"].match_options()].count("3/4") == 1
    assert "bank-8" in course.activities["bank-questions"].items


def test_what_learnloop_cannot_grade_is_refused_by_line() -> None:
    bad = """::Essay:: Tell me about fractions. {}

Just a description with no answers.

::Gap:: Two {=halves} make a whole.

::None:: Pick {~a ~b}

::Num:: How many? {#lots}

::Lonely:: Match it. {=1/2 -> 2/4 = -> 3/4}
"""
    with pytest.raises(ContentError) as info:
        parse_gift(bad, "bad.gift")
    assert [(i.line, i.message) for i in info.value.issues] == [
        (1, "essay questions are not supported: nothing grades them"),
        (3, "no answer block {...}: nothing to grade"),
        (5, "text after the answer block (fill-in-the-gap) is not supported"),
        (7, "no right answer: mark one with = or a positive %weight%"),
        (9, "'lots' is not a number"),
        (11, "a matching question needs two pairs or more"),
    ]


def test_nothing_is_written_when_the_course_would_break(tmp_path: Path) -> None:
    course_dir = write_course(tmp_path / "c")
    gift = tmp_path / "bank.gift"
    gift.write_text("Q? {=yes ~no}\n")
    runner = CliRunner()
    failed = runner.invoke(
        app, ["import-gift", str(gift), "--course", str(course_dir), "--objective", "zzz"]
    )
    assert failed.exit_code == 1
    assert "unknown objective 'zzz'" in failed.output
    assert "Nothing was written." in failed.output
    assert not (course_dir / "items" / "bank.yaml").exists()
    assert not (course_dir / "activities" / "bank-questions.md").exists()
    done = runner.invoke(
        app, ["import-gift", str(gift), "--course", str(course_dir), "--objective", "a"]
    )
    assert done.exit_code == 0, done.output
    again = runner.invoke(
        app, ["import-gift", str(gift), "--course", str(course_dir), "--objective", "a"]
    )
    assert again.exit_code == 1
    assert "exists already" in again.output
