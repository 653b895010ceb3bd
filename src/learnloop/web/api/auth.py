"""API authentication: bearer tokens; the caller's own account: who it is, its data, deleting it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from learnloop.exceptions import AuthenticationFailed
from learnloop.reports.learner_export import learner_export
from learnloop.reports.own_sessions import own_sessions
from learnloop.services.accounts import authenticate, end_own_sessions, end_session, start_session
from learnloop.services.erasure import delete_own_account
from learnloop.services.statement_index import catch_up
from learnloop.services.two_factor import check_second_step, two_factor_on
from learnloop.web.api.schemas import TokenIn, TokenOut, ViewerOut
from learnloop.web.deps import ApiViewer, PlatformDep, client_address

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenOut)
def create_token(request: Request, body: TokenIn, platform: PlatformDep) -> TokenOut:
    viewer = authenticate(
        platform.db, platform.hasher, body.username, body.password,
        address=client_address(request), limits=platform.login_limits,
    )  # fmt: skip
    if two_factor_on(platform.db, viewer.user_id):
        if not body.code.strip():
            raise AuthenticationFailed("this account signs in in two steps: send its code as code")
        check_second_step(
            platform.db, viewer.user_id, platform.secret_key, body.code,
            address=client_address(request), limits=platform.login_limits,
        )  # fmt: skip
    hours = platform.settings.session_hours
    token = start_session(platform.db, viewer.user_id, kind="api", hours=hours)
    return TokenOut(access_token=token, expires_in=hours * 3600)


@router.delete("/auth/token", status_code=204)
def delete_token(request: Request, platform: PlatformDep, viewer: ApiViewer) -> Response:
    end_session(platform.db, _bearer(request))
    return Response(status_code=204)


@router.get("/me", response_model=ViewerOut)
def me(viewer: ApiViewer) -> ViewerOut:
    return ViewerOut(
        id=viewer.user_id,
        username=viewer.username,
        display_name=viewer.display_name,
        role=viewer.role.value,
    )


@router.get("/me/export")
def export(platform: PlatformDep, viewer: ApiViewer) -> dict[str, Any]:
    """Everything learnloop keeps about the caller (the same document as the page's download)."""
    catch_up(platform.db)  # the statements naming the caller are found by their filed keys
    return learner_export(
        platform.db, viewer, public_url=platform.settings.public_url, now=datetime.now(UTC)
    )


class OwnDeletionIn(BaseModel):
    confirm: str = Field("", max_length=128)  # the caller's username, typed again
    password: str = Field("", max_length=1024)


class OwnDeletionOut(BaseModel):
    username: str
    rows: dict[str, int]  # rows deleted, by table
    copies_to_void: int  # copies in other LRSs the next forwarding run voids


@router.post("/me/delete", response_model=OwnDeletionOut)
def delete_mine(
    request: Request, body: OwnDeletionIn, platform: PlatformDep, viewer: ApiViewer
) -> OwnDeletionOut:
    """A learner deletes their own account and everything about them (the page's "Delete my
    account"); the password is checked as a login is. Educators and admins ask an admin."""
    erased = delete_own_account(
        platform.db, platform.hasher, viewer, password=body.password, confirm=body.confirm,
        public_url=platform.settings.public_url, address=client_address(request),
        limits=platform.login_limits,
    )  # fmt: skip
    return OwnDeletionOut(username=erased.username, rows=erased.rows, copies_to_void=erased.voids)


class OwnSessionOut(BaseModel):
    id: int
    kind: str  # cookie (a browser) | api (a token)
    created_at: datetime
    expires_at: datetime
    current: bool  # the token this request came with


class EndSessionsIn(BaseModel):
    session: int | None = None  # one session's id; none: every other one


class EndedOut(BaseModel):
    ended: int


def _bearer(request: Request) -> str:
    return request.headers["authorization"].partition(" ")[2].strip()


@router.get("/me/sessions", response_model=list[OwnSessionOut])
def sessions(request: Request, platform: PlatformDep, viewer: ApiViewer) -> list[OwnSessionOut]:
    """Where the account is signed in: browsers and API tokens, the newest first."""
    return [OwnSessionOut(**asdict(s))
            for s in own_sessions(platform.db, viewer.user_id, _bearer(request))]  # fmt: skip


@router.post("/me/sessions/end", response_model=EndedOut)
def end_sessions(
    request: Request, body: EndSessionsIn, platform: PlatformDep, viewer: ApiViewer
) -> EndedOut:
    """End one other session, or all of them; the token of this request stays (404 for a
    session that is not another of the caller's)."""
    ended = end_own_sessions(platform.db, viewer, keep_token=_bearer(request),
                             session_id=body.session)  # fmt: skip
    return EndedOut(ended=ended)
