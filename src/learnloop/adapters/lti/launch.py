"""LTI 1.3 resource-link launches (IMS LTI Core 1.3; the IMS Security Framework 1.0): the
platform's signed id_token read into a ``Launch``, every required claim checked by name.

The platform (Moodle, Canvas, Open edX) starts with a third-party login initiation (``iss``,
``login_hint``, ``target_link_uri``, maybe ``lti_message_hint`` and ``client_id``); the tool
answers with an OpenID Connect authentication request (``login_request_url``); the platform
posts back an ``id_token``, a JWT signed with one of the keys it publishes (a JWKS). ``read_launch``
verifies the signature (RS256, as the Security Framework requires), ``iss``, ``aud`` (and ``azp``
when there are several audiences), ``exp``, ``iat`` and the ``nonce`` the tool sent, then the LTI
claims of a ``LtiResourceLinkRequest`` (version 1.3.0, the deployment, the resource link, the
target link and the roles) or of a ``LtiDeepLinkingRequest`` (its deep-linking settings instead of
a resource link). PyJWT does the JWT part; a refusal is ``LaunchRefused`` with the claim
at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt

__all__ = [
    "AGS_CLAIM",
    "CLAIM",
    "DEEP_LINKING",
    "EDUCATOR_ROLES",
    "SCORE_SCOPE",
    "Launch",
    "LaunchRefused",
    "is_educator",
    "login_request_url",
    "read_launch",
    "unverified_kid",
]

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
# Context roles that teach: the instructor (and a teaching assistant, its sub-role), the content
# developer and the context's administrator. A platform's *system* or *institution* Administrator
# is not among them: it says nothing about this course, and a launch never makes a learnloop admin.
EDUCATOR_ROLES = frozenset(
    _MEMBERSHIP + r for r in ("Instructor", "ContentDeveloper", "Administrator", "Mentor")
) | {_MEMBERSHIP + "Instructor#TeachingAssistant"}
# How far apart the platform's clock and ours may be (seconds) when checking exp and iat.
CLOCK_LEEWAY_SECONDS = 60


class LaunchRefused(ValueError):
    """A launch that is not a valid LTI 1.3 resource-link launch; ``claim`` names what is wrong."""

    def __init__(self, claim: str, message: str) -> None:
        super().__init__(f"{claim}: {message}")
        self.claim = claim
        self.message = message


@dataclass(frozen=True)
class Launch:
    issuer: str
    client_id: str
    deployment_id: str
    subject: str  # the platform's stable id for the person
    name: str
    roles: frozenset[str]
    context_id: str
    context_title: str
    resource_link_id: str
    resource_link_title: str
    target_link_uri: str
    custom: dict[str, str] = field(default_factory=dict)
    # the assignment and grade services: the link's line item, when the platform lets the tool
    # post scores to it ("" otherwise)
    lineitem_url: str = ""
    message_type: str = "LtiResourceLinkRequest"
    # a deep-linking request (an instructor choosing content in the platform's editor): where to
    # send the choice, the platform's data to echo back, and what it accepts
    deep_link_return_url: str = ""
    deep_link_data: str = ""
    deep_link_multiple: bool = True
    deep_link_line_items: bool = True
    # names and roles: where the platform lists the course's members ("" when it does not)
    memberships_url: str = ""


def is_educator(roles: frozenset[str]) -> bool:
    """Whether the roles include one that teaches the context (short names count, as LTI 1.1 and
    some platforms send them: ``Instructor``)."""
    short = {r.rsplit("#", 1)[-1] for r in roles if "/" not in r}
    return bool(roles & EDUCATOR_ROLES) or bool(short & {"Instructor", "TeachingAssistant"})


def login_request_url(
    auth_login_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    login_hint: str,
    state: str,
    nonce: str,
    lti_message_hint: str = "",
) -> str:
    """The OpenID Connect authentication request the tool sends the browser to (implicit flow,
    ``form_post``, ``prompt=none``), as LTI 1.3's security framework prescribes."""
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if lti_message_hint:
        params["lti_message_hint"] = lti_message_hint
    joiner = "&" if "?" in auth_login_url else "?"
    return auth_login_url + joiner + urlencode(params)


