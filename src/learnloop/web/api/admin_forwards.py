"""The other LRSs that get a copy of the statements, from a script (admins;
services.xapi_forwarding): listed with where their copy stands, added, given new credentials,
stopped, and the statement one refused skipped."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from learnloop.domain import Viewer
from learnloop.reports.xapi_forwarding import forwards
from learnloop.services.statement_index import catch_up
from learnloop.services.xapi_forwarding import (
    MAX_FORWARD_NAME,
    add_forward,
    change_credentials,
    remove_forward,
    skip_refused,
)
from learnloop.web.deps import ApiAdmin, ApiViewer, PlatformDep
from learnloop.web.platform import Platform

router = APIRouter(prefix="/admin/xapi-forwards", tags=["admin"])

NamePath = Path(max_length=MAX_FORWARD_NAME * 2)


class ForwardOut(BaseModel):
    name: str
    endpoint: str
    version: str
    scope: str  # own (learnloop's answers) | all
    sent: int
    waiting: int
    last_success_at: datetime | None
    last_failure_at: datetime | None
    error: str  # "" when the last batch went
    refused_statement: str | None  # the id it refused: the copy waits for /skip
    voids_waiting: int  # its copies of statements erased here, still to void there
    course: str | None  # the slug of the only course whose statements it gets (null: every one)


class ForwardIn(BaseModel):
    name: str = Field("", max_length=MAX_FORWARD_NAME * 2)
    endpoint: str = Field("", max_length=1000)  # https://.../xapi/ (http only to this machine)
    username: str = Field("", max_length=400)
    password: str = Field("", max_length=1024)
    version: Literal["1.0.3", "2.0.0"] = "1.0.3"
    scope: Literal["own", "all"] = "own"
    from_start: bool = False  # what is stored already too
    course: str = Field("", max_length=128)  # a course's slug: only its statements ("": all)


class CredentialsIn(BaseModel):
    username: str = Field("", max_length=400)
    password: str = Field("", max_length=1024)
    endpoint: str = Field("", max_length=1000)  # "": its address stays as it is


class SkippedOut(BaseModel):
    skipped: str  # the refused statement's id


def _rows(platform: Platform, viewer: Viewer) -> list[ForwardOut]:
    """Every LRS as the API shows it (after the role check: the caller is an admin)."""
    catch_up(platform.db)  # an LRS of one course counts its statements by their filed keys
    base = platform.settings.public_url
    return [ForwardOut(**asdict(row)) for row in forwards(platform.db, viewer, base=base)]


def _row(platform: Platform, viewer: Viewer, name: str) -> ForwardOut:
    (row,) = [r for r in _rows(platform, viewer) if r.name == name]
    return row


@router.get("", response_model=list[ForwardOut])
def listed(platform: PlatformDep, viewer: ApiAdmin) -> list[ForwardOut]:
    return _rows(platform, viewer)


@router.post("", status_code=201, response_model=ForwardOut)
def add(body: ForwardIn, platform: PlatformDep, viewer: ApiAdmin) -> ForwardOut:
    add_forward(
        platform.db, viewer, name=body.name, endpoint=body.endpoint, username=body.username,
        password=body.password, version=body.version, scope=body.scope,
        from_start=body.from_start, key=platform.secret_key, now=datetime.now(UTC),
        course=body.course,
    )  # fmt: skip
    return _row(platform, viewer, body.name.strip())


@router.put("/{name}/credentials", response_model=ForwardOut)
def credentials(
    body: CredentialsIn, platform: PlatformDep, viewer: ApiAdmin, name: str = NamePath
) -> ForwardOut:
    change_credentials(
        platform.db, viewer, name=name, username=body.username, password=body.password,
        endpoint=body.endpoint, key=platform.secret_key, now=datetime.now(UTC),
    )  # fmt: skip
    return _row(platform, viewer, name)


@router.delete("/{name}", status_code=204)
def remove(platform: PlatformDep, viewer: ApiViewer, name: str = NamePath) -> Response:
    remove_forward(platform.db, viewer, name=name, now=datetime.now(UTC))
    return Response(status_code=204)


@router.post("/{name}/skip", response_model=SkippedOut)
def skip(platform: PlatformDep, viewer: ApiViewer, name: str = NamePath) -> SkippedOut:
    return SkippedOut(skipped=skip_refused(platform.db, viewer, name=name, now=datetime.now(UTC)))
