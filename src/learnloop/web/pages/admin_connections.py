"""The administrator's connections page: LTI 1.3 platforms and their one-time registration links,
and the LRS clients that send or read xAPI statements (services.connections)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.reports.connections import connections
from learnloop.reports.xapi_forwarding import forwards
from learnloop.services.connections import (
    MAX_CONNECTION_NAME,
    invite_platform_for,
    new_lrs_client,
    remove_platform_for,
    revoke_lrs_client,
)
from learnloop.services.lti_registration import INVITE_DAYS
from learnloop.services.statement_index import catch_up
from learnloop.services.xapi_forwarding import VERSIONS
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, render, said

router = APIRouter(prefix="/admin")

Name = Annotated[str, Form(max_length=MAX_CONNECTION_NAME * 2)]


def connections_page(
    request: Request, platform: Platform, viewer: Viewer, extra: dict[str, Any], status: int = 200
) -> Response:
    """The page, with what a form on it answered in ``extra`` (web.pages.admin_forwards too)."""
    known = connections(platform.db, viewer)  # admins only: checked before the keys are filed
    catch_up(platform.db)  # an LRS of one course counts its statements by their filed keys
    context = {
        "k": known,
        "forwards": forwards(platform.db, viewer, base=platform.settings.public_url),
        "versions": VERSIONS,
        "base": platform.settings.public_url.rstrip("/"),
        "invite_days": INVITE_DAYS,
        **extra,
    }
    return render(request, platform, "admin/connections.html", context, viewer=viewer,
                  status_code=status)  # fmt: skip


@router.get("/connections", response_class=HTMLResponse)
def page(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    revoked: Annotated[str, Query(max_length=MAX_CONNECTION_NAME * 2)] = "",
    removed: Annotated[str, Query(max_length=MAX_CONNECTION_NAME * 2)] = "",
    forward: Annotated[str, Query(max_length=16)] = "",
    lrs: Annotated[str, Query(max_length=MAX_CONNECTION_NAME * 2)] = "",
) -> Response:
    """``forward`` and ``lrs``: what became of an LRS that gets the statements (added, removed,
    skipped) and its name (web.pages.admin_forwards)."""
    news = {"revoked": revoked, "removed": removed, "forward_news": forward, "forward_name": lrs}
    return connections_page(request, platform, viewer, news)


@router.post("/lrs-clients", dependencies=[CsrfChecked])
def create_client(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    name: Name = "",
    read_only: Annotated[bool, Form()] = False,
) -> Response:
    """New credentials, shown on the answer to this form only."""
    try:
        made = new_lrs_client(platform.db, platform.hasher, viewer, name=name,
                              can_write=not read_only)  # fmt: skip
    except InvalidInput as exc:
        extra = {"client_error": said(request, platform, exc), "client_name": name}
        return connections_page(request, platform, viewer, extra, 400)
    return connections_page(request, platform, viewer, {"credentials": made})


@router.post("/lrs-clients/revoke", dependencies=[CsrfChecked])
def revoke(
    request: Request, platform: PlatformDep, viewer: PageViewer, name: Name = ""
) -> Response:
    try:
        revoke_lrs_client(platform.db, viewer, name=name)
        platform.forget_lrs_client(name)  # at once here; other workers within a minute
    except (InvalidInput, NotFound) as exc:
        return connections_page(
            request, platform, viewer, {"revoke_error": said(request, platform, exc)}, 400
        )
    return redirect(f"/admin/connections?revoked={quote(name)}")


@router.post("/lti-invites", dependencies=[CsrfChecked])
def invite(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    name: Name = "",
    course: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """A one-time registration link, shown on the answer to this form only."""
    try:
        code = invite_platform_for(platform.db, viewer, name=name, course_slug=course)
    except InvalidInput as exc:
        extra = {"invite_error": said(request, platform, exc), "invite_name": name}
        return connections_page(request, platform, viewer, extra, 400)
    link = f"{platform.settings.public_url.rstrip('/')}/lti/register/{code}"
    return connections_page(request, platform, viewer, {"invite_link": link})


@router.post("/lti-platforms/remove", dependencies=[CsrfChecked])
def remove(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    name: Name = "",
    confirm: Name = "",
) -> Response:
    try:
        remove_platform_for(platform.db, viewer, name=name, confirm=confirm)
    except (InvalidInput, NotFound) as exc:
        return connections_page(
            request, platform, viewer, {"remove_error": said(request, platform, exc)}, 400
        )
    return redirect(f"/admin/connections?removed={quote(name)}")