def unverified_kid(id_token: str) -> str:
    """The ``kid`` of the key that signed ``id_token`` (read before verifying, to pick the key)."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise LaunchRefused("id_token", f"not a JWT ({exc})") from None
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise LaunchRefused("id_token", "its header names no key (kid)")
    return kid


def _text(claims: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = claims.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value:
        raise LaunchRefused(name, "missing or not a string")
    return value


def _section(claims: dict[str, Any], name: str, *, required: bool) -> dict[str, Any]:
    value = claims.get(CLAIM + name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise LaunchRefused(CLAIM + name, "missing or not an object")
    return value


def _memberships(claims: dict[str, Any]) -> str:
    service = claims.get(NRPS)
    if service is None:
        return ""
    if not isinstance(service, dict) or not isinstance(service.get("context_memberships_url"), str):
        raise LaunchRefused(NRPS, "has no context_memberships_url")
    return str(service["context_memberships_url"])


def read_launch(
    id_token: str,
    *,
    key: Any,
    issuer: str,
    client_id: str,
    nonce: str,
    now: float,
) -> Launch:
    """Verify ``id_token`` with the platform's public ``key`` and read its launch; ``now`` is the
    time (seconds since the epoch) to check ``exp`` and ``iat`` against."""
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=client_id,
            issuer=issuer,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={
                "require": ["exp", "iat", "sub", "aud", "iss"],
                "verify_exp": False, "verify_iat": False, "verify_nbf": False,
            },
        )  # fmt: skip
    except jwt.InvalidAudienceError:
        raise LaunchRefused("aud", f"the token is not for this tool ({client_id!r})") from None
    except jwt.InvalidIssuerError:
        raise LaunchRefused("iss", f"the token is not from {issuer!r}") from None
    except jwt.MissingRequiredClaimError as exc:
        raise LaunchRefused(exc.claim, "missing") from None
    except jwt.PyJWTError as exc:
        raise LaunchRefused("id_token", f"not verified: {exc}") from None
    # exp and iat against the clock passed in, not the machine's (time is an argument)
    for name in ("exp", "iat"):
        if not isinstance(claims[name], int | float):
            raise LaunchRefused(name, "not a number")
    if claims["exp"] < now - CLOCK_LEEWAY_SECONDS:
        raise LaunchRefused("exp", "the token has expired")
    if claims["iat"] > now + CLOCK_LEEWAY_SECONDS:
        raise LaunchRefused("iat", "the token is issued in the future")
    if isinstance(claims.get("nbf"), int | float) and claims["nbf"] > now + CLOCK_LEEWAY_SECONDS:
        raise LaunchRefused("nbf", "the token is not valid yet")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise LaunchRefused("azp", f"several audiences, and azp is not {client_id!r}")
    if claims.get("nonce") != nonce:
        raise LaunchRefused("nonce", "not the one this tool sent: start the launch again")
    kind = claims.get(CLAIM + "message_type")
    if kind not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchRefused(CLAIM + "message_type", f"must be {RESOURCE_LINK} or {DEEP_LINKING}")
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LaunchRefused(CLAIM + "version", "must be 1.3.0")
    deployment = _text(claims, CLAIM + "deployment_id")
    link = _section(claims, "resource_link", required=kind == RESOURCE_LINK)
    link_id = link.get("id", "")
    if kind == RESOURCE_LINK and (not isinstance(link_id, str) or not link_id):
        raise LaunchRefused(CLAIM + "resource_link", "has no id")
    settings = _section(claims, "deep_linking_settings", required=kind == DEEP_LINKING)
    if kind == DEEP_LINKING:
        if not isinstance(settings.get("deep_link_return_url"), str):
            raise LaunchRefused(CLAIM + "deep_linking_settings", "has no deep_link_return_url")
        accepted = settings.get("accept_types")
        if not isinstance(accepted, list) or "ltiResourceLink" not in accepted:
            raise LaunchRefused(
                CLAIM + "deep_linking_settings", "must accept ltiResourceLink, all learnloop offers"
            )
    context = _section(claims, "context", required=False)
    roles = claims.get(CLAIM + "roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise LaunchRefused(CLAIM + "roles", "missing or not a list of strings")
    custom = _section(claims, "custom", required=False)
    ags = claims.get(AGS_CLAIM)
    lineitem = ""
    if ags is not None:
        if not isinstance(ags, dict):
            raise LaunchRefused(AGS_CLAIM, "not an object")
        scopes = ags.get("scope")
        if (
            isinstance(scopes, list)
            and SCORE_SCOPE in scopes
            and isinstance(ags.get("lineitem"), str)
        ):
            lineitem = ags["lineitem"]
    name = " ".join(
        str(claims.get("name") or f"{claims.get('given_name', '')} {claims.get('family_name', '')}")
        .split()
    )  # fmt: skip
    return Launch(
        issuer=issuer,
        client_id=client_id,
        deployment_id=deployment,
        subject=_text(claims, "sub"),
        name=name,
        roles=frozenset(roles),
        context_id=str(context.get("id") or ""),
        context_title=str(context.get("title") or context.get("label") or ""),
        resource_link_id=str(link_id),
        resource_link_title=str(link.get("title") or ""),
        target_link_uri=_text(claims, CLAIM + "target_link_uri"),
        custom={str(k): str(v) for k, v in custom.items()},
        lineitem_url=lineitem,
        message_type=str(kind),
        deep_link_return_url=str(settings.get("deep_link_return_url", "")),
        deep_link_data=str(settings.get("data", "")) if settings.get("data") is not None else "",
        deep_link_multiple=settings.get("accept_multiple") is not False,
        deep_link_line_items=settings.get("accept_lineitem") is not False,
        memberships_url=_memberships(claims),
    )
