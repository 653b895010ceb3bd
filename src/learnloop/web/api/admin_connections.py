"""The systems connected to learnloop, from a script (admins; services.connections): LRS client
credentials made and revoked, LTI registration links, platforms removed."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from learnloop.reports.connections import connections
from learnloop.services.connections import (
    MAX_CONNECTION_NAME,
    invite_platform_for,
    new_lrs_client,
    remove_platform_for,
    revoke_lrs_client,
)
from learnloop.services.lti_registration import INVITE_DAYS
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/admin", tags=["admin"])

NAME = MAX_CONNECTION_NAME * 2  # the service says what is too long


class PlatformOut(BaseModel):
    name: str
    issuer: str
    client_id: str
    deployments: int
    classes: int  # classes its courses made here
    accounts: int  # accounts its launches made here
    course_title: str | None  # the course new platform courses get


class ClientOut(BaseModel):
    name: str
    key: str  # the HTTP Basic user name
    can_write: bool
    created_at: datetime
    revoked_at: datetime | None


class InviteOut(BaseModel):
    name: str
    course_title: str | None
    created_at: datetime
    expires_at: datetime


class ConnectionsOut(BaseModel):
    platforms: list[PlatformOut]
    lrs_clients: list[ClientOut]  # active first
    invites: list[InviteOut]  # registration links not used yet


class ClientIn(BaseModel):
    name: str = Field(max_length=NAME)
    read_only: bool = False  # may read statements but not send them


class CredentialsOut(BaseModel):
    name: str
    endpoint: str  # the LRS's address
    key: str
    secret: str  # in this answer only: only its argon2 hash is kept
    can_write: bool


class NameIn(BaseModel):
    name: str = Field(max_length=NAME)


class InviteIn(BaseModel):
    name: str = Field("", max_length=NAME)  # empty: the platform's own answer names it
    course: str = Field("", max_length=64)  # the slug new platform courses get


class InviteLink(BaseModel):
    url: str  # one use: give it to the platform as the tool's registration URL
    expires_in_days: int


class RemovalIn(BaseModel):
    name: str = Field(max_length=NAME)
    confirm: str = Field(max_length=NAME)  # the name again


@router.get("/connections", response_model=ConnectionsOut)
def listed(platform: PlatformDep, viewer: ApiViewer) -> ConnectionsOut:
    """LTI platforms, LRS clients and the registration links not used yet."""
    k = connections(platform.db, viewer)
    return ConnectionsOut(
        platforms=[PlatformOut(**vars(p)) for p in k.platforms],
        lrs_clients=[ClientOut(**vars(c)) for c in k.clients],
        invites=[InviteOut(**vars(i)) for i in k.invites],
    )


@router.post("/lrs-clients", response_model=CredentialsOut, status_code=201)
def new_client(body: ClientIn, platform: PlatformDep, viewer: ApiViewer) -> CredentialsOut:
    made = new_lrs_client(platform.db, platform.hasher, viewer, name=body.name,
                          can_write=not body.read_only)  # fmt: skip
    return CredentialsOut(
        name=made.name, endpoint=f"{platform.settings.public_url.rstrip('/')}/xapi/",
        key=made.key, secret=made.secret, can_write=made.can_write,
    )  # fmt: skip


@router.post("/lrs-clients/revoke", status_code=204)
def revoke(body: NameIn, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """Refuse the client's credentials from now on (204; again changes nothing)."""
    revoke_lrs_client(platform.db, viewer, name=body.name)
    platform.forget_lrs_client(body.name)  # at once here; other workers within a minute
    return Response(status_code=204)


@router.post("/lti-invites", response_model=InviteLink, status_code=201)
def invite(body: InviteIn, platform: PlatformDep, viewer: ApiViewer) -> InviteLink:
    code = invite_platform_for(platform.db, viewer, name=body.name, course_slug=body.course)
    url = f"{platform.settings.public_url.rstrip('/')}/lti/register/{code}"
    return InviteLink(url=url, expires_in_days=INVITE_DAYS)


@router.post("/lti-platforms/remove", status_code=204)
def remove(body: RemovalIn, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """Forget a platform: its launches stop; the accounts and classes it made stay."""
    remove_platform_for(platform.db, viewer, name=body.name, confirm=body.confirm)
    return Response(status_code=204)
