"""A spreadsheet's question bank (CSV) into a course folder, and a course's items out as such a sheet
and back: every kind a row can hold, feedback, hints and solutions; semicolon sheets; problems
named by file and line, with nothing written; the demo course's items survive the round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from learnloop.content.csv_bank import add_csv_to_course, parse_csv_bank
from learnloop.content.csv_bank_export import export_csv
from learnloop.domain import Course, ItemKind, grade
from learnloop.exceptions import ContentError
from tests.content.course_factory import write_course

DEMO = Path(__file__).parents[2] / "src" / "learnloop" / "demo" / "fractions"

SHEET = """\
Type,Prompt,Choice 1,Feedback 1,Choice 2,Feedback 2,Choice 3,Correct,Answer,Tolerance,Unit,Hint,Solution
single choice,"Which is bigger, 1/2 or 1/3?",1/2,Yes: halves are bigger pieces,1/3,Thirds are smaller,They are equal,A,,,,Think of pizza,"Cut one pizza in 2,
another in 3: the halves are bigger."
multiple_choice,Which are equal to 1/2?,2/4,,3/6,,2/3,1;2,,,,,
true_false,2/4 is equal to 1/2.,,,,,,true,,,,,
numeric,Write 3/4 as a decimal.,,,,,,,0.75,0.001,,,
numeric,How many quarters make 1 1/2?,,,,,,,6,,quarters,,
short_text,The bottom number of a fraction is the ...,,,,,,,denominator | the denominator,,,,
"""


def _write(tmp_path: Path, text: str, name: str = "bank.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_kind_becomes_a_learnloop_item(tmp_path: Path) -> None:
    items = parse_csv_bank(_write(tmp_path, SHEET), prefix="bank", objective="a")
    assert [(i["id"], i["type"]) for i in items] == [
        ("bank-1", "single_choice"), ("bank-2", "multiple_choice"), ("bank-3", "single_choice"),
        ("bank-4", "numeric"), ("bank-5", "numeric"), ("bank-6", "short_text"),
    ]  # fmt: skip
    assert items[0]["choices"][1] == {
        "text": "1/3",
        "correct": False,
        "feedback": "Thirds are smaller",
    }
    assert items[0]["solution"] == "Cut one pizza in 2,\nanother in 3: the halves are bigger."
    assert items[0]["hints"] == ["Think of pizza"]
    assert items[2]["choices"] == [
        {"text": "True", "correct": True}, {"text": "False", "correct": False}
    ]  # fmt: skip
    assert (items[3]["answer"], items[3]["tolerance"]) == (0.75, 0.001)
    assert (items[4]["unit"], items[4]["tolerance"]) == ("quarters", 0.0)
    assert items[5]["accepted"] == ["denominator", "the denominator"]

    course_dir = write_course(tmp_path / "c")
    items_file, activity_file, n = add_csv_to_course(course_dir, tmp_path / "bank.csv", "a")
    assert (items_file.name, activity_file.name, n) == ("bank.yaml", "bank-questions.md", 6)
    course = load_course(course_dir)
    assert grade(course.items["bank-1"], "a").correct
    assert not grade(course.items["bank-1"], "b").correct
    assert grade(course.items["bank-2"], ["a", "b"]).correct
    assert not grade(course.items["bank-2"], ["a"]).correct
    assert grade(course.items["bank-3"], "a").correct
    assert grade(course.items["bank-4"], "3/4").correct
    assert not grade(course.items["bank-4"], "0.7").correct
    assert grade(course.items["bank-5"], "6").correct
    assert grade(course.items["bank-6"], "The Denominator").correct
    assert list(course.activities["bank-questions"].items) == [f"bank-{i}" for i in range(1, 7)]


def test_a_semicolon_sheet_with_ids_and_numbered_hints(tmp_path: Path) -> None:
    sheet = (
        "\ufeffid;type;prompt;answer;hint 1;hint 2;solution\n"
        "half-of-8;numeric;Half of 8?;4;Split 8 in two;8 ÷ 2;8 ÷ 2 = 4\n"
        "\n"
        "third;numeric;What is 1/3 as a percentage, to the nearest whole?;33%;;;\n"
    )
    items = parse_csv_bank(_write(tmp_path, sheet), prefix="bank", objective="a")
    assert [i["id"] for i in items] == ["half-of-8", "third"]
    assert items[0]["hints"] == ["Split 8 in two", "8 ÷ 2"]
    assert items[1]["answer"] == "33%"  # read by the course loader as 0.33
    course_dir = write_course(tmp_path / "c")
    add_csv_to_course(course_dir, tmp_path / "bank.csv", "a")
    assert grade(load_course(course_dir).items["third"], "0.33").correct


def test_every_problem_is_named_by_line_and_nothing_is_written(tmp_path: Path) -> None:
    bad = (
        "type,prompt,choice 1,choice 2,choice 4,correct,answer,tolerance\n"
        "single_choice,Pick,x,y,,C,,\n"  # line 2: C names no choice
        "essay,Tell me,,,,,,\n"  # line 3
        'multiple_choice,"Two\nlines",x,,,1,,\n'  # line 4 (to 5): one choice
        "numeric,How many?,,,,,lots,-1\n"  # line 6
        "single_choice,Pick,x,y,z,1,,\n"  # line 7: choice 3 empty under choice 4
        "single_choice,Both,x,y,,1;2,,\n"  # line 8
        "short_text,Name it,,,,,,\n"  # line 9
        "true_false,Sure?,,,,maybe,,\n"  # line 10
        "numeric,Sum?,a,b,,,3,\n"  # line 11
    )
    course_dir = write_course(tmp_path / "c")
    with pytest.raises(ContentError) as info:
        add_csv_to_course(course_dir, _write(tmp_path, bad), "a")
    assert [(i.file, i.line, i.message) for i in info.value.issues] == [
        ("bank.csv", 2, "correct: 'C' names no choice (there are 2)"),
        ("bank.csv", 3, "type: 'essay' is not one of single_choice, multiple_choice, true_false, "
         "numeric, short_text"),
        ("bank.csv", 4, "a multiple_choice question needs at least two choices (choice 1, choice 2, ...)"),
        ("bank.csv", 6, "answer: 'lots' is not a number, a fraction or a percentage"),
        ("bank.csv", 6, "tolerance: must not be negative"),
        ("bank.csv", 7, "choice 3 is empty, but choice 4 is not"),
        ("bank.csv", 8, "correct: a single_choice question has one right choice"),
        ("bank.csv", 9, "answer: a short_text question needs its accepted answers (a | b)"),
        ("bank.csv", 10, "correct: a true_false question needs true or false"),
        ("bank.csv", 11, "choice columns are for choice questions, not numeric"),
    ]  # fmt: skip
    assert not (course_dir / "items" / "bank.yaml").exists()
    assert not (course_dir / "activities" / "bank-questions.md").exists()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("type,prompt,tolerence\nnumeric,x,1\n", 1, "unknown column 'tolerence': the columns are"),
        ("type,answer\nnumeric,1\n", 1, "no 'prompt' column"),
        ("type,prompt,Choice_1,choice 1\n", 1, "the column 'choice1' appears twice"),
        ("type,prompt\n", 2, "no questions under the header"),
        ("", 1, "the file is empty"),
        ("type,prompt\nnumeric,x,extra\n", 2, "more cells than the header has columns"),
        ('type,prompt\nnumeric,"never closed\n', 2, "not valid CSV"),
        (
            "id,type,prompt,answer\nA B,numeric,x,1\nok,numeric,y,2\nok,numeric,z,3\n",
            2,
            "id: 'A B' is not a key",
        ),
    ],
)
def test_a_bad_sheet_is_refused_with_its_line(
    text: str, line: int, message: str, tmp_path: Path
) -> None:
    with pytest.raises(ContentError) as info:
        parse_csv_bank(_write(tmp_path, text), prefix="bank", objective="a")
    first = info.value.issues[0]
    assert (first.file, first.line) == ("bank.csv", line), info.value.issues
    assert first.message.startswith(message), first.message


def test_a_repeated_id_names_both_lines(tmp_path: Path) -> None:
    text = "id,type,prompt,answer\nok,numeric,y,2\nok,numeric,z,3\n"
    with pytest.raises(ContentError) as info:
        parse_csv_bank(_write(tmp_path, text), prefix="bank", objective="a")
    assert [(i.line, i.message) for i in info.value.issues] == [
        (3, "id: 'ok' is the id of line 2 too")
    ]


def test_a_sheet_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_bytes("type,prompt\nnumeric,caf\u00e9?\n".encode("cp1252"))
    with pytest.raises(ContentError) as info:
        parse_csv_bank(path, prefix="bank", objective="a")
    issue = info.value.issues[0]
    assert issue.line == 2
    assert "save the sheet as 'CSV UTF-8'" in issue.message


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _course_knowing(folder: Path, demo_course: Course) -> Path:
    """The small test course, declaring the demo course's misconceptions."""
    course_dir = write_course(folder)
    (course_dir / "course.yaml").write_text(
        (course_dir / "course.yaml").read_text()
        + "misconceptions:\n"
        + "".join(f"  - key: {m}\n    title: {m}\n" for m in demo_course.misconceptions)
    )
    return course_dir


