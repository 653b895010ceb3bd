"""Reading a OneRoster 1.1 CSV export (product.md, Content: "rosters from OneRoster CSV"): the
``users.csv``, ``classes.csv`` and ``enrollments.csv`` of a school information system's export,
as a zip or a folder, turned into the same roster rows as learnloop's own roster CSV
(content.roster_csv), so that one import (services.rosters) sets accounts and classes up.

Mapping. An enrollment of role ``student`` makes a learner, ``teacher`` an educator; other roles
(aide, administrator, guardian, ...) are left out and counted. Rows whose ``status`` is
``tobedeleted``, and users with ``enabledUser`` false, are left out. A user's learnloop username is
their OneRoster ``username``; one that is an e-mail address becomes its part before the @ when that
is a valid username no other user of the file has. The display name is ``givenName familyName``.
A class's learnloop name is its ``title``, with its ``classCode`` in brackets when it has one, so
that two schools' "Maths 7" stay apart. OneRoster knows nothing of learnloop's courses: the
importer names the course that new classes follow. Every problem is named with its file and line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from learnloop.content.identity_csv import IdentityRow
from learnloop.content.roster_csv import MAX_ROWS, RosterRow, username_problem
from learnloop.domain import Role
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["OneRosterExport", "is_oneroster", "read_oneroster"]

_FILES = ("users.csv", "classes.csv", "enrollments.csv")
_NEEDED = {
    "users.csv": ("sourcedId", "username"),
    "classes.csv": ("sourcedId", "title"),
    "enrollments.csv": ("classSourcedId", "userSourcedId", "role"),
}
_ROLES = {"student": Role.LEARNER, "teacher": Role.EDUCATOR}
# MAX_ROWS lines of a few hundred bytes each: a zipped table that says it unpacks to more is
# refused before it is read (an upload may be a zip "bomb")
MAX_TABLE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class OneRosterExport:
    rows: list[RosterRow]
    left_out: dict[str, int]  # why -> how many enrollments
    # the ``email`` of each imported user who has one (users.csv's line), for the operator who
    # links them as the names learners go by in xAPI content (import-roster --link-emails)
    emails: list[IdentityRow] = field(default_factory=list)


def is_oneroster(path: Path) -> bool:
    """A zip or folder holding a OneRoster export (its enrollments.csv), not a roster CSV."""
    if path.is_dir():
        return (path / "enrollments.csv").is_file()
    return zipfile.is_zipfile(path)


def _tables(path: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    try:
        if path.is_dir():
            for name in _FILES:
                if (path / name).is_file():
                    texts[name] = (path / name).read_text(encoding="utf-8-sig")
        else:
            with zipfile.ZipFile(path) as z:
                by_base = {i.filename.rsplit("/", 1)[-1]: i for i in z.infolist()}
                for name in _FILES:
                    if name in by_base and by_base[name].file_size > MAX_TABLE_BYTES:
                        problem = f"{name} unpacks to more than {MAX_TABLE_BYTES} bytes"
                        raise ContentError([ContentIssue(path.name, 0, problem)])
                    if name in by_base:
                        texts[name] = z.read(by_base[name]).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise ContentError([ContentIssue(path.name, 0, f"cannot read it: {exc}")]) from None
    missing = [n for n in _FILES if n not in texts]
    if missing:
        raise ContentError(
            [ContentIssue(path.name, 0, f"a OneRoster export needs {', '.join(missing)}")]
        )
    return texts


def _rows(name: str, text: str, issues: list[ContentIssue]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    absent = [c for c in _NEEDED[name] if c not in header]
    if absent:
        issues.append(ContentIssue(name, 1, f"missing column(s) {', '.join(absent)}"))
        return []
    reader.fieldnames = header
    out = []
    for count, raw in enumerate(reader, start=1):
        if count > MAX_ROWS:
            issues.append(ContentIssue(name, reader.line_num, f"more than {MAX_ROWS} rows"))
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if values.get("status", "").lower() != "tobedeleted":
            out.append((reader.line_num, values))
    return out


def _usernames(
    users: list[tuple[int, dict[str, str]]], issues: list[ContentIssue]
) -> dict[str, tuple[str, str]]:
    """sourcedId -> (username, display name) of every enabled user."""
    wanted = [(line, u) for line, u in users if u.get("enabledUser", "true").lower() != "false"]
    locals_ = [u["username"].split("@", 1)[0] for _, u in wanted if "@" in u["username"]]
    out: dict[str, tuple[str, str]] = {}
    for line, u in wanted:
        name = u["username"]
        if "@" in name and username_problem(name):
            local = name.split("@", 1)[0]
            taken = locals_.count(local) > 1 or any(v["username"] == local for _, v in wanted)
            if not username_problem(local) and not taken:
                name = local
        problem = username_problem(name)
        if problem:
            issues.append(ContentIssue("users.csv", line, problem))
            continue
        display = " ".join(f"{u.get('givenName', '')} {u.get('familyName', '')}".split())
        out[u["sourcedId"]] = (name, display[:120] or name)
    return out


def read_oneroster(path: Path, *, course: str) -> OneRosterExport:
    """The roster rows of a OneRoster export; ``course``: the slug new classes follow."""
    texts = _tables(path)
    issues: list[ContentIssue] = []
    tables = {name: _rows(name, text, issues) for name, text in texts.items()}
    if issues:  # a missing column: the rows cannot be read, nor referred to
        raise ContentError(issues)
    users = _usernames(tables["users.csv"], issues)
    classes = {}
    for _, c in tables["classes.csv"]:
        code = c.get("classCode", "")
        classes[c["sourcedId"]] = " ".join(f"{c['title']} ({code})".split()) if code else c["title"]
    rows: list[RosterRow] = []
    left_out: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for line, e in tables["enrollments.csv"]:
        role = _ROLES.get(e["role"].lower())
        if role is None:
            why = f"role {e['role'] or '(none)'}"
            left_out[why] = left_out.get(why, 0) + 1
            continue
        if e["classSourcedId"] not in classes:
            issues.append(ContentIssue(
                "enrollments.csv", line, f"class {e['classSourcedId']!r} is not in classes.csv"))  # fmt: skip
            continue
        user = users.get(e["userSourcedId"])
        if user is None:
            known = any(u.get("sourcedId") == e["userSourcedId"] for _, u in tables["users.csv"])
            if known:  # disabled (one with a problem is named above)
                left_out["user not enabled"] = left_out.get("user not enabled", 0) + 1
                continue
            issues.append(ContentIssue(
                "enrollments.csv", line, f"user {e['userSourcedId']!r} is not in users.csv"))  # fmt: skip
            continue
        class_name = classes[e["classSourcedId"]]
        if (user[0], class_name) in seen:
            continue  # enrolled twice (two schools' rows for one class): once is enough
        seen.add((user[0], class_name))
        rows.append(RosterRow(line, user[0], user[1], role, class_name, course))
    if issues:
        raise ContentError(issues)
    if not rows:
        raise ContentError([ContentIssue(path.name, 0, "no student or teacher enrollments in it")])
    enrolled = {r.username for r in rows}
    emails = [
        IdentityRow(users[u["sourcedId"]][0], {"mbox": u["email"]}, line)
        for line, u in tables["users.csv"]
        if u.get("email") and u["sourcedId"] in users and users[u["sourcedId"]][0] in enrolled
    ]
    return OneRosterExport(rows, left_out, emails)
