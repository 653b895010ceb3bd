"""LTI 1.3 endpoints, for the platforms an admin registered (services.lti): the login initiation
(the platform's GET or POST), the launch (the platform's form post of its id_token) and the tool's
public keys; and the page where an instructor launched for deep linking chooses activities (a form
like any other, with its CSRF token). The launch endpoints take no CSRF token and no session: the platform's signature, the one-time state
and the nonce are what a launch is checked by, and a launch ends whatever session the browser had.

Over HTTPS (``LEARNLOOP_SECURE_COOKIES``) the state is also bound to the browser that started the
login, by a cookie the launch must bring back (SameSite=None, as the platform's form post is
cross-site): without it, someone could hand a victim their own launch and sign the victim in as
themselves. Plain-HTTP trials go without, since browsers keep SameSite=None cookies for HTTPS."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.accounts import end_session, start_session
from learnloop.services.lti import LOGIN_STATE_MINUTES, begin_login, complete_launch
from learnloop.services.lti_deep_linking import answer_deep_link, deep_link_for
from learnloop.services.lti_platforms import tool_jwks
from learnloop.services.lti_registration import register_dynamically
from learnloop.web.deps import SESSION_COOKIE, CsrfChecked, PageViewer, PlatformDep
from learnloop.web.rendering import CSP, redirect, render, said, set_session_cookie

router = APIRouter(prefix="/lti")

STATE_COOKIE = "ll_lti_state"
# The longest id_token accepted: a launch's claims are a few kilobytes.
MAX_ID_TOKEN = 65_536


def _login(platform: PlatformDep, params: dict[str, Any]) -> Response:
    started = begin_login(
        platform.db,
        issuer=str(params.get("iss", "")),
        login_hint=str(params.get("login_hint", "")),
        target_link_uri=str(params.get("target_link_uri", "")),
        client_id=str(params.get("client_id", "")),
        lti_message_hint=str(params.get("lti_message_hint", "")),
        redirect_uri=platform.settings.public_url.rstrip("/") + "/lti/launch",
    )
    response = redirect(started.url)
    if platform.settings.secure_cookies:
        response.set_cookie(
            STATE_COOKIE, started.state, httponly=True, samesite="none", secure=True,
            max_age=LOGIN_STATE_MINUTES * 60, path="/lti/",
        )  # fmt: skip
    return response


@router.get("/login")
def login_initiation(request: Request, platform: PlatformDep) -> Response:
    return _login(platform, dict(request.query_params))


@router.post("/login")
def login_initiation_posted(
    platform: PlatformDep,
    iss: Annotated[str, Form(max_length=1000)] = "",
    login_hint: Annotated[str, Form(max_length=1000)] = "",
    target_link_uri: Annotated[str, Form(max_length=1000)] = "",
    client_id: Annotated[str, Form(max_length=255)] = "",
    lti_message_hint: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    # a plain (sync) route like the rest: begin_login writes to the database, which must not
    # run on the event loop
    params = {"iss": iss, "login_hint": login_hint, "target_link_uri": target_link_uri,
              "client_id": client_id, "lti_message_hint": lti_message_hint}  # fmt: skip
    return _login(platform, params)


@router.post("/launch")
def launch(
    request: Request,
    platform: PlatformDep,
    id_token: Annotated[str, Form(max_length=MAX_ID_TOKEN)] = "",
    state: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if platform.settings.secure_cookies and request.cookies.get(STATE_COOKIE) != state:
        raise InvalidInput("state", "this browser did not start the launch: launch again")
    done = complete_launch(platform.db, id_token=id_token, state=state)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        end_session(platform.db, previous)
    token = start_session(
        platform.db, done.user_id, kind="cookie", hours=platform.settings.session_hours
    )
    response = redirect(done.next_url)
    set_session_cookie(response, platform, token)
    response.delete_cookie(STATE_COOKIE, path="/lti/")
    return response


@router.get("/deep-link/{link_id}", response_class=HTMLResponse)
def deep_link(
    request: Request, platform: PlatformDep, viewer: PageViewer, link_id: str
) -> Response:
    choice = deep_link_for(platform.db, viewer, link_id)
    return render(
        request, platform, "lti/deep_link.html", {"d": choice, "error": None}, viewer=viewer
    )


@router.post("/deep-link/{link_id}", dependencies=[CsrfChecked])
def deep_link_answer(
    request: Request,
    platform: PlatformDep,
    viewer: PageViewer,
    link_id: str,
    activity: Annotated[list[str] | None, Form(max_length=64)] = None,
    graded: Annotated[str, Form(max_length=8)] = "",
    cancel: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    try:
        answer = answer_deep_link(
            platform.db, viewer, link_id, activity_keys=[] if cancel else (activity or []),
            graded=bool(graded) and not cancel, public_url=platform.settings.public_url,
        )  # fmt: skip
    except InvalidInput as exc:
        choice = deep_link_for(platform.db, viewer, link_id)
        context = {"d": choice, "error": said(request, platform, exc)}
        return render(
            request, platform, "lti/deep_link.html", context, viewer=viewer, status_code=400
        )
    page = render(
        request, platform, "lti/deep_link_return.html",
        {"return_url": answer.return_url, "jwt": answer.jwt, "chosen": answer.chosen}, viewer=viewer,
    )  # fmt: skip
    # the one form that leaves learnloop: to the platform's return URL
    target = urlsplit(answer.return_url)
    page.headers["Content-Security-Policy"] = CSP.replace(
        "form-action 'self'", f"form-action 'self' {target.scheme}://{target.netloc}"
    )
    return page


@router.get("/register/{code}", response_class=HTMLResponse)
def dynamic_registration(
    request: Request,
    platform: PlatformDep,
    code: str,
    openid_configuration: str = "",
    registration_token: str = "",
) -> Response:
    """Opened by the platform (in a frame or a window), with its configuration and token; the
    one-time code in the path is the authority, so there is no session and no form."""
    context: dict[str, Any] = {"r": None, "error": None}
    status = 200
    try:
        context["r"] = done = register_dynamically(
            platform.db, code=code, configuration_url=openid_configuration,
            registration_token=registration_token, public_url=platform.settings.public_url,
        )  # fmt: skip
        origin = done.origin
    except (InvalidInput, NotFound) as exc:
        context["error"] = str(exc) if isinstance(exc, NotFound) else f"{exc.field}: {exc.message}"
        status = 404 if isinstance(exc, NotFound) else 400
        parts = urlsplit(openid_configuration)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""
    page = render(request, platform, "lti/registered.html", context, status_code=status)
    # the platform shows this page in its own frame: let it, and only it
    page.headers["Content-Security-Policy"] = CSP.replace(
        "frame-ancestors 'none'",
        f"frame-ancestors {origin}" if origin else "frame-ancestors 'none'",
    )
    return page


@router.get("/jwks")
def jwks(platform: PlatformDep) -> JSONResponse:
    return JSONResponse(tool_jwks(platform.db), headers={"Cache-Control": "max-age=3600"})
