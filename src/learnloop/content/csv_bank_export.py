"""A course's items as a CSV question bank (the columns content.csv_bank reads), for a teacher who
keeps or shares questions in a spreadsheet; ``learnloop import-csv`` reads it back.

Single and multiple choice go over with each choice's feedback and misconception tag, numeric with
its tolerance and unit, short text with its accepted answers; hints and the worked solution too.
Prompts and choices are the course's HTML (a Markdown reader keeps HTML as it is). A spreadsheet row
has no room for ordering and matching items, short-text patterns or anticipated wrong answers, so
those are left out and listed. The file starts with a byte-order mark, so that Excel reads it as
UTF-8.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from learnloop.domain import Course, Item, ItemKind

__all__ = ["CsvExport", "export_csv"]


@dataclass(frozen=True)
class CsvExport:
    items: int
    left_out: list[str]


def _row(item: Item, left_out: list[str]) -> dict[str, str] | None:
    kind = item.kind
    if kind in (ItemKind.ORDERING, ItemKind.MATCHING):
        left_out.append(f"item {item.key}: not exported: a CSV bank has no {kind.value} questions")
        return None
    if kind is ItemKind.SHORT_TEXT and not item.accepted:
        left_out.append(f"item {item.key}: not exported: only patterns grade it")
        return None
    row = {"id": item.key, "type": kind.value, "prompt": item.prompt}
    if kind in (ItemKind.SINGLE_CHOICE, ItemKind.MULTIPLE_CHOICE):
        for n, choice in enumerate(item.choices, start=1):
            row[f"choice {n}"] = choice.text
            if choice.feedback:
                row[f"feedback {n}"] = choice.feedback
            if choice.misconception:
                row[f"misconception {n}"] = choice.misconception
        row["correct"] = ";".join(str(n) for n, c in enumerate(item.choices, 1) if c.correct)
    elif kind is ItemKind.NUMERIC:
        row["answer"] = repr(item.answer)
        row["tolerance"] = repr(item.tolerance)
        if item.unit:
            row["unit"] = item.unit
    else:
        row["answer"] = " | ".join(item.accepted)
        if item.patterns:
            left_out.append(f"item {item.key}: its patterns")
        if item.case_sensitive:
            left_out.append(f"item {item.key}: case-sensitive grading")
    if len(item.objectives) > 1:
        left_out.append(f"item {item.key}: its objectives after {item.objectives[0]!r}")
    if item.wrong_answers:
        left_out.append(f"item {item.key}: its anticipated wrong answers")
    for n, hint in enumerate(item.hints, start=1):
        row[f"hint {n}"] = hint
    if item.solution:
        row["solution"] = item.solution
    return row


def _columns(rows: list[dict[str, str]]) -> list[str]:
    most = {
        name: max(
            (int(k.split()[1]) for r in rows for k in r if k.startswith(name + " ")), default=0
        )
        for name in ("choice", "feedback", "misconception", "hint")
    }
    columns = ["id", "type", "prompt"]
    for n in range(1, most["choice"] + 1):
        columns.append(f"choice {n}")
        columns += [f"{what} {n}" for what in ("feedback", "misconception") if n <= most[what]]
    columns += ["correct", "answer", "tolerance", "unit"]
    columns += [f"hint {n}" for n in range(1, most["hint"] + 1)] + ["solution"]
    return columns


def export_csv(course: Course, out: Path, *, objective: str = "") -> CsvExport:
    """Write ``course``'s items (only ``objective``'s when given) to the CSV file ``out``."""
    left_out: list[str] = []
    rows = []
    for item in course.items.values():
        if objective and objective not in item.objectives:
            continue
        row = _row(item, left_out)
        if row is not None:
            rows.append(row)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=_columns(rows))
        writer.writeheader()
        writer.writerows(rows)
    return CsvExport(len(rows), left_out)