def test_demo_items_survive_the_round_trip(demo_course: Course, tmp_path: Path) -> None:
    out = tmp_path / "fractions.csv"
    done = export_csv(demo_course, out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    skipped = {k for k, i in demo_course.items.items()
               if i.kind in (ItemKind.ORDERING, ItemKind.MATCHING)
               or (i.kind is ItemKind.SHORT_TEXT and not i.accepted)}  # fmt: skip
    assert skipped
    assert done.items == len(demo_course.items) - len(skipped)
    for key in skipped:
        assert any(line.startswith(f"item {key}: not exported") for line in done.left_out)
    course_dir = _course_knowing(tmp_path / "course", demo_course)
    add_csv_to_course(course_dir, out, objective="a")
    back = load_course(course_dir)
    exported = [k for k in demo_course.items if k not in skipped]
    assert list(back.activities["fractions-questions"].items) == exported  # the ids are kept
    for key in exported:
        original, item = demo_course.items[key], back.items[key]
        assert item.kind is original.kind, key
        assert _text(item.prompt) == _text(original.prompt), key
        assert [
            (c.correct, _text(c.text), _text(c.feedback), c.misconception) for c in item.choices
        ] == [
            (c.correct, _text(c.text), _text(c.feedback), c.misconception) for c in original.choices
        ], key
        assert (item.answer, item.tolerance, item.unit) == (
            original.answer,
            original.tolerance,
            original.unit,
        ), key
        assert item.accepted == original.accepted, key
        assert [_text(h) for h in item.hints] == [_text(h) for h in original.hints], key
        assert _text(item.solution) == _text(original.solution), key


def test_the_commands(demo_course: Course, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "parts.csv"
    result = runner.invoke(
        app, ["export-csv", str(DEMO), str(out), "--objective", "parts-of-a-whole"]
    )
    assert result.exit_code == 0, result.output
    assert "items written to" in result.output
    plain = write_course(tmp_path / "plain")  # declares none of the sheet's misconception tags
    refused = runner.invoke(
        app, ["import-csv", str(out), "--course", str(plain), "--objective", "a"]
    )
    assert refused.exit_code == 1
    assert "items/parts.yaml:" in refused.output
    assert "misconception 'top-bottom-roles' is not declared" in refused.output
    assert not (plain / "items" / "parts.yaml").exists()
    course_dir = _course_knowing(tmp_path / "c", demo_course)
    failed = runner.invoke(
        app, ["import-csv", str(out), "--course", str(course_dir), "--objective", "zzz"]
    )
    assert failed.exit_code == 1
    assert "unknown objective 'zzz'" in failed.output
    assert "Nothing was written." in failed.output
    done = runner.invoke(
        app, ["import-csv", str(out), "--course", str(course_dir), "--objective", "a"]
    )
    assert done.exit_code == 0, done.output
    assert "questions written to" in done.output
    assert "parts-questions" in load_course(course_dir).activities
