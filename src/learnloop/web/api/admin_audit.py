"""The audit trail for a district's scripts (admins; reports.audit_trail): the admin page's
search, as JSON, a page at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from learnloop.reports.audit_trail import AUDIT_PAGE, audit_trail
from learnloop.web.audit_query import AuditQueryDep
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/admin", tags=["admin"])


class AuditEntryOut(BaseModel):
    at: datetime
    actor: str  # a username, or "operator" (the command line)
    action: str
    subject: str
    details: dict[str, Any]


class AuditOut(BaseModel):
    total: int  # changes that match
    offset: int
    next_offset: int | None  # where the next (older) page starts; null on the last
    entries: list[AuditEntryOut]  # newest first


@router.get("/audit", response_model=AuditOut)
def trail(
    platform: PlatformDep,
    viewer: ApiViewer,
    query: AuditQueryDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=AUDIT_PAGE)] = AUDIT_PAGE,
) -> AuditOut:
    """Changes by who made them (``actor``: a part of the username), what they were
    (``action``, exactly), what they were about (``subject``: a part of it) and UTC days
    (``since``, ``until`` included, as YYYY-MM-DD)."""
    page = audit_trail(platform.db, viewer, query.search(), offset=offset, limit=limit)
    return AuditOut(
        total=page.total, offset=page.offset, next_offset=page.next_offset,
        entries=[AuditEntryOut(at=e.at, actor=e.actor, action=e.action, subject=e.subject,
                               details=e.details) for e in page.entries],
    )  # fmt: skip
