"""Question banks kept in a spreadsheet, read from CSV into learnloop items (product.md, Content:
"Import: ... CSV question banks"), for the teacher whose questions live in Excel or a shared sheet.

One question a row, one header row naming the columns (in any order; case, spaces, ``_`` and ``-``
do not matter, so ``Choice 1``, ``choice_1`` and ``choice1`` are the same column):

- ``type`` (required): ``single_choice``, ``multiple_choice``, ``true_false``, ``numeric`` or
  ``short_text`` (``single choice`` and the like work too);
- ``prompt`` (required), Markdown;
- ``id``: the item's key (else ``NAME-1``, ``NAME-2``, ... after the file's name);
- ``choice 1`` ... ``choice N`` with ``feedback N`` and ``misconception N`` beside them, and
  ``correct``: the right choices' numbers or letters (``2``, ``B``, ``1;3``, ``A, C``); for
  ``true_false``, ``correct`` is ``true`` or ``false``;
- ``answer``: a numeric item's number (``0.75``, ``3/4``, ``1 1/2``, ``75%``) with ``tolerance``
  and ``unit``; a short-text item's accepted answers, separated by ``|``;
- ``hint`` or ``hint 1`` ... ``hint N``, and ``solution``.

The delimiter is whichever of comma, semicolon and tab the header row uses (spreadsheets in many
locales write semicolons). Every problem is named with the file and the line its row starts on, and
on any problem nothing is written (content.bank_import).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from learnloop.content.bank_import import bank_stem, write_bank
from learnloop.content.item_reader import ITEM_KEY
from learnloop.domain.grading import parse_number
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["COLUMNS", "add_csv_to_course", "parse_csv_bank"]

KINDS = ("single_choice", "multiple_choice", "true_false", "numeric", "short_text")
_NUMBERED = ("choice", "feedback", "misconception", "hint")
COLUMNS = ("type", "prompt", "id", "correct", "answer", "tolerance", "unit", "hint", "solution")
_COLUMN = re.compile(r"^(choice|feedback|misconception|hint)(\d+)$")
_TRUE, _FALSE = {"true", "t", "yes", "y", "1"}, {"false", "f", "no", "n", "0"}


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]  # column name (normalised) -> stripped text; empty cells left out


def _column(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name.strip().lower())


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError([ContentIssue(path.name, 0, f"cannot read it: {exc}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([ContentIssue(path.name, line, (
            "not UTF-8 text: save the sheet as 'CSV UTF-8' (Excel) or download it as CSV (Sheets)"
        ))]) from None  # fmt: skip


def _rows(text: str, file: str) -> list[_Row]:
    """The data rows with the line each starts on, after checking the header."""
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ContentError([ContentIssue(file, 1, "the file is empty")]) from None
    names = [_column(h) for h in header]
    issues: list[ContentIssue] = []
    known = set(COLUMNS) - {"hint"}
    for name, shown in zip(names, header, strict=True):
        if name and name not in known and name != "hint" and not _COLUMN.match(name):
            issues.append(ContentIssue(file, 1, (
                f"unknown column {shown.strip()!r}: the columns are {', '.join(COLUMNS)}, "
                "choice N, feedback N, misconception N and hint N"
            )))  # fmt: skip
    for name in [n for n in names if n]:
        if names.count(name) > 1:
            issues.append(ContentIssue(file, 1, f"the column {name!r} appears twice"))
            break
    for needed in ("type", "prompt"):
        if needed not in names:
            issues.append(ContentIssue(file, 1, f"no {needed!r} column"))
    if issues:
        raise ContentError(issues)
    rows: list[_Row] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            cells = {n: v.strip() for n, v in zip(names, record, strict=False) if n and v.strip()}
            if len(record) > len(names) and any(v.strip() for v in record[len(names) :]):
                issues.append(ContentIssue(file, start, "more cells than the header has columns"))
            elif cells:
                rows.append(_Row(start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        issues.append(ContentIssue(file, start, f"not valid CSV: {exc}"))
    if issues:
        raise ContentError(issues)
    if not rows:
        raise ContentError([ContentIssue(file, 2, "no questions under the header")])
    return rows


def _numbered(cells: dict[str, str], prefix: str) -> dict[int, str]:
    out = {}
    for name, value in cells.items():
        m = _COLUMN.match(name)
        if m and m.group(1) == prefix:
            out[int(m.group(2))] = value
    return out


def _right_choices(text: str, n: int) -> list[int] | str:
    """The 1-based choice numbers ``correct`` names, or what is wrong with it."""
    out = []
    for part in filter(None, (p.strip() for p in re.split(r"[;,|\s]+", text))):
        if part.isdigit():
            number = int(part)
        elif len(part) == 1 and part.isalpha():
            number = ord(part.upper()) - ord("A") + 1
        else:
            return f"correct: {part!r} is not a choice number or letter"
        if not 1 <= number <= n:
            return f"correct: {part!r} names no choice (there are {n})"
        out.append(number)
    return sorted(set(out)) if out else "correct: name the right choice (a number or a letter)"


def _choices(row: _Row, kind: str, problems: list[str]) -> list[dict[str, Any]]:
    cells = row.cells
    if kind == "true_false":
        value = cells.get("correct", "").lower()
        if value not in _TRUE | _FALSE:
            problems.append("correct: a true_false question needs true or false")
            return []
        truth = value in _TRUE
        texts, right = {1: "True", 2: "False"}, [1 if truth else 2]
    else:
        texts = _numbered(cells, "choice")
        numbers = sorted(texts)
        if len(numbers) < 2:
            problems.append(
                f"a {kind} question needs at least two choices (choice 1, choice 2, ...)"
            )
            return []
        if numbers != list(range(1, len(numbers) + 1)):
            missing = next(i for i in range(1, numbers[-1] + 1) if i not in texts)
            problems.append(f"choice {missing} is empty, but choice {numbers[-1]} is not")
            return []
        found = _right_choices(cells.get("correct", ""), len(numbers))
        if isinstance(found, str):
            problems.append(found)
            return []
        right = found
        if kind == "single_choice" and len(right) > 1:
            problems.append("correct: a single_choice question has one right choice")
    feedback, tags = _numbered(cells, "feedback"), _numbered(cells, "misconception")
    for extra in sorted((set(feedback) | set(tags)) - set(texts)):
        problems.append(f"feedback or misconception {extra} is for a choice that is not there")
    out = []
    for number, text in sorted(texts.items()):
        choice: dict[str, Any] = {"text": text, "correct": number in right}
        if number in feedback:
            choice["feedback"] = feedback[number]
        if number in tags:
            choice["misconception"] = tags[number]
        out.append(choice)
    return out


def _answer_fields(row: _Row, kind: str, problems: list[str]) -> dict[str, Any]:
    cells = row.cells
    answer = cells.get("answer", "")
    if kind == "short_text":
        accepted = [a.strip() for a in answer.split("|") if a.strip()]
        if not accepted:
            problems.append("answer: a short_text question needs its accepted answers (a | b)")
        return {"accepted": accepted}
    if not answer:
        problems.append("answer: a numeric question needs its number")
        return {}
    fields: dict[str, Any] = {}
    try:
        parse_number(answer)
        try:
            fields["answer"] = float(answer)
        except ValueError:
            fields["answer"] = answer  # 3/4, 1 1/2 or 75%: the course loader reads these too
    except ValueError:
        problems.append(f"answer: {answer!r} is not a number, a fraction or a percentage")
    tolerance = cells.get("tolerance", "0")
    try:
        spread = float(tolerance)
        if spread < 0:
            problems.append("tolerance: must not be negative")
        fields["tolerance"] = spread
    except ValueError:
        problems.append(f"tolerance: {tolerance!r} is not a number")
    if "unit" in cells:
        fields["unit"] = cells["unit"]
    return fields


def _item(row: _Row, n: int, prefix: str, objective: str) -> tuple[dict[str, Any], list[str]]:
    cells, problems = row.cells, []
    kind = re.sub(r"[\s-]+", "_", cells.get("type", "").lower())
    key = cells.get("id", f"{prefix}-{n}")
    if not ITEM_KEY.match(key):
        problems.append(f"id: {key!r} is not a key (lower-case letters, digits, . _ -)")
    if kind not in KINDS:
        problems.append(f"type: {cells.get('type', '')!r} is not one of {', '.join(KINDS)}")
        return {}, problems
    if "prompt" not in cells:
        problems.append("prompt: empty")
    item: dict[str, Any] = {"id": key, "type": kind, "objective": objective}
    item["prompt"] = cells.get("prompt", "")
    if kind in ("numeric", "short_text"):
        item.update(_answer_fields(row, kind, problems))
        for name in ("choice", "feedback", "misconception"):
            if _numbered(cells, name):
                problems.append(f"{name} columns are for choice questions, not {kind}")
                break
    else:
        item["choices"] = _choices(row, kind, problems)
        item["type"] = "single_choice" if kind == "true_false" else kind
        for name in ("answer", "tolerance", "unit"):
            if name in cells:
                problems.append(f"{name}: is for numeric and short_text questions, not {kind}")
    hints = ([cells["hint"]] if "hint" in cells else []) + [
        text for _, text in sorted(_numbered(cells, "hint").items())
    ]
    if hints:
        item["hints"] = hints
    if "solution" in cells:
        item["solution"] = cells["solution"]
    return item, problems


def parse_csv_bank(path: Path, *, prefix: str, objective: str) -> list[dict[str, Any]]:
    """learnloop items (as items/*.yaml holds them) for every row of the CSV file ``path``;
    ContentError names every problem with its line."""
    rows = _rows(_decode(path), path.name)
    issues: list[ContentIssue] = []
    items: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        item, problems = _item(row, n, prefix, objective)
        issues.extend(ContentIssue(path.name, row.line, p) for p in problems)
        key = item.get("id")
        if isinstance(key, str):
            if key in first_line:
                issues.append(ContentIssue(
                    path.name, row.line, f"id: {key!r} is the id of line {first_line[key]} too"
                ))  # fmt: skip
            first_line.setdefault(key, row.line)
        items.append(item)
    if issues:
        raise ContentError(issues)
    return items


def add_csv_to_course(course_dir: Path, csv_file: Path, objective: str) -> tuple[Path, Path, int]:
    """Write ``csv_file``'s questions into the course folder as ``items/NAME.yaml`` and an
    activity listing them, for ``objective``; then load the course. On any problem nothing is
    left written: ContentError says what and where."""
    stem = bank_stem(csv_file, "questions")
    items = parse_csv_bank(csv_file, prefix=stem, objective=objective)
    return write_bank(
        course_dir, stem=stem, items=items, objective=objective, source=csv_file.name,
        how="a CSV question bank, by learnloop import-csv",
    )  # fmt: skip
