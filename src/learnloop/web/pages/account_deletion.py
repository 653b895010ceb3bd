"""A learner deletes their own account from their "My data" page (services.erasure): their
username typed again and their password; then they are signed out and told it is done."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from learnloop.exceptions import InvalidInput
from learnloop.services.erasure import delete_own_account
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep, client_address
from learnloop.web.pages.accounts import data_page
from learnloop.web.rendering import clear_session_cookie, redirect, said

router = APIRouter()


@router.post("/account/delete", dependencies=[CsrfChecked])
def delete_mine(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    password: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Everything about the learner goes in one transaction; the session goes with it."""
    try:
        delete_own_account(
            platform.db, platform.hasher, viewer, password=password, confirm=confirm,
            public_url=platform.settings.public_url, address=client_address(request),
            limits=platform.login_limits,
        )  # fmt: skip
    except InvalidInput as exc:
        extra = {"delete_error": said(request, platform, exc), "delete_field": exc.field}
        return data_page(request, platform, viewer, extra, 400)
    response = redirect("/login?deleted=1")
    clear_session_cookie(response)
    return response
