"""Ending one's own sessions from the password page: a browser left signed in elsewhere, or an
API token a script no longer needs (services.accounts.end_own_sessions). The session the form
comes from stays."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from learnloop.services.accounts import end_own_sessions
from learnloop.web.deps import SESSION_COOKIE, CsrfChecked, PageViewer, PlatformDep
from learnloop.web.rendering import redirect

router = APIRouter()


@router.post("/account/sessions/end", dependencies=[CsrfChecked])
def end_sessions(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    session: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    """End the session numbered ``session``, or every other one when none is named."""
    ended = end_own_sessions(platform.db, viewer, keep_token=request.cookies.get(SESSION_COOKIE),
                             session_id=session)  # fmt: skip
    return redirect(f"/account/password?ended={ended}#sessions")
