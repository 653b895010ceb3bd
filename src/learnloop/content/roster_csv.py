"""Reading a roster CSV: who is in which class, to set a school's classes up in one step.

Columns (a header row names them; order free, extra columns refused so a typo is seen)::

    username,display_name,role,class,course

``role`` is learner or educator (admins are not enrolled: they see every class); ``course`` is
the slug of the class's course and is needed only for a class that does not exist yet. A person
may appear on several lines, one per class. Every problem is reported with its line, at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from learnloop.content.spreadsheet_csv import spreadsheet_rows
from learnloop.domain import Role
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["MAX_ROWS", "ROSTER_COLUMNS", "RosterRow", "read_roster", "username_problem"]

ROSTER_COLUMNS = ("username", "display_name", "role", "class", "course")
_REQUIRED = ("username", "role", "class")
_USERNAME = re.compile(r"^[a-zA-Z0-9_.-]{3,64}$")  # as accounts.USERNAME
MAX_ROWS = 20_000  # a district's roster fits; a runaway export does not


def username_problem(username: str) -> str:
    """What is wrong with ``username`` as a learnloop username ("" when nothing)."""
    if _USERNAME.match(username):
        return ""
    return f"username {username!r}: use 3 to 64 letters, digits, . - _"


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str
    display_name: str
    role: Role
    class_name: str
    course: str  # slug, or "" when the class exists


def read_roster(path: Path) -> list[RosterRow]:
    name = path.name
    issues: list[ContentIssue] = []
    reader = spreadsheet_rows(path, name)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in _REQUIRED if c not in header]
    unknown = [h for h in header if h not in ROSTER_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        expected = ",".join(ROSTER_COLUMNS)
        raise ContentError([ContentIssue(name, 1, f"{'; '.join(parts)} (expected {expected})")])
    reader.fieldnames = header
    rows: list[RosterRow] = []
    seen: dict[tuple[str, str], int] = {}
    for count, raw in enumerate(reader, start=1):
        number = reader.line_num  # the file's line (blank lines are skipped, yet counted)
        if count > MAX_ROWS:
            issues.append(ContentIssue(name, number, f"more than {MAX_ROWS} rows: split the file"))
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            issues.append(ContentIssue(name, number, "more values than columns"))
            continue
        if not any(values.values()):
            continue  # a blank line
        username = values.get("username", "")
        if problem := username_problem(username):
            issues.append(ContentIssue(name, number, problem))
            continue
        role_text = values.get("role", "").lower()
        if role_text not in (Role.LEARNER.value, Role.EDUCATOR.value):
            issues.append(
                ContentIssue(name, number, f"role {role_text!r}: use learner or educator")
            )
            continue
        class_name = " ".join(values.get("class", "").split())
        if not class_name:
            issues.append(ContentIssue(name, number, "class is empty"))
            continue
        key = (username, class_name)
        if key in seen:
            issues.append(
                ContentIssue(name, number, f"{username} in {class_name} again (line {seen[key]})")
            )
            continue
        seen[key] = number
        display = " ".join(values.get("display_name", "").split()) or username
        if len(display) > 120:
            issues.append(ContentIssue(name, number, "display_name: use at most 120 characters"))
            continue
        rows.append(
            RosterRow(
                number, username, display, Role(role_text), class_name, values.get("course", "")
            )
        )
    if issues:
        raise ContentError(issues)
    if not rows:
        raise ContentError([ContentIssue(name, 1, "the roster has no rows")])
    return rows
