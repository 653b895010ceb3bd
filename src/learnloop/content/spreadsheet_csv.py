"""A CSV saved from a spreadsheet, opened one way for every reader of them (rosters, identities,
calibration answers): UTF-8 with or without the byte-order mark spreadsheets add, quoted fields
that hold line breaks kept whole, and a file that cannot be read reported as its first issue."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["spreadsheet_rows"]


def spreadsheet_rows(path: Path, name: str) -> csv.DictReader[str]:
    """The file's rows by header; ContentError (named ``name``, line 0) if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([ContentIssue(name, 0, f"cannot read the file: {exc}")]) from None
    return csv.DictReader(io.StringIO(text, newline=""))
