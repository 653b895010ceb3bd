"""Accounts, classes and memberships from a roster CSV or a OneRoster export, from a script
(admins; services.roster_uploads): what the admin page's roster form does, as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from learnloop.services.roster_uploads import upload_roster
from learnloop.web.deps import ApiAdmin, PlatformDep, typed_body

router = APIRouter(prefix="/admin", tags=["admin"])

ROSTER_TYPES = ("text/csv", "application/zip", "application/x-zip-compressed")


async def _roster_body(request: Request) -> bytes:
    message = "send a roster CSV as text/csv or a OneRoster export as application/zip"
    return await typed_body(request, ROSTER_TYPES, message)


class NewAccount(BaseModel):
    username: str
    role: str
    password: str  # one-time: shown in this answer only; the person chooses their own at login


class RosterOut(BaseModel):
    accounts_created: list[NewAccount]
    classes_created: list[str]
    memberships_added: int
    memberships_kept: int  # were in their class already
    identities_linked: int  # e-mail addresses linked (OneRoster with link_emails)
    left_out: dict[str, int]  # OneRoster enrollments left out, by why (other roles, disabled)


@router.post("/rosters", response_model=RosterOut)
def roster(
    platform: PlatformDep,
    viewer: ApiAdmin,
    data: Annotated[bytes, Depends(_roster_body)],
    course: Annotated[str, Query(max_length=64)] = "",
    link_emails: bool = False,
    filename: Annotated[str, Query(max_length=200)] = "",
) -> RosterOut:
    """Import a roster in one transaction: every problem is refused with 400 and ``issues`` (file,
    line, message), and nothing changes. For a OneRoster export, ``course`` is the slug its new
    classes follow and ``link_emails`` links each person's e-mail address as their xAPI
    identity. ``filename`` names the file in problems and in the audit trail."""
    done = upload_roster(
        platform.db, platform.hasher, viewer, data,
        filename=filename or ("oneroster.zip" if data[:2] == b"PK" else "roster.csv"),
        course=course, link_emails=link_emails, public_url=platform.settings.public_url,
    )  # fmt: skip
    r = done.result
    return RosterOut(
        accounts_created=[NewAccount(username=u, role=ro, password=p)
                          for u, ro, p in r.created_accounts],
        classes_created=r.created_classes, memberships_added=r.memberships_added,
        memberships_kept=r.memberships_kept, identities_linked=r.identities_linked,
        left_out=done.left_out,
    )  # fmt: skip
