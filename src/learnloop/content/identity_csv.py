"""The other names learners go by in xAPI, from a spreadsheet: a CSV with a header that holds
``username`` and the identifier columns ``mbox``, ``mbox_sha1sum``, ``openid``,
``account_homePage`` and ``account_name`` (xAPI's own names for them; columns a file does not
use may be left out). Each line links one identifier to one account: an e-mail address (with or
without ``mailto:``), its SHA-1, an OpenID, or an account on another system (its home page and
name). services.xapi_identities checks each identifier and links them all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from learnloop.content.spreadsheet_csv import spreadsheet_rows
from learnloop.exceptions import ContentError, ContentIssue

__all__ = ["IDENTIFIER_COLUMNS", "IdentityRow", "read_identity_csv"]

IDENTIFIER_COLUMNS = ("mbox", "mbox_sha1sum", "openid", "account_homePage", "account_name")


@dataclass(frozen=True, slots=True)
class IdentityRow:
    username: str
    fields: dict[str, str]  # the identifier columns this line fills, stripped
    line: int


def read_identity_csv(path: Path) -> list[IdentityRow]:
    """The file's lines; ContentError lists every bad line (file and line)."""
    name = str(path)
    reader = spreadsheet_rows(path, name)
    header = reader.fieldnames or []
    if "username" not in header or not any(c in header for c in IDENTIFIER_COLUMNS):
        raise ContentError([ContentIssue(name, 1, (
            "the header needs username and at least one of " + ", ".join(IDENTIFIER_COLUMNS)
        ))])  # fmt: skip
    rows: list[IdentityRow] = []
    issues: list[ContentIssue] = []
    for line, record in enumerate(reader, start=2):
        username = (record.get("username") or "").strip()
        fields = {c: (record.get(c) or "").strip() for c in IDENTIFIER_COLUMNS}
        fields = {c: v for c, v in fields.items() if v}
        if not username:
            issues.append(ContentIssue(name, line, "username must not be empty"))
        elif not fields:
            issues.append(ContentIssue(name, line, "the line gives no identifier"))
        else:
            rows.append(IdentityRow(username, fields, line))
    if issues:
        raise ContentError(issues)
    if not rows:
        raise ContentError([ContentIssue(name, 1, "the file links no identifier")])
    return rows
