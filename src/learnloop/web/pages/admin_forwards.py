"""The connections page's forms for the other LRSs that get a copy of the statements
(services.xapi_forwarding): add one, give one new credentials, stop one, skip the statement one
refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.xapi_forwarding import (
    MAX_FORWARD_NAME,
    add_forward,
    change_credentials,
    remove_forward,
    skip_refused,
)
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.pages.admin_connections import connections_page
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, said

router = APIRouter(prefix="/admin")

Name = Annotated[str, Form(max_length=MAX_FORWARD_NAME * 2)]


def _list_error(
    request: Request, platform: Platform, viewer: Viewer, exc: InvalidInput | NotFound
) -> Response:
    """The page again, the problem shown above the list of LRSs: 404 for no such LRS."""
    extra = {"forward_list_error": said(request, platform, exc)}
    return connections_page(
        request, platform, viewer, extra, 404 if isinstance(exc, NotFound) else 400
    )


def _done(news: str, name: str) -> Response:
    return redirect(f"/admin/connections?forward={news}&lrs={quote(name)}#forwards")


@router.post("/xapi-forwards", dependencies=[CsrfChecked])
def add(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    name: Name = "",
    endpoint: Annotated[str, Form(max_length=1000)] = "",
    username: Annotated[str, Form(max_length=400)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    version: Annotated[str, Form(max_length=16)] = "1.0.3",
    scope: Annotated[str, Form(max_length=16)] = "own",
    from_start: Annotated[bool, Form()] = False,
    course: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    try:
        add_forward(
            platform.db, viewer, name=name, endpoint=endpoint, username=username,
            password=password, version=version, scope=scope, from_start=from_start,
            key=platform.secret_key, now=datetime.now(UTC), course=course,
        )  # fmt: skip
    except InvalidInput as exc:
        extra = {"forward_error": said(request, platform, exc), "forward_field": exc.field,
                 "forward_form": {"name": name, "endpoint": endpoint, "username": username,
                                  "version": version, "scope": scope, "course": course}}  # fmt: skip
        return connections_page(request, platform, viewer, extra, 400)
    return _done("added", name.strip())


@router.post("/xapi-forwards/credentials", dependencies=[CsrfChecked])
def credentials(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    name: Name = "",
    username: Annotated[str, Form(max_length=400)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    endpoint: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        change_credentials(
            platform.db, viewer, name=name, username=username, password=password,
            endpoint=endpoint, key=platform.secret_key, now=datetime.now(UTC),
        )  # fmt: skip
    except (InvalidInput, NotFound) as exc:
        return _list_error(request, platform, viewer, exc)
    return _done("changed", name)


@router.post("/xapi-forwards/remove", dependencies=[CsrfChecked])
def remove(
    request: Request, platform: PlatformDep, viewer: PageViewer, name: Name = ""
) -> Response:
    try:
        remove_forward(platform.db, viewer, name=name, now=datetime.now(UTC))
    except NotFound as exc:
        return _list_error(request, platform, viewer, exc)
    return _done("removed", name)


@router.post("/xapi-forwards/skip", dependencies=[CsrfChecked])
def skip(request: Request, platform: PlatformDep, viewer: PageViewer, name: Name = "") -> Response:
    try:
        skip_refused(platform.db, viewer, name=name, now=datetime.now(UTC))
    except (InvalidInput, NotFound) as exc:
        return _list_error(request, platform, viewer, exc)
    return _done("skipped", name)
