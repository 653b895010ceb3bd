"""An administrator sets accounts, classes and memberships up from a roster CSV or a OneRoster
export sent from the admin page (services.roster_uploads); the new accounts' one-time passwords
are shown once, on the answer to that form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from learnloop.domain import Role
from learnloop.exceptions import ContentError, InvalidInput
from learnloop.services.roster_uploads import upload_roster
from learnloop.storage.access import require_role
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep, sent_file
from learnloop.web.pages.admin import overview_page
from learnloop.web.rendering import problems

router = APIRouter(prefix="/admin")


@router.post("/rosters", dependencies=[CsrfChecked])
def roster(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    roster: Annotated[UploadFile | None, File()] = None,
    course: Annotated[str, Form(max_length=64)] = "",
    link_emails: Annotated[bool, Form()] = False,
) -> Response:
    """Import the roster; the admin page then lists what it made and the one-time passwords, or
    every problem with its file and line (and nothing changed)."""
    require_role(viewer, Role.ADMIN)
    data, filename = sent_file(roster)
    try:
        done = upload_roster(
            platform.db, platform.hasher, viewer, data, filename=filename, course=course,
            link_emails=link_emails, public_url=platform.settings.public_url,
        )  # fmt: skip
    except (ContentError, InvalidInput) as exc:
        found = problems(request, platform, exc)
        extra = {"roster_problems": found, "roster_course": course}
        return overview_page(request, platform, viewer, extra, 400)
    return overview_page(request, platform, viewer, {"roster": done})
