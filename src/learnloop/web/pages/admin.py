"""The administrator's overview, classes and their members, deleting an account, and the names
accounts go by in xAPI content hosted elsewhere."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.content.identity_csv import IDENTIFIER_COLUMNS
from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.account_directory import find_accounts
from learnloop.reports.admin_views import admin_overview, class_members
from learnloop.reports.class_views import classes_for
from learnloop.reports.xapi_person import linked_identities
from learnloop.services.accounts import reset_password
from learnloop.services.classes import add_members, create_class_for, remove_member
from learnloop.services.erasure import delete_account
from learnloop.services.two_factor import reset_two_factor
from learnloop.services.xapi_identities import link_identity, unlink_identity
from learnloop.web.deps import CsrfChecked, PageViewer, PlatformDep
from learnloop.web.platform import Platform
from learnloop.web.rendering import redirect, render, said

router = APIRouter(prefix="/admin")


def overview_page(
    request: Request, platform: Platform, viewer: Viewer, extra: dict[str, Any], status: int = 200
) -> Response:
    """The admin page, with what a form on it answered in ``extra``."""
    data = admin_overview(platform.db, viewer)
    context = {"a": data, "classes": classes_for(platform.db, viewer), **extra}
    return render(request, platform, "admin/index.html", context, viewer=viewer, status_code=status)


@router.get("", response_class=HTMLResponse)
def overview(request: Request, platform: PlatformDep, viewer: PageViewer) -> Response:
    return overview_page(request, platform, viewer, {})


@router.get("/accounts", response_class=HTMLResponse)
def accounts(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    q: Annotated[str, Query(max_length=200)] = "",
    role: Annotated[str, Query(max_length=16)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Find accounts by a part of the username or name (a GET form: it changes nothing)."""
    try:
        found, error = find_accounts(platform.db, viewer, query=q, role=role, offset=offset), ""
    except InvalidInput as exc:
        found, error = find_accounts(platform.db, viewer), said(request, platform, exc)
    context = {"found": found, "error": error, "roles_list": [r.value for r in Role]}
    return render(request, platform, "admin/accounts.html", context, viewer=viewer,
                  status_code=400 if error else 200)  # fmt: skip


