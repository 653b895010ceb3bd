"""An administrator sets a school's accounts and classes up from the admin page or the API: a
roster CSV or a OneRoster 1.1 export (zip) sent as a file, read and imported as ``learnloop
import-roster`` reads and imports it (content.roster_csv, content.oneroster, services.rosters:
one transaction, every problem named with its file and line, nothing changed when there is one).

The one-time passwords of the accounts it creates are returned once, for the page to show and
the API to answer with; only their argon2 hashes are kept, and each person must choose their own
at their first login. The file is written to a folder of its own for the readers (they read
files) and removed whatever happens.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher

from learnloop.content.identity_csv import IdentityRow
from learnloop.content.oneroster import read_oneroster
from learnloop.content.roster_csv import read_roster
from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput
from learnloop.services.rosters import RosterResult, import_roster
from learnloop.storage import Database
from learnloop.storage.access import require_role

__all__ = ["RosterUpload", "upload_roster"]


@dataclass(frozen=True)
class RosterUpload:
    source: str  # the file's name, as problems and the audit trail name it
    oneroster: bool
    result: RosterResult
    left_out: dict[str, int] = field(default_factory=dict)  # OneRoster: why -> enrollments


def upload_roster(
    db: Database,
    hasher: PasswordHasher,
    viewer: Viewer,
    data: bytes,
    *,
    filename: str,
    course: str = "",
    link_emails: bool = False,
    public_url: str = "",
) -> RosterUpload:
    """Import the roster in ``data`` (admins): a zip is a OneRoster export, whose new classes
    follow the course ``course`` (a slug); anything else is read as a roster CSV.
    ``link_emails`` (OneRoster only) links each person's e-mail address as the name they go by
    in xAPI content hosted elsewhere. ContentError names every problem."""
    require_role(viewer, Role.ADMIN)
    name = Path(filename).name or "roster.csv"
    if not data:
        raise InvalidInput("roster", "choose the roster file to send")
    oneroster = zipfile.is_zipfile(io.BytesIO(data))
    if link_emails and not oneroster:
        raise InvalidInput(
            "link_emails", "e-mail addresses come from a OneRoster export's users.csv"
        )
    identities: list[IdentityRow] = []
    left_out: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="learnloop-roster-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        if oneroster:
            export = read_oneroster(path, course=course.strip())
            rows, source, left_out = export.rows, f"{name}:enrollments.csv", export.left_out
            identities = export.emails if link_emails else []
        else:
            rows, source = read_roster(path), name
    result = import_roster(
        db, hasher, rows, source=source, actor=viewer.username, identities=identities,
        identity_source=f"{name}:users.csv", public_url=public_url,
    )  # fmt: skip
    return RosterUpload(source, oneroster, result, left_out)
