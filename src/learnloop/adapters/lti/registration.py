"""LTI Dynamic Registration 1.0, the tool's side: the platform's OpenID configuration checked,
the client registration learnloop asks for, and what the platform's answer gives back (its client
id and the deployment it made)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from learnloop.adapters.lti.launch import DEEP_LINKING, RESOURCE_LINK, SCORE_SCOPE, LaunchRefused
from learnloop.adapters.lti.names_roles import ROSTER_SCOPE

__all__ = ["PlatformConfiguration", "client_registration", "platform_configuration", "registered"]

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
LINE_ITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


@dataclass(frozen=True)
class PlatformConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product: str  # the platform's product family ("moodle", "canvas"), or ""


def platform_configuration(document: Any, configuration_url: str) -> PlatformConfiguration:
    """The platform's OpenID configuration, read from ``configuration_url``; its issuer must be
    on that URL's host, as the specification requires (else anyone could speak for a platform)."""
    if not isinstance(document, dict):
        raise LaunchRefused("openid_configuration", "not a JSON object")
    fields = {}
    for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
                 "registration_endpoint"):  # fmt: skip
        value = document.get(name)
        if not isinstance(value, str) or not value:
            raise LaunchRefused(name, "missing from the platform's configuration")
        fields[name] = value
    if urlsplit(fields["issuer"]).netloc != urlsplit(configuration_url).netloc:
        raise LaunchRefused("issuer", "not on the host that served the configuration")
    extra = document.get(PLATFORM_CONFIGURATION)
    product = str(extra.get("product_family_code", "")) if isinstance(extra, dict) else ""
    return PlatformConfiguration(**fields, product=product)


def client_registration(public_url: str, *, name: str) -> dict[str, Any]:
    """What learnloop asks the platform to register: its endpoints and keys, the messages it takes
    (launches and deep linking), and the scopes it uses (grades and rosters)."""
    base = public_url.rstrip("/")
    launch = base + "/lti/launch"
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": base + "/lti/login",
        "redirect_uris": [launch],
        "client_name": name,
        "jwks_uri": base + "/lti/jwks",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join((SCORE_SCOPE, LINE_ITEM_SCOPE, ROSTER_SCOPE)),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(base).netloc,
            "target_link_uri": launch,
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {"type": RESOURCE_LINK, "target_link_uri": launch},
                {"type": DEEP_LINKING, "target_link_uri": launch, "label": name},
            ],
        },
    }


def registered(answer: Any) -> tuple[str, str]:
    """The client id and the deployment id from the platform's answer to the registration."""
    if not isinstance(answer, dict) or not isinstance(answer.get("client_id"), str):
        raise LaunchRefused("client_id", "missing from the platform's answer")
    configuration = answer.get(TOOL_CONFIGURATION)
    deployment = configuration.get("deployment_id") if isinstance(configuration, dict) else None
    if not isinstance(deployment, str) or not deployment:
        raise LaunchRefused("deployment_id", "missing from the platform's answer")
    return answer["client_id"], deployment
