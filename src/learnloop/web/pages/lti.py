"""LTI 1.3 endpoints, for the platforms an admin registered (services.lti): the login initiation
(the platform's GET or POST), the launch (the platform's form post of its id_token) and the tool's
public keys. They take no CSRF token and no session: the platform's signature, the one-time state
and the nonce are what a launch is checked by, and a launch replaces whatever session the browser
had."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from learnloop.services.accounts import start_session
from learnloop.services.lti import begin_login, complete_launch, tool_jwks
from learnloop.web.deps import PlatformDep
from learnloop.web.rendering import redirect, set_session_cookie

router = APIRouter(prefix="/lti")

# The longest id_token accepted: a launch's claims are a few kilobytes.
MAX_ID_TOKEN = 65_536


def _login(platform: PlatformDep, params: dict[str, Any]) -> Response:
    url = begin_login(
        platform.db,
        issuer=str(params.get("iss", "")),
        login_hint=str(params.get("login_hint", "")),
        target_link_uri=str(params.get("target_link_uri", "")),
        client_id=str(params.get("client_id", "")),
        lti_message_hint=str(params.get("lti_message_hint", "")),
        redirect_uri=platform.settings.public_url.rstrip("/") + "/lti/launch",
    )
    return redirect(url)


@router.get("/login")
def login_initiation(request: Request, platform: PlatformDep) -> Response:
    return _login(platform, dict(request.query_params))


@router.post("/login")
async def login_initiation_posted(request: Request, platform: PlatformDep) -> Response:
    form = await request.form()
    return _login(platform, {k: v for k, v in form.items() if isinstance(v, str)})


@router.post("/launch")
def launch(
    platform: PlatformDep,
    id_token: Annotated[str, Form(max_length=MAX_ID_TOKEN)] = "",
    state: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    done = complete_launch(platform.db, id_token=id_token, state=state)
    token = start_session(
        platform.db, done.user_id, kind="cookie", hours=platform.settings.session_hours
    )
    response = redirect(done.next_url)
    set_session_cookie(response, platform, token)
    return response


@router.get("/jwks")
def jwks(platform: PlatformDep) -> JSONResponse:
    return JSONResponse(tool_jwks(platform.db), headers={"Cache-Control": "max-age=3600"})
