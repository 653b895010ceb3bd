"""Two-step sign-in of the caller's own account, as the page /account/two-step does it
(services.two_factor): its state, a new key for the app, the app's code that turns it on (the
recovery codes in that answer only), and turning it off with the password and a code."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from learnloop.services.two_factor import (
    finish_enrolment,
    start_enrolment,
    turn_off_two_factor,
    two_factor_on,
)
from learnloop.web.deps import ApiViewer, PlatformDep, client_address

router = APIRouter(prefix="/me/two-step", tags=["auth"])


class TwoStepOut(BaseModel):
    on: bool  # a code is asked after the password


class KeyOut(BaseModel):
    secret: str  # base32: what an authenticator app takes by hand
    uri: str  # otpauth://, what its QR code holds


class CodeIn(BaseModel):
    code: str = Field("", max_length=40)


class RecoveryOut(BaseModel):
    recovery_codes: list[str]  # each signs in once; in this answer only


class OffIn(BaseModel):
    password: str = Field("", max_length=1024)
    code: str = Field("", max_length=40)  # the app's, or a recovery code


@router.get("", response_model=TwoStepOut)
def state(platform: PlatformDep, viewer: ApiViewer) -> TwoStepOut:
    return TwoStepOut(on=two_factor_on(platform.db, viewer.user_id))


@router.post("", response_model=KeyOut, status_code=201)
def start(platform: PlatformDep, viewer: ApiViewer) -> KeyOut:
    """A new key for the app, not in force until its code comes (400 while it is on)."""
    enrolment = start_enrolment(platform.db, viewer, platform.secret_key)
    return KeyOut(secret=enrolment.secret, uri=enrolment.uri)


@router.post("/confirm", response_model=RecoveryOut)
def confirm(body: CodeIn, platform: PlatformDep, viewer: ApiViewer) -> RecoveryOut:
    """On, with the app's current code (400 names ``code``)."""
    codes = finish_enrolment(platform.db, viewer, platform.secret_key, body.code)
    return RecoveryOut(recovery_codes=codes)


@router.post("/off", status_code=204)
def off(request: Request, body: OffIn, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """Off, with the password and a code (400 names ``password`` or ``code``)."""
    turn_off_two_factor(
        platform.db, platform.hasher, viewer, platform.secret_key, password=body.password,
        code=body.code, address=client_address(request), limits=platform.login_limits,
    )  # fmt: skip
    return Response(status_code=204)