@router.post("/accounts/delete", dependencies=[CsrfChecked])
def delete(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: Annotated[str, Form(max_length=64)] = "",
    confirm: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Delete an account and everything kept about the person (services.erasure)."""
    try:
        erased = delete_account(
            platform.db, viewer, username=username, confirm=confirm,
            public_url=platform.settings.public_url,
        )  # fmt: skip
    except InvalidInput as exc:
        extra = {
            "delete_error": said(request, platform, exc),
            "delete_field": exc.field,
            "delete_name": username,
        }
        return overview_page(request, platform, viewer, extra, 400)
    return overview_page(request, platform, viewer, {"deleted": erased})


@router.post("/classes", dependencies=[CsrfChecked])
def create_class(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    name: Annotated[str, Form(max_length=400)] = "",
    course: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        class_id = create_class_for(platform.db, viewer, name=name, course_slug=course)
    except InvalidInput as exc:
        extra = {
            "class_error": said(request, platform, exc),
            "class_field": exc.field,
            "class_name": name,
        }
        return overview_page(request, platform, viewer, extra, 400)
    return redirect(f"/admin/classes/{class_id}")


def members_page(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    class_id: int,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    context = {"c": class_members(platform.db, viewer, class_id), **extra}
    return render(request, platform, "admin/class.html", context, viewer=viewer, status_code=status)


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def members(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    added: int = -1,
    removed: str = "",
) -> Response:
    return members_page(request, platform, viewer, class_id, {"added": added, "removed": removed})


@router.post("/classes/{class_id}/members", dependencies=[CsrfChecked])
def add(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    class_id: int,
    usernames: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    try:
        done = add_members(platform.db, viewer, class_id=class_id, usernames=usernames)
    except InvalidInput as exc:
        extra = {"add_error": said(request, platform, exc), "usernames": usernames}
        return members_page(request, platform, viewer, class_id, extra, 400)
    return redirect(f"/admin/classes/{class_id}?added={len(done.added)}")


@router.post("/classes/{class_id}/members/{user_id}/remove", dependencies=[CsrfChecked])
def remove(platform: PlatformDep, viewer: PageViewer, class_id: int, user_id: int) -> Response:
    username = remove_member(platform.db, viewer, class_id=class_id, user_id=user_id)
    return redirect(f"/admin/classes/{class_id}?removed={username}")


@router.post("/accounts/password-reset", dependencies=[CsrfChecked])
def password_reset(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """A one-time password for an account, shown on this page only; the person must change it."""
    try:
        password = reset_password(platform.db, platform.hasher, viewer, username=username)
    except InvalidInput as exc:
        return overview_page(
            request, platform, viewer, {"reset_error": said(request, platform, exc)}, 400
        )
    extra = {"reset": (username.strip(), password)}
    response = overview_page(request, platform, viewer, extra)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/accounts/two-step-reset", dependencies=[CsrfChecked])
def two_step_reset(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Turn someone's two-step sign-in off (a lost phone, lost recovery codes)."""
    try:
        reset_two_factor(platform.db, viewer, username=username)
    except (InvalidInput, NotFound) as exc:
        extra = {"two_step_error": said(request, platform, exc)}
        return overview_page(request, platform, viewer, extra, 400)
    return overview_page(request, platform, viewer, {"two_step_reset": username.strip()})


Identifier = Annotated[str, Form(max_length=600)]


def _identities_page(
    request: Request,
    platform: Platform,
    viewer: Viewer,
    username: str,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    if not viewer.is_admin:  # the services check again; without a username none is asked
        raise PermissionDenied("this is for %(names)s accounts", names="admin")
    found: list[dict[str, Any]] | None = None
    error = extra.pop("error", None)
    if username.strip():
        try:
            found = linked_identities(platform.db, username, viewer)
        except (InvalidInput, NotFound) as exc:
            error, status = error or said(request, platform, exc), 400
    context = {"username": username.strip(), "found": found, "error": error, **extra}
    return render(
        request, platform, "admin/identities.html", context, viewer=viewer, status_code=status
    )


@router.get("/identities", response_class=HTMLResponse)
def identities(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: str = "",
    linked: int = -1,
    unlinked: int = 0,
) -> Response:
    """The names an account goes by in xAPI content on other sites (services.xapi_identities)."""
    extra = {"linked": linked, "unlinked": unlinked}
    return _identities_page(request, platform, viewer, username[:64], extra)


@router.post("/identities/link", dependencies=[CsrfChecked])
def link(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: Annotated[str, Form(max_length=64)] = "",
    mbox: Identifier = "",
    openid: Identifier = "",
    account_homePage: Identifier = "",  # noqa: N803 (xAPI's own name for it)
    account_name: Identifier = "",
) -> Response:
    fields = {"mbox": mbox, "openid": openid, "account_homePage": account_homePage,
              "account_name": account_name}  # fmt: skip
    try:
        added = link_identity(
            platform.db, username=username, fields=fields,
            public_url=platform.settings.public_url, viewer=viewer,
        )  # fmt: skip
    except (InvalidInput, NotFound) as exc:
        extra = {"error": said(request, platform, exc), "field": getattr(exc, "field", ""),
                 "given": fields}  # fmt: skip
        return _identities_page(request, platform, viewer, username, extra, 400)
    return redirect(f"/admin/identities?username={quote(username.strip())}&linked={int(added)}")


@router.post("/identities/unlink", dependencies=[CsrfChecked])
def unlink(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    username: Annotated[str, Form(max_length=64)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    value: Identifier = "",
    name: Identifier = "",
) -> Response:
    """Unlink one identifier: ``kind`` and ``value`` (for an account, its home page and ``name``)."""
    fields = (
        {"account_homePage": value, "account_name": name}
        if kind == "account"
        else {kind: value}
        if kind in IDENTIFIER_COLUMNS
        else {}
    )
    try:
        unlink_identity(platform.db, username=username, fields=fields, viewer=viewer)
    except (InvalidInput, NotFound) as exc:
        extra = {"error": said(request, platform, exc)}
        return _identities_page(request, platform, viewer, username, extra, 400)
    return redirect(f"/admin/identities?username={quote(username.strip())}&unlinked=1")
