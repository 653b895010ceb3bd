"""Answers from outside the platform for calibrating a score test's bank: a CSV with a header
``user_id,item_id,correct`` (other columns are ignored, so the generic response-log CSV of
``learnloop evaluate`` reads as it is), one answer a line, ``correct`` 1 or 0 (true or false).
``item_id`` is the item's key in the course."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from learnloop.content.spreadsheet_csv import spreadsheet_rows
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["CalibrationRow", "read_calibration_csv"]

_REQUIRED = ("user_id", "item_id", "correct")
_TRUTH = {"1": True, "0": False, "true": True, "false": False}


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    respondent: str  # as the file names them (never stored)
    item: str
    correct: bool
    line: int


def read_calibration_csv(path: Path) -> list[CalibrationRow]:
    """The file's answers; ContentError lists every bad line (file and line)."""
    name = str(path)
    reader = spreadsheet_rows(path, name)
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ContentError(
            [ContentIssue(name, 1, f"the header needs the column(s) {', '.join(missing)}")]
        )
    rows: list[CalibrationRow] = []
    issues: list[ContentIssue] = []
    for line, record in enumerate(reader, start=2):
        user, item = (record.get("user_id") or "").strip(), (record.get("item_id") or "").strip()
        correct = _TRUTH.get((record.get("correct") or "").strip().lower())
        if not user or not item:
            issues.append(ContentIssue(name, line, "user_id and item_id must not be empty"))
        elif correct is None:
            issues.append(
                ContentIssue(name, line, f"correct must be 1 or 0, not {record.get('correct')!r}")
            )
        else:
            rows.append(CalibrationRow(user, item, correct, line))
    if issues:
        raise ContentError(issues)
    if not rows:
        raise ContentError([ContentIssue(name, 1, "the file holds no answers")])
    return rows
