"""Records leaving the platform, on the audit trail: each download of a class's
mastery, items or answers (reports.class_exports) is recorded with who took it, which class and
which file, before the file goes out; so is each download of the audit trail itself
(reports.audit_trail), with the search it was cut to.

The pages show the same records, and showing them is not recorded: a page stays where the
platform's roles guard it, a file does not (it goes to a laptop, a mail, a shared drive). A
school that must answer for where learners' data went asks the audit trail "who took a copy of
class 7B's answers, and when"; this is that record. Nothing about the file's content is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime

from learnloop.domain import Role, Viewer
from learnloop.services.audit import record_event
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_role

__all__ = ["CLASS_FILES", "record_audit_download", "record_class_download"]

# The files a class's educators can take away (reports.class_exports), by the name the audit
# event gives them.
CLASS_FILES = frozenset({"mastery", "items", "answers"})


def record_class_download(
    db: Database, viewer: Viewer, *, class_id: int, file: str, now: datetime | None = None
) -> None:
    """Record that ``viewer`` (the class's educator or an admin) downloads ``file`` of the class;
    anyone else is refused, as the file itself would be."""
    if file not in CLASS_FILES:
        raise ValueError(f"no class file {file!r}: one of {sorted(CLASS_FILES)}")
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    with db.transaction() as s:
        school_class = require_class_educator(s, viewer, class_id)
        record_event(
            s, actor=viewer.username, action="class.records_downloaded",
            subject=school_class.name, now=now or datetime.now(UTC), details={"file": file},
        )  # fmt: skip


def record_audit_download(
    db: Database, viewer: Viewer, *, search: dict[str, str], now: datetime | None = None
) -> None:
    """Record that an admin downloads the audit trail, with the search it was cut to: the
    trail names people, and a copy of it leaves the platform like a class's records."""
    require_role(viewer, Role.ADMIN)
    with db.transaction() as s:
        record_event(
            s, actor=viewer.username, action="audit.downloaded", subject="audit trail",
            now=now or datetime.now(UTC), details={k: v for k, v in search.items() if v},
        )  # fmt: skip
